"""What the editors' desk records, in the database every replica shares: each question's outcome, the gaps dismissed.

``PgOutcomes`` keeps outcomes in the ``outcomes`` table. A question is answered from memory in milliseconds, so its
outcome is not written while it waits: outcomes are gathered in memory and written together about once a second by
a thread of their own, and before this process reads them. While the database cannot be reached they wait, up to
``PENDING_LIMIT``; beyond that the oldest are dropped and a warning says how many. Rows past the retention are
deleted about once a day. ``PgDismissed`` keeps the desk's dismissed wordings in the ``dismissed`` table.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection
from datetime import datetime, timedelta, timezone
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from bot.answers import Outcome
from bot.errors import DatabaseUnavailable
from bot.outcomes import PRUNE_EVERY, Recorded
from bot.postgres import problem

__all__ = ["FLUSH_SECONDS", "PENDING_LIMIT", "PgDismissed", "PgOutcomes"]

log = logging.getLogger("briefbot.outcomes")

FLUSH_SECONDS = 1.0
"""How often gathered outcomes are written: the desk's charts count days, so a second late costs nothing."""
PENDING_LIMIT = 100_000
"""Outcomes held while the database is away: a few megabytes, and hours of questions at a newsroom's pace."""

Pool = ConnectionPool[psycopg.Connection[tuple[Any, ...]]]


class PgOutcomes:
    """Question outcomes in the ``outcomes`` table, written in batches by a thread of their own."""

    def __init__(self, pool: Pool, where: str, wait: Callable[[], float | None] = lambda: None) -> None:
        self._pool = pool
        self._where = where
        self._wait = wait
        """How long to wait for one of the pool's connections (None: the pool's own timeout)."""
        self._pending: list[Recorded] = []
        self._keep_from: datetime | None = None
        self._pruned_at: datetime | None = None
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._warned = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="briefbot-outcomes", daemon=True)
        self._thread.start()

    def add(self, entry: Recorded, keep_from: datetime) -> None:
        """Gather one outcome, to be written within about a second."""
        with self._lock:
            self._pending.append(entry)
            self._keep_from = keep_from
            dropped = len(self._pending) - PENDING_LIMIT
            if dropped > 0:
                del self._pending[:dropped]
                log.warning("%s cannot be reached: %d question outcome(s) were not recorded", self._where, dropped)

    def since(self, start: datetime) -> list[Recorded]:
        """The outcomes asked from ``start`` on every replica (this one's gathered ones written first)."""
        self.flush()
        sql = (
            "SELECT asked_at, asked_at_offset, outcome, brief_id, asker FROM outcomes "
            "WHERE asked_at >= %s ORDER BY asked_at, id"
        )
        try:
            with self._pool.connection(self._wait()) as connection:
                rows = connection.execute(sql, (start,)).fetchall()
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(self._where, problem(error)) from None
        return [
            Recorded(at.astimezone(timezone(timedelta(seconds=offset))), Outcome(outcome), brief_id, asker)
            for at, offset, outcome, brief_id, asker in rows
        ]

    def flush(self) -> None:
        """Write the gathered outcomes now; they wait for the next try when the database cannot be reached."""
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
                keep_from = self._keep_from
            if not batch:
                return
            rows = [(e.asked_at, _offset(e.asked_at), e.outcome.value, e.brief_id, e.asker) for e in batch]
            try:
                with self._pool.connection(self._wait()) as connection, connection.transaction():
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            "INSERT INTO outcomes (asked_at, asked_at_offset, outcome, brief_id, asker) "
                            "VALUES (%s, %s, %s, %s, %s)",
                            rows,
                        )
                    now = batch[-1].asked_at
                    if keep_from is not None and (self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY):
                        connection.execute("DELETE FROM outcomes WHERE asked_at < %s", (keep_from,))
                        self._pruned_at = now
            except psycopg.OperationalError as error:
                with self._lock:
                    self._pending[:0] = batch  # in order, before those gathered meanwhile
                raise DatabaseUnavailable(self._where, problem(error)) from None

    def close(self) -> None:
        """Stop the writing thread and write what is gathered (warning if it cannot be)."""
        self._stop.set()
        self._thread.join()
        self._write_or_warn()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            self._write_or_warn()

    def _write_or_warn(self) -> None:
        try:
            self.flush()
            self._warned = False
        except DatabaseUnavailable as error:
            if not self._warned:  # once per outage, not once a second
                self._warned = True
                log.warning("question outcomes wait in memory to be recorded: %s", error)


class PgDismissed:
    """The desk's dismissed wordings in the ``dismissed`` table."""

    def __init__(self, pool: Pool, where: str, wait: Callable[[], float | None] = lambda: None) -> None:
        self._pool = pool
        self._where = where
        self._wait = wait
        """How long to wait for one of the pool's connections (None: the pool's own timeout)."""

    def add(self, wordings: Collection[str], at: datetime) -> None:
        """Record that ``wordings`` were dismissed at ``at``; a wording dismissed again keeps the later time."""
        sql = (
            "INSERT INTO dismissed (wording, dismissed_at) SELECT w, %s FROM unnest(%s::text[]) AS w "
            "ON CONFLICT (wording) DO UPDATE SET dismissed_at = greatest(dismissed.dismissed_at, EXCLUDED.dismissed_at)"
        )
        try:
            with self._pool.connection(self._wait()) as connection:
                connection.execute(sql, (at, sorted(wordings)))
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(self._where, problem(error)) from None

    def read(self) -> dict[str, datetime]:
        """Every dismissed wording and when it was (last) dismissed."""
        try:
            with self._pool.connection(self._wait()) as connection:
                rows = connection.execute("SELECT wording, dismissed_at FROM dismissed").fetchall()
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(self._where, problem(error)) from None
        return dict(rows)


def _offset(moment: datetime) -> int:
    """The moment's offset from UTC in seconds, kept so it is read back as it was recorded."""
    return int((moment.utcoffset() or timedelta(0)).total_seconds())
