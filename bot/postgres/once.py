"""What several replicas on one database do once between them: answer a platform's id, post a follow message.

``Answered`` takes ids in the ``answered`` table, whose (kind, id) key is unique: of two replicas handed the same
Slack retry, one inserts the row and answers, the other finds it and does not. A row expires after
``ANSWERED_SECONDS`` (it may then be taken again); expired rows are deleted now and then by whoever takes one.

``PgOutbox`` keeps follow messages in the ``outbox`` table, one row per (brief, version, follower): every replica
hears of a new version and puts its messages, and only the first put of each is kept. A replica claims waiting
rows with ``FOR UPDATE SKIP LOCKED``, so two replicas never claim the same one, posts them, and marks them sent in
the same transaction; if it dies while posting, the transaction ends with its connection and the rows wait for
another replica. Sent rows are kept for ``SENT_KEPT`` (so a replica that hears late does not put them again), then
deleted.

A row no replica claimed within ``EXPIRES_SECONDS`` is given up: no replica serves its platform (Discord's token
was removed, say), or none has for an hour, and an update that late would mislead more than it tells. Every claim
first marks such rows expired (a warning says how many, for which platform); they are counted in ``counts`` (for
``/healthz``, ``/metrics`` and ``briefbot check``) and deleted after ``SENT_KEPT`` like sent ones.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from bot.brief_store import ANSWERED_SECONDS, Notice, OutboxCounts
from bot.errors import DatabaseUnavailable
from bot.postgres import problem

__all__ = ["EXPIRES_SECONDS", "SENT_KEPT", "Answered", "PgOutbox"]

log = logging.getLogger("briefbot.outbox")

SENT_KEPT = "1 day"
"""How long a posted follow message is remembered, so a replica that heard of its version late does not post it
again (a PostgreSQL interval)."""
EXPIRES_SECONDS = 3600.0
"""How long a follow message waits for a replica serving its platform before it is given up: a standby takes
Discord over within 30 s and a replica restarts within minutes, so an hour is only reached when none serves it."""
COUNTS_WAIT_SECONDS = 2.0
"""The longest counting the outbox waits for the database (a health check's load balancer waits about 5 s)."""
TIDY_EVERY = 1000
"""Expired rows are deleted at every this many-th take or claim: cheap, and the tables stay small."""

Pool = ConnectionPool[psycopg.Connection[tuple[Any, ...]]]

_TAKE = """
    INSERT INTO answered (kind, id, expires_at) VALUES (%s, %s, now() + make_interval(secs => %s))
    ON CONFLICT (kind, id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE answered.expires_at < now()
    RETURNING 1
"""


class Answered:
    """Ids answered by any replica on one database, each taken once within ``ANSWERED_SECONDS``."""

    def __init__(self, pool: Pool, where: str, wait: Callable[[], float | None] = lambda: None) -> None:
        self._pool = pool
        self._where = where
        self._wait = wait
        """How long to wait for one of the pool's connections (None: the pool's own timeout)."""
        self._count = itertools.count(1)

    def first_time(self, kind: str, item: str) -> bool:
        """Take ``(kind, item)``; False when a replica took it within ``ANSWERED_SECONDS``."""
        try:
            with self._pool.connection(self._wait()) as connection:
                taken = connection.execute(_TAKE, (kind, item, ANSWERED_SECONDS)).fetchone() is not None
                if next(self._count) % TIDY_EVERY == 0:
                    connection.execute("DELETE FROM answered WHERE expires_at < now()")
                return taken
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(self._where, problem(error)) from None


class PgOutbox:
    """Follow messages in the database, each claimed and posted by one replica."""

    def __init__(self, pool: Pool, where: str, wait: Callable[[], float | None] = lambda: None) -> None:
        self._pool = pool
        self._where = where
        self._wait = wait
        """How long to wait for one of the pool's connections (None: the pool's own timeout)."""
        self._count = itertools.count(1)

    def put(self, notices: Sequence[Notice]) -> int:
        """Add notices not already put by any replica; how many were added."""
        if not notices:
            return 0
        sql = (
            "INSERT INTO outbox (brief_id, number, follower, platform, text) "
            "SELECT * FROM unnest(%s::text[], %s::integer[], %s::text[], %s::text[], %s::text[]) "
            "ON CONFLICT (brief_id, number, follower) DO NOTHING"
        )
        columns = (
            [n.brief_id for n in notices],
            [n.number for n in notices],
            [n.follower for n in notices],
            [n.platform for n in notices],
            [n.text for n in notices],
        )
        try:
            with self._pool.connection(self._wait()) as connection:
                added = connection.execute(sql, columns).rowcount
                if next(self._count) % TIDY_EVERY == 0:
                    connection.execute(
                        f"DELETE FROM outbox WHERE sent_at < now() - interval '{SENT_KEPT}' "
                        f"OR expired_at < now() - interval '{SENT_KEPT}'"
                    )
                return added
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(self._where, problem(error)) from None

    @contextlib.contextmanager
    def claim(self, platforms: Collection[str], limit: int) -> Iterator[list[Notice]]:
        """Up to ``limit`` waiting notices no other replica holds, marked sent when the block ends without error."""
        sql = (
            "SELECT id, brief_id, number, follower, text FROM outbox "
            "WHERE sent_at IS NULL AND expired_at IS NULL AND platform = ANY(%s) "
            "ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"
        )
        try:
            self._expire()
            with self._pool.connection(self._wait()) as connection, connection.transaction():
                rows = connection.execute(sql, (list(platforms), limit)).fetchall()
                yield [Notice(brief_id, number, follower, text) for _, brief_id, number, follower, text in rows]
                if rows:
                    connection.execute("UPDATE outbox SET sent_at = now() WHERE id = ANY(%s)", ([r[0] for r in rows],))
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(self._where, problem(error)) from None

    def counts(self) -> OutboxCounts:
        """How many notices wait, and how many were given up within ``SENT_KEPT``, by platform."""
        sql = (
            "SELECT platform, count(*) FILTER (WHERE sent_at IS NULL AND expired_at IS NULL), "
            f"count(*) FILTER (WHERE expired_at > now() - interval '{SENT_KEPT}') "
            "FROM outbox WHERE sent_at IS NULL GROUP BY platform ORDER BY platform"
        )
        try:
            with self._pool.connection(timeout=COUNTS_WAIT_SECONDS) as connection:
                connection.execute(f"SET LOCAL statement_timeout = {int(COUNTS_WAIT_SECONDS * 1000)}".encode())
                rows = connection.execute(sql.encode()).fetchall()
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(self._where, problem(error)) from None
        return OutboxCounts(
            {platform: waiting for platform, waiting, _ in rows if waiting},
            {platform: expired for platform, _, expired in rows if expired},
        )

    def _expire(self) -> None:
        """Give up the notices no replica claimed within ``EXPIRES_SECONDS`` (skipping any a replica holds now)."""
        sql = (
            "UPDATE outbox SET expired_at = now() WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL "
            "AND expired_at IS NULL AND put_at < now() - make_interval(secs => %s) FOR UPDATE SKIP LOCKED) "
            "RETURNING platform"
        )
        with self._pool.connection(self._wait()) as connection:
            given_up = Counter(row[0] for row in connection.execute(sql, (EXPIRES_SECONDS,)).fetchall())
        for platform, count in sorted(given_up.items()):
            log.warning(
                "%d follow message(s) for %s were given up: no replica serving %s posted them within %d minutes",
                count,
                platform,
                platform,
                EXPIRES_SECONDS // 60,
            )
