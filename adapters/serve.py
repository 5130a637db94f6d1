"""Serving: the chat surfaces and one HTTP server in a single asyncio process over one newsroom.

Each surface (Slack, Discord) is started here and stopped here; a surface that
takes HTTP requests hands its routes to the shared server, which also answers
``GET /healthz``.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Protocol

from aiohttp import web

__all__ = ["MAX_BODY_BYTES", "Surface", "serve", "start_http"]

log = logging.getLogger("briefbot.serve")

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body the server reads; larger ones are refused with 413."""


class Surface(Protocol):
    """A chat platform the bot answers on."""

    name: str

    def routes(self) -> Sequence[web.RouteDef]:
        """The HTTP routes this surface serves on the shared server (none for gateway-only surfaces)."""
        ...

    async def start(self) -> None:
        """Connect and begin answering; returns once running."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...


async def start_http(surfaces: Sequence[Surface], host: str, port: int) -> web.AppRunner:
    """Start the shared HTTP server with every surface's routes and ``/healthz``; returns its runner."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)

    names = [surface.name for surface in surfaces]

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "surfaces": names})

    app.router.add_get("/healthz", healthz)
    for surface in surfaces:
        app.add_routes(surface.routes())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def serve(
    surfaces: Sequence[Surface],
    host: str,
    port: int,
    on_ready: Callable[[str], None] = print,
) -> None:
    """Run the HTTP server and every surface until SIGINT or SIGTERM, then stop them all."""
    runner = await start_http(surfaces, host, port)
    started: list[Surface] = []
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopping.set)
    try:
        for surface in surfaces:
            await surface.start()
            started.append(surface)
        bound_host, bound_port = runner.addresses[0][:2]
        on_ready(f"briefbot serving {', '.join(s.name for s in surfaces)} on http://{bound_host}:{bound_port}")
        await stopping.wait()
    finally:
        for surface in reversed(started):
            try:
                await surface.stop()
            except Exception:
                log.exception("stopping %s failed", surface.name)
        await runner.cleanup()
