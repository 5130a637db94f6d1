"""``briefbot check`` on a database: the schema's version, and every brief's versions read and checked.

Checking changes nothing, not even the schema (a briefbot starting upgrades it; a check only says how far
behind it is). Each brief's rows must be versions 1, 2, 3 ... each based on the one before, every record
whole and of the right kinds (the same checks a TinyDB shard passes), and numbered as its row is. Follow
messages given up in the last day, or waiting longer than ``EXPIRES_SECONDS`` for a replica serving their
platform, are reported too: a channel missed an update.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from bot.errors import DatabaseUnavailable
from bot.postgres import problem, redacted
from bot.postgres.migrations import MIGRATIONS
from bot.postgres.once import EXPIRES_SECONDS, SENT_KEPT
from bot.records import ordered_history

__all__ = ["DatabaseChecked", "check_database"]

CONNECT_SECONDS = 10
OUTBOX_EXPIRY = 4
"""The migration that made follow messages expire (``outbox.expired_at``)."""


@dataclass(frozen=True)
class DatabaseChecked:
    """What a check of the database found: its schema version, the briefs and versions read, and each problem."""

    schema: int
    briefs: int
    versions: int
    findings: tuple[str, ...]

    @property
    def healthy(self) -> bool:
        """Whether nothing at all is wrong."""
        return not self.findings


def check_database(url: str) -> DatabaseChecked:
    """Every problem in the database at ``url``; changes nothing."""
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_SECONDS, autocommit=True) as connection:
            schema = _schema(connection)
            findings = list(_schema_findings(schema))
            if schema == 0:
                return DatabaseChecked(0, 0, 0, tuple(findings))
            briefs = versions = 0
            # REPEATABLE READ: every brief read as of one moment, while a running briefbot goes on pushing.
            with connection.transaction():
                connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                rows = connection.execute("SELECT brief_id, number, record FROM versions ORDER BY brief_id, number")
                held: dict[str, list[tuple[int, Any]]] = {}
                for brief_id, number, record in rows:
                    held.setdefault(brief_id, []).append((number, record))
            for brief_id, numbered in held.items():
                briefs += 1
                versions += len(numbered)
                findings.extend(_brief_findings(brief_id, numbered))
            if schema >= OUTBOX_EXPIRY:
                findings.extend(_outbox_findings(connection))
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(redacted(url), problem(error)) from None
    return DatabaseChecked(schema, briefs, versions, tuple(findings))


def _outbox_findings(connection: psycopg.Connection[Any]) -> list[str]:
    """Follow messages given up lately, or waiting past the bound (no replica has looked since), by platform."""
    rows = connection.execute(
        "SELECT platform, count(*) FILTER (WHERE expired_at > now() - %s::interval), "
        "count(*) FILTER (WHERE expired_at IS NULL AND put_at < now() - make_interval(secs => %s)) "
        "FROM outbox WHERE sent_at IS NULL GROUP BY platform ORDER BY platform",
        (SENT_KEPT, EXPIRES_SECONDS),
    ).fetchall()
    minutes = int(EXPIRES_SECONDS // 60)
    findings = []
    for platform, expired, overdue in rows:
        if expired:
            findings.append(
                f"outbox: {expired} follow message(s) for {platform} were given up in the last day, as no replica "
                f"serving {platform} posted them within {minutes} minutes; serve {platform} from a replica, or "
                "unfollow its channels"
            )
        if overdue:
            findings.append(
                f"outbox: {overdue} follow message(s) for {platform} have waited over {minutes} minutes, as no "
                f"replica serving {platform} claimed them; a running replica gives them up"
            )
    return findings


def _schema(connection: psycopg.Connection[Any]) -> int:
    found = connection.execute("SELECT to_regclass('briefbot_migrations') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return 0
    row = connection.execute("SELECT coalesce(max(number), 0) FROM briefbot_migrations").fetchone()
    return int(row[0]) if row else 0


def _schema_findings(schema: int) -> list[str]:
    known = len(MIGRATIONS)
    if schema == 0:
        return ["schema: the database holds no briefbot schema; briefbot serve or briefbot migrate makes it"]
    if schema < known:
        return [f"schema: at migration {schema}, this briefbot's is {known}; the next briefbot to start upgrades it"]
    if schema > known:
        return [f"schema: at migration {schema}, newer than this briefbot knows ({known}); upgrade briefbot"]
    return []


def _brief_findings(brief_id: str, numbered: list[tuple[int, Any]]) -> list[str]:
    findings = []
    for number, record in numbered:
        if not isinstance(record, dict) or record.get("number") != number:
            findings.append(f"{brief_id} v{number}: the row holds a record numbered otherwise")
    try:
        ordered_history([record for _, record in numbered], brief_id)
    except ValueError as error:
        findings.append(f"{brief_id}: {error}")
    return findings
