"""Slack and Discord served together in one process, over one newsroom and one store, as ``serve slack discord``."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import aiohttp
import discord
import pytest
import yarl
from conftest import REPORTER, eventually
from fake_discord import BOT_ID, BOT_USER, CHANNEL_ID, FakeDiscord, guild_create, message_create
from fake_slack import SECRET, FakeSlack, signed_headers, slash_body

from adapters.discord.bot import DiscordSettings, DiscordSurface
from adapters.serve import serve
from adapters.slack.app import EVENTS_PATH, SlackSettings, SlackSurface
from bot.errors import BriefbotError
from bot.newsroom import Newsroom

KREMLIN = "kremlin-open-to-putin-trump-meeting"
KREMLIN_TITLE = "Kremlin says it remains open to a Putin-Trump meeting"


async def test_slack_and_discord_answer_and_hear_updates_from_one_newsroom(
    newsroom: Newsroom, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One process answers Slack and Discord from the same briefs, and one push is announced on both."""
    stand_in = await FakeDiscord().start()
    monkeypatch.setattr(discord.http.Route, "BASE", stand_in.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(stand_in.gateway_url))
    surfaces = [
        SlackSurface(newsroom, SlackSettings("xoxb-test-token", SECRET, api_url=fake.api_url)),
        DiscordSurface(newsroom, DiscordSettings(token="fake-token")),
    ]
    ready: asyncio.Queue[str] = asyncio.Queue()
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(newsroom, surfaces, "127.0.0.1", 0, on_ready=ready.put_nowait, stop=stop))
    try:
        url = (await asyncio.wait_for(ready.get(), 10)).split(" on ", 1)[1]
        gateway = await asyncio.wait_for(stand_in.connections.get(), 10)
        await gateway.dispatch("READY", stand_in.ready())
        await gateway.dispatch("GUILD_CREATE", guild_create())

        async with aiohttp.ClientSession() as session:
            for text in ("latest Kremlin stance on a Trump meeting", f"follow {KREMLIN}"):
                body = slash_body(text, fake.response_url())
                async with session.post(url + EVENTS_PATH, data=body.encode(), headers=signed_headers(body)) as r:
                    answered = json.loads(await r.text())
                if text.startswith("latest"):
                    assert answered["blocks"][0]["text"]["text"] == KREMLIN_TITLE

        for text in ("latest Kremlin stance on a Trump meeting", f"follow {KREMLIN}"):
            await gateway.dispatch("MESSAGE_CREATE", message_create(f"<@{BOT_ID}> {text}", mentions=(BOT_USER,)))
        channel_posts = f"/channels/{CHANNEL_ID}/messages"
        await eventually(lambda: len([c for c in stand_in.sent() if c.path == channel_posts]) == 2)
        first = next(c for c in stand_in.sent() if c.path == channel_posts)
        assert first.body["embeds"][0]["title"] == KREMLIN_TITLE

        assert newsroom.followers(KREMLIN) == [f"discord:{CHANNEL_ID}", "slack:C111"]
        brief = newsroom.show(KREMLIN, REPORTER).brief
        newsroom.push(replace(brief, summary="The Kremlin rules out a meeting."), editor="Anna", channel="api")
        update = f"Updated: {KREMLIN_TITLE} (v2, World desk) - bottom line changed"
        await eventually(lambda: any(c.body.get("text") == update for c in fake.calls("/api/chat.postMessage")))
        await eventually(
            lambda: any(c.body.get("content") == update for c in stand_in.sent() if c.path == channel_posts)
        )
        discord_update = [c for c in stand_in.sent() if c.body.get("content") == update]
        assert [c.body["allowed_mentions"] for c in discord_update] == [{"parse": []}]
    finally:
        stop.set()
        await asyncio.wait_for(serving, 15)
        await stand_in.stop()
    assert surfaces[1].client.is_closed()


async def test_a_surface_that_cannot_start_stops_serve_with_a_clear_error(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Discord token the API refuses ends ``serve`` with one message naming the platform, not a traceback."""
    stand_in = await FakeDiscord().start()
    monkeypatch.setattr(discord.http.Route, "BASE", stand_in.api_base)
    stand_in.refuse_next("GET", "/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    surface = DiscordSurface(newsroom, DiscordSettings(token="wrong"))
    try:
        with pytest.raises(BriefbotError, match=r"^discord: could not start \(Improper token has been passed\.\)"):
            await serve(newsroom, [surface], "127.0.0.1", 0, on_ready=lambda line: None)
    finally:
        await surface.stop()
        await stand_in.stop()
