"""The outcome log: what became of each question (answered, choices, no match) and its brief, for the editors' desk.

``OutcomeLog`` decides what is recorded: when each question was asked, its
outcome and the brief it was answered with; who asked only when the settings
say so (``outcome_askers``); and only for the retention. The store keeps the
records (``BriefStore.outcomes``): a TinyDB store in ``outcomes.jsonl`` in its
folder (``OutcomeFile``, in memory without a folder), PostgreSQL in its
``outcomes`` table, shared by every replica. Recording never stops an answer:
a log that cannot be written is logged as a warning.

In the file, one JSON line a question is appended. Lines older than the
retention are dropped: reading skips them, and the file is rewritten without
them at most once a day, so it holds about the retention's worth of questions
and a read is bounded by it. A line torn by a crash is skipped.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answers import Answer, Outcome

if TYPE_CHECKING:
    from bot.brief_store import OutcomeRecords

__all__ = ["DEFAULT_RETENTION_DAYS", "OUTCOMES_FILE", "OutcomeFile", "OutcomeLog", "Recorded"]

log = logging.getLogger("briefbot.outcomes")

OUTCOMES_FILE = "outcomes.jsonl"
DEFAULT_RETENTION_DAYS = 90
PRUNE_EVERY = timedelta(days=1)
"""How often the records past the retention are deleted (the file rewritten without them)."""


@dataclass(frozen=True)
class Recorded:
    """One question's outcome: when it was asked, what came of it, and the brief it was answered with (if any)."""

    asked_at: datetime
    outcome: Outcome
    brief_id: str | None
    asker: str | None = None
    """Who asked, when the log records askers."""


class OutcomeLog:
    """The outcomes of questions within the retention, kept by the store (``BriefStore.outcomes``)."""

    def __init__(
        self, records: OutcomeRecords, retention_days: int = DEFAULT_RETENTION_DAYS, *, askers: bool = False
    ) -> None:
        self.records = records
        self.retention = timedelta(days=retention_days)
        self.askers = askers
        """Whether who asked is recorded (off unless the newsroom's settings say so)."""

    def record(self, answer: Answer, asker: str | None = None) -> None:
        """Record an answer's outcome and brief at the time it was asked, and who asked only if askers are kept."""
        entry = Recorded(
            answer.asked_at,
            answer.outcome,
            answer.brief.id if answer.brief else None,
            asker if self.askers else None,
        )
        self.records.add(entry, entry.asked_at - self.retention)

    def since(self, start: datetime, now: datetime) -> list[Recorded]:
        """The outcomes recorded from ``start`` (and within the retention at ``now``), oldest first."""
        return self.records.since(max(start, now - self.retention))


class OutcomeFile:
    """Outcomes in ``outcomes.jsonl`` in a store folder (or in memory, for tests): a TinyDB store's."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / OUTCOMES_FILE if folder is not None else None
        self._memory: list[Recorded] = []
        self._lock = threading.Lock()
        self._pruned_at: datetime | None = None

    def add(self, entry: Recorded, keep_from: datetime) -> None:
        """Append one outcome; those asked before ``keep_from`` are dropped now and then."""
        with self._lock:
            if self.path is None:
                self._memory.append(entry)
                self._memory = [e for e in self._memory if e.asked_at >= keep_from]
                return
            fields = {"at": entry.asked_at.isoformat(), "outcome": entry.outcome.value, "brief": entry.brief_id}
            if entry.asker is not None:
                fields["asker"] = entry.asker
            line = json.dumps(fields, ensure_ascii=False)
            try:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(line + "\n")
                if self._pruned_at is None or entry.asked_at - self._pruned_at >= PRUNE_EVERY:
                    self._prune(entry.asked_at, keep_from)
            except OSError as error:
                log.warning("a question's outcome was not recorded in %s: %s", self.path, error.strerror or error)

    def since(self, start: datetime) -> list[Recorded]:
        """The outcomes asked from ``start``, oldest first."""
        with self._lock:
            return [entry for entry in self._read() if entry.asked_at >= start]

    def _read(self) -> Iterator[Recorded]:
        if self.path is None:
            yield from list(self._memory)
            return
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return
        for line in text.splitlines():
            try:
                record = json.loads(line)
                brief, asker = record["brief"], record.get("asker")
                yield Recorded(
                    datetime.fromisoformat(record["at"]),
                    Outcome(record["outcome"]),
                    brief if isinstance(brief, str) else None,
                    asker if isinstance(asker, str) else None,
                )
            except (ValueError, KeyError, TypeError):
                continue  # torn by a crash, or not ours

    def _prune(self, now: datetime, cutoff: datetime) -> None:
        """Rewrite the file without the lines past the retention (another process's lines appended meanwhile
        may be lost: these are statistics, and a question a day is not worth a lock across processes)."""
        assert self.path is not None
        self._pruned_at = now
        lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        kept = [line for line in lines if (at := _time_of(line)) is not None and at >= cutoff]
        if len(kept) == len(lines):
            return
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text("".join(line + "\n" for line in kept), encoding="utf-8")
        os.replace(temporary, self.path)


def _time_of(line: str) -> datetime | None:
    try:
        return datetime.fromisoformat(json.loads(line)["at"])
    except (ValueError, KeyError, TypeError):
        return None
