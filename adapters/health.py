"""``GET /healthz``: is this process answering, can it reach its database, how far behind is it, does it hold Discord.

Always 200 while the process answers: a replica whose database is unreachable, or with a brief it cannot
read, goes on answering from memory, so a load balancer should keep sending it questions; ``status`` says
``degraded`` and why. ``lag_seconds`` is the time since the oldest version in the database this replica has
not taken in yet (0 when it holds the latest of every brief). A surface that holds a connection only one
process may have (Discord's gateway) says so with ``holds_connection``; one that does not say holds it. On a
store several replicas share, ``outbox`` counts the follow messages waiting, by platform, and those given up in
the last day because no replica serving their platform posted them within the hour (``bot.postgres.once``);
it is left out while none waits and none was given up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.errors import REPAIR_ADVICE, StoreUnwritable
from bot.newsroom import Newsroom

__all__ = ["ONE_CONNECTION", "health_of", "lag_of", "outbox_of"]

ONE_CONNECTION = ("discord",)
"""Surfaces whose platform allows one connection per bot, so only one replica holds it."""


class _Named(Protocol):
    name: str


def lag_of(newsroom: Newsroom, clock: Callable[[], datetime]) -> Callable[[], tuple[bool, float | None] | None]:
    """A function telling, on PostgreSQL, whether the database answered and the lag; None for a store folder."""
    store = newsroom.store
    if getattr(store, "pool", None) is None:
        return lambda: None
    from bot.postgres.health import database_health
    from bot.postgres.store import PgStore

    assert isinstance(store, PgStore)

    def ask() -> tuple[bool, float | None]:
        found = database_health(store, newsroom.held_versions(), clock())
        return found.reachable, found.lag_seconds

    return ask


def outbox_of(newsroom: Newsroom) -> Callable[[], dict[str, Any] | None]:
    """A function counting the shared outbox's follow messages, waiting and given up, by platform; None for a store
    one process serves, when there are none, or while the database cannot be reached (``database`` says so)."""
    outbox = newsroom.store.outbox

    def count() -> dict[str, Any] | None:
        if outbox is None:
            return None
        try:
            counts = outbox.counts()
        except StoreUnwritable:
            return None
        return {"waiting": counts.waiting, "expired": counts.expired} if counts.waiting or counts.expired else None

    return count


async def health_of(
    newsroom: Newsroom | None,
    surfaces: Sequence[_Named],
    database: Callable[[], tuple[bool, float | None] | None],
) -> dict[str, Any]:
    """The health document: the surfaces, each unavailable brief, the database and the lag, and who holds Discord."""
    health: dict[str, Any] = {"ok": True, "surfaces": [surface.name for surface in surfaces]}
    problems = []
    unavailable = newsroom.unavailable() if newsroom is not None else {}
    if unavailable:
        problems.append("unavailable")
        health["unavailable"] = [
            {"id": brief_id, "file": error.path, "problem": error.problem, "fix": REPAIR_ADVICE}
            for brief_id, error in sorted(unavailable.items())
        ]
    found = await asyncio.to_thread(database)  # it may wait for the database: never on the event loop
    if found is not None:
        reachable, lag = found
        health["database"] = "ok" if reachable else "unreachable"
        health["lag_seconds"] = round(lag, 3) if lag is not None else None
        if not reachable:
            problems.append("database")
    for surface in surfaces:
        if surface.name in ONE_CONNECTION:
            health[surface.name] = {"holds_connection": bool(getattr(surface, "holds_connection", True))}
    if problems:
        health["status"] = "degraded"
    return health
