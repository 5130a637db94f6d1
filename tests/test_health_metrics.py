"""``GET /healthz`` says whether the database answers, how far behind a replica is and who holds Discord;
``GET /metrics`` counts questions, pushes and conflicts, times answers and notices, and shows the pool."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp import ClientSession, web
from conftest import NOW, Clock, within
from postgres_server import PostgresServer
from prometheus_client.parser import text_string_to_metric_families
from test_serve import running_server
from test_store import _brief

from adapters.discord.bot import DiscordSurface
from adapters.discord.settings import DiscordSettings
from adapters.serve import start_http
from bot.briefs import Status
from bot.errors import RateLimited, VersionConflict
from bot.newsroom import Asker, Newsroom
from bot.postgres.store import PgStore
from bot.store import TinyStore

READER = Asker("U1")
README = Path(__file__).resolve().parent.parent / "README.md"


def _published(title: str = "City council votes on the budget") -> Any:
    return _brief(status=Status.PUBLISHED, embargo_until=None, title=title)


@pytest.fixture
def newsrooms(database_url: str) -> Iterator[Callable[[Clock], Newsroom]]:
    """Opens newsrooms on this test's database, as replicas would, and closes them afterwards."""
    opened: list[Newsroom] = []

    def open_one(clock: Clock) -> Newsroom:
        opened.append(Newsroom(PgStore(database_url), clock=clock))
        return opened[-1]

    yield open_one
    for newsroom in opened:
        newsroom.close()


class Served:
    """One HTTP server on 127.0.0.1 over a newsroom, and a client session to ask it."""

    def __init__(self, runner: web.AppRunner, session: ClientSession) -> None:
        host, port = runner.addresses[0][:2]
        self.base = f"http://{host}:{port}"
        self.session = session

    async def health(self) -> dict[str, Any]:
        async with self.session.get(self.base + "/healthz") as response:
            assert response.status == 200
            found: dict[str, Any] = await response.json()
            return found

    async def metrics(self) -> dict[str, float]:
        """Every sample on /metrics, by name and labels, e.g. ``briefbot_questions_total{outcome=answer}``."""
        async with self.session.get(self.base + "/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            text = await response.text()
        samples = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()) if k != "le")
                if "le" not in sample.labels:
                    samples[sample.name + (f"{{{labels}}}" if labels else "")] = sample.value
        return samples


@pytest.fixture
async def serving() -> AsyncIterator[Callable[..., Any]]:
    """Starts the shared HTTP server over a newsroom (and surfaces) on 127.0.0.1, stopped after the test."""
    runners: list[web.AppRunner] = []
    session = ClientSession()

    async def serve(newsroom: Newsroom, surfaces: tuple[Any, ...] = ()) -> Served:
        runners.append(await start_http(list(surfaces), "127.0.0.1", 0, (), newsroom))
        return Served(runners[-1], session)

    yield serve
    await session.close()
    for runner in runners:
        await runner.cleanup()


async def test_healthz_on_postgresql_says_the_database_answers_and_the_replica_is_not_behind(
    newsrooms: Callable[[Clock], Newsroom], serving: Callable[..., Any]
) -> None:
    """A replica holding the latest version of every brief shows the database ok and a lag of 0."""
    replica = newsrooms(Clock())
    replica.push(_published(), editor="Ana", channel="cli")
    health = await (await serving(replica)).health()
    assert health == {"ok": True, "surfaces": [], "database": "ok", "lag_seconds": 0.0}


async def test_healthz_lag_is_the_time_since_the_oldest_version_the_replica_has_not_taken_in(
    newsrooms: Callable[[Clock], Newsroom], serving: Callable[..., Any]
) -> None:
    """A version pushed on another replica 30 s ago and not yet taken in is a lag of 30 s, and 0 once taken in."""
    pushing, behind_clock = newsrooms(Clock(NOW)), Clock(NOW + timedelta(seconds=30))
    behind = newsrooms(behind_clock)
    pushing.push(_published(), editor="Ana", channel="cli")
    served = await serving(behind)
    assert (await served.health())["lag_seconds"] == 30.0
    assert within(lambda: (behind.refresh(), behind.held_versions())[1] == {"city-budget-vote": 1})
    assert (await served.health())["lag_seconds"] == 0.0


async def test_healthz_says_unreachable_while_the_database_refuses_connections_and_ok_after(
    newsrooms: Callable[[Clock], Newsroom],
    serving: Callable[..., Any],
    database_url: str,
    postgres_server: PostgresServer,
) -> None:
    """A database that stops taking connections is shown as unreachable (still 200, degraded), then ok again."""
    replica = newsrooms(Clock())
    served = await serving(replica)
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false".encode())
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        try:
            health = await served.health()
            assert health["database"] == "unreachable"
            assert health["status"] == "degraded"
            assert health["lag_seconds"] is None
        finally:
            admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true".encode())
    for _ in range(50):
        health = await served.health()
        if health["database"] == "ok":
            break
    assert health == {"ok": True, "surfaces": [], "database": "ok", "lag_seconds": 0.0}


async def test_healthz_on_a_store_folder_shows_no_database(tmp_path: Path, serving: Callable[..., Any]) -> None:
    """A newsroom on a TinyDB folder has no database to show: /healthz is as before."""
    health = await (await serving(Newsroom(TinyStore(tmp_path / "store"), clock=Clock()))).health()
    assert health == {"ok": True, "surfaces": []}


class _StandingBy:
    """A Discord surface as a replica standing by shows it: the connection is held elsewhere."""

    name = "discord"
    holds_connection = False

    def routes(self) -> list[web.RouteDef]:
        return []


async def test_healthz_says_whether_this_replica_holds_the_discord_connection(
    tmp_path: Path, serving: Callable[..., Any]
) -> None:
    """Discord served without a lease holds its connection; a surface standing by says it does not."""
    newsroom = Newsroom(TinyStore(tmp_path / "store"), clock=Clock())
    discord = DiscordSurface(newsroom, DiscordSettings("not-a-real-token", None, None))
    try:
        assert (await (await serving(newsroom, (discord,))).health())["discord"] == {"holds_connection": True}
    finally:
        await discord.client.close()
    assert (await (await serving(newsroom, (_StandingBy(),))).health())["discord"] == {"holds_connection": False}


async def test_metrics_count_questions_by_outcome_pushes_and_conflicts_and_time_answers(
    newsrooms: Callable[[Clock], Newsroom], serving: Callable[..., Any]
) -> None:
    """Each question is counted under its outcome (a refused one as limited) and timed; pushes and conflicts too."""
    replica = newsrooms(Clock())
    served = await serving(replica)
    replica.push(_published(), editor="Ana", channel="cli")
    replica.push(_published(), editor="Ana", channel="cli")  # identical: unchanged
    with pytest.raises(VersionConflict):
        replica.push(_published("Budget passes"), editor="Ben", channel="api", expected_version=0)
    outcomes = [replica.ask(q, READER).outcome.value for q in ("council budget vote", "zebra migration")]
    replica.limit_questions(1)
    outcomes.append(replica.ask("council budget", READER).outcome.value)
    with pytest.raises(RateLimited):
        replica.ask("council budget", READER)
    found = await served.metrics()
    assert "no_match" in outcomes
    for outcome in ("answer", "ambiguous", "no_match"):
        assert found[f"briefbot_questions_total{{outcome={outcome}}}"] == outcomes.count(outcome)
    assert found["briefbot_questions_total{outcome=limited}"] == 1
    assert found["briefbot_answer_seconds_count"] == 3
    assert found["briefbot_pushes_total{result=stored}"] == 1
    assert found["briefbot_pushes_total{result=unchanged}"] == 1
    assert found["briefbot_conflicts_total"] == 1
    assert found["briefbot_db_pool_max"] == 8
    assert found["briefbot_db_requests_num_total"] > 0
    assert found["briefbot_replica_lag_seconds"] == 0


async def test_metrics_time_each_notice_from_its_push_to_this_replica(
    newsrooms: Callable[[Clock], Newsroom], serving: Callable[..., Any]
) -> None:
    """A version pushed on another replica and taken in here 2 s later is one notice of 2 s."""
    pushing, clock = newsrooms(Clock(NOW)), Clock(NOW + timedelta(seconds=2))
    taking = newsrooms(clock)
    served = await serving(taking)
    pushing.push(_published(), editor="Ana", channel="cli")
    assert within(lambda: (taking.refresh(), taking.held_versions())[1] == {"city-budget-vote": 1})
    found = await served.metrics()
    assert found["briefbot_notification_lag_seconds_count"] == 1
    assert found["briefbot_notification_lag_seconds_sum"] == 2.0


def test_serve_on_postgresql_answers_healthz_and_metrics(tmp_path: Path, database_url: str) -> None:
    """The installed ``briefbot serve`` on a database shows it on /healthz and serves, in Prometheus's text format,
    every metric the README says to watch."""
    env = {"BRIEFBOT_DATABASE_URL": database_url, "BRIEFBOT_API_TOKENS": "Ana=" + "t" * 32}
    with running_server(tmp_path, env=env) as (url, _):
        with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
            assert json.loads(response.read()) == {"ok": True, "surfaces": [], "database": "ok", "lag_seconds": 0.0}
        with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            text = response.read().decode()
    assert 'briefbot_questions_total{outcome="answer"} 0.0' in text
    production = README.read_text(encoding="utf-8").split("## Running in production", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"briefbot_[a-z_]+", production))
    assert len(named) >= 10
    assert [name for name in sorted(named) if name not in text] == []  # every metric the README says to watch
