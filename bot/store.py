"""The versioned brief store: every push is a new version, and history is kept.

``TinyStore`` keeps one shard per brief (``bot.shards``), so a push rewrites only that brief's history,
never the whole store. A shard is written to a temporary file, flushed to disk and atomically renamed
over the old one, so a crash leaves the old shard or the new one, never a torn one; an acknowledged
push has been fsynced. A batch of many briefs (an import) is staged and committed in one atomic step
(``bot.staging``), so it is stored whole or not at all. A file lock serialises writers across
processes, and an append-only change journal lets a running bot pick up what a CLI import wrote.
Shards are checked whenever they are read: a damaged one makes its brief unavailable
(``BriefUnavailable``), never the store. With ``root=None`` the same code keeps everything in memory,
for tests and benchmarks.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.brief_store import Dismissed, Outbox, OutcomeRecords, Pushed
from bot.briefs import ID_PATTERN, Brief
from bot.disk import atomic_write, size_of
from bot.dismissals import DismissalFile
from bot.errors import ImportUnfinished, StoreUnwritable, UnknownBrief, VersionConflict
from bot.follows import FOLLOWS_FILE, Follows
from bot.journal import JOURNAL_FILE, ChangeJournal, journal_lines
from bot.outcomes import OutcomeFile
from bot.question_log import QUESTIONS_FILE, LoggedQuestion, QuestionLog
from bot.records import Version, version_from_record, version_to_record
from bot.shards import SHARD_DIR, SHARD_SUFFIX, Listing, Stamp, list_shards, read_shard, shard_bytes, stamp_of
from bot.snapshot import SNAPSHOT_FILE, LatestVersions, Snapshot, decode_snapshot, encode_snapshot
from bot.staging import COMMIT_FILE, Transaction, committed_waiting, recover

if TYPE_CHECKING:
    from filelock import FileLock

__all__ = [
    "FOLLOWS_FILE",
    "JOURNAL_FILE",
    "LOCK_FILE",
    "QUESTIONS_FILE",
    "SHARD_DIR",
    "SNAPSHOT_FILE",
    "LatestVersions",
    "LoggedQuestion",
    "Pushed",
    "Snapshot",
    "TinyStore",
    "Version",
]

log = logging.getLogger("briefbot.store")

LOCK_FILE = ".lock"
LOCK_TIMEOUT_SECONDS = 30.0


class TinyStore:
    """Versioned briefs: a folder of shards on disk, or in memory when ``root`` is None."""

    outbox: Outbox | None = None
    """None: the one serving process posts follow messages itself."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._thread_lock = threading.RLock()
        self._memory: dict[str, list[dict[str, Any]]] = {}
        self._questions = QuestionLog(root)
        self._follows = Follows(root)
        self.outcomes: OutcomeRecords = OutcomeFile(root)
        """Each question's outcome, in ``outcomes.jsonl`` in the folder."""
        self.dismissed: Dismissed = DismissalFile(root)
        """The desk's dismissed gaps, in ``desk-dismissed.json`` in the folder."""
        self._journal: ChangeJournal | None = None
        self._stamps: dict[str, tuple[Stamp, int]] = {}
        """For each shard this store wrote, or read for a newsroom to hold: the stamp of that content and its latest
        version's number (a newsroom holding another number holds another content)."""
        self._warned: set[str] = set()
        self._said_unfinished = False
        self._file_lock: FileLock | None = None  # made on the first write: a start that only reads skips its import
        if root is not None:
            (root / SHARD_DIR).mkdir(parents=True, exist_ok=True)
            self._journal = ChangeJournal(root)
            if committed_waiting(root):
                try:
                    with self._locked():  # finishes an import a crash interrupted, or waits for one being applied
                        pass
                except StoreUnwritable as error:
                    log.warning("%s; until it is, some briefs of that import may be missing", error)

    def __repr__(self) -> str:
        return f"TinyStore({str(self.root) if self.root else 'memory'})"

    def close(self) -> None:
        """Nothing to let go of: every file is opened and closed by the operation that uses it."""

    def first_time(self, kind: str, item: str) -> bool:
        """True: one process serves a TinyDB store, and its surfaces remember what they answered themselves."""
        return True

    # reading

    def ids(self) -> list[str]:
        """Every brief id in the store, sorted (damaged shards included: reading them says what is wrong)."""
        if self.root is None:
            return sorted(self._memory)
        return sorted(self.listing().shards)

    def listing(self) -> Listing:
        """What the shard folder holds; each file that is not a shard is warned about once."""
        assert self.root is not None
        listing = list_shards(self.root / SHARD_DIR)
        for name in listing.strays:
            if name not in self._warned:
                self._warned.add(name)
                log.warning(
                    "%s/%s in the store is not a brief's file (shards are named ID%s, the id in a-z, 0-9 and "
                    "hyphens) and is ignored; move it out of the store (briefbot check --repair moves it to "
                    "quarantine/)",
                    SHARD_DIR,
                    name,
                    SHARD_SUFFIX,
                )
        return listing

    def latest(self) -> Iterator[Version]:
        """The latest version of every brief; ``BriefUnavailable`` for a damaged one."""
        for brief_id in self.ids():
            records = self._records(brief_id)
            if records:
                yield version_from_record(records[-1])

    def get(self, brief_id: str, number: int | None = None) -> Version:
        """One version of a brief (the latest when ``number`` is None)."""
        records = self._records(brief_id)
        if not records:
            raise UnknownBrief(brief_id)
        if number is None:
            return version_from_record(records[-1])
        if 0 < number <= len(records):
            return version_from_record(records[number - 1])  # checked: record n is version n
        raise UnknownBrief(brief_id, number)

    def take_in(self, brief_id: str) -> Version:
        """The latest version, as its shard holds it now, for a newsroom to hold: the shard's stamp is noted, so
        a snapshot of what the newsroom holds can be tied to it."""
        records = self._records(brief_id, note=True)
        if not records:
            raise UnknownBrief(brief_id)
        return version_from_record(records[-1])

    def history(self, brief_id: str) -> list[Version]:
        """Every version of a brief, oldest first."""
        records = self._records(brief_id)
        if not records:
            raise UnknownBrief(brief_id)
        return [version_from_record(record) for record in records]

    def is_empty(self) -> bool:
        """Whether no brief has ever been pushed."""
        if self.root is None:
            return not self._memory
        return not list_shards(self.root / SHARD_DIR).shards

    # writing

    def push(
        self, brief: Brief, *, editor: str, channel: str, expected_version: int | None = None, now: datetime
    ) -> Pushed:
        """Store a new version of ``brief``; see ``push_many``."""
        return self.push_many([brief], editor=editor, channel=channel, expected_version=expected_version, now=now)[0]

    def push_many(
        self,
        briefs: Sequence[Brief],
        *,
        editor: str,
        channel: str,
        expected_version: int | None = None,
        now: datetime,
    ) -> list[Pushed]:
        """Store a new version of each brief, all or nothing, under one lock; checks every conflict before writing.

        ``expected_version`` is the version the editor's edit is based on (0 for
        a brief they believe is new); if the latest differs, ``VersionConflict``
        is raised and nothing is stored. None skips the check. A brief identical
        to its latest version is not stored again.
        """
        with self._locked():
            histories = {brief.id: self._records(brief.id) for brief in briefs}
            for brief in briefs:
                records = histories[brief.id]
                current = records[-1]["number"] if records else 0
                if expected_version is not None and expected_version != current:
                    editor_of_current = records[-1]["editor"] if records else None
                    at = datetime.fromisoformat(records[-1]["pushed_at"]) if records else None
                    raise VersionConflict(brief.id, expected_version or None, current, editor_of_current, at)
            results = []
            for brief in briefs:
                records = histories[brief.id]
                previous = version_from_record(records[-1]) if records else None
                if previous is not None and previous.brief == brief:
                    results.append(Pushed(previous, previous))
                    continue
                number = previous.number + 1 if previous else 1
                version = Version(brief, number, editor, now, previous.number if previous else None, channel)
                histories[brief.id] = [*records, version_to_record(version)]  # a later one in the batch builds on it
                results.append(Pushed(version, previous))
            changed = [p.version for p in results if p.changed]
            self._write({v.brief.id: histories[v.brief.id] for v in changed}, changed)
            return results

    # snapshot, for a fast start

    def save_snapshot(self, latest: LatestVersions, index: dict[str, Any]) -> None:
        """Write what a newsroom holds for the next start, tied to the shards each version was read from."""
        if self.root is None:
            return
        stamps = {
            brief_id: known[0]
            for brief_id in latest
            if (known := self._stamps.get(brief_id)) is not None and known[1] == latest.number(brief_id)
        }
        try:
            with self._locked():
                atomic_write(self.root / SNAPSHOT_FILE, encode_snapshot(latest, index, stamps))
        except OSError as error:
            raise StoreUnwritable(SNAPSHOT_FILE, error.strerror or str(error)) from None

    def load_snapshot(self) -> Snapshot | None:
        """The last snapshot and how the shards differ from it, or None when there is none or it cannot be trusted."""
        if self.root is None:
            return None
        try:
            data = (self.root / SNAPSHOT_FILE).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            data = b""
            log.warning("%s cannot be read (%s)", SNAPSHOT_FILE, error.strerror or error)
        try:
            latest, index, stamps = decode_snapshot(data)
            del data  # its objects are made: the bytes need not outlive them
        except ValueError as problem:
            log.warning(
                "%s is ignored: %s; every brief is read from its shard instead, and a new snapshot written",
                SNAPSHOT_FILE,
                problem,
            )
            return None
        assert self._journal is not None
        self._journal.skip_to_end()
        shards = self.listing().shards
        removed = [brief_id for brief_id in latest if brief_id not in shards]
        changed = []
        for brief_id, stamp in shards.items():
            if brief_id in latest and stamps.get(brief_id) == stamp:
                self._stamps[brief_id] = (stamp, latest.number(brief_id))
            else:
                changed.append(brief_id)
        return Snapshot(latest, index, changed, removed)

    # change journal, for processes sharing one store

    def poll_changes(self) -> set[str]:
        """Ids another process pushed (or removed) since the last poll (one stat when nothing changed)."""
        if self._journal is None:
            return set()
        changed = self._journal.read_new()
        if changed is None:  # cut short or replaced: what it said is lost, so every shard is looked at
            log.warning("%s is shorter than when it was last read; looking at every shard for changes", JOURNAL_FILE)
            return self.changed_shards()
        return changed

    def changed_shards(self) -> set[str]:
        """Ids whose shard differs from what this store last read or wrote (new, changed or gone)."""
        assert self.root is not None
        shards = self.listing().shards
        gone = {brief_id for brief_id in self._stamps if brief_id not in shards}
        return gone | {b for b, stamp in shards.items() if b not in self._stamps or self._stamps[b][0] != stamp}

    def finish_interrupted(self) -> None:
        """Finish an import another process committed and died applying, if the store is free (else leave it)."""
        if self.root is None or not committed_waiting(self.root):
            return
        from filelock import Timeout

        try:
            with contextlib.suppress(Timeout), self._locked(timeout=0):
                pass
        except StoreUnwritable as error:
            if not self._said_unfinished:  # tried again at every refresh: said once
                self._said_unfinished = True
                log.warning("%s; until it is, some briefs of that import may be missing", error)

    # channels following briefs

    def follow(self, brief_id: str, channel: str) -> bool:
        """Record that ``channel`` follows a brief; False when it already did."""
        with self._locked():
            return self._follows.add(brief_id, channel)

    def unfollow(self, brief_id: str, channel: str) -> bool:
        """Stop ``channel`` following a brief; False when it was not following it."""
        with self._locked():
            return self._follows.remove(brief_id, channel)

    def followers(self, brief_id: str) -> list[str]:
        """The channels following a brief, sorted."""
        return self._follows.followers(brief_id)

    def following(self, channel: str) -> list[str]:
        """The ids of the briefs ``channel`` follows, sorted."""
        return self._follows.following(channel)

    # the questions editors should see

    def log_question(self, question: LoggedQuestion) -> None:
        """Append an unanswered question to the log."""
        self._questions.append(question)

    def questions(self) -> list[LoggedQuestion]:
        """Every logged unanswered question, oldest first; a line torn by a crash or damaged is skipped."""
        return self._questions.read()

    # internals

    @contextlib.contextmanager
    def _locked(self, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
        with self._thread_lock:
            if self.root is None:
                yield
                return
            if self._file_lock is None:
                # Imported here: about 30 ms of imports that a start which only reads does not need.
                from filelock import FileLock

                self._file_lock = FileLock(self.root / LOCK_FILE, timeout=LOCK_TIMEOUT_SECONDS)
            with self._file_lock.acquire(timeout=timeout):
                try:
                    for done in recover(self.root):  # a writer that died left its batch: finish it or roll it back
                        log.warning("%s", done)
                except OSError as error:
                    # Writing now could be undone when the batch is finished later: nothing is written until it is.
                    raise StoreUnwritable(
                        "staging", f"an interrupted import cannot be finished: {error.strerror or error}"
                    ) from None
                yield

    def _records(self, brief_id: str, *, note: bool = False) -> list[dict[str, Any]]:
        if not ID_PATTERN.fullmatch(brief_id):
            return []
        if self.root is None:
            return list(self._memory.get(brief_id, ()))
        read = read_shard(self.root / SHARD_DIR, brief_id)
        if read is None:
            if note:
                self._stamps.pop(brief_id, None)
            return []
        records, stamp = read
        if note:
            self._stamps[brief_id] = (stamp, records[-1]["number"])
        return records

    def _write(self, histories: dict[str, list[dict[str, Any]]], versions: Sequence[Version]) -> None:
        """Write new shards: one by atomic rename, many as one staged batch; then journal them."""
        if self.root is None or self._journal is None:
            self._memory.update(histories)
            return
        if not histories:
            return
        lines = journal_lines((v.brief.id, v.number) for v in versions)
        was_current = self._journal.seen == size_of(self._journal.path)
        if len(histories) == 1:
            ((brief_id, records),) = histories.items()
            name = f"{brief_id}{SHARD_SUFFIX}"
            try:
                atomic_write(self.root / SHARD_DIR / name, shard_bytes(records))
            except OSError as error:
                raise StoreUnwritable(f"{SHARD_DIR}/{name}", error.strerror or str(error)) from None
            with contextlib.suppress(OSError):
                # The version is stored (its shard is on disk): other running processes notice it by its shard's
                # stamp when they next start or look, so the push is not failed for it.
                self._journal.append(lines)
        else:
            self._write_batch(histories, lines)
        for brief_id, records in histories.items():
            with contextlib.suppress(OSError):
                status = os.stat(self.root / SHARD_DIR / f"{brief_id}{SHARD_SUFFIX}")
                self._stamps[brief_id] = (stamp_of(status), records[-1]["number"])
        if was_current:
            self._journal.skip_to_end()

    def _write_batch(self, histories: dict[str, list[dict[str, Any]]], lines: str) -> None:
        assert self.root is not None
        batch = Transaction(self.root)
        try:
            batch.stage((brief_id, shard_bytes(records)) for brief_id, records in histories.items())
            batch.commit(lines)
        except OSError as error:
            if not (batch.folder / COMMIT_FILE).exists():
                batch.abandon()
                raise StoreUnwritable("staging", error.strerror or str(error)) from None
        try:
            batch.apply()
        except OSError as error:
            raise ImportUnfinished(len(histories), error.strerror or str(error)) from None
