"""The database restarted: the change listener, the pool and what a replica holds come back by themselves, and
replicas under load answer questions meanwhile, refuse pushes clearly and lose nothing they acknowledged.

The restarts use the restartable server (``restartable_server``), not the session's: the session's server runs with
``synchronous_commit = off``, which acknowledges a commit before its log record is written, so an abrupt stop could
lose commits a replica already acknowledged, and a test would blame briefbot for the server's setting. The
restartable one has ``synchronous_commit = on``: a commit's record reaches the kernel before it is acknowledged
(``fsync`` stays off: only the server's processes end here, never the machine).

The restart under load stops the server with ``pg_ctl stop -m immediate``: every server process ends at once, as in a
crash or an OOM kill, with no checkpoint and no goodbye to clients, and the next start recovers from the log. It is
the harshest restart a database gives its clients, and the one where a write acknowledged but not durable would
show. The other tests stop it with ``-m fast`` (sessions ended, a checkpoint written), as an administrator does.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import EDITOR, NOW, SAMPLE_BRIEFS, Clock, within
from postgres_server import PostgresServer, new_database
from psycopg_pool import ConnectionPool, PoolTimeout
from test_replicas import TAKEOVER_SECONDS
from test_serve import running_server

from bot import wording
from bot.errors import DatabaseUnavailable
from bot.newsroom import Newsroom
from bot.postgres.lease import Lease
from bot.postgres.listener import APPLICATION as LISTENER
from bot.postgres.listener import CHANNEL, ChangeListener
from bot.postgres.reach import CONNECT_SECONDS, UNREACHABLE_WAIT_SECONDS, Connection, Reach
from bot.postgres.store import PgStore

KREMLIN_QUESTION = "latest Kremlin stance on a Trump meeting"
TOKEN = "anna-token-0123456789"
DOWN_SECONDS = 2.0
"""How long the database stays down at least: long enough for both replicas to be asked and pushed to meanwhile."""
PUSHES_EACH_SIDE = 5
"""Pushes each replica acknowledges before the stop and after the start."""
STREAMS = {"harbour-strike": ("Dockers strike at the harbour", "dockers harbour strike"),
           "tram-vote": ("Tram drivers vote on a walkout", "tram drivers walkout vote")}  # fmt: skip
"""Brief id: its title, and a question whose answer is that brief."""
UNKNOWN = "penguin census in Antarctica"
"""A question no brief answers: answered so, and its log line (a write) dropped while the database is down."""


def _end_sessions(url: str, application: str) -> None:
    """End the database sessions of one kind of connection, as a restart of the database does."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s "
            "AND datname = current_database()",
            (application,),
        )


def test_the_listener_goes_on_listening_when_its_catch_up_finds_the_database_gone(database_url: str) -> None:
    """A catch-up that fails after a reconnect (the pool not back yet) is tried again: nothing missed is lost, and
    the listener still hears new versions."""
    tries: list[int] = []

    def catch_up() -> set[str]:
        tries.append(len(tries))
        if len(tries) == 1:
            raise DatabaseUnavailable("the test database", "no connection to it could be made in time")
        return {"harbour-strike"}

    listener = ChangeListener(database_url, catch_up)
    try:
        missed: set[str] = set()
        _end_sessions(database_url, LISTENER)
        assert within(lambda: bool(missed.update(listener.take()[1])) or "harbour-strike" in missed, 15)
        assert len(tries) == 2
        with psycopg.connect(database_url, autocommit=True) as writer:
            writer.execute("SELECT pg_notify(%s, 'tram-vote 3')", (CHANNEL,))
        heard: list[tuple[str, int]] = []
        assert within(lambda: bool(heard.extend(listener.take()[0])) or ("tram-vote", 3) in heard, 10)
    finally:
        listener.close()


def test_a_change_heard_just_before_the_database_went_down_is_read_once_it_is_back(
    restartable_server: PostgresServer,
) -> None:
    """A replica that heard of a new version but could not read it before the database stopped answers the version
    it holds meanwhile, and the new one once the database is back."""
    url = new_database(restartable_server)
    a, b = (Newsroom(PgStore(url), clock=Clock(NOW), samples=SAMPLE_BRIEFS) for _ in range(2))
    try:
        held = b.ask(KREMLIN_QUESTION, EDITOR)
        assert held.brief is not None
        pushed = a.push(replace(held.brief, summary="Talks are off."), editor="Ana", channel="api")
        assert within(lambda: bool(b.store._listener._heard), 10)  # type: ignore[attr-defined]
        restartable_server.halt("fast")
        try:
            assert b.ask(KREMLIN_QUESTION, EDITOR).brief == held.brief
        finally:
            restartable_server.resume()
        assert within(lambda: b.ask(KREMLIN_QUESTION, EDITOR).brief == pushed.version.brief, 30)
    finally:
        a.close()
        b.close()


def test_while_the_database_is_gone_operations_wait_for_it_only_briefly(restartable_server: PostgresServer) -> None:
    """Once the database is found gone, an operation waits a moment for a connection, not the pool's full wait, so a
    push is refused and a question's log line dropped at once; once it is back, the full wait again, and it works."""
    store = PgStore(new_database(restartable_server))
    try:
        assert store.connection_wait == CONNECT_SECONDS
        restartable_server.halt("fast")
        try:
            assert within(lambda: store.connection_wait == UNREACHABLE_WAIT_SECONDS, 10)
            with pytest.raises(DatabaseUnavailable):
                store.follow("harbour-strike", "slack:C1")
        finally:
            restartable_server.resume()
        assert within(lambda: store.connection_wait == CONNECT_SECONDS, 30)
        assert store.follow("harbour-strike", "slack:C1") is True
    finally:
        store.close()


def _call(method: str, url: str, fields: dict[str, str] | None = None, based_on: int | None = None) -> Any:
    """One request to a replica's API with the editor's token: (status, JSON body, headers)."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    if based_on is not None:
        headers["If-Match"] = f'"{based_on}"'
    data = json.dumps(fields).encode() if fields is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response), response.headers
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error), error.headers


@dataclass
class Stream:
    """Pushes of one brief through one replica, one after another, each based on the last it knows of."""

    replica: str
    brief_id: str
    acknowledged: dict[int, str] = field(default_factory=dict)
    """Version number: the summary it was acknowledged with."""
    refused: list[tuple[int, dict[str, Any], str]] = field(default_factory=list)
    """Each refusal: its status, its body and its Retry-After."""
    latest: int | None = None
    attempts: int = 0

    def run(self, stop: threading.Event, log: list[tuple[float, str]]) -> None:
        title = STREAMS[self.brief_id][0]
        while not stop.is_set():
            self.attempts += 1
            summary = f"{title}: update {self.attempts}."
            fields = {"id": self.brief_id, "title": title, "summary": summary, "updated": "2026-11-25T09:00:00+00:00"}
            status, body, headers = _call("PUT", f"{self.replica}/api/briefs/{self.brief_id}", fields, self.latest)
            if status in (200, 201):
                self.acknowledged[body["version"]] = summary
                self.latest = body["version"]
                log.append((time.monotonic(), f"{self.brief_id} ok"))
            elif status == 412:  # a refused push the database had committed after all: based on it from now on
                self.latest = body["current_version"]
            else:
                self.refused.append((status, body, headers.get("Retry-After", "")))
                log.append((time.monotonic(), f"{self.brief_id} refused"))
                time.sleep(0.2)


@dataclass
class Asking:
    """Questions asked of one replica, over and over: what each was answered with, and when."""

    replica: str
    answers: list[tuple[float, int, str | None, str | None]] = field(default_factory=list)
    """(when, status, the id of the brief answered, the id expected)."""
    took: list[tuple[float, float]] = field(default_factory=list)
    """(when, how long the answer took in seconds)."""

    def run(self, stop: threading.Event) -> None:
        asked = [(None, UNKNOWN)] + [(brief_id, q) for brief_id, (_, q) in STREAMS.items()]
        while not stop.is_set():
            for expected, question in asked:
                query = urllib.request.quote(question)
                started = time.monotonic()
                status, body, _ = _call("GET", f"{self.replica}/api/ask?q={query}")
                self.took.append((started, time.monotonic() - started))
                answered = (body.get("brief") or {}).get("id") if status == 200 else None
                self.answers.append((time.monotonic(), status, answered, expected))
            time.sleep(0.05)


def _health(replica: str) -> Any:
    with urllib.request.urlopen(f"{replica}/healthz", timeout=30) as response:
        return json.load(response)


def _listeners(url: str) -> int:
    """How many replicas' change listeners are connected to the database."""
    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (LISTENER,)).fetchone()
        return int(row[0]) if row else 0


def test_replicas_ride_out_a_database_restart_under_load(restartable_server: PostgresServer, tmp_path: Path) -> None:
    """During an immediate restart of the database under pushes and questions, both replicas answer every question
    from memory, refuse pushes saying the database cannot be reached, reconnect by themselves, and every version
    they acknowledged is stored with its content and answered by both."""
    url = new_database(restartable_server)
    # One editor asks far faster than a person would: no rate limit, so every question is answered.
    env = {"BRIEFBOT_DATABASE_URL": url, "BRIEFBOT_API_TOKENS": f"Anna={TOKEN}", "BRIEFBOT_RATE_LIMIT": "0"}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with running_server(tmp_path / "a", env=env) as (a, _), running_server(tmp_path / "b", env=env) as (b, _):
        streams = [Stream(a, "harbour-strike"), Stream(b, "tram-vote")]
        askers = [Asking(a), Asking(b)]
        stop, log = threading.Event(), []
        threads = [threading.Thread(target=s.run, args=(stop, log)) for s in streams]
        for thread in threads:
            thread.start()
        try:
            assert within(lambda: all(s.acknowledged for s in streams), 60)  # each brief is there to be asked about
            threads += [threading.Thread(target=q.run, args=(stop,)) for q in askers]
            for thread in threads[len(streams) :]:
                thread.start()
            assert within(lambda: all(len(s.acknowledged) >= PUSHES_EACH_SIDE for s in streams), 60)
            before = [len(s.refused) for s in streams]
            restartable_server.halt("immediate")
            down = time.monotonic()
            # Down for at least DOWN_SECONDS, and until each replica has refused a push and says it is cut off.
            assert within(lambda: all(len(s.refused) > n for s, n in zip(streams, before, strict=True)), 60)
            assert within(lambda: all(_health(r).get("database") == "unreachable" for r in (a, b)), 30)
            time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - down)))
            asked_while_down = [sum(1 for t, *_ in q.answers if t > down) for q in askers]
            restartable_server.resume()
            back = time.monotonic()
            assert within(lambda: all(_health(r).get("database") == "ok" for r in (a, b)), 60)
            healthy = time.monotonic()
            counts = [len(s.acknowledged) for s in streams]
            assert within(
                lambda: all(len(s.acknowledged) >= n + PUSHES_EACH_SIDE for s, n in zip(streams, counts, strict=True)),
                60,
            )
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        first_push_after = [
            min(t for t, what in log if what == f"{s.brief_id} ok" and t > back) - back for s in streams
        ]
        while_down = sorted(d for q in askers for t, d in q.took if down < t < back)
        load = os.getloadavg()
        print(
            f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"database down {back - down:.2f} s; pushes acknowledged "
            f"{sum(len(s.acknowledged) for s in streams)}, refused {sum(len(s.refused) for s in streams)}; "
            f"questions answered while down: A {asked_while_down[0]}, B {asked_while_down[1]} (p50 "
            f"{while_down[len(while_down) // 2] * 1000:.0f} ms, slowest {while_down[-1] * 1000:.0f} ms); "
            f"database back to /healthz ok on both {healthy - back:.2f} s, to the first push acknowledged: "
            f"A {first_push_after[0]:.2f} s, B {first_push_after[1]:.2f} s"
        )

        # Every question, before, during and after, was answered with the right brief.
        for q in askers:
            assert [(status, got) for _, status, got, expected in q.answers if (status, got) != (200, expected)] == []
        assert all(n > 0 for n in asked_while_down)
        # Every refusal is a 503 saying the database cannot be reached, and never that the version was stored.
        for s in streams:
            assert s.refused
            for status, body, retry in s.refused:
                assert (status, retry.isdigit()) == (503, True), body
                assert (body["error"], body["stored"]) in [
                    (wording.DATABASE_UNAVAILABLE, False),
                    (wording.DATABASE_LOST_MIDWAY, None),  # the link lost during the commit: only the database knows
                ], body
                assert restartable_server.password not in json.dumps(body)
        # Both replicas listen again, and every acknowledged version is stored with its content and answered by both.
        assert within(lambda: _listeners(url) == 2, 30)
        with psycopg.connect(url) as connection:
            for s in streams:
                rows = connection.execute(
                    "SELECT number, record->'brief'->>'summary' FROM versions WHERE brief_id = %s ORDER BY number",
                    (s.brief_id,),
                ).fetchall()
                stored = dict(rows)
                assert {n: stored.get(n) for n in s.acknowledged} == s.acknowledged
                unknown = sum(1 for _, body, _ in s.refused if body["stored"] is None)
                assert len(stored) - len(s.acknowledged) <= unknown  # stored but refused: only ones said to be unsure
                latest = max(stored)
                question = STREAMS[s.brief_id][1]
                for replica in (a, b):
                    assert within(lambda r=replica, q=question, n=latest: _answered_version(r, q) == n, 10), (
                        f"{replica} never answered {s.brief_id} v{latest}"
                    )


def _answered_version(replica: str, question: str) -> int | None:
    status, body, _ = _call("GET", f"{replica}/api/ask?q={urllib.request.quote(question)}")
    return body["brief"]["version"] if status == 200 and body.get("brief") else None


def test_a_wait_for_a_connection_begun_before_the_database_was_found_gone_ends_soon_after(
    restartable_server: PostgresServer,
) -> None:
    """An operation that began waiting for a connection while the database seemed reachable is refused once the
    database is found gone, not after the pool's full wait."""
    pool: ConnectionPool[Connection] = ConnectionPool(
        new_database(restartable_server), min_size=0, max_size=2, open=False
    )
    pool.open()
    connected = [True]
    reach = Reach(pool, lambda: connected[0])
    outcome: list[str] = []

    def operation() -> None:
        try:
            with reach.connection():
                outcome.append("connected")
        except PoolTimeout:
            outcome.append("refused")

    restartable_server.halt("fast")
    waiting = threading.Thread(target=operation)
    try:
        waiting.start()
        time.sleep(1.0)  # waiting for a connection, with the database thought reachable
        assert outcome == []
        connected[0] = False  # the change listener lost it
        waiting.join(CONNECT_SECONDS / 2)
        assert outcome == ["refused"]
    finally:
        restartable_server.resume()
        waiting.join()
        pool.close()


def test_the_discord_lease_is_held_again_by_one_replica_after_a_restart(restartable_server: PostgresServer) -> None:
    """After an immediate restart of the database the Discord lease's holder lets go, and once the database is back
    one replica, and only one, holds the lease again within the takeover bound."""
    url = new_database(restartable_server)
    a = Lease(url, "discord", try_seconds=0.2)
    assert a.wait(10)
    b = Lease(url, "discord", try_seconds=0.2)
    try:
        restartable_server.halt("immediate")
        try:
            assert within(lambda: not a.held, 10)
        finally:
            restartable_server.resume()
        assert within(lambda: a.held or b.held, TAKEOVER_SECONDS)
        time.sleep(1.0)  # several tries by the other
        assert [a.held, b.held].count(True) == 1
    finally:
        a.close()
        b.close()
