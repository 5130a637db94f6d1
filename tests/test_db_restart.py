"""The database restarted: the change listener, the pool and what a replica holds come back by themselves."""

from __future__ import annotations

import psycopg
from conftest import within

from bot.errors import DatabaseUnavailable
from bot.postgres.listener import APPLICATION as LISTENER
from bot.postgres.listener import CHANNEL, ChangeListener


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
