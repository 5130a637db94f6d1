"""``PgStore``: versioned briefs, follows and the question log in PostgreSQL, shared by every process.

Each version is one row of ``versions``, whose primary key is the (brief, version) pair, so two processes
can never both store version 5. A push takes a transaction-scoped advisory lock per brief, reads the latest
versions, checks the editor's expected version and inserts the new rows in that same transaction; when it
returns, the versions are committed. Connections come from one pool per process. Other processes' pushes
are heard through ``LISTEN``/``NOTIFY`` (``bot.postgres.listener``). The URL's password is never logged or
shown: ``repr`` and messages use ``redacted``.

A newsroom starts by listing the briefs (``ids``) and taking in each one in that order (``take_in``); there
is no snapshot to start from, so the store reads ahead a page of latest versions in one query
(``bot.postgres.pages``). Reading ahead stops at the first push or poll for changes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.brief_store import Dismissed, Outbox, OutcomeRecords, Pushed
from bot.briefs import ID_PATTERN, Brief
from bot.errors import DatabaseUnavailable, UnknownBrief, VersionConflict
from bot.postgres import problem, redacted
from bot.postgres.desk_records import PgDismissed, PgOutcomes
from bot.postgres.listener import CHANNEL, ChangeListener
from bot.postgres.migrations import migrate
from bot.postgres.once import Answered, PgOutbox
from bot.postgres.pages import ReadAhead
from bot.postgres.reach import CONNECT_SECONDS, RECONNECT_GIVE_UP_SECONDS, Reach
from bot.question_log import LoggedQuestion
from bot.records import Version, version_from_record, version_to_record
from bot.snapshot import LatestVersions, Snapshot

__all__ = ["DEFAULT_POOL_SIZE", "PgStore"]

log = logging.getLogger("briefbot.store")

DEFAULT_POOL_SIZE = 8
"""Connections one process keeps at most: pushes and reads of history; questions are answered from memory."""

_LATEST = "SELECT DISTINCT ON (brief_id) brief_id, record FROM versions{where} ORDER BY brief_id, number DESC"


class PgStore:
    """Versioned briefs in a PostgreSQL database; the schema is made or upgraded when the store is opened."""

    root: Path | None = None

    def __init__(self, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        self._url = url
        self._known: dict[str, int] = {}
        """The latest version number of each brief this store took in or stored: a notice of it is no news."""
        self._ahead: ReadAhead | None = None
        """The last listing of the briefs, while a newsroom takes them in in its order."""
        self._pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            open=False,
            name="briefbot",
            timeout=CONNECT_SECONDS,
            check=ConnectionPool.check_connection,  # a connection the database dropped (a restart) is replaced
            reconnect_timeout=RECONNECT_GIVE_UP_SECONDS,
        )
        try:
            # One connection first, to check and upgrade the schema and to say at once why it cannot be had.
            with psycopg.connect(url, connect_timeout=int(CONNECT_SECONDS)) as connection:
                for number in migrate(connection):
                    log.info("%s: schema migration %d applied", self, number)
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(redacted(url), problem(error)) from None
        try:
            self._pool.open(wait=True, timeout=CONNECT_SECONDS)
        except PoolTimeout as error:
            self._pool.close()
            raise DatabaseUnavailable(redacted(url), problem(error)) from None
        self._listener = ChangeListener(url, self._catch_up)
        self._reach = Reach(self._pool, lambda: self._listener.connected)
        self._answered = Answered(self._pool, redacted(url), lambda: self._reach.wait)
        self.outbox: Outbox | None = PgOutbox(self._pool, redacted(url), lambda: self._reach.wait)
        """Follow messages, each posted by one of the processes serving this database."""
        self._outcomes = PgOutcomes(self._pool, redacted(url), lambda: self._reach.wait)
        self.outcomes: OutcomeRecords = self._outcomes
        """Each question's outcome, recorded by every process on this database."""
        self.dismissed: Dismissed = PgDismissed(self._pool, redacted(url), lambda: self._reach.wait)
        """The desk's dismissed gaps, shared by every process on this database."""

    def __repr__(self) -> str:
        return f"PgStore({redacted(self._url)})"

    @property
    def connection_wait(self) -> float:
        """How long an operation waits for a connection now: a moment while the database is known to be gone (the
        listener lost it, or the last operation failed to reach it), the pool's full wait otherwise."""
        return self._reach.wait

    @property
    def pool(self) -> ConnectionPool[psycopg.Connection[tuple[Any, ...]]]:
        """The connection pool, for health checks and the pool's metrics."""
        return self._pool

    def close(self) -> None:
        """Stop listening, write the outcomes gathered, and close every connection."""
        self._listener.close()
        self._outcomes.close()
        self._pool.close()

    # reading

    def ids(self) -> list[str]:
        """Every brief id in the store, sorted (taking them in in this order then reads ahead)."""
        listed = [row[0] for row in self._rows("SELECT DISTINCT brief_id FROM versions ORDER BY brief_id")]
        self._ahead = ReadAhead(listed)
        return listed

    def latest(self) -> Iterator[Version]:
        """The latest version of every brief."""
        for _, record in self._rows(_LATEST.format(where="")):
            yield version_from_record(record)

    def get(self, brief_id: str, number: int | None = None) -> Version:
        """One version of a brief (the latest when ``number`` is None)."""
        if not ID_PATTERN.fullmatch(brief_id):
            raise UnknownBrief(brief_id, number)
        if number is None:
            rows = self._rows(_LATEST.format(where=" WHERE brief_id = %s"), (brief_id,))
            if not rows:
                raise UnknownBrief(brief_id)
            return version_from_record(rows[0][1])
        rows = self._rows("SELECT record FROM versions WHERE brief_id = %s AND number = %s", (brief_id, number))
        if not rows:
            if not self._rows("SELECT 1 FROM versions WHERE brief_id = %s LIMIT 1", (brief_id,)):
                raise UnknownBrief(brief_id)
            raise UnknownBrief(brief_id, number)
        return version_from_record(rows[0][0])

    def take_in(self, brief_id: str) -> Version:
        """The latest version, noted as held, so a notice of it is not taken for news; read ahead when the briefs
        are taken in in the order ``ids`` listed them."""
        ahead = self._ahead
        record = ahead.take(brief_id, self._latest_of) if ahead is not None else None
        version = version_from_record(record) if record is not None else self.get(brief_id)
        self._known[brief_id] = version.number
        return version

    def history(self, brief_id: str) -> list[Version]:
        """Every version of a brief, oldest first."""
        if not ID_PATTERN.fullmatch(brief_id):
            raise UnknownBrief(brief_id)
        rows = self._rows("SELECT record FROM versions WHERE brief_id = %s ORDER BY number", (brief_id,))
        if not rows:
            raise UnknownBrief(brief_id)
        return [version_from_record(row[0]) for row in rows]

    def is_empty(self) -> bool:
        """Whether no brief has ever been pushed."""
        return not self._rows("SELECT 1 FROM versions LIMIT 1")

    # writing

    def push(
        self, brief: Brief, *, editor: str, channel: str, expected_version: int | None = None, now: datetime
    ) -> Pushed:
        """Store a new version of ``brief``; see ``push_many``."""
        return self.push_many([brief], editor=editor, channel=channel, expected_version=expected_version, now=now)[0]

    def push_many(
        self,
        briefs: Sequence[Brief],
        *,
        editor: str,
        channel: str,
        expected_version: int | None = None,
        now: datetime,
    ) -> list[Pushed]:
        """Store a new version of each brief in one transaction, the expected version checked inside it."""
        ids = sorted({brief.id for brief in briefs})
        committing = False
        try:
            with self._reach.connection() as connection, connection.transaction():
                connection.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended(id, 0)) FROM unnest(%s::text[]) AS id", (ids,)
                )
                latest: dict[str, Version | None] = dict.fromkeys(ids)
                for brief_id, record in connection.execute(
                    _LATEST.format(where=" WHERE brief_id = ANY(%s)"), (ids,)
                ).fetchall():
                    latest[brief_id] = version_from_record(record)
                results = _plan(briefs, latest, editor=editor, channel=channel, expected=expected_version, now=now)
                stored = [pushed.version for pushed in results if pushed.changed]
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO versions (brief_id, number, record) VALUES (%s, %s, %s)",
                        [(v.brief.id, v.number, Jsonb(version_to_record(v))) for v in stored],
                    )
                connection.execute(
                    "SELECT pg_notify(%s, note) FROM unnest(%s::text[]) AS note",
                    (CHANNEL, [f"{v.brief.id} {v.number}" for v in stored]),
                )
                committing = True  # from here the transaction's end commits: a failure leaves it to the database
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(redacted(self._url), problem(error), maybe_stored=committing) from None
        self._ahead = None  # what was read ahead may be older than this push
        for version in stored:
            self._known[version.brief.id] = max(version.number, self._known.get(version.brief.id, 0))
        return results

    # what other processes changed

    def poll_changes(self) -> set[str]:
        """Ids whose versions another process stored since the last poll (nothing to ask when none was heard)."""
        heard, missed = self._listener.take()
        self._ahead = None  # briefs are read again one by one now, as the newsroom is told of changes
        return missed | {brief_id for brief_id, number in heard if self._known.get(brief_id, 0) < number}

    def finish_interrupted(self) -> None:
        """Nothing is ever left half done: every push is one transaction."""

    # a fast start: the latest versions are one query away, so no snapshot is kept

    def save_snapshot(self, latest: LatestVersions, index: dict[str, Any]) -> None:
        """Nothing kept: a start reads the latest versions from the database."""

    def load_snapshot(self) -> Snapshot | None:
        """None: a start reads the latest versions from the database."""
        return None

    # channels following briefs

    def follow(self, brief_id: str, channel: str) -> bool:
        """Record that ``channel`` follows a brief; False when it already did."""
        sql = "INSERT INTO follows (brief_id, channel) VALUES (%s, %s) ON CONFLICT DO NOTHING"
        return self._write(sql, (brief_id, channel)) == 1

    def unfollow(self, brief_id: str, channel: str) -> bool:
        """Stop ``channel`` following a brief; False when it was not following it."""
        return self._write("DELETE FROM follows WHERE brief_id = %s AND channel = %s", (brief_id, channel)) == 1

    def followers(self, brief_id: str) -> list[str]:
        """The channels following a brief, sorted."""
        sql = 'SELECT channel FROM follows WHERE brief_id = %s ORDER BY channel COLLATE "C"'
        return [row[0] for row in self._rows(sql, (brief_id,))]

    def following(self, channel: str) -> list[str]:
        """The ids of the briefs ``channel`` follows, sorted."""
        sql = 'SELECT brief_id FROM follows WHERE channel = %s ORDER BY brief_id COLLATE "C"'
        return [row[0] for row in self._rows(sql, (channel,))]

    # the questions editors should see

    def log_question(self, question: LoggedQuestion) -> None:
        """Append an unanswered question to the log."""
        offset = question.asked_at.utcoffset() or timedelta(0)
        self._write(
            "INSERT INTO questions (text, asker, asked_at, asked_at_offset, suggestions) VALUES (%s, %s, %s, %s, %s)",
            (question.text, question.asker, question.asked_at, int(offset.total_seconds()), list(question.suggestions)),
        )

    def questions(self) -> list[LoggedQuestion]:
        """Every logged unanswered question, oldest first."""
        sql = "SELECT text, asker, asked_at, asked_at_offset, suggestions FROM questions ORDER BY id"
        return [
            LoggedQuestion(text, asker, at.astimezone(timezone(timedelta(seconds=offset))), tuple(suggestions))
            for text, asker, at, offset, suggestions in self._rows(sql)
        ]

    # what several replicas do once between them

    def first_time(self, kind: str, item: str) -> bool:
        """Take ``item`` for this process; False when any process on this database took it within the hour."""
        return self._answered.first_time(kind, item)

    # internals

    def _catch_up(self) -> set[str]:
        """Ids whose latest version in the table differs from the one held (new, changed or gone)."""
        table = dict(self._rows("SELECT brief_id, max(number) FROM versions GROUP BY brief_id"))
        known = dict(self._known)
        return {b for b in table.keys() | known.keys() if table.get(b) != known.get(b)}

    def _latest_of(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The latest version's record of each of ``ids`` that has one, in one query."""
        return dict(self._rows(_LATEST.format(where=" WHERE brief_id = ANY(%s)"), (list(ids),)))

    def _rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._reach.connection() as connection:
                rows = connection.execute(sql.encode(), parameters).fetchall()
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(redacted(self._url), problem(error)) from None
        return rows

    def _write(self, sql: str, parameters: Sequence[Any]) -> int:
        try:
            with self._reach.connection() as connection:
                count = connection.execute(sql.encode(), parameters).rowcount
        except psycopg.OperationalError as error:
            raise DatabaseUnavailable(redacted(self._url), problem(error)) from None
        return count


def _plan(
    briefs: Sequence[Brief],
    latest: dict[str, Version | None],
    *,
    editor: str,
    channel: str,
    expected: int | None,
    now: datetime,
) -> list[Pushed]:
    """The versions a push makes from the latest ones, or ``VersionConflict`` before any is made."""
    for brief in briefs:
        current = latest[brief.id]
        if expected is not None and expected != (current.number if current else 0):
            if current is None:
                raise VersionConflict(brief.id, expected or None, 0, None)
            raise VersionConflict(brief.id, expected or None, current.number, current.editor, current.pushed_at)
    results = []
    for brief in briefs:
        previous = latest[brief.id]
        if previous is not None and previous.brief == brief:
            results.append(Pushed(previous, previous))
            continue
        number = previous.number + 1 if previous else 1
        version = Version(brief, number, editor, now, previous.number if previous else None, channel)
        latest[brief.id] = version  # a later one in the batch builds on it
        results.append(Pushed(version, previous))
    return results
