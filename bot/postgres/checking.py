"""``briefbot check`` on a database: the schema's version, and every brief's versions read and checked.

Checking changes nothing, not even the schema (a briefbot starting upgrades it; a check only says how far
behind it is). Each brief's rows must be versions 1, 2, 3 ... each based on the one before, every record
whole and of the right kinds (the same checks a TinyDB shard passes), and numbered as its row is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from bot.errors import DatabaseUnavailable
from bot.postgres import problem, redacted
from bot.postgres.migrations import MIGRATIONS
from bot.records import ordered_history

__all__ = ["DatabaseChecked", "check_database"]

CONNECT_SECONDS = 10


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
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(redacted(url), problem(error)) from None
    return DatabaseChecked(schema, briefs, versions, tuple(findings))


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
