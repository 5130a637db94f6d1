"""The database down: every surface says so in the same words, stores nothing, and questions are still answered.

Each test opens a newsroom on the restartable server, stops the server (``pg_ctl stop -m fast``: every session
ends, as in a restart), and starts it again afterwards.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from conftest import EDITOR, NOW, SAMPLE_BRIEFS, Clock, write_brief
from postgres_server import PostgresServer, new_database
from slack_harness import Served
from test_cli import BRIEFBOT
from test_discord import replies, running, stand_in

from adapters.discord.bot import DiscordSettings, build_client
from adapters.http_api import ApiSettings, api_routes
from adapters.serve import start_http
from bot import wording
from bot.briefs import brief_to_markdown
from bot.newsroom import Newsroom
from bot.postgres.store import PgStore

KREMLIN = "kremlin-open-to-putin-trump-meeting"
QUESTION = "latest Kremlin stance on a Trump meeting"
TOKEN = "anna-token-0123456789"


@pytest.fixture
def url(restartable_server: PostgresServer) -> str:
    """A new database on the restartable server."""
    return new_database(restartable_server)


@pytest.fixture
def newsroom(url: str) -> Iterator[Newsroom]:
    """A newsroom holding the sample briefs, on a database of the restartable server."""
    opened = Newsroom(PgStore(url), clock=Clock(NOW), samples=SAMPLE_BRIEFS)
    yield opened
    opened.close()


@pytest.fixture
def database_down(newsroom: Newsroom, restartable_server: PostgresServer) -> Iterator[None]:
    """The server stopped once the newsroom holds its briefs, and started again after the test."""
    restartable_server.halt("fast")
    try:
        yield
    finally:
        restartable_server.resume()


@pytest.fixture
async def api(newsroom: Newsroom) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the editors' API served over the newsroom on 127.0.0.1, with an editor's token."""
    runner = await start_http([], "127.0.0.1", 0, api_routes(newsroom, ApiSettings({TOKEN: "Anna"})))
    host, port = runner.addresses[0][:2]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}", headers=headers, timeout=30) as client:
        yield client
    await runner.cleanup()


async def test_the_api_refuses_a_push_with_503_saying_the_database_cannot_be_reached(
    api: httpx.AsyncClient, newsroom: Newsroom, restartable_server: PostgresServer
) -> None:
    """With the database down a PUT gets 503, Retry-After and the database's wording with ``stored: false``, never the
    password; a question is answered from memory; once the database is back the same PUT is stored."""
    held = newsroom.ask(QUESTION, EDITOR)
    assert held.brief is not None
    edit = brief_to_markdown(
        replace(held.brief, summary="Talks are off."), held.freshness.version if held.freshness else 1
    )
    headers = {"Content-Type": "text/markdown"}
    restartable_server.halt("fast")
    try:
        refused = await api.put(f"/api/briefs/{KREMLIN}", content=edit, headers=headers)
        asked = await api.get("/api/ask", params={"q": QUESTION})
    finally:
        restartable_server.resume()
    assert refused.status_code == 503
    assert refused.headers["Retry-After"].isdigit()
    assert refused.json() == {"error": wording.DATABASE_UNAVAILABLE, "stored": False}
    assert restartable_server.password not in refused.text + str(refused.headers)
    assert (asked.status_code, asked.json()["brief"]["id"]) == (200, KREMLIN)
    async with asyncio.timeout(30):  # refused (503) until this process has its connections back, as Retry-After says
        while (stored := await api.put(f"/api/briefs/{KREMLIN}", content=edit, headers=headers)).status_code == 503:
            await asyncio.sleep(0.2)
    assert (stored.status_code, stored.json()["changed"]) == (200, True)


async def test_a_slack_command_needing_the_database_says_it_cannot_be_reached(
    served: Served, database_down: None
) -> None:
    """On Slack, ``/brief follow ID`` with the database down gets the database's wording; a question gets its brief."""
    status, reply = await served.slash(f"follow {KREMLIN}")
    assert status == 200
    assert reply["text"] == wording.DATABASE_UNAVAILABLE
    status, reply = await served.slash(QUESTION)
    assert status == 200
    assert reply["blocks"][0]["text"]["text"].startswith("Kremlin says it remains open")


async def test_a_discord_command_needing_the_database_says_it_cannot_be_reached(
    newsroom: Newsroom, database_down: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """On Discord, a mention asking ``follow ID`` with the database down gets the database's wording; a question its
    brief."""
    async with stand_in(monkeypatch) as fake:
        client = build_client(newsroom, DiscordSettings(token="fake-token"))
        async with running(client, fake, newsroom, caplog) as bot:
            await bot.mention(f"follow {KREMLIN}")
            await bot.mention(QUESTION)
        notice, answer = replies(fake)
    assert notice.body["content"] == wording.DATABASE_UNAVAILABLE
    assert answer.body["embeds"][0]["title"].startswith("Kremlin says it remains open")


def test_the_command_line_says_in_one_line_that_the_database_cannot_be_reached(
    url: str, restartable_server: PostgresServer, tmp_path: Path
) -> None:
    """``briefbot push`` with the database down prints one line (the wording, the URL without its password, why)
    and exits 1."""
    brief = write_brief(tmp_path / "briefs", "harbour-strike")
    restartable_server.halt("fast")
    try:
        result = subprocess.run(
            [BRIEFBOT, "--store", str(tmp_path / "store"), "push", str(brief)],
            capture_output=True,
            text=True,
            env={**os.environ, "BRIEFBOT_EDITOR": "Anna", "BRIEFBOT_DATABASE_URL": url},
            timeout=60,
            check=False,
        )
    finally:
        restartable_server.resume()
    assert result.returncode == 1
    assert result.stderr.startswith(f"briefbot: {wording.DATABASE_UNAVAILABLE} (postgresql://briefbot:***@")
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert restartable_server.password not in result.stderr + result.stdout
