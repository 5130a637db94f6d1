"""Follow messages for a platform no replica serves: given up after the hour, not left in the outbox for ever, and
told on ``/healthz``, ``/metrics``, in the log and by ``briefbot check``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from conftest import NOW, SAMPLE_BRIEFS, Clock
from test_cli import run

from adapters.serve import start_http
from bot.brief_store import Notice, OutboxCounts
from bot.newsroom import Newsroom
from bot.postgres.store import PgStore

SLACK = Notice("city-budget-vote", 2, "slack:C1", "Updated: City council votes on the budget (v2)")
DISCORD = Notice("city-budget-vote", 2, "discord:42", "Updated: City council votes on the budget (v2)")


@pytest.fixture
def store(database_url: str) -> Iterator[PgStore]:
    """A replica's store on the test's database."""
    opened = PgStore(database_url)
    yield opened
    opened.close()


def _waited(url: str, follower: str, minutes: int) -> None:
    """Make the follower's update look put ``minutes`` ago, as if that long had passed."""
    with psycopg.connect(url) as connection:
        connection.execute(
            "UPDATE outbox SET put_at = now() - make_interval(mins => %s) WHERE follower = %s", (minutes, follower)
        )


def test_an_update_no_replica_posted_within_the_hour_is_given_up_counted_and_warned_of(
    store: PgStore, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A Discord update that waited two hours with only Slack served is given up at the next claim: a replica that
    serves Discord later does not post it, it is counted by platform, and a warning names the platform."""
    assert store.outbox is not None
    assert store.outbox.put([SLACK, DISCORD]) == 2
    _waited(database_url, DISCORD.follower, 120)
    with caplog.at_level(logging.WARNING, "briefbot.outbox"), store.outbox.claim(["slack"], 10) as claimed:
        assert claimed == [SLACK]
    assert "1 follow message(s) for discord were given up" in caplog.text
    assert store.outbox.counts() == OutboxCounts(waiting={}, expired={"discord": 1})
    with store.outbox.claim(["discord"], 10) as late:
        assert late == []
    assert store.outbox.put([DISCORD]) == 0  # a replica hearing of the version late does not put it again


def test_an_update_waiting_less_than_the_hour_is_posted_when_a_replica_serves_its_platform(
    store: PgStore, database_url: str
) -> None:
    """A Discord update that waited 30 minutes (a standby taking Discord over, a restart) still waits, is counted as
    waiting, and is posted by the first replica that serves Discord."""
    assert store.outbox is not None
    store.outbox.put([DISCORD])
    _waited(database_url, DISCORD.follower, 30)
    with store.outbox.claim(["slack"], 10) as claimed:
        assert claimed == []
    assert store.outbox.counts() == OutboxCounts(waiting={"discord": 1}, expired={})
    with store.outbox.claim(["discord"], 10) as posted:
        assert posted == [DISCORD]
    assert store.outbox.counts() == OutboxCounts(waiting={}, expired={})


async def test_healthz_and_metrics_count_updates_waiting_and_given_up_by_platform(
    store: PgStore, database_url: str
) -> None:
    """``/healthz`` shows the outbox's waiting and given-up updates by platform, and ``/metrics`` has them as gauges."""
    newsroom = Newsroom(store, clock=Clock(NOW), samples=SAMPLE_BRIEFS)
    assert store.outbox is not None
    store.outbox.put([SLACK, DISCORD])
    _waited(database_url, DISCORD.follower, 120)
    runner = await start_http([], "127.0.0.1", 0, (), newsroom)
    try:
        host, port = runner.addresses[0][:2]
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=10) as client:
            before = (await client.get("/healthz")).json()
            with store.outbox.claim([], 10):  # a replica serving nothing looks, and gives the Discord update up
                pass
            after = (await client.get("/healthz")).json()
            metrics = (await client.get("/metrics")).text
    finally:
        await runner.cleanup()
    assert before["outbox"] == {"waiting": {"discord": 1, "slack": 1}, "expired": {}}
    assert after["outbox"] == {"waiting": {"slack": 1}, "expired": {"discord": 1}}
    assert re.search(r'^briefbot_outbox_expired\{platform="discord"\} 1\.0$', metrics, re.MULTILINE)
    assert re.search(r'^briefbot_outbox_waiting\{platform="slack"\} 1\.0$', metrics, re.MULTILINE)


def test_check_reports_updates_given_up_and_updates_waiting_past_the_hour(
    store: PgStore, database_url: str, tmp_path: Path
) -> None:
    """``briefbot check`` on the database names the platform of updates given up and of updates still waiting past
    the hour (no replica running to give them up), and fails; with none, the database is healthy."""
    env = {"BRIEFBOT_DATABASE_URL": database_url}
    assert run(tmp_path, "check", env=env).returncode == 0
    assert store.outbox is not None
    store.outbox.put([SLACK, DISCORD])
    _waited(database_url, DISCORD.follower, 120)
    with store.outbox.claim(["slack"], 10):
        pass
    late = Notice("city-budget-vote", 3, "slack:C1", "Updated: City council votes on the budget (v3)")
    store.outbox.put([late])
    _waited(database_url, late.follower, 90)  # the v2 update was posted: only v3's still waits
    result = run(tmp_path, "check", env=env)
    assert result.returncode == 1
    assert "outbox: 1 follow message(s) for discord were given up in the last day" in result.stdout
    assert "outbox: 1 follow message(s) for slack have waited over 60 minutes" in result.stdout
