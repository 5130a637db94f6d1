"""Reading the editors' API as clients meet it: conditional GETs, the reporter's view of answers, per-client limits.

A real server on 127.0.0.1 driven by httpx; clients on other loopback addresses
(127.0.0.2, ...) stand for readers on other machines.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from conftest import REPO

from adapters import http_api
from adapters.api_access import ApiSettings
from adapters.http_api import api_routes
from adapters.serve import start_http
from bot.newsroom import Newsroom

ANNA = "anna-token-0123456789"
KREMLIN = "kremlin-open-to-putin-trump-meeting"

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@asynccontextmanager
async def _server(newsroom: Newsroom, settings: ApiSettings) -> AsyncIterator[Client]:
    """An API server on 127.0.0.1; yields a way to open clients to it from a chosen loopback address."""
    runner = await start_http([], "127.0.0.1", 0, api_routes(newsroom, settings))
    host, port = runner.addresses[0][:2]

    @asynccontextmanager
    async def connect(address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
        transport = httpx.AsyncHTTPTransport(local_address=address)
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", transport=transport, timeout=10) as opened:
            yield opened

    try:
        yield connect
    finally:
        await runner.cleanup()


@pytest.fixture
async def client(newsroom: Newsroom) -> AsyncIterator[Client]:
    """Opens clients to one API server whose reads are open, with Anna an editor."""
    async with _server(newsroom, ApiSettings({ANNA: "Anna Kowalski"}, open_reads=True)) as connect:
        yield connect


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


# the question limit is per client


async def _statuses(reader: httpx.AsyncClient, times: int, **headers: str) -> list[int]:
    """The statuses of ``times`` questions asked one after another."""
    return [
        (await reader.get("/api/ask", params={"q": "fed rates"}, headers=headers)).status_code for _ in range(times)
    ]


async def test_one_anonymous_reader_past_the_limit_does_not_lock_out_another(
    newsroom: Newsroom, client: Client
) -> None:
    """Two readers on different addresses each have their own allowance: one told to slow down, the other answered."""
    newsroom.limit_questions(2)
    async with client("127.0.0.2") as busy, client("127.0.0.3") as other:
        assert await _statuses(busy, 3) == [200, 200, 429]
        assert await _statuses(other, 1) == [200]
        refused = await busy.get("/api/ask", params={"q": "fed rates"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "5"
    assert refused.json()["error"].startswith("You're asking faster than I can keep up with")


async def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance(newsroom: Newsroom) -> None:
    """From a trusted proxy, the right-most address in X-Forwarded-For that is not a proxy is the client."""
    newsroom.limit_questions(2)
    trusted = ApiSettings(open_reads=True, trusted_proxies=(ip_network("127.0.0.1/32"),))
    async with _server(newsroom, trusted) as connect, connect("127.0.0.1") as proxy:
        # a client's own claim (left) is ignored; the proxy appended the address it saw (right)
        assert await _statuses(proxy, 3, **{"X-Forwarded-For": "10.9.9.9, 198.51.100.1"}) == [200, 200, 429]
        assert await _statuses(proxy, 1, **{"X-Forwarded-For": "10.9.9.8, 198.51.100.1"}) == [429]
        assert await _statuses(proxy, 1, **{"X-Forwarded-For": "198.51.100.2"}) == [200]
        assert await _statuses(proxy, 1) == [200]  # no header: the proxy's own address


async def test_an_untrusted_peers_x_forwarded_for_is_ignored(newsroom: Newsroom) -> None:
    """A reader who is not a trusted proxy cannot dodge the limit by sending a new X-Forwarded-For each time."""
    newsroom.limit_questions(2)
    trusted = ApiSettings(open_reads=True, trusted_proxies=(ip_network("127.0.0.1/32"),))
    async with _server(newsroom, trusted) as connect, connect("127.0.0.2") as sneaky:
        statuses = [(await _statuses(sneaky, 1, **{"X-Forwarded-For": f"198.51.100.{n}"}))[0] for n in range(1, 4)]
    assert statuses == [200, 200, 429]


async def test_an_anonymous_readers_address_is_never_logged(newsroom: Newsroom, client: Client) -> None:
    """An unanswered question is logged for the gaps as asked by an anonymous API reader, without an address."""
    async with client("127.0.0.2") as reader:
        answered = await reader.get("/api/ask", params={"q": "price of saffron on Mars"})
    assert answered.json()["status"] == "no_match"
    assert [logged.asker for logged in newsroom.store.questions()] == ["api:anonymous"]


def test_the_client_is_the_right_most_address_no_trusted_proxy_wrote() -> None:
    """Through two trusted proxies the client is found; IPv6 clients count by /64; junk stops at the last real hop."""
    settings = ApiSettings(trusted_proxies=(ip_network("10.0.0.0/8"), ip_network("2001:db8:ffff::/48")))
    assert settings.client("10.0.0.1", ["203.0.113.7, 10.1.1.1"]) == "203.0.113.7"
    assert settings.client("10.0.0.1", ["1.1.1.1, 203.0.113.7", "10.2.2.2"]) == "203.0.113.7"
    assert settings.client("10.0.0.1", ["not-an-address, 10.3.3.3"]) == "10.3.3.3"
    assert settings.client("10.0.0.1", ["[2001:db8:1:2::99]:443"]) == "2001:db8:1:2::/64"
    assert settings.client("2001:db8:1:2::5") == settings.client("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert settings.client("::ffff:203.0.113.7") == "203.0.113.7"
    assert settings.client("203.0.113.8", ["10.0.0.1"]) == "203.0.113.8"
    assert settings.client(None) == "unknown"


# the documentation


def test_every_status_the_api_answers_is_in_the_readmes_api_section() -> None:
    """Each status code written in adapters/http_api.py (every integer from 100 to 599 there is one) is documented."""
    source = Path(http_api.__file__).read_text(encoding="utf-8")
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    statuses = {token.string for token in tokens if token.type == tokenize.NUMBER and 100 <= int(token.string) < 600}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("- **The HTTP API**", 1)[1].split("\n- **", 1)[0]
    assert {"304", "400", "429"} <= statuses
    assert sorted(status for status in statuses if not re.search(rf"\b{status}\b", section)) == []
