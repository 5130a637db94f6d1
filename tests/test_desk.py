"""The editors' desk through a real server on 127.0.0.1: who may see it, its cookies and headers, and its forms."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from ipaddress import ip_network
from pathlib import Path

import httpx
import pytest
from conftest import EDITOR, REPORTER, SAMPLE_BRIEFS, Clock

from adapters.api_access import ApiSettings
from adapters.desk.app import desk_routes
from adapters.desk.security import SECURITY_HEADERS, SESSION_COOKIE
from adapters.http_api import api_routes
from adapters.serve import start_http
from bot.answers import Outcome
from bot.briefs import Brief
from bot.newsroom import Newsroom
from bot.outcomes import OutcomeLog
from bot.store import LoggedQuestion, TinyStore

ANNA = "anna-token-0123456789"
KREMLIN = "kremlin-open-to-putin-trump-meeting"
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'


@dataclass
class Served:
    """The desk and API on one server, the newsroom behind them, and a client that keeps cookies."""

    url: str
    newsroom: Newsroom
    client: httpx.AsyncClient

    async def sign_in(self, token: str = ANNA) -> httpx.Response:
        form = await self.client.get("/desk/signin")
        return await self.client.post("/desk/signin", data={"csrf": _csrf(form.text), "token": token})

    async def csrf(self, path: str = "/desk") -> str:
        return _csrf((await self.client.get(path)).text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found[1]


@asynccontextmanager
async def serving(folder: Path, clock: Clock, *, askers: bool = False) -> AsyncIterator[Served]:
    """``briefbot serve``'s API and desk over the sample briefs in a store in ``folder``, with Anna's token."""
    store = TinyStore(folder)
    outcomes = OutcomeLog(store.outcomes, askers=askers)
    newsroom = Newsroom(store, clock=clock, samples=SAMPLE_BRIEFS, outcomes=outcomes)
    api = ApiSettings({ANNA: "Anna Kowalski"})
    runner = await start_http([], "127.0.0.1", 0, api_routes(newsroom, api) + desk_routes(newsroom, api, 8))
    host, port = runner.addresses[0][:2]
    url = f"http://{host}:{port}"
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        yield Served(url, newsroom, client)
    await runner.cleanup()


@pytest.fixture
async def served(tmp_path: Path, clock: Clock) -> AsyncIterator[Served]:
    """``briefbot serve``'s API and desk over the sample briefs in a store on disk, with Anna's token."""
    async with serving(tmp_path, clock) as server:
        yield server


PAGES = ["/desk", "/desk/gaps", "/desk/stale", "/desk/briefs", f"/desk/briefs/{KREMLIN}", "/desk/new"]


@pytest.mark.parametrize("path", PAGES)
async def test_no_page_is_shown_without_signing_in(served: Served, path: str) -> None:
    """Every desk page sends an anonymous visitor to the sign-in page, with nothing of the page."""
    response = await served.client.get(path)
    assert (response.status_code, response.headers["Location"]) == (303, "/desk/signin")
    assert "Kremlin" not in response.text


async def test_a_token_that_is_not_an_editors_is_refused_and_no_session_is_made(served: Served) -> None:
    """A wrong token gets 401 and the sign-in page again, and no session cookie."""
    response = await served.sign_in("not-a-token-0123456789")
    assert response.status_code == 401
    assert "not an editor" in response.text
    assert SESSION_COOKIE not in served.client.cookies
    assert (await served.client.get("/desk")).status_code == 303


async def test_signing_in_sets_an_httponly_strict_expiring_cookie_and_shows_the_overview(served: Served) -> None:
    """The session cookie is HttpOnly, SameSite=Strict, for /desk only, with a Max-Age; the overview follows."""
    response = await served.sign_in()
    assert (response.status_code, response.headers["Location"]) == (303, "/desk")
    cookie = next(c for c in response.headers.get_list("Set-Cookie") if c.startswith(SESSION_COOKIE + "="))
    assert {"HttpOnly", "SameSite=Strict", "Path=/desk", "Max-Age=28800"} <= {p.strip() for p in cookie.split(";")}
    assert "Secure" not in cookie  # plain HTTP here; behind HTTPS it is Secure (next test)
    overview = await served.client.get("/desk")
    assert overview.status_code == 200
    assert "Anna Kowalski" in overview.text
    assert "Briefs by status" in overview.text


async def test_the_cookie_is_secure_behind_https_from_a_trusted_proxy(tmp_path: Path, clock: Clock) -> None:
    """Through a trusted proxy that says the browser used HTTPS, the session cookie is marked Secure."""
    newsroom = Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS)
    api = ApiSettings({ANNA: "Anna Kowalski"}, trusted_proxies=(ip_network("127.0.0.0/8"),))
    runner = await start_http([], "127.0.0.1", 0, desk_routes(newsroom, api, 8))
    host, port = runner.addresses[0][:2]
    try:
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", headers={"X-Forwarded-Proto": "https"}) as c:
            form = await c.get("/desk/signin")
            pre = form.headers["Set-Cookie"]
            assert "Secure" in pre  # so a client on plain HTTP does not send it back: the test does
            headers = {"Cookie": pre.split(";")[0]}
            response = await c.post("/desk/signin", data={"csrf": _csrf(form.text), "token": ANNA}, headers=headers)
        cookie = next(c for c in response.headers.get_list("Set-Cookie") if c.startswith(SESSION_COOKIE + "="))
        assert "Secure" in cookie
    finally:
        await runner.cleanup()


async def test_a_session_ends_when_it_expires(served: Served, clock: Clock) -> None:
    """Nine hours after signing in (sessions last eight), the desk asks to sign in again."""
    await served.sign_in()
    clock.now += timedelta(hours=9)
    assert (await served.client.get("/desk")).status_code == 303


async def test_every_page_has_a_strict_content_security_policy(served: Served) -> None:
    """The sign-in page and every page after it forbid script, frames and other sites' styles."""
    responses = [await served.client.get("/desk/signin")]
    await served.sign_in()
    responses += [await served.client.get(path) for path in PAGES]
    for response in responses:
        assert response.status_code == 200, response.url
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
        assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none' covers it
        assert "<script" not in response.text


async def test_a_form_without_its_token_or_from_another_site_is_refused(served: Served) -> None:
    """A signed-in editor's POST without the form token, or with the token but another site's Origin, does nothing."""
    await served.sign_in()
    before = served.newsroom.show(KREMLIN, EDITOR).number
    path = f"/desk/briefs/{KREMLIN}/still-right"
    missing = await served.client.post(path, data={"version": str(before)})
    token = await served.csrf()
    forged = await served.client.post(
        path, data={"version": str(before), "csrf": token}, headers={"Origin": "https://evil.example"}
    )
    wrong = await served.client.post(path, data={"version": str(before), "csrf": token + "x"})
    cross = await served.client.post(
        path, data={"version": str(before), "csrf": token}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert [r.status_code for r in (missing, forged, wrong, cross)] == [403, 403, 403, 403]
    assert served.newsroom.show(KREMLIN, EDITOR).number == before
    sign_in = await served.client.post("/desk/signin", data={"csrf": "made-up", "token": ANNA})
    assert sign_in.status_code == 403


async def test_a_hostile_brief_is_shown_escaped_on_every_page_it_appears(served: Served, clock: Clock) -> None:
    """Markup in a brief's title, bottom line and body reaches the page as text, never as tags."""
    hostile = Brief(
        "hostile-brief",
        f"Title {HOSTILE}",
        f"Summary {HOSTILE}.",
        clock.now,
        body=f"## Key points\n- {HOSTILE}",
        review_by=date(2026, 1, 1),
    )
    served.newsroom.push(hostile, editor="Mallory", channel="cli")
    served.newsroom.store.log_question(LoggedQuestion(HOSTILE, "r", clock.now))
    await served.sign_in()
    for path in ["/desk", "/desk/gaps", "/desk/stale", "/desk/briefs", "/desk/briefs/hostile-brief"]:
        page = (await served.client.get(path)).text
        assert "<script>window" not in page, path
        assert "<img src=x" not in page, path
    page = (await served.client.get("/desk/briefs/hostile-brief")).text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page


async def test_still_right_makes_a_new_version_with_the_review_date_moved_on(served: Served, clock: Clock) -> None:
    """ "Still right" on a stale brief pushes a version by the signed-in editor, reviewed 14 days from today."""
    await served.sign_in()
    stale = served.newsroom.briefs(EDITOR)
    brief = next(v for v in stale if v.brief.stale_at(clock.now))
    response = await served.client.post(
        f"/desk/briefs/{brief.brief.id}/still-right", data={"csrf": await served.csrf(), "version": str(brief.number)}
    )
    assert response.status_code == 303
    latest = served.newsroom.show(brief.brief.id, EDITOR)
    assert (latest.number, latest.editor, latest.channel) == (brief.number + 1, "Anna Kowalski", "desk")
    assert latest.brief.review_by == date(2026, 12, 9)


async def test_still_right_moves_the_review_on_by_the_step_picked_and_only_a_listed_one(
    served: Served, clock: Clock
) -> None:
    """Picking 30 days reviews the brief 30 days from today; a step not offered is refused and changes nothing."""
    await served.sign_in()
    brief = next(v for v in served.newsroom.briefs(EDITOR) if v.brief.stale_at(clock.now))
    path, csrf = f"/desk/briefs/{brief.brief.id}/still-right", await served.csrf("/desk/stale")
    refused = await served.client.post(path, data={"csrf": csrf, "version": str(brief.number), "days": "45"})
    assert (refused.status_code, served.newsroom.show(brief.brief.id, EDITOR).number) == (400, brief.number)
    assert "7, 14, 30, 90 days away, not &#39;45&#39;" in refused.text
    moved = await served.client.post(path, data={"csrf": csrf, "version": str(brief.number), "days": "30"})
    assert moved.status_code == 303
    assert served.newsroom.show(brief.brief.id, EDITOR).brief.review_by == date(2026, 12, 25)


async def test_an_edit_refused_by_the_brief_checks_says_why_beside_the_field(served: Served) -> None:
    """A source without a link comes back as 422 with the command line's message beside the sources field."""
    await served.sign_in()
    page = (await served.client.get(f"/desk/briefs/{KREMLIN}/edit")).text
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    values["sources"] = "A source with no link"
    values |= {"title": "Kremlin stance", "summary": "The Kremlin is open to a meeting.", "status": "published"}
    response = await served.client.post(f"/desk/briefs/{KREMLIN}/edit", data=values)
    assert response.status_code == 422
    assert re.search(r'id="e-sources">sources \(line 1\): expected Title \| https://', response.text)
    assert 'value="Kremlin stance"' in response.text  # what was typed is kept


async def test_a_colleagues_push_meanwhile_shows_their_version_and_keeps_what_was_typed(served: Served) -> None:
    """An edit based on v1 after a colleague pushed v2 is 409 with their version, the difference and the typed text."""
    await served.sign_in()
    page = (await served.client.get(f"/desk/briefs/{KREMLIN}/edit")).text
    values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    current = served.newsroom.show(KREMLIN, EDITOR)
    served.newsroom.push(
        replace(current.brief, title="Colleague's title"),
        editor="Ben Okafor",
        channel="api",
        expected_version=current.number,
    )
    values |= {"title": "My title", "summary": "My bottom line.", "status": "published", "body": current.brief.body}
    response = await served.client.post(f"/desk/briefs/{KREMLIN}/edit", data=values)
    assert response.status_code == 409
    assert "Their version: v2 by Ben Okafor" in response.text
    assert "title: Colleague&#39;s title" in response.text
    assert 'value="My title"' in response.text
    assert 'name="based_on" value="2"' in response.text
    values["based_on"] = "2"
    merged = await served.client.post(f"/desk/briefs/{KREMLIN}/edit", data=values)
    assert merged.status_code == 303
    assert served.newsroom.show(KREMLIN, EDITOR).brief.title == "My title"


async def test_the_overview_counts_outcomes_from_the_log(served: Served) -> None:
    """Questions asked over the API show in the overview's picture of questions a day, by outcome."""
    await served.sign_in()
    headers = {"Authorization": f"Bearer {ANNA}"}
    await served.client.get("/api/ask", params={"q": "latest Kremlin stance on a Trump meeting"}, headers=headers)
    await served.client.get("/api/ask", params={"q": "zebra crossing bylaws in Tallinn"}, headers=headers)
    assert served.newsroom.outcomes is not None
    assert [
        r.outcome for r in served.newsroom.outcomes.since(datetime(2026, 1, 1, tzinfo=UTC), served.newsroom.now())
    ] == [
        Outcome.ANSWER,
        Outcome.NO_MATCH,
    ]
    page = (await served.client.get("/desk")).text
    assert "2 in all, 1 answered, 0 choices, 1 no match" in page
    assert "Kremlin says it remains open to a Putin-Trump meeting: 1" in page
    assert REPORTER.name  # questions over the API are answered as reporters see briefs
