"""``briefbot check --repair``: what a check found put right, deleting no data.

Under the store's lock, interrupted imports are finished (committed) or rolled back (not committed),
temporary files left by crashes are removed, and every file that cannot be read or is not the store's
(stray files, damaged shards, a damaged follows file or snapshot) is moved to ``quarantine/WHEN/``
beside a ``NOTE.txt`` saying what it was and what to do. Damaged lines of the change journal and the
question log are blanked, a copy of the file kept in quarantine. A brief whose shard is gone, or holds
fewer versions than were recorded, is accepted as it stands, with the last version the snapshot held
written to quarantine as a brief file to push again. Then the snapshot is written afresh from the
shards and the store checked again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from bot.briefs import brief_to_markdown
from bot.checking import Checked, Finding, check_store
from bot.disk import append_line, atomic_write
from bot.errors import BriefbotError
from bot.follows import FOLLOWS_FILE, follows_problem
from bot.journal import JOURNAL_FILE, journal_entry, journal_lines
from bot.newsroom import Newsroom
from bot.question_log import question_from_line
from bot.shards import SHARD_DIR
from bot.snapshot import SNAPSHOT_FILE
from bot.staging import recover
from bot.store import LOCK_FILE, LOCK_TIMEOUT_SECONDS, TinyStore

__all__ = ["QUARANTINE_DIR", "Repaired", "repair_store"]

QUARANTINE_DIR = "quarantine"
NOTE_FILE = "NOTE.txt"


@dataclass(frozen=True)
class Repaired:
    """What a repair found, what it did (one line each), and what a check finds afterwards."""

    found: Checked
    done: tuple[str, ...]
    after: Checked


def repair_store(root: Path, *, now: datetime) -> Repaired:
    """Put right what ``check_store`` finds in the store at ``root``; see the module's docstring."""
    if not (root / SHARD_DIR).is_dir():
        found = check_store(root)
        return Repaired(found, (), found)
    try:
        return _repair_locked(root, now)
    except (OSError, Timeout) as error:
        found = check_store(root)
        problem = "another process held it too long" if isinstance(error, Timeout) else error.strerror or str(error)
        return Repaired(
            found, (f"{LOCK_FILE}: nothing was repaired: the store's lock could not be taken ({problem})",), found
        )


def _repair_locked(root: Path, now: datetime) -> Repaired:
    done: list[str] = []
    with FileLock(root / LOCK_FILE, timeout=LOCK_TIMEOUT_SECONDS):
        found = check_store(root, locked=True)
        done += recover(root)
        quarantine = _Quarantine(root, now)
        acknowledged: list[tuple[str, int]] = []
        for finding in found.findings:
            done += _repair(root, finding, found, quarantine, acknowledged)
        if acknowledged:
            append_line(root / JOURNAL_FILE, journal_lines(acknowledged))  # running bots read these shards again
        snapshot = root / SNAPSHOT_FILE
        if snapshot.exists() and not any(f.kind == "snapshot" for f in found.findings):
            snapshot.unlink()  # made from the shards, which hold all it held (its lost versions are in quarantine)
    try:
        Newsroom(TinyStore(root))  # with no snapshot, it reads every shard and writes one: the store as it now is
    except (BriefbotError, OSError) as error:
        done.append(f"{SNAPSHOT_FILE}: could not be written afresh ({error})")
    else:
        written = (root / SNAPSHOT_FILE).exists()
        done.append(
            f"{SNAPSHOT_FILE}: {'written afresh from the shards' if written else 'could not be written afresh'}"
        )
    return Repaired(found, tuple(done), check_store(root))


def _repair(
    root: Path, finding: Finding, found: Checked, quarantine: _Quarantine, acknowledged: list[tuple[str, int]]
) -> list[str]:
    """Put one finding right; returns what was done."""
    path = root / finding.path
    if finding.kind == "temporary":
        path.unlink(missing_ok=True)
        return [f"{finding.path}: removed (a temporary file left by an interrupted write)"]
    if finding.kind == "stray":
        return [
            quarantine.move(
                path,
                "not a brief's file, found in the shard folder; if it is a brief's history "
                "under another name, put it back as briefs/ID.json",
            )
        ]
    if finding.kind == "damaged" and finding.brief_id is not None:
        acknowledged.append((finding.brief_id, 0))
        return [
            quarantine.move(
                path,
                f"{finding.problem}. Restore it from a backup, or push the brief again; if you "
                "can mend this file, put it back where it was",
            )
        ]
    if finding.kind == "lost" and finding.brief_id is not None:
        return _accept_lost(finding.brief_id, finding, found, quarantine, acknowledged)
    if finding.kind == "snapshot":
        return [quarantine.move(path, f"{finding.problem}; it is made from the shards, so it is safe to delete")]
    if finding.kind == "follows":
        return _mend_follows(root, quarantine)
    if finding.kind in ("journal", "questions"):
        return _blank_bad_lines(root, finding.path, quarantine)
    if finding.kind in ("committed", "staged"):
        return []  # finished or rolled back with the lock taken
    return [f"{finding.path}: not repaired: {finding.problem}"]


def _accept_lost(
    brief_id: str, finding: Finding, found: Checked, quarantine: _Quarantine, acknowledged: list[tuple[str, int]]
) -> list[str]:
    held = found.held.get(brief_id, 0)
    acknowledged.append((brief_id, held))
    kept = found.snapshot[brief_id] if found.snapshot is not None and brief_id in found.snapshot else None
    if kept is None or kept.number <= held:
        return [f"{finding.path}: accepted as it is (v{held or 'none'}); no copy of the lost versions was found"]
    name = f"{brief_id}.v{kept.number}-from-snapshot.md"
    shard = f"its shard holds only v{held}" if held else "its shard is missing"
    note = (
        f"v{kept.number} of {brief_id!r}, the last version the snapshot held ({shard}); push it to bring it back: "
        f"briefbot push {quarantine.folder / name}" + (" --force" if held else "")
    )
    return [quarantine.write(name, brief_to_markdown(kept.brief), note)]


def _mend_follows(root: Path, quarantine: _Quarantine) -> list[str]:
    path = root / FOLLOWS_FILE
    data = path.read_bytes()
    kept: dict[str, dict[str, object]] = {"_default": {}}
    with contextlib.suppress(ValueError, RecursionError, AttributeError):
        for table in json.loads(data.decode("utf-8")).values():
            for record in table.values() if isinstance(table, dict) else ():
                if follows_problem(json.dumps({"t": {"1": record}}).encode()) is None:
                    kept["_default"][str(len(kept["_default"]) + 1)] = record
    done = quarantine.move(path, "the follows file could not be read; the follows that could be are kept in place")
    atomic_write(path, json.dumps(kept, ensure_ascii=False, separators=(",", ":")))
    return [done, f"{FOLLOWS_FILE}: written again with the {len(kept['_default'])} follows that could be read"]


def _blank_bad_lines(root: Path, name: str, quarantine: _Quarantine) -> list[str]:
    path = root / name
    data = path.read_bytes()
    good = journal_entry if name == JOURNAL_FILE else question_from_line
    lines = data.split(b"\n")
    blanked = 0
    for n, line in enumerate(lines):
        if line.strip() and good(line) is None:
            lines[n] = b" " * len(line)  # same length: a running bot's place in the file stays right
            blanked += 1
    mended = b"\n".join(lines)
    quarantine.copy(path, "a copy from before its damaged lines were blanked")
    atomic_write(path, mended if mended.endswith(b"\n") or not mended else mended + b"\n")
    return [f"{name}: {blanked} damaged line{'s' if blanked != 1 else ''} blanked"]


class _Quarantine:
    """``quarantine/WHEN/`` in the store: files moved aside, each with a line in its ``NOTE.txt``."""

    def __init__(self, root: Path, now: datetime) -> None:
        self.root = root
        self.folder = root / QUARANTINE_DIR / f"{now:%Y%m%d-%H%M%S}"
        suffix = 1
        while self.folder.exists():
            suffix += 1
            self.folder = root / QUARANTINE_DIR / f"{now:%Y%m%d-%H%M%S}-{suffix}"

    def move(self, path: Path, why: str) -> str:
        """Move a file or folder of the store into quarantine; returns what was done."""
        relative = path.relative_to(self.root).as_posix()
        target = self._target(relative)
        if path.is_dir() and not path.is_symlink():
            shutil.move(path, target)
        else:
            os.replace(path, target)
        return self._noted(relative, f"moved from {relative}: {why}")

    def copy(self, path: Path, why: str) -> str:
        """Keep a copy of a file of the store in quarantine."""
        relative = path.relative_to(self.root).as_posix()
        shutil.copy2(path, self._target(relative))
        return self._noted(relative, f"copied from {relative}: {why}")

    def write(self, name: str, text: str, why: str) -> str:
        """Write a new file into quarantine."""
        (self._target(name)).write_text(text, encoding="utf-8")
        return self._noted(name, why)

    def _target(self, relative: str) -> Path:
        target = self.folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _noted(self, relative: str, why: str) -> str:
        where = f"{QUARANTINE_DIR}/{self.folder.name}/{relative}"
        with (self.folder / NOTE_FILE).open("a", encoding="utf-8") as note:
            note.write(f"{relative}: {why}\n")
        return f"{where}: {why}"
