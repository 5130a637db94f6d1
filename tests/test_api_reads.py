"""Reading the editors' API as clients meet it: conditional GETs, the reporter's view of answers, per-client limits.

A real server on 127.0.0.1 driven by httpx; clients on other loopback addresses
(127.0.0.2, ...) stand for readers on other machines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

from adapters.api_access import ApiSettings
from adapters.http_api import api_routes
from adapters.serve import start_http
from bot.newsroom import Newsroom

ANNA = "anna-token-0123456789"
KREMLIN = "kremlin-open-to-putin-trump-meeting"

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
async def client(newsroom: Newsroom) -> AsyncIterator[Client]:
    """Opens clients, from a chosen loopback address, to one API server (reads open, Anna an editor)."""
    settings = ApiSettings({ANNA: "Anna Kowalski"}, open_reads=True)
    runner = await start_http([], "127.0.0.1", 0, api_routes(newsroom, settings))
    host, port = runner.addresses[0][:2]

    @asynccontextmanager
    async def connect(address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.AsyncHTTPTransport(local_address=address)
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", transport=transport, timeout=10) as opened:
            yield opened

    yield connect
    await runner.cleanup()


# conditional GETs (RFC 9110, 13.1.2)


@pytest.mark.parametrize(
    ("if_none_match", "status"),
    [
        ('"1"', 304),
        ('W/"1"', 304),  # If-None-Match compares weakly
        ("*", 304),  # any current representation
        ('"0", W/"7", "1"', 304),  # a list of entity tags
        ('"2"', 200),
        ('W/"2", "10"', 200),
        ('"*"', 200),  # a quoted star is an entity tag like any other, not "any"
    ],
)
async def test_if_none_match_gives_304_for_a_matching_tag_a_weak_one_a_list_or_a_star(
    client: Client, if_none_match: str, status: int
) -> None:
    """GET of a brief at v1 is 304 (with its ETag) when If-None-Match names v1 weakly or in a list, or is *."""
    async with client() as reader:
        response = await reader.get(f"/api/briefs/{KREMLIN}", headers={"If-None-Match": if_none_match})
    assert response.status_code == status
    assert response.headers["ETag"] == '"1"'
    assert (response.content == b"") == (status == 304)


# /api/ask answers as a reporter sees briefs

DRAFT = "sudan-aid-access-talks"
DRAFT_QUESTION = "humanitarian pauses in Darfur and Kordofan"


def _answered(response: httpx.Response) -> str | None:
    assert response.status_code == 200, response.text
    brief = response.json()["brief"]
    return None if brief is None else str(brief["id"])


async def test_ask_with_an_editors_token_answers_as_a_reporter_unless_the_editor_view_is_asked_for(
    client: Client,
) -> None:
    """An editor's token alone never brings a draft into an answer; ?view=editor does, for editors only."""
    editor = {"Authorization": f"Bearer {ANNA}"}
    async with client() as reader:
        as_reporter = await reader.get("/api/ask", params={"q": DRAFT_QUESTION}, headers=editor)
        said_reporter = await reader.get("/api/ask", params={"q": DRAFT_QUESTION, "view": "reporter"}, headers=editor)
        as_editor = await reader.get("/api/ask", params={"q": DRAFT_QUESTION, "view": "editor"}, headers=editor)
        anonymous = await reader.get("/api/ask", params={"q": DRAFT_QUESTION, "view": "editor"})
        unknown = await reader.get("/api/ask", params={"q": DRAFT_QUESTION, "view": "everything"}, headers=editor)
    assert _answered(as_reporter) != DRAFT
    assert _answered(said_reporter) == _answered(as_reporter)
    assert _answered(as_editor) == DRAFT
    assert anonymous.status_code == 401
    assert anonymous.json()["error"] == "the editor view needs an editor's token: Authorization: Bearer TOKEN"
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "view: expected reporter (the default) or editor, found 'everything'"
