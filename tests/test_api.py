"""The editors' HTTP API through a real server on 127.0.0.1, driven by httpx, and ``briefbot push`` against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import REPORTER, write_brief
from test_cli import run

from adapters.http_api import ApiSettings, api_routes
from adapters.serve import MAX_BODY_BYTES, start_http
from bot.briefs import brief_to_markdown
from bot.newsroom import Newsroom

ANNA = "anna-token-0123456789"
BEN = "ben-token-0123456789ab"
KREMLIN = "kremlin-open-to-putin-trump-meeting"
DRAFT = "sudan-aid-access-talks"


@dataclass
class Api:
    """The running API and the newsroom behind it."""

    url: str
    newsroom: Newsroom
    client: httpx.AsyncClient

    def as_(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    async def put(self, brief_id: str, text: str, token: str | None = ANNA, **headers: str) -> httpx.Response:
        headers = {"Content-Type": "text/markdown", **self.as_(token), **headers}
        return await self.client.put(f"/api/briefs/{brief_id}", content=text.encode(), headers=headers)

    def kremlin_file(self, **changes: Any) -> str:
        """The Kremlin brief as an editor would edit it: its file, with some fields changed."""
        version = self.newsroom.show(KREMLIN, REPORTER)
        return brief_to_markdown(replace(version.brief, **changes), version.number)


async def _serve(newsroom: Newsroom, settings: ApiSettings) -> AsyncIterator[Api]:
    runner = await start_http([], "127.0.0.1", 0, api_routes(newsroom, settings))
    host, port = runner.addresses[0][:2]
    url = f"http://{host}:{port}"
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        yield Api(url, newsroom, client)
    await runner.cleanup()


@pytest.fixture
async def api(newsroom: Newsroom) -> AsyncIterator[Api]:
    """The API with two editors' tokens, reads needing a token."""
    async for served in _serve(newsroom, ApiSettings({ANNA: "Anna Kowalski", BEN: "Ben Okafor"})):
        yield served


@pytest.fixture
async def open_api(newsroom: Newsroom) -> AsyncIterator[Api]:
    """The API with reads open to anyone."""
    async for served in _serve(newsroom, ApiSettings({ANNA: "Anna Kowalski"}, open_reads=True)):
        yield served


# writing


async def test_put_with_if_match_stores_a_new_version_recorded_to_the_editor(api: Api) -> None:
    """A PUT of a brief file based on the latest version stores v2 by the token's editor, via the API."""
    response = await api.put(KREMLIN, api.kremlin_file(summary="The Kremlin now rules out a meeting this year."))
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"2"'
    assert response.json() | {"warnings": []} == {
        "id": KREMLIN,
        "version": 2,
        "previous": 1,
        "changed": True,
        "pushed_by": "Anna Kowalski",
        "warnings": [],
    }
    version = api.newsroom.show(KREMLIN, REPORTER)
    assert (version.number, version.editor, version.channel, version.parent) == (2, "Anna Kowalski", "api", 1)


async def test_put_as_json_fields_creates_a_brief(api: Api) -> None:
    """The same fields as JSON (with the body as a field) create a new brief, answered 201 with its ETag."""
    fields = {
        "id": "harbour-strike",
        "title": "Dockers strike at the harbour",
        "summary": "Dockers walk out over pay.",
        "updated": "2026-11-25T09:00:00+00:00",
        "body": "## Key points\n- The strike began at 6am.",
    }
    response = await api.client.put("/api/briefs/harbour-strike", json=fields, headers=api.as_(BEN))
    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"1"'
    assert api.newsroom.show("harbour-strike", REPORTER).brief.key_points == ("The strike began at 6am.",)


async def test_a_stale_edit_gets_412_with_who_moved_it_on_and_stores_nothing(api: Api) -> None:
    """An edit based on v1 after Ben pushed v2 is refused with 412, naming v2 and Ben; nothing is stored."""
    anna_started_from = api.kremlin_file(summary="Anna's edit.")
    assert (await api.put(KREMLIN, api.kremlin_file(summary="Ben's edit."), token=BEN)).status_code == 200
    response = await api.put(KREMLIN, anna_started_from)
    assert response.status_code == 412
    body = response.json()
    assert (body["current_version"], body["current_pushed_by"]) == (2, "Ben Okafor")
    assert "based on v1, but the latest is v2 by Ben Okafor at " in body["error"]
    assert api.newsroom.show(KREMLIN, REPORTER).brief.summary == "Ben's edit."


async def test_if_match_header_wins_over_the_files_version(api: Api) -> None:
    """An ``If-Match`` ETag from a GET is the version the edit is based on."""
    text = api.kremlin_file(summary="Edited.").replace("version: 1\n", "")
    assert (await api.put(KREMLIN, text, **{"If-Match": '"7"'})).status_code == 412
    assert (await api.put(KREMLIN, text, **{"If-Match": '"1"'})).status_code == 200
    assert (await api.put(KREMLIN, text, **{"If-Match": "latest"})).status_code == 400


async def test_a_put_without_a_base_version_is_refused_with_428_unless_forced(api: Api) -> None:
    """Overwriting an existing brief without saying which version it is based on needs ?force=true."""
    text = api.kremlin_file(summary="Overwritten.").replace("version: 1\n", "")
    response = await api.put(KREMLIN, text)
    assert response.status_code == 428
    assert response.json()["current_version"] == 1
    assert api.newsroom.show(KREMLIN, REPORTER).number == 1
    forced = await api.client.put(f"/api/briefs/{KREMLIN}?force=true", content=text.encode(), headers=api.as_(ANNA))
    assert forced.status_code == 200
    assert api.newsroom.show(KREMLIN, REPORTER).brief.summary == "Overwritten."


async def test_two_editors_racing_on_one_brief_one_wins_and_the_other_gets_a_conflict(api: Api) -> None:
    """Two PUTs based on the same version at once: exactly one is stored, the other gets 412; no version is lost."""
    texts = [api.kremlin_file(summary=f"Edit by {who}.") for who in ("Anna", "Ben")]
    responses = await asyncio.gather(api.put(KREMLIN, texts[0], token=ANNA), api.put(KREMLIN, texts[1], token=BEN))
    assert sorted(r.status_code for r in responses) == [200, 412]
    history = api.newsroom.history(KREMLIN, REPORTER)
    assert [v.number for v in history] == [1, 2]


@pytest.mark.parametrize(
    ("token", "status"),
    [pytest.param(None, 401, id="no-token"), pytest.param("wrong-token-0123456789", 401, id="wrong-token")],
)
async def test_writes_need_an_editors_token(api: Api, token: str | None, status: int) -> None:
    """A PUT with no token or an unknown one is refused with 401 and a challenge, and nothing is stored."""
    response = await api.put(KREMLIN, api.kremlin_file(summary="Intruder."), token=token)
    assert response.status_code == status
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert api.newsroom.show(KREMLIN, REPORTER).number == 1


@pytest.mark.parametrize(
    ("text", "content_type", "fragment"),
    [
        pytest.param("no front matter", "text/markdown", "front matter: expected YAML front matter", id="markdown"),
        pytest.param("---\nid: [unclosed\n---\n", "text/markdown", "front matter: expected valid YAML", id="yaml"),
        pytest.param("{not json", "application/json", "body: expected JSON", id="json"),
        pytest.param('["a", "list"]', "application/json", "body: expected a JSON object", id="json-list"),
        pytest.param(
            "---\nid: kremlin-open-to-putin-trump-meeting\ntitle: T\nsummary: S.\nupdated: yesterday\n---\n",
            "text/markdown",
            "updated: expected an ISO 8601 date and time",
            id="bad-date",
        ),
        pytest.param(
            "---\nid: another-brief\ntitle: T\nsummary: S.\nupdated: 2026-11-25T09:00:00+00:00\n---\n",
            "text/markdown",
            "id: expected 'kremlin-open-to-putin-trump-meeting', the id in the address",
            id="id-mismatch",
        ),
    ],
)
async def test_bad_briefs_get_422_with_the_command_lines_message(
    api: Api, text: str, content_type: str, fragment: str
) -> None:
    """Malformed front matter, YAML, JSON or fields get 422 naming where and what, and nothing is stored."""
    response = await api.put(KREMLIN, text, **{"Content-Type": content_type})
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"PUT /api/briefs/{KREMLIN}: ")
    assert fragment in response.json()["error"]
    assert api.newsroom.show(KREMLIN, REPORTER).number == 1


async def test_an_oversized_body_gets_413_and_stores_nothing(api: Api) -> None:
    """A body over the limit is refused with 413 as JSON."""
    response = await api.put(KREMLIN, api.kremlin_file(body="x" * (MAX_BODY_BYTES + 1)))
    assert response.status_code == 413
    assert response.json() == {"error": "body too large"}
    assert api.newsroom.show(KREMLIN, REPORTER).number == 1


@pytest.mark.parametrize("path", ["/api/briefs/..%2F..%2Fetc%2Fpasswd", "/api/briefs/Kremlin", "/api/briefs/a b"])
async def test_odd_ids_and_traversal_attempts_are_unknown_briefs(api: Api, path: str) -> None:
    """Ids that are not slugs, escaped slashes included, are simply unknown: 404 as JSON, no file touched."""
    response = await api.client.get(path, headers=api.as_(ANNA))
    assert response.status_code == 404
    assert "error" in response.json()
    put = await api.client.put(path, content=b"---\nid: x\n---\n", headers=api.as_(ANNA))
    assert put.status_code in (404, 422)


async def test_unknown_routes_and_methods_get_json_404_and_405(api: Api) -> None:
    """An unknown route is a JSON 404 and a wrong method a JSON 405 with Allow."""
    missing = await api.client.get("/api/nothing-here")
    assert (missing.status_code, missing.json()) == (404, {"error": "no such route"})
    wrong = await api.client.delete(f"/api/briefs/{KREMLIN}", headers=api.as_(ANNA))
    assert wrong.status_code == 405
    assert wrong.json() == {"error": "DELETE is not allowed here"}
    assert "PUT" in wrong.headers["Allow"]


# reading


async def test_reads_need_a_token_unless_open_and_never_show_drafts_to_the_public(api: Api, open_api: Api) -> None:
    """Without a token reads are refused (or, when open, see only published briefs); an editor sees drafts."""
    assert (await api.client.get("/api/briefs")).status_code == 401
    listed = (await api.client.get("/api/briefs", headers=api.as_(ANNA))).json()["briefs"]
    assert DRAFT in {entry["id"] for entry in listed}
    public = (await open_api.client.get("/api/briefs")).json()["briefs"]
    assert KREMLIN in {entry["id"] for entry in public}
    assert DRAFT not in {entry["id"] for entry in public}
    assert (await open_api.client.get(f"/api/briefs/{DRAFT}")).status_code == 404
    assert (await open_api.client.get(f"/api/briefs/{DRAFT}/history")).status_code == 404


async def test_get_brief_carries_its_version_as_etag(api: Api) -> None:
    """GET answers the brief with ETag = version, and 304 when the caller already has that version."""
    response = await api.client.get(f"/api/briefs/{KREMLIN}", headers=api.as_(ANNA))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    data = response.json()
    title = api.newsroom.show(KREMLIN, REPORTER).brief.title
    assert (data["id"], data["version"], data["title"]) == (KREMLIN, 1, title)
    again = await api.client.get(f"/api/briefs/{KREMLIN}", headers=api.as_(ANNA) | {"If-None-Match": '"1"'})
    assert again.status_code == 304


async def test_history_lists_versions_with_who_when_how_and_what_changed(api: Api) -> None:
    """History shows who pushed every version, when, through which channel, its base version and what it changed."""
    await api.put(KREMLIN, api.kremlin_file(summary="Changed bottom line."), token=BEN)
    versions = (await api.client.get(f"/api/briefs/{KREMLIN}/history", headers=api.as_(ANNA))).json()["versions"]
    assert [(v["version"], v["based_on"], v["pushed_by"], v["channel"]) for v in versions] == [
        (1, None, "briefbot samples", "samples"),
        (2, 1, "Ben Okafor", "api"),
    ]
    assert versions[1]["changes"] == "bottom line changed"
    assert [v["compared_with"] for v in versions] == [None, 1]


async def test_ask_answers_with_the_same_json_as_the_command_line(open_api: Api) -> None:
    """GET /api/ask?q= answers with ``briefbot ask --json``'s object."""
    response = await open_api.client.get("/api/ask", params={"q": "latest Kremlin stance on a Trump meeting"})
    data = response.json()
    assert (data["status"], data["brief"]["id"], data["brief"]["version"]) == ("answer", KREMLIN, 1)
    assert set(data) == {"query", "status", "brief", "score", "alternatives", "corrections"}
    assert (await open_api.client.get("/api/ask")).status_code == 400


# briefbot push


async def test_push_to_a_server_sends_the_base_version_and_moves_the_file_on(api: Api, tmp_path: Path) -> None:
    """``briefbot push --to`` pushes a file based on v1, prints v1 -> v2, and rewrites the file's version to 2."""
    path = tmp_path / "kremlin.md"
    path.write_text(api.kremlin_file(summary="Pushed from a laptop."), encoding="utf-8")
    result = await asyncio.to_thread(run, tmp_path / "local", "push", str(path), "--to", api.url, "--token", ANNA)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"updated   {KREMLIN} v1 -> v2"
    assert "version: 2\n" in path.read_text(encoding="utf-8")
    assert api.newsroom.show(KREMLIN, REPORTER).editor == "Anna Kowalski"
    path.write_text(path.read_text(encoding="utf-8").replace("a laptop", "a train"), encoding="utf-8")
    again = await asyncio.to_thread(run, tmp_path / "local", "push", str(path), "--to", api.url, "--token", ANNA)
    assert again.stdout.strip() == f"updated   {KREMLIN} v2 -> v3"


async def test_push_to_a_server_reports_a_conflict_with_who_and_exits_non_zero(api: Api, tmp_path: Path) -> None:
    """A remote push whose base is stale prints who changed the brief and when, exits 1, and leaves the file."""
    path = tmp_path / "kremlin.md"
    path.write_text(api.kremlin_file(summary="My stale edit."), encoding="utf-8")
    await api.put(KREMLIN, api.kremlin_file(summary="Ben got there first."), token=BEN)
    env = {"BRIEFBOT_TOKEN": ANNA}
    result = await asyncio.to_thread(run, tmp_path / "local", "push", str(path), "--to", api.url, env=env)
    assert result.returncode == 1
    assert "conflict" in result.stderr
    assert "the latest is v2 by Ben Okafor at " in result.stderr
    assert "version: 1\n" in path.read_text(encoding="utf-8")


def test_push_to_an_unreachable_server_says_so_without_a_traceback(tmp_path: Path) -> None:
    """A server that is not there gives one clear line and exit status 1."""
    path = write_brief(tmp_path / "files", "harbour-strike")
    result = run(tmp_path / "local", "push", str(path), "--to", "http://127.0.0.1:9", "--token", ANNA)
    assert result.returncode == 1
    assert result.stderr.startswith("briefbot: http://127.0.0.1:9: cannot be reached")
    assert "Traceback" not in result.stderr


def test_local_push_checks_the_base_version_too(tmp_path: Path) -> None:
    """Without --to, push writes the local store with the same conflict check and moves the file's version on."""
    store = tmp_path / "store"
    path = write_brief(tmp_path / "files", "harbour-strike")
    assert run(store, "push", str(path)).stdout.strip() == "added     harbour-strike v1"
    assert "version: 1\n" in path.read_text(encoding="utf-8")
    stale = tmp_path / "stale.md"
    stale.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("Title of", "New title of"), encoding="utf-8")
    assert run(store, "push", str(path)).stdout.strip() == "updated   harbour-strike v1 -> v2"
    stale.write_text(stale.read_text(encoding="utf-8").replace("Title of", "Other title of"), encoding="utf-8")
    result = run(store, "--as", "Ben", "push", str(stale))
    assert result.returncode == 1
    assert "based on v1, but the latest is v2 by Test Editor" in result.stderr
    unversioned = write_brief(tmp_path / "other", "harbour-strike", title="No base")
    refused = run(store, "push", str(unversioned))
    assert refused.returncode == 1
    assert "does not say which version it is based on" in refused.stderr
    assert run(store, "push", "--force", str(unversioned)).returncode == 0


def test_push_without_a_token_for_a_server_is_a_usage_error(tmp_path: Path) -> None:
    """--to with no token anywhere is refused before anything is sent."""
    path = write_brief(tmp_path / "files", "harbour-strike")
    result = run(tmp_path / "store", "push", str(path), "--to", "http://127.0.0.1:9")
    assert result.returncode == 2
    assert "needs your editor's token" in result.stderr
