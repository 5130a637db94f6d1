"""Watching a folder of brief files: every changed file is pushed, so briefs kept in git go live on a pull.

A file that changes is checked like any brief file and pushed as a new version
(channel ``file``, pushed by "folder watch": the file's ``editor`` is its byline,
not who pushed it); a bad file is reported and skipped, and the last good
version stays live. A file that names the version it was based on is
conflict-checked like ``briefbot push``.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from watchfiles import Change, awatch

from bot.briefs import BRIEF_SUFFIXES, load_brief_files
from bot.errors import BriefbotError
from bot.newsroom import Newsroom

__all__ = ["FILE_CHANNEL", "WATCH_EDITOR", "push_file", "watch_folder"]

log = logging.getLogger("briefbot.watch")

FILE_CHANNEL = "file"
WATCH_EDITOR = "folder watch"
DEBOUNCE_MS = 200
"""Changes this close together (a git pull, an editor's save) are taken as one batch."""


def push_file(newsroom: Newsroom, path: Path) -> bool:
    """Push one brief file as a new version; a bad file or a conflict is logged and skipped. True if stored."""
    try:
        (loaded,) = load_brief_files([path])
        pushed = newsroom.push(
            loaded.brief,
            editor=WATCH_EDITOR,  # the byline in the file is its say, not who pushed it
            channel=FILE_CHANNEL,
            expected_version=loaded.based_on,
        )
    except BriefbotError as error:
        log.error("skipped %s, the last good version stays live: %s", path, error)
        return False
    for warning in loaded.warnings:
        log.warning("%s", warning)
    if pushed.changed:
        log.info("%s: %s is now v%s", path, pushed.version.brief.id, pushed.version.number)
    return True


def _is_brief_file(change: Change, path: str) -> bool:
    name = Path(path).name
    return change is not Change.deleted and name.endswith(BRIEF_SUFFIXES) and not name.startswith(".")


async def watch_folder(newsroom: Newsroom, folder: Path, stop: asyncio.Event | None = None) -> None:
    """Push every brief file in ``folder`` that differs from the store, then each file that changes, until stopped."""
    # Pushes write to disk, so they run in a worker thread and the answers on the event loop go on meanwhile.
    existing = sorted(p for p in folder.rglob("*") if p.is_file() and _is_brief_file(Change.added, str(p)))
    await asyncio.to_thread(_push_all, newsroom, existing)
    async for changes in awatch(folder, watch_filter=_is_brief_file, debounce=DEBOUNCE_MS, stop_event=stop):
        changed = sorted({Path(path) for _, path in changes})
        await asyncio.to_thread(_push_all, newsroom, [path for path in changed if path.is_file()])


def _push_all(newsroom: Newsroom, paths: list[Path]) -> None:
    for path in paths:
        push_file(newsroom, path)
