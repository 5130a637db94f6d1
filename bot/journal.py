"""The change journal: one JSON line per stored version, so running processes learn what others wrote.

A line only asks a reader to read a brief's shard again; the shards stay the truth. A torn or damaged
line is skipped, and a journal found shorter than when it was last read (cut short, or replaced) makes
the reader compare every shard with what it last read instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from bot.briefs import ID_PATTERN
from bot.disk import append_line, size_of

__all__ = ["JOURNAL_FILE", "ChangeJournal", "journal_entry", "journal_lines"]

JOURNAL_FILE = "changes.jsonl"


class ChangeJournal:
    """One process's view of the journal: how far it has read."""

    def __init__(self, root: Path) -> None:
        self.path = root / JOURNAL_FILE
        self.seen = size_of(self.path)

    def read_new(self) -> set[str] | None:
        """Ids in the lines written since the last read (one stat when none); None when the journal got shorter."""
        size = size_of(self.path)
        if size == self.seen:
            return set()
        if size < self.seen:
            self.seen = size
            return None
        with self.path.open("rb") as handle:
            handle.seek(self.seen)
            chunk = handle.read(size - self.seen)
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self.seen += len(complete)
        return {entry[0] for line in complete.splitlines() if (entry := journal_entry(line)) is not None}

    def skip_to_end(self) -> None:
        """Take everything written so far as read."""
        self.seen = size_of(self.path)

    def append(self, lines: str) -> None:
        """Append lines (``journal_lines``); a process that had read everything does not read its own lines back."""
        was_current = self.seen == size_of(self.path)
        append_line(self.path, lines)
        if was_current:
            self.skip_to_end()


def journal_lines(versions: Iterable[tuple[str, int]]) -> str:
    """The journal's lines for stored versions, by brief id and number (0: the brief's shard is gone)."""
    return "\n".join(json.dumps({"id": brief_id, "version": number}) for brief_id, number in versions)


def journal_entry(line: bytes) -> tuple[str, int] | None:
    """The brief id and version one line names, or None when the line is torn or damaged."""
    try:
        record = json.loads(line)
        brief_id, number = record["id"], record["version"]
    except (ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None
    if not isinstance(brief_id, str) or not ID_PATTERN.fullmatch(brief_id):
        return None
    return (brief_id, number) if isinstance(number, int) and not isinstance(number, bool) and number >= 0 else None
