"""Shared fixtures: a scrubbed environment, a fixed newsroom clock, and newsrooms over the sample briefs."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_slack import FakeSlack

from bot.newsroom import Asker, Newsroom
from bot.store import TinyStore

pytest_plugins = ["slack_harness", "postgres_server"]

REPO = Path(__file__).resolve().parent.parent
SAMPLE_BRIEFS = REPO / "briefs"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The day the sample briefs were written for: some are fresh, a few stale, one embargoed."""

REPORTER = Asker("reporter")
EDITOR = Asker("editor", is_editor=True)


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's own briefbot settings or data folder."""
    for name in list(os.environ):
        if name.startswith(("BRIEFBOT_", "SLACK_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))


class Clock:
    """A settable clock for the newsroom."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A loopback stand-in for Slack's Web API and response URLs."""
    stand_in = FakeSlack()
    yield stand_in
    stand_in.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def newsroom(clock: Clock) -> Newsroom:
    """A newsroom holding the sample briefs in memory, at the sample briefs' date."""
    return Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS)


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``condition`` holds, for what a server does in the background; TimeoutError after ``timeout``."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def within(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Whether ``condition`` holds within ``timeout`` seconds, for what another thread or process does meanwhile."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def write_brief(folder: Path, brief_id: str, **fields: str) -> Path:
    """Write a minimal valid brief file, with any front-matter field overridden or added."""
    front = {
        "id": brief_id,
        "title": f"Title of {brief_id}",
        "summary": f"Bottom line of {brief_id}.",
        "updated": "2026-11-20T10:00:00+00:00",
    } | fields
    body = front.pop("body", "## Key points\n- First point.\n- Second point.\n")
    text = "---\n" + "".join(f"{key}: {value}\n" for key, value in front.items()) + "---\n" + body
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{brief_id}.md"
    path.write_text(text, encoding="utf-8")
    return path
