"""Slack over Socket Mode: the real Socket Mode client against a loopback WebSocket stand-in."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web
from fake_slack import slash_body

from adapters.slack.app import SlackSettings, SlackSurface
from bot.newsroom import Newsroom


async def test_socket_mode_answers_a_slash_command_in_its_ack(newsroom: Newsroom) -> None:
    """With an app token set, the bot connects out, and a ``/brief`` envelope is acked with the Kremlin brief."""
    acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    opened: list[str] = []
    command = dict(parse_qsl(slash_body("latest Kremlin stance on a Trump meeting", "http://127.0.0.1:9/r")))

    async def connections_open(request: web.Request) -> web.Response:
        opened.append(request.headers.get("Authorization", ""))
        return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{port}/link"})

    async def link(request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})
        envelope = {"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True}
        await socket.send_json(envelope | {"payload": command})
        async for message in socket:
            if message.type is WSMsgType.TEXT:
                await acks.put(json.loads(message.data))
        return socket

    async def auth_test(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": "T111"})

    app = web.Application()
    app.router.add_post("/api/auth.test", auth_test)
    app.router.add_post("/api/apps.connections.open", connections_open)
    app.router.add_get("/link", link)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    settings = SlackSettings("xoxb-test", None, "xapp-test", f"http://127.0.0.1:{port}/api/")
    surface = SlackSurface(newsroom, settings)
    assert surface.routes() == []  # nothing listens for Slack over HTTP in Socket Mode
    try:
        await surface.start()
        ack = await asyncio.wait_for(acks.get(), timeout=10)
    finally:
        await surface.stop()
        await runner.cleanup()
    assert opened == ["Bearer xapp-test"]
    assert ack["envelope_id"] == "env-1"
    assert ack["payload"]["response_type"] == "ephemeral"
    assert ack["payload"]["blocks"][0]["text"]["text"] == "Kremlin says it remains open to a Putin-Trump meeting"
