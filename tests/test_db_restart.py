"""The database restarted: the change listener, the pool and what a replica holds come back by themselves, and
replicas under load answer questions meanwhile, refuse pushes clearly and lose nothing they acknowledged.

The restarts use the restartable server (``restartable_cluster``), not the session's: the session's server runs with
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

import threading
import time
from dataclasses import replace

import psycopg
import pytest
from conftest import EDITOR, NOW, SAMPLE_BRIEFS, Clock, within
from postgres_server import Cluster
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.errors import DatabaseUnavailable
from bot.newsroom import Newsroom
from bot.postgres.listener import APPLICATION as LISTENER
from bot.postgres.listener import CHANNEL, ChangeListener
from bot.postgres.reach import CONNECT_SECONDS, UNREACHABLE_WAIT_SECONDS, Connection, Reach
from bot.postgres.store import PgStore

KREMLIN_QUESTION = "latest Kremlin stance on a Trump meeting"


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
    restartable_cluster: Cluster,
) -> None:
    """A replica that heard of a new version but could not read it before the database stopped answers the version
    it holds meanwhile, and the new one once the database is back."""
    url = restartable_cluster.new_database()
    a, b = (Newsroom(PgStore(url), clock=Clock(NOW), samples=SAMPLE_BRIEFS) for _ in range(2))
    try:
        held = b.ask(KREMLIN_QUESTION, EDITOR)
        assert held.brief is not None
        pushed = a.push(replace(held.brief, summary="Talks are off."), editor="Ana", channel="api")
        assert within(lambda: bool(b.store._listener._heard), 10)  # type: ignore[attr-defined]
        restartable_cluster.stop("fast")
        try:
            assert b.ask(KREMLIN_QUESTION, EDITOR).brief == held.brief
        finally:
            restartable_cluster.start()
        assert within(lambda: b.ask(KREMLIN_QUESTION, EDITOR).brief == pushed.version.brief, 30)
    finally:
        a.close()
        b.close()


def test_while_the_database_is_gone_operations_wait_for_it_only_briefly(restartable_cluster: Cluster) -> None:
    """Once the database is found gone, an operation waits a moment for a connection, not the pool's full wait, so a
    push is refused and a question's log line dropped at once; once it is back, the full wait again, and it works."""
    store = PgStore(restartable_cluster.new_database())
    try:
        assert store.connection_wait == CONNECT_SECONDS
        restartable_cluster.stop("fast")
        try:
            assert within(lambda: store.connection_wait == UNREACHABLE_WAIT_SECONDS, 10)
            with pytest.raises(DatabaseUnavailable):
                store.follow("harbour-strike", "slack:C1")
        finally:
            restartable_cluster.start()
        assert within(lambda: store.connection_wait == CONNECT_SECONDS, 30)
        assert store.follow("harbour-strike", "slack:C1") is True
    finally:
        store.close()


def test_a_wait_for_a_connection_begun_before_the_database_was_found_gone_ends_soon_after(
    restartable_cluster: Cluster,
) -> None:
    """An operation that began waiting for a connection while the database seemed reachable is refused once the
    database is found gone, not after the pool's full wait."""
    pool: ConnectionPool[Connection] = ConnectionPool(
        restartable_cluster.new_database(), min_size=0, max_size=2, open=False
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

    restartable_cluster.stop("fast")
    waiting = threading.Thread(target=operation)
    try:
        waiting.start()
        time.sleep(1.0)  # waiting for a connection, with the database thought reachable
        assert outcome == []
        connected[0] = False  # the change listener lost it
        waiting.join(CONNECT_SECONDS / 2)
        assert outcome == ["refused"]
    finally:
        restartable_cluster.start()
        waiting.join()
        pool.close()
