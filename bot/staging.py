"""All-or-nothing writes of many shards: staged, committed in one atomic step, then applied.

An import writes every new shard into ``staging/TXN/`` and fsyncs them; then one atomic rename creates
``staging/TXN/COMMIT`` (holding the change journal's lines for the batch): before it exists nothing of
the batch counts, after it everything does. Applying moves each staged shard over the live one and
appends the journal lines. A crash at any point leaves a transaction that ``recover`` finishes, when it
was committed, or throws away, when it was not, so a restart sees all of an import or none of it.

Only the holder of the store's lock stages, applies or recovers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from bot.disk import append_line, fsync_dir, write_synced
from bot.journal import JOURNAL_FILE
from bot.shards import SHARD_DIR, SHARD_SUFFIX

__all__ = ["COMMIT_FILE", "STAGING_DIR", "Transaction", "committed_waiting", "recover"]

STAGING_DIR = "staging"
COMMIT_FILE = "COMMIT"


class Transaction:
    """One batch of shard writes on its way into the store."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / STAGING_DIR / f"{time.time_ns()}-{os.getpid()}"

    def stage(self, shards: Iterable[tuple[str, bytes]]) -> None:
        """Write each brief's new shard into the staging folder, durably; nothing in the store changes yet."""
        (self.root / STAGING_DIR).mkdir(exist_ok=True)
        self.folder.mkdir()
        for brief_id, data in shards:
            write_synced(self.folder / f"{brief_id}{SHARD_SUFFIX}", data)
        fsync_dir(self.folder)
        fsync_dir(self.root / STAGING_DIR)

    def commit(self, journal_lines: str) -> None:
        """The one atomic step after which the whole batch is stored."""
        pending = self.folder / f".{COMMIT_FILE}"
        write_synced(pending, journal_lines.encode("utf-8"))
        os.replace(pending, self.folder / COMMIT_FILE)
        fsync_dir(self.folder)

    def apply(self) -> None:
        """Move the committed shards into place and tell other processes; safe to repeat after a crash."""
        _apply(self.root, self.folder)

    def abandon(self) -> None:
        """Throw away an uncommitted batch (nothing of it was stored)."""
        shutil.rmtree(self.folder, ignore_errors=True)


def committed_waiting(root: Path) -> bool:
    """Whether a committed batch is waiting to be applied (a crash, or a writer applying it right now)."""
    try:
        folders = os.listdir(root / STAGING_DIR)
    except FileNotFoundError:
        return False
    return any((root / STAGING_DIR / name / COMMIT_FILE).exists() for name in folders)


def recover(root: Path) -> list[str]:
    """Finish every committed batch and throw away every uncommitted one; returns what was done, one line each."""
    staging = root / STAGING_DIR
    try:
        names = sorted(os.listdir(staging))
    except FileNotFoundError:
        return []
    done = []
    for name in names:
        folder = staging / name
        if not folder.is_dir():
            continue
        staged = sorted(path.name for path in folder.glob(f"*{SHARD_SUFFIX}"))
        if (folder / COMMIT_FILE).exists():
            _apply(root, folder)
            done.append(f"{STAGING_DIR}/{name}: finished an interrupted import ({len(staged)} shards still to move)")
        else:
            shutil.rmtree(folder)
            done.append(
                f"{STAGING_DIR}/{name}: rolled back an interrupted import that was never committed "
                f"({len(staged)} staged shards; nothing of it had been stored)"
            )
    if done:
        fsync_dir(staging)
    return done


def _apply(root: Path, folder: Path) -> None:
    shards = root / SHARD_DIR
    moved = False
    for path in sorted(folder.glob(f"*{SHARD_SUFFIX}")):
        os.replace(path, shards / path.name)
        moved = True
    if moved:
        fsync_dir(shards)
    lines = (folder / COMMIT_FILE).read_text(encoding="utf-8").strip("\n")
    if lines:
        append_line(root / JOURNAL_FILE, lines)  # repeated after a crash here: harmless, a line only asks for a read
    (folder / COMMIT_FILE).unlink()
    with contextlib.suppress(OSError):
        for leftover in folder.iterdir():
            leftover.unlink()
        folder.rmdir()
    fsync_dir(folder.parent)
