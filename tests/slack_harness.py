"""A pytest plugin for the Slack tests: the Slack surface served over real HTTP on 127.0.0.1, and a client for it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from fake_slack import SECRET, Call, FakeSlack, action_body, event_body, signed_headers, slash_body

from adapters.serve import start_http
from adapters.slack.app import EVENTS_PATH, SlackSettings, SlackSurface
from bot.newsroom import Newsroom


@dataclass
class Served:
    """The bot's HTTP endpoint on 127.0.0.1 and the Slack stand-in it talks to."""

    url: str
    fake: FakeSlack
    newsroom: Newsroom
    session: aiohttp.ClientSession

    async def post(self, body: str, headers: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        async with self.session.post(self.url + EVENTS_PATH, data=body.encode(), headers=headers) as response:
            return response.status, await response.text(), dict(response.headers)

    async def slash(self, text: str, **header_options: Any) -> tuple[int, dict[str, Any]]:
        body = slash_body(text, self.fake.response_url())
        status, reply, _ = await self.post(body, signed_headers(body, **header_options))
        return status, json.loads(reply) if reply.startswith("{") else {"raw": reply}

    async def click(self, action_id: str, value: str, ephemeral: bool = True) -> int:
        body = action_body(action_id, value, self.fake.response_url("click"), ephemeral=ephemeral)
        status, _, _ = await self.post(body, signed_headers(body))
        return status

    async def event(self, event: dict[str, Any], event_id: str = "Ev001", retry: int | None = None) -> int:
        body = event_body(event, event_id)
        headers = signed_headers(body)
        if retry is not None:
            headers |= {"x-slack-retry-num": str(retry), "x-slack-retry-reason": "http_timeout"}
        status, _, _ = await self.post(body, headers)
        return status

    async def wait_for(self, path_prefix: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The calls to ``path_prefix`` once ``count`` have arrived (listeners run after the ack)."""
        for _ in range(int(timeout / 0.01)):
            calls = self.fake.calls(path_prefix)
            if len(calls) >= count:
                return calls
            await asyncio.sleep(0.01)
        return self.fake.calls(path_prefix)


@pytest.fixture
async def served(fake: FakeSlack, newsroom: Newsroom) -> AsyncIterator[Served]:
    """The Slack surface served over real HTTP on 127.0.0.1, as ``briefbot serve slack`` serves it."""
    settings = SlackSettings("xoxb-test-token", SECRET, api_url=fake.api_url)
    runner = await start_http([SlackSurface(newsroom, settings)], "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    async with aiohttp.ClientSession() as session:
        yield Served(f"http://{host}:{port}", fake, newsroom, session)
    await runner.cleanup()
