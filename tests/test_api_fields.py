"""The API's brief fields: one set of names for reading and writing, and provenance the pusher cannot set."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPORTER
from test_api import ANNA, BEN, KREMLIN, Api, _serve
from test_cli import run

from adapters.http_api import ApiSettings
from bot.newsroom import Newsroom

PROVENANCE = ("version", "pushed_by", "pushed_at", "based_on", "channel")


@pytest.fixture
async def api(newsroom: Newsroom) -> AsyncIterator[Api]:
    """The API with two editors' tokens."""
    async for served in _serve(newsroom, ApiSettings({ANNA: "Anna Kowalski", BEN: "Ben Okafor"})):
        yield served


async def _get(api: Api, brief_id: str = KREMLIN) -> tuple[dict[str, Any], str]:
    response = await api.client.get(f"/api/briefs/{brief_id}", headers=api.as_(ANNA))
    assert response.status_code == 200, response.text
    return response.json(), response.headers["ETag"]


async def _put_json(api: Api, data: dict[str, Any], token: str = BEN, **headers: str) -> Any:
    return await api.client.put(f"/api/briefs/{data['id']}", json=data, headers=api.as_(token) | headers)


def _brief_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in data.items() if name not in PROVENANCE}


async def test_a_get_body_put_back_with_if_match_stores_the_same_brief(api: Api) -> None:
    """GET, PUT the same JSON back with If-Match, GET again: the same brief, and no new version for no change."""
    before, etag = await _get(api)
    response = await _put_json(api, before, **{"If-Match": etag})
    assert response.status_code == 200, response.text
    assert (response.json()["version"], response.json()["changed"]) == (1, False)
    after, _ = await _get(api)
    assert after == before


async def test_an_edit_sent_as_a_get_body_keeps_the_byline_and_records_the_pusher(api: Api) -> None:
    """A GET body with one field changed stores only that change: the byline stays, the token's editor pushed it."""
    before, etag = await _get(api)
    response = await _put_json(
        api, before | {"title": "Kremlin open to a Putin-Trump meeting, in Budapest"}, **{"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    assert response.json()["pushed_by"] == "Ben Okafor"
    after, _ = await _get(api)
    assert _brief_fields(after) == _brief_fields(before) | {
        "title": "Kremlin open to a Putin-Trump meeting, in Budapest"
    }
    assert (after["editor"], after["pushed_by"], after["version"], after["based_on"]) == (
        "Anna Kowalski",
        "Ben Okafor",
        2,
        1,
    )


async def test_the_byline_and_the_pusher_have_one_name_each_in_every_read(api: Api) -> None:
    """A brief, the list and the history all name the byline ``editor`` and who pushed ``pushed_by``."""
    brief, _ = await _get(api)
    listed = (await api.client.get("/api/briefs", headers=api.as_(ANNA))).json()["briefs"]
    history = (await api.client.get(f"/api/briefs/{KREMLIN}/history", headers=api.as_(ANNA))).json()["versions"]
    entry = next(item for item in listed if item["id"] == KREMLIN)
    for data in (brief, entry, history[0]):
        assert (data["editor"], data["pushed_by"]) == ("Anna Kowalski", "briefbot samples")
        assert "updated_by" not in data


async def test_provenance_sent_with_a_put_is_ignored_and_the_pusher_is_told(api: Api) -> None:
    """``pushed_by`` and the other read-only fields of a PUT are not stored; a warning says they were ignored."""
    before, etag = await _get(api)
    forged = before | {"summary": "Changed.", "pushed_by": "Anna Kowalski", "channel": "slack", "based_on": 9}
    response = await _put_json(api, forged, **{"If-Match": etag})
    assert response.status_code == 200, response.text
    warnings = response.json()["warnings"]
    assert len(warnings) == 1
    assert "pushed_by, pushed_at, based_on, channel: read-only" in warnings[0]
    version = api.newsroom.show(KREMLIN, REPORTER)
    assert (version.editor, version.channel, version.parent) == ("Ben Okafor", "api", 1)


async def test_key_points_sent_without_a_body_become_the_bodys_key_points(api: Api) -> None:
    """A JSON brief with key points and no body is stored with a body holding them, so they read back the same."""
    fields = {
        "id": "harbour-strike",
        "title": "Dockers strike at the harbour",
        "summary": "Dockers walk out over pay.",
        "updated": "2026-11-25T09:00:00+00:00",
        "key_points": ["The strike began at 6am.", "Ferries still run."],
    }
    response = await _put_json(api, fields)
    assert response.status_code == 201, response.text
    stored, _ = await _get(api, "harbour-strike")
    assert stored["key_points"] == ["The strike began at 6am.", "Ferries still run."]
    assert stored["body"] == "## Key points\n- The strike began at 6am.\n- Ferries still run.\n"


async def test_key_points_that_disagree_with_the_body_are_refused(api: Api) -> None:
    """Key points differing from the body's are refused with 422 naming the field, and nothing is stored."""
    before, etag = await _get(api)
    response = await _put_json(api, before | {"key_points": ["A point the body does not have."]}, **{"If-Match": etag})
    assert response.status_code == 422
    assert response.json()["error"].startswith(
        f"PUT /api/briefs/{KREMLIN}: key_points: expected the key points of body"
    )
    assert api.newsroom.show(KREMLIN, REPORTER).number == 1


async def test_a_remote_push_with_no_base_version_names_who_pushed_the_current_one(api: Api, tmp_path: Path) -> None:
    """``briefbot push --to`` of a file naming no version is refused, naming who pushed the brief's latest version."""
    path = tmp_path / "kremlin.md"
    path.write_text(api.kremlin_file(summary="No base.").replace("version: 1\n", ""), encoding="utf-8")
    result = await asyncio.to_thread(run, tmp_path / "local", "push", str(path), "--to", api.url, "--token", ANNA)
    assert result.returncode == 1
    assert f"refused   {KREMLIN}: it exists (v1, by briefbot samples)" in result.stderr


async def test_a_put_updated_in_the_future_gets_422_and_stores_nothing(api: Api) -> None:
    """A brief dated years ahead, which would win every "latest" question, is refused naming the field."""
    before, etag = await _get(api)
    response = await _put_json(api, before | {"updated": "2099-01-01T00:00:00+00:00"}, **{"If-Match": etag})
    assert response.status_code == 422
    assert response.json()["error"].startswith(
        f"PUT /api/briefs/{KREMLIN}: updated: expected a time at most 10 minutes ahead of now"
    )
    assert api.newsroom.show(KREMLIN, REPORTER).number == 1
