"""Several replicas on one PostgreSQL database: what each platform sends is carried out once between them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import psycopg
import pytest
from conftest import NOW, SAMPLE_BRIEFS, Clock
from fake_slack import SECRET, FakeSlack, mention_event, new_trigger_id, signed_headers, slash_body
from slack_harness import Served

from adapters.serve import start_http
from adapters.slack.app import SlackSettings, SlackSurface
from bot.newsroom import Newsroom
from bot.postgres.store import PgStore

KREMLIN_TITLE = "Kremlin says it remains open to a Putin-Trump meeting"
QUESTION = "latest Kremlin stance on a Trump meeting"

Replicas = Callable[[int], Awaitable[list[Served]]]


@pytest.fixture
async def replicas(database_url: str, fake: FakeSlack) -> AsyncIterator[Replicas]:
    """Starts replicas: each a newsroom on the same database with the Slack surface on its own port."""
    newsrooms: list[Newsroom] = []
    runners = []
    async with aiohttp.ClientSession() as session:

        async def start(count: int) -> list[Served]:
            served = []
            for _ in range(count):
                newsroom = Newsroom(PgStore(database_url), clock=Clock(NOW), samples=SAMPLE_BRIEFS)
                newsrooms.append(newsroom)
                settings = SlackSettings("xoxb-test-token", SECRET, api_url=fake.api_url)
                runner = await start_http([SlackSurface(newsroom, settings)], "127.0.0.1", 0)
                runners.append(runner)
                host, port = runner.addresses[0][:2]
                served.append(Served(f"http://{host}:{port}", fake, newsroom, session))
            return served

        yield start
        for runner in runners:
            await runner.cleanup()
    for newsroom in newsrooms:
        newsroom.close()


async def test_a_slack_retry_landing_on_another_replica_is_answered_once(replicas: Replicas) -> None:
    """An event retried by Slack to another replica, and a signed command replayed there, are answered once."""
    a, b = await replicas(2)
    assert await a.event(mention_event(QUESTION), event_id="EvTwice") == 200
    assert await b.event(mention_event(QUESTION), event_id="EvTwice", retry=1) == 200
    assert await b.event(mention_event("fed rates"), event_id="EvOnce") == 200  # a new event on B is answered
    posted = await a.wait_for("/api/chat.postMessage", count=2)
    await asyncio.sleep(0.2)
    assert len(a.fake.calls("/api/chat.postMessage")) == 2
    assert sorted(KREMLIN_TITLE in call.body["text"] for call in posted) == [False, True]

    body = slash_body(QUESTION, a.fake.response_url(), trigger_id=new_trigger_id())
    first = await a.post(body, signed_headers(body))
    again = await b.post(body, signed_headers(body))
    assert first[0] == again[0] == 200
    assert KREMLIN_TITLE in first[1]
    assert again[1] == ""  # acknowledged, not carried out again


def test_an_id_taken_by_one_replica_is_refused_to_the_other_until_it_expires(database_url: str) -> None:
    """Of two stores on one database, only the first to take an id gets it; once expired it can be taken again."""
    a, b = PgStore(database_url), PgStore(database_url)
    try:
        assert a.first_time("slack-event", "Ev1") is True
        assert b.first_time("slack-event", "Ev1") is False
        assert a.first_time("slack-event", "Ev1") is False
        assert b.first_time("slack-trigger", "Ev1") is True  # another kind is another id
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("UPDATE answered SET expires_at = now() - interval '1 second' WHERE id = 'Ev1'")
        assert b.first_time("slack-event", "Ev1") is True
        assert a.first_time("slack-event", "Ev1") is False
    finally:
        a.close()
        b.close()
