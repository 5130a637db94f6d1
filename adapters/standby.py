"""A surface one replica runs at a time: Discord allows one gateway connection per bot token.

``OneReplica`` stands in for such a surface on every replica of a shared (PostgreSQL) store. It asks for the
surface's lease (``bot.postgres.lease``) and, while this replica holds it, runs a fresh surface made by ``make``;
when the lease is lost it stops that surface and stands by, and a standby whose turn comes starts its own. Only
the holder is ``ready``, so only the holder claims the surface's follow messages from the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from adapters.serve import Surface
    from bot.postgres.lease import Lease

__all__ = ["OneReplica"]

log = logging.getLogger("briefbot.standby")


class OneReplica:
    """Runs the surface ``make`` builds while this replica holds its lease; stands by otherwise."""

    def __init__(self, name: str, make: Callable[[], Surface], url: str, try_seconds: float | None = None) -> None:
        self.name = name
        self._make = make
        self._url = url
        self._try_seconds = try_seconds
        self._running: Surface | None = None
        self._lease: Lease | None = None
        self._follower: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        """Whether this replica holds the lease and runs the surface."""
        return self._running is not None

    @property
    def holds_connection(self) -> bool:
        """What ``/healthz`` shows: whether this replica holds the platform's one connection (the lease)."""
        return self.ready

    def routes(self) -> Sequence[web.RouteDef]:
        """None: a surface only one replica runs has no HTTP routes every replica could serve."""
        return []

    async def start(self) -> None:
        """Ask for the lease; the surface starts when it is held (at once, when no other replica holds it)."""
        from bot.postgres.lease import TRY_SECONDS, Lease  # psycopg is imported only with a database configured

        loop = asyncio.get_running_loop()
        changed = asyncio.Event()

        def wake(held: bool) -> None:
            loop.call_soon_threadsafe(changed.set)

        self._lease = Lease(self._url, self.name, wake, self._try_seconds or TRY_SECONDS)
        self._follower = asyncio.create_task(self._follow(self._lease, changed), name=f"briefbot {self.name} lease")

    async def stop(self) -> None:
        """Stop the surface, if running here, and let go of the lease for another replica."""
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
        await self._stop_surface()
        if self._lease is not None:
            await asyncio.to_thread(self._lease.close)

    async def notify(self, channel: str, text: str) -> None:
        """Post through the running surface (the announcer asks only while ``ready``)."""
        if self._running is None:
            log.warning("not posting to %s:%s: another replica runs %s", self.name, channel, self.name)
            return
        await self._running.notify(channel, text)

    async def _follow(self, lease: Lease, changed: asyncio.Event) -> None:
        while True:
            await changed.wait()
            changed.clear()
            if lease.held and self._running is None:
                surface = self._make()
                try:
                    await surface.start()
                except Exception:
                    log.exception("%s: could not start with the lease held; check its settings", self.name)
                    continue
                self._running = surface
                log.info("%s runs on this replica", self.name)
            elif not lease.held and self._running is not None:
                await self._stop_surface()
                log.info("%s stands by on this replica: another holds its lease", self.name)

    async def _stop_surface(self) -> None:
        surface, self._running = self._running, None
        if surface is not None:
            try:
                await surface.stop()
            except Exception:
                log.exception("stopping %s failed", self.name)
