"""``briefbot check``: every file of a store looked at, each problem named with its file and what to do.

Checking changes nothing (``bot.repairing`` does, for ``--repair``). It reads every shard (shape,
versions 1, 2, 3 ... each based on the one before), compares the shards with what the change journal
and the snapshot say was stored (a shard that is missing or holds fewer versions lost data), checks the
snapshot's checksum and that it was made from these shards, reads the follows and the question log
line by line, looks for files that are not the store's and for what interrupted writes left behind,
and tries a write, so a full disk or a read-only folder is found before a push fails on it.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.disk import TEMP_SUFFIX, write_synced
from bot.errors import REPAIR_ADVICE, BriefUnavailable
from bot.follows import FOLLOWS_FILE, follows_problem
from bot.journal import JOURNAL_FILE, journal_entry
from bot.question_log import QUESTIONS_FILE, question_from_line
from bot.records import Version, version_from_record
from bot.shards import SHARD_DIR, SHARD_SUFFIX, Listing, list_shards, read_shard
from bot.snapshot import SNAPSHOT_FILE, LatestVersions, decode_snapshot
from bot.staging import COMMIT_FILE, STAGING_DIR

__all__ = ["LOW_SPACE_BYTES", "PROBE_BYTES", "STALE_SECONDS", "Checked", "Finding", "check_store"]

PROBE_BYTES = 1024 * 1024
"""The size of the file ``check`` writes (and removes) to prove the store can be written: room for a large brief."""
LOW_SPACE_BYTES = 64 * 1024 * 1024
"""Less free space than this on the store's disk is reported: pushes start failing soon after."""
STALE_SECONDS = 60.0
"""A temporary file or an uncommitted import this old was left by a crash; a younger one may be a write under way."""
SHOWN_LINES = 5

QUARANTINE = "briefbot check --repair moves it to quarantine/ (nothing is deleted)"


@dataclass(frozen=True)
class Finding:
    """One problem in a store: which file, what is wrong, and what to do."""

    path: str
    """The file, relative to the store folder."""
    kind: str
    """What sort of problem, for ``--repair``: stray, temporary, damaged, lost, staged, committed, journal,
    questions, follows, snapshot, unwritable, space or missing-store."""
    problem: str
    advice: str
    brief_id: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}; {self.advice}"


@dataclass(frozen=True)
class Checked:
    """What a check found, and what it read that a repair needs."""

    findings: tuple[Finding, ...]
    held: dict[str, int] = field(default_factory=dict)
    """The latest version each readable shard holds."""
    snapshot: LatestVersions | None = None
    """The snapshot's versions, when its checksum holds."""

    @property
    def healthy(self) -> bool:
        """Whether nothing at all is wrong."""
        return not self.findings


def check_store(root: Path, *, locked: bool = False) -> Checked:
    """Every problem in the store at ``root``; with ``locked`` (the store's lock is held) no write is under way."""
    if not (root / SHARD_DIR).is_dir():
        return Checked(
            (Finding(".", "missing-store", f"there is no store at {root}", "check --store or BRIEFBOT_STORE"),)
        )
    findings = _writable(root)
    listing = list_shards(root / SHARD_DIR)
    findings += _leftovers(root, listing, locked)
    held: dict[str, dict[str, Any]] = {}
    damaged = set()
    for brief_id in sorted(listing.shards):
        try:
            read = read_shard(root / SHARD_DIR, brief_id)
        except BriefUnavailable as error:
            damaged.add(brief_id)
            problem = f"cannot be read ({error.problem}): brief {brief_id!r} is unavailable"
            findings.append(Finding(error.path, "damaged", problem, REPAIR_ADVICE, brief_id))
            continue
        if read is not None:
            held[brief_id] = read[0][-1]
    journal, journal_findings = _journal(root)
    snapshot, snapshot_findings = _snapshot(root, listing, held)
    findings += _lost({b: r["number"] for b, r in held.items()}, damaged, journal, snapshot)
    findings += journal_findings + snapshot_findings + _follows(root) + _questions(root)
    return Checked(tuple(findings), {b: r["number"] for b, r in held.items()}, snapshot)


def _writable(root: Path) -> list[Finding]:
    probe = root / f".check-probe.{os.getpid()}{TEMP_SUFFIX}"
    try:
        write_synced(probe, bytes(PROBE_BYTES))
    except OSError as error:
        problem = f"the store cannot be written ({error.strerror or error}): pushes, imports and follows fail"
        return [Finding(".", "unwritable", problem, "free some space, or make the folder writable by briefbot's user")]
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()
    disk = os.statvfs(root)
    if disk.f_bavail * disk.f_frsize < LOW_SPACE_BYTES:
        problem = f"only {disk.f_bavail * disk.f_frsize // 1024**2} MiB free on its disk"
        return [Finding(".", "space", problem, "free some space before pushes fail")]
    return []


def _leftovers(root: Path, listing: Listing, locked: bool) -> list[Finding]:
    findings = [
        Finding(
            f"{SHARD_DIR}/{name}",
            "stray",
            f"not a brief's file (a shard is named ID{SHARD_SUFFIX}, the id in a-z, 0-9 and hyphens); it is ignored",
            f"move it out of the store; {QUARANTINE}",
        )
        for name in listing.strays
    ]
    now = time.time()
    temporary = [root / SHARD_DIR / name for name in listing.temporary]
    temporary += [path for path in root.glob(f".*{TEMP_SUFFIX}") if not path.name.startswith(".check-probe.")]
    for path in temporary:
        if locked or _age(path, now) > STALE_SECONDS:
            relative = path.relative_to(root).as_posix()
            problem = "a temporary file left by a write that was interrupted (nothing it held was acknowledged)"
            findings.append(Finding(relative, "temporary", problem, "briefbot check --repair removes it"))
    staging = root / STAGING_DIR
    for folder in sorted(staging.iterdir()) if staging.is_dir() else []:
        relative = folder.relative_to(root).as_posix()
        if (folder / COMMIT_FILE).exists():
            findings.append(
                Finding(
                    relative,
                    "committed",
                    "an import was committed but its process died before finishing it",
                    "briefbot check --repair finishes it (so does the next push or start)",
                )
            )
        elif locked or _age(folder, now) > STALE_SECONDS:
            findings.append(
                Finding(
                    relative,
                    "staged",
                    "an import interrupted before it was committed: none of it was stored",
                    "briefbot check --repair removes what it staged",
                )
            )
    return findings


def _journal(root: Path) -> tuple[dict[str, int], list[Finding]]:
    """The last version the journal records for each brief, and its damaged lines."""
    try:
        data = (root / JOURNAL_FILE).read_bytes()
    except FileNotFoundError:
        return {}, []
    last: dict[str, int] = {}
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        entry = journal_entry(line)
        if entry is None:
            bad.append(number)
        else:
            last[entry[0]] = entry[1]
    return last, _bad_lines(JOURNAL_FILE, "journal", bad, "a change record", "running bots skip them")


def _snapshot(
    root: Path, listing: Listing, held: dict[str, dict[str, Any]]
) -> tuple[LatestVersions | None, list[Finding]]:
    try:
        latest, _, stamps = decode_snapshot((root / SNAPSHOT_FILE).read_bytes())
    except FileNotFoundError:
        return None, []
    except (OSError, ValueError) as problem:
        return None, [_snapshot_finding(f"is not used: {problem}")]
    matching = [b for b, stamp in listing.shards.items() if b in latest and stamps.get(b) == stamp]
    if listing.shards and not matching:  # not these shards' snapshot: what it says they held is not evidence
        return None, [_snapshot_finding("was made from other files than these shards (copied or restored?)")]
    for brief_id in matching:
        try:
            agrees = brief_id in held and latest[brief_id] == version_from_record(held[brief_id])
        except (KeyError, TypeError, ValueError):
            agrees = False
        if not agrees:
            return latest, [_snapshot_finding(f"disagrees with {SHARD_DIR}/{brief_id}{SHARD_SUFFIX}")]
    return latest, []


def _snapshot_finding(problem: str) -> Finding:
    advice = "it is not trusted, so every start reads the shards; briefbot check --repair writes it again"
    return Finding(SNAPSHOT_FILE, "snapshot", problem, advice)


def _lost(
    held: dict[str, int], damaged: set[str], journal: dict[str, int], snapshot: LatestVersions | None
) -> list[Finding]:
    """Briefs whose shard is gone, or holds fewer versions than the journal or the snapshot say were stored."""
    findings = []
    for brief_id in sorted(set(journal) | set(snapshot or ())):
        if brief_id in damaged:
            continue
        in_snapshot: Version | None = snapshot[brief_id] if snapshot is not None and brief_id in snapshot else None
        recorded = max(journal.get(brief_id, 0), in_snapshot.number if in_snapshot else 0)
        actual = held.get(brief_id, 0)
        if recorded <= actual:
            continue
        source = "the snapshot" if in_snapshot is not None and in_snapshot.number == recorded else "the change journal"
        problem = (
            f"is missing, but {source} records v{recorded} of {brief_id!r}: the brief is no longer answered"
            if actual == 0
            else f"holds v{actual}, but {source} records v{recorded}: later versions are lost (restored from an "
            f"older copy?) and v{actual} is answered"
        )
        keeps = (
            f", keeping the snapshot's v{in_snapshot.number} in quarantine/ as a brief file to push again"
            if in_snapshot is not None and in_snapshot.number > actual
            else ""
        )
        advice = f"restore the file from a backup; or briefbot check --repair accepts the store as it is{keeps}"
        findings.append(Finding(f"{SHARD_DIR}/{brief_id}{SHARD_SUFFIX}", "lost", problem, advice, brief_id))
    return findings


def _follows(root: Path) -> list[Finding]:
    try:
        problem = follows_problem((root / FOLLOWS_FILE).read_bytes())
    except FileNotFoundError:
        return []
    if problem is None:
        return []
    advice = "follow messages stop until it is fixed; briefbot check --repair keeps the follows it can read and "
    return [Finding(FOLLOWS_FILE, "follows", f"cannot be read ({problem})", advice + "moves the file to quarantine/")]


def _questions(root: Path) -> list[Finding]:
    try:
        data = (root / QUESTIONS_FILE).read_bytes()
    except FileNotFoundError:
        return []
    bad = [n for n, line in enumerate(data.split(b"\n"), start=1) if line.strip() and not question_from_line(line)]
    return _bad_lines(QUESTIONS_FILE, "questions", bad, "a logged question", "briefbot gaps skips them")


def _bad_lines(name: str, kind: str, bad: list[int], what: str, effect: str) -> list[Finding]:
    if not bad:
        return []
    shown = ", ".join(str(n) for n in bad[:SHOWN_LINES]) + (" ..." if len(bad) > SHOWN_LINES else "")
    lines = f"{len(bad)} line{'s' if len(bad) != 1 else ''} ({'line' if len(bad) == 1 else 'lines'} {shown})"
    return [
        Finding(
            name,
            kind,
            f"{lines} {'is' if len(bad) == 1 else 'are'} not {what} (torn by a crash, or damaged)",
            f"{effect}; briefbot check --repair blanks them, keeping a copy in quarantine/",
        )
    ]


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
