"""How a process on the database is doing: can it reach the database, and how far behind the latest versions it is.

Both questions are asked through the store's own pool, with a short wait, so a health check never hangs on
a database that went away: it says ``unreachable`` and the process goes on answering from memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg_pool import PoolTimeout

from bot.postgres.store import PgStore

__all__ = ["HEALTH_WAIT_SECONDS", "DatabaseHealth", "database_health"]

HEALTH_WAIT_SECONDS = 2.0
"""The longest a health check waits for a connection: a load balancer's check usually times out at 5 s."""

_BEHIND = """
    SELECT min((v.record->>'pushed_at')::timestamptz)
    FROM versions v
    LEFT JOIN unnest(%s::text[], %s::int[]) AS held(brief_id, number) ON held.brief_id = v.brief_id
    WHERE v.number > coalesce(held.number, 0)
"""
"""The time of the oldest version this process has not taken in (NULL when it holds the latest of each)."""


@dataclass(frozen=True)
class DatabaseHealth:
    """Whether the database answered, and the process's lag behind it in seconds (None when unreachable)."""

    reachable: bool
    lag_seconds: float | None


def database_health(store: PgStore, held: dict[str, int], now: datetime) -> DatabaseHealth:
    """Ask the database, through ``store``'s pool, what ``held`` (brief id to version number) lacks."""
    ids = list(held)
    try:
        # Briefly once the database is known gone (the store's wait), so /healthz says so at once.
        with store.pool.connection(timeout=min(HEALTH_WAIT_SECONDS, store.connection_wait)) as connection:
            connection.execute(f"SET LOCAL statement_timeout = {int(HEALTH_WAIT_SECONDS * 1000)}".encode())
            row: Any = connection.execute(_BEHIND.encode(), (ids, [held[i] for i in ids])).fetchone()
    except (psycopg.Error, PoolTimeout):
        return DatabaseHealth(reachable=False, lag_seconds=None)
    oldest: datetime | None = row[0] if row else None
    if oldest is None:
        return DatabaseHealth(reachable=True, lag_seconds=0.0)
    return DatabaseHealth(reachable=True, lag_seconds=max(0.0, (now - oldest).total_seconds()))
