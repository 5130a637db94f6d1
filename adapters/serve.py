"""Serving: the chat surfaces, the editors' API and follow notifications in one asyncio process over one newsroom.

Each surface (Slack, Discord) is started here and stopped here; a surface that
takes HTTP requests hands its routes to the shared server, which also serves
the editors' API and ``GET /healthz``. The newsroom is refreshed on a timer,
so versions written by other processes are picked up, and every new published
version is announced to the channels that follow it, one message at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from aiohttp import web

from adapters.health import health_of, lag_of, outbox_of
from adapters.http_api import error_middleware
from adapters.metrics import Metrics
from adapters.standby import OneReplica
from adapters.watching import watch_folder
from bot import wording
from bot.brief_store import Notice
from bot.caps import MAX_BRIEF_BYTES
from bot.errors import BriefbotError, StoreUnwritable
from bot.newsroom import Newsroom, Update

__all__ = ["MAX_BODY_BYTES", "OUTBOX_SECONDS", "REFRESH_SECONDS", "Announcer", "Surface", "serve", "start_http"]

log = logging.getLogger("briefbot.serve")

MAX_BODY_BYTES = 3 * MAX_BRIEF_BYTES
"""The largest request body the server reads; larger ones are refused with 413. It holds a brief at its caps
even as ASCII-only JSON (an escape is at most three times the bytes of its character), so every brief over a cap
is read and refused with the cap it is over."""

SIGNALS = (signal.SIGINT, signal.SIGTERM)

OUTBOX_SECONDS = 1.0
"""How often a replica on a shared store looks in the outbox for updates no replica has posted yet (one left by
a replica that died while posting it); updates heard of are posted at once."""
OUTBOX_BATCH = 20
"""How many updates one claim takes: a replica posts them while the others post the next ones."""

REFRESH_SECONDS = 1.0
"""How often the server looks for versions other processes wrote (one stat of the change journal)."""


class Surface(Protocol):
    """A chat platform the bot answers on."""

    name: str
    """Also the prefix of its channels in follows, as in ``slack:C0123``."""

    def routes(self) -> Sequence[web.RouteDef]:
        """The HTTP routes this surface serves on the shared server (none for gateway-only surfaces)."""
        ...

    async def start(self) -> None:
        """Connect and begin answering; returns once running."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...

    async def notify(self, channel: str, text: str) -> None:
        """Post ``text`` to a following channel (its id on this platform); failures are logged, not raised."""
        ...


class Announcer:
    """Posts each new version's one-line update to every following channel, in order.

    On a store served by one process, the updates wait in a queue in memory. On a store several replicas share
    (PostgreSQL), they wait in the store's outbox: every replica hears of a new version and puts its updates
    there, only the first put of each is kept, and each is claimed and posted by one replica; one left by a
    replica that died while posting is posted by another within ``OUTBOX_SECONDS``.
    """

    def __init__(self, newsroom: Newsroom, surfaces: Sequence[Surface]) -> None:
        self._newsroom = newsroom
        self._surfaces = {surface.name: surface for surface in surfaces}
        self._queue: asyncio.Queue[tuple[Surface, str, str]] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._outbox = newsroom.store.outbox
        self._wake = asyncio.Event()

    def __call__(self, update: Update) -> None:
        """The newsroom's listener: may be called from any thread."""
        brief = update.version.brief
        line = wording.update_line(brief.title, update.version.number, brief.desk, update.changes)
        notices = [Notice(brief.id, update.version.number, f, line) for f in self._newsroom.followers(brief.id)]
        if self._outbox is not None:
            try:
                self._outbox.put(notices)  # another replica may serve a platform this one does not
                self._loop.call_soon_threadsafe(self._wake.set)
                return
            except StoreUnwritable as error:
                log.warning("posting %s v%d's updates from here: %s", brief.id, update.version.number, error)
        for notice in notices:
            surface = self._surfaces.get(notice.platform)
            if surface is None:
                log.warning("%s follows %s, but %s is not served here", notice.follower, brief.id, notice.platform)
                continue
            channel = notice.follower.partition(":")[2]
            self._loop.call_soon_threadsafe(self._queue.put_nowait, (surface, channel, line))

    async def run(self) -> None:
        """Post queued updates (and, on a shared store, the outbox's) until cancelled."""
        if self._outbox is None:
            await self._post_queued()
        else:
            await asyncio.gather(self._post_queued(), self._post_from_outbox())

    async def drain(self) -> None:
        """Wait until every queued update, and every update this replica can claim, has been posted."""
        await self._queue.join()
        await self._post_claimed()

    async def _post_queued(self) -> None:
        while True:
            surface, channel, line = await self._queue.get()
            try:
                await self._post(surface, channel, line)
            finally:
                self._queue.task_done()

    async def _post_from_outbox(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), OUTBOX_SECONDS)
            self._wake.clear()
            await self._post_claimed()

    async def _post_claimed(self) -> None:
        """Claim and post waiting updates, a batch at a time, until none is left for this replica."""
        if self._outbox is None:
            return
        while True:
            try:
                ready = [name for name, surface in self._surfaces.items() if _ready(surface)]
                with self._outbox.claim(ready, OUTBOX_BATCH) as notices:
                    for notice in notices:
                        channel = notice.follower.partition(":")[2]
                        await self._post(self._surfaces[notice.platform], channel, notice.text)
            except StoreUnwritable as error:
                log.warning("the outbox cannot be read now; its updates wait: %s", error)
                return
            if len(notices) < OUTBOX_BATCH:
                return

    async def _post(self, surface: Surface, channel: str, line: str) -> None:
        try:
            await surface.notify(channel, line)
        except Exception:
            log.exception("announcing to %s:%s failed", surface.name, channel)


def _ready(surface: Surface) -> bool:
    """Whether this replica posts for ``surface`` now: not when another replica runs it."""
    return not isinstance(surface, OneReplica) or surface.ready


async def start_http(
    surfaces: Sequence[Surface],
    host: str,
    port: int,
    routes: Sequence[web.RouteDef] = (),
    newsroom: Newsroom | None = None,
) -> web.AppRunner:
    """Start the shared HTTP server with every surface's routes, ``routes``, ``/healthz`` and (with a newsroom)
    ``/metrics``; returns its runner.

    ``/healthz`` says ``"status": "degraded"``, with each unavailable brief, while ``newsroom`` has a brief whose
    file in the store cannot be read, or its database cannot be reached (still 200: it goes on answering);
    see ``adapters.health``.
    """
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[error_middleware])
    database = lag_of(newsroom, newsroom.now) if newsroom is not None else lambda: None

    outbox = outbox_of(newsroom) if newsroom is not None else lambda: None

    async def healthz(request: web.Request) -> web.Response:
        health = await health_of(newsroom, surfaces, database)
        if (counted := await asyncio.to_thread(outbox)) is not None:
            health["outbox"] = counted
        return web.json_response(health)

    app.router.add_get("/healthz", healthz)
    if newsroom is not None:
        app.router.add_get("/metrics", Metrics(newsroom, newsroom.now, _lag_only(database)).handle)
    app.add_routes(routes)
    for surface in surfaces:
        app.add_routes(surface.routes())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


def _lag_only(database: Callable[[], tuple[bool, float | None] | None]) -> Callable[[], float | None]:
    def lag() -> float | None:
        found = database()
        return found[1] if found is not None else None

    return lag


async def _refresh(newsroom: Newsroom) -> None:
    while True:
        await asyncio.sleep(REFRESH_SECONDS)
        try:
            newsroom.refresh()
        except Exception:
            log.exception("reading the store's changes failed")


async def serve(
    newsroom: Newsroom,
    surfaces: Sequence[Surface],
    host: str,
    port: int,
    routes: Sequence[web.RouteDef] = (),
    watch: Path | None = None,
    on_ready: Callable[[str], None] = print,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the HTTP server, every surface, the announcer and a folder watch until SIGINT, SIGTERM or ``stop``."""
    runner = await start_http(surfaces, host, port, routes, newsroom)
    announcer = Announcer(newsroom, surfaces)
    newsroom.subscribe(announcer)
    background = [asyncio.create_task(announcer.run()), asyncio.create_task(_refresh(newsroom))]
    if watch is not None:
        background.append(asyncio.create_task(watch_folder(newsroom, watch)))
    started: list[Surface] = []
    stopping = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, stopping.set)
    try:
        for surface in surfaces:
            try:
                await surface.start()
            except Exception as error:
                raise BriefbotError(f"{surface.name}: could not start ({error}); check its settings") from error
            started.append(surface)
        bound_host, bound_port = runner.addresses[0][:2]
        served = ", ".join([s.name for s in surfaces] + (["the editors' API"] if routes else []))
        on_ready(f"briefbot serving {served} on http://{bound_host}:{bound_port}")
        await stopping.wait()
    finally:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(announcer.drain(), timeout=5)
        for task in background:
            task.cancel()
        for surface in reversed(started):
            try:
                await surface.stop()
            except Exception:
                log.exception("stopping %s failed", surface.name)
        await runner.cleanup()
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)
