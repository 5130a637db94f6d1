"""Signing in to the desk: attempts are limited per client address, so a script cannot guess tokens at speed."""

from __future__ import annotations

from ipaddress import ip_network

import httpx
from conftest import SAMPLE_BRIEFS, Clock
from test_desk import ANNA, _csrf

from adapters.api_access import ApiSettings
from adapters.desk.app import SIGN_IN_ATTEMPTS_PER_MINUTE, desk_routes
from adapters.desk.security import SESSION_COOKIE
from adapters.serve import start_http
from bot.newsroom import Newsroom
from bot.store import TinyStore


async def _sign_in(client: httpx.AsyncClient, token: str, address: str) -> httpx.Response:
    headers = {"X-Forwarded-For": address}
    form = await client.get("/desk/signin", headers=headers)
    return await client.post("/desk/signin", data={"csrf": _csrf(form.text), "token": token}, headers=headers)


async def test_sign_ins_past_the_limit_are_refused_for_that_address_only(clock: Clock) -> None:
    """After the minute's sign-ins from one address, even the right token is refused there (429), not elsewhere."""
    newsroom = Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS)
    api = ApiSettings({ANNA: "Anna Kowalski"}, trusted_proxies=(ip_network("127.0.0.0/8"),))
    runner = await start_http([], "127.0.0.1", 0, desk_routes(newsroom, api, 8))
    host, port = runner.addresses[0][:2]
    try:
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as client:
            for _ in range(SIGN_IN_ATTEMPTS_PER_MINUTE):
                assert (await _sign_in(client, "not-a-token-at-all-0000", "203.0.113.7")).status_code == 401
            refused = await _sign_in(client, ANNA, "203.0.113.7")
            assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
            assert "Too many sign-ins from your address" in refused.text
            assert SESSION_COOKIE not in client.cookies
            elsewhere = await _sign_in(client, ANNA, "198.51.100.20")
            assert (elsewhere.status_code, elsewhere.headers["Location"]) == (303, "/desk")
            assert SESSION_COOKIE in client.cookies
    finally:
        await runner.cleanup()
