"""The versioned brief store: every push is a new version, and history is kept.

``TinyStore`` keeps one TinyDB database per brief (a "shard"), so a push
rewrites only that brief's history, never the whole store. On disk each shard
is written to a temporary file, flushed to disk and atomically renamed over
the old one, so a crash leaves either the old or the new shard, never a torn
one; an acknowledged push has been fsynced. A file lock serialises writers
across processes, and an append-only change journal lets a running bot pick
up what a CLI import wrote. With ``root=None`` the same code runs on TinyDB's
``MemoryStorage`` for tests and benchmarks.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage, Storage

from bot.briefs import ID_PATTERN, Brief, Source, Status
from bot.errors import StoreDamaged, StoreUnwritable, UnknownBrief, VersionConflict

if TYPE_CHECKING:
    from filelock import FileLock

__all__ = ["AtomicJSONStorage", "LatestVersions", "LoggedQuestion", "Pushed", "Snapshot", "TinyStore", "Version"]

SHARD_DIR = "briefs"
JOURNAL_FILE = "changes.jsonl"
QUESTIONS_FILE = "questions.jsonl"
LOCK_FILE = ".lock"
SNAPSHOT_FILE = "snapshot.bin"
FOLLOWS_FILE = "follows.json"
SNAPSHOT_FORMAT = 1
MTIME_SLACK_NS = 100_000_000
"""Shards changed this close before a snapshot was taken are read again, whatever the clock's granularity."""
LOCK_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Version:
    """One stored version of a brief: its content and who pushed it, when, from what, and how."""

    brief: Brief
    number: int
    editor: str
    """Who pushed it, as the surface knew them (an API token's name, a chat user, the CLI's ``--as``); never
    taken from the brief, whose own ``editor`` is only its byline."""
    pushed_at: datetime
    parent: int | None
    channel: str


@dataclass(frozen=True)
class Pushed:
    """The outcome of one push: the version now latest and the one it replaced."""

    version: Version
    previous: Version | None

    @property
    def changed(self) -> bool:
        """False when the pushed content was identical to the latest version."""
        return self.previous is None or self.version.number != self.previous.number


class LatestVersions(MutableMapping[str, Version]):
    """The latest version of each brief by id; those read from a snapshot are made on first use.

    A start from a snapshot needs few of its versions at once (a question reads about twenty), and
    making all of them costs about 0.1 s at 10,000 briefs.
    """

    def __init__(self, records: Iterable[dict[str, Any]] = ()) -> None:
        self._records = {record["brief"]["id"]: record for record in records}
        self._versions: dict[str, Version] = {}

    def __getitem__(self, brief_id: str) -> Version:
        version = self._versions.get(brief_id)
        if version is None:
            version = self._versions[brief_id] = _version_from_record(self._records.pop(brief_id))
        return version

    def __setitem__(self, brief_id: str, version: Version) -> None:
        self._records.pop(brief_id, None)
        self._versions[brief_id] = version

    def __delitem__(self, brief_id: str) -> None:
        if self._records.pop(brief_id, None) is None:
            del self._versions[brief_id]

    def __iter__(self) -> Iterator[str]:
        return iter([*self._versions, *self._records])

    def __len__(self) -> int:
        return len(self._versions) + len(self._records)

    def records(self) -> Iterator[dict[str, Any]]:
        """Every version as a stored record, without making the versions not made yet."""
        for version in self._versions.values():
            yield _version_to_record(version)
        yield from self._records.values()


@dataclass(frozen=True)
class Snapshot:
    """What a newsroom had in memory at one moment: the latest versions and its search index's state."""

    latest: LatestVersions
    index: dict[str, Any]
    changed: list[str]
    """Ids whose shards were written after the snapshot was taken, so they must be read again."""


@dataclass(frozen=True)
class LoggedQuestion:
    """A question the bot could not answer, kept so editors can see what is missing."""

    text: str
    asker: str
    asked_at: datetime
    suggestions: tuple[str, ...] = ()


class AtomicJSONStorage(Storage):
    """A TinyDB storage that replaces its JSON file atomically and durably on every write."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as error:
            raise StoreDamaged(str(self._path), str(error)) from None
        try:
            return json.loads(text) if text else None
        except ValueError as error:
            raise StoreDamaged(str(self._path), f"not JSON: {error}") from None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        try:
            _atomic_write(self._path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        except OSError as error:
            raise StoreUnwritable(str(self._path), error.strerror or str(error)) from None

    def close(self) -> None:
        """Nothing stays open between calls."""


class TinyStore:
    """Versioned briefs in TinyDB: a folder of shards on disk, or in memory when ``root`` is None."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._thread_lock = threading.RLock()
        self._memory: dict[str, TinyDB] = {}
        self._memory_questions: list[LoggedQuestion] = []
        self._memory_follows = TinyDB(storage=MemoryStorage)
        self._journal_seen = 0
        if root is not None:
            (root / SHARD_DIR).mkdir(parents=True, exist_ok=True)
            self._journal_seen = _size(root / JOURNAL_FILE)
        self._file_lock: FileLock | None = None  # made on the first write: a start that only reads skips its import

    def __repr__(self) -> str:
        return f"TinyStore({str(self.root) if self.root else 'memory'})"

    # reading

    def ids(self) -> list[str]:
        """Every brief id in the store, sorted."""
        if self.root is None:
            return sorted(self._memory)
        return sorted(path.stem for path in (self.root / SHARD_DIR).glob("*.json"))

    def latest(self) -> Iterator[Version]:
        """The latest version of every brief."""
        for brief_id in self.ids():
            records = self._records(brief_id)
            if records:
                yield _version_from_record(records[-1])

    def get(self, brief_id: str, number: int | None = None) -> Version:
        """One version of a brief (the latest when ``number`` is None)."""
        records = self._records(brief_id)
        if not records:
            raise UnknownBrief(brief_id)
        if number is None:
            return _version_from_record(records[-1])
        for record in records:
            if record["number"] == number:
                return _version_from_record(record)
        raise UnknownBrief(brief_id, number)

    def history(self, brief_id: str) -> list[Version]:
        """Every version of a brief, oldest first."""
        records = self._records(brief_id)
        if not records:
            raise UnknownBrief(brief_id)
        return [_version_from_record(record) for record in records]

    def is_empty(self) -> bool:
        """Whether no brief has ever been pushed."""
        if self.root is None:
            return not self._memory
        return next((self.root / SHARD_DIR).glob("*.json"), None) is None

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
        """Store a new version of each brief, under one lock; checks every conflict before writing any.

        ``expected_version`` is the version the editor's edit is based on (0 for
        a brief they believe is new); if the latest differs, ``VersionConflict``
        is raised and nothing is stored. None skips the check. A brief identical
        to its latest version is not stored again.
        """
        with self._locked():
            latest = {brief.id: self._records(brief.id) for brief in briefs}
            for brief in briefs:
                records = latest[brief.id]
                current = records[-1]["number"] if records else 0
                if expected_version is not None and expected_version != current:
                    editor_of_current = records[-1]["editor"] if records else None
                    at = datetime.fromisoformat(records[-1]["pushed_at"]) if records else None
                    raise VersionConflict(brief.id, expected_version or None, current, editor_of_current, at)
            results = []
            for brief in briefs:
                records = latest[brief.id]
                previous = _version_from_record(records[-1]) if records else None
                if previous is not None and previous.brief == brief:
                    results.append(Pushed(previous, previous))
                    continue
                number = previous.number + 1 if previous else 1
                version = Version(brief, number, editor, now, previous.number if previous else None, channel)
                record = _version_to_record(version)
                with self._shard(brief.id) as db:
                    db.insert(record)
                records.append(record)  # a later push of the same id in this batch builds on this one
                results.append(Pushed(version, previous))
            self._journal([p.version for p in results if p.changed])
            return results

    # snapshot, for a fast start

    def save_snapshot(self, latest: LatestVersions, index: dict[str, Any], taken_ns: int) -> None:
        """Write what a newsroom holds, as it was at ``taken_ns`` (``time.time_ns``), for the next start."""
        if self.root is None:
            return
        data = {
            "format": SNAPSHOT_FORMAT,
            "taken_ns": taken_ns,
            "latest": list(latest.records()),
            "index": index,
        }
        try:
            _atomic_write(self.root / SNAPSHOT_FILE, marshal.dumps(data))
        except OSError as error:
            raise StoreUnwritable(str(self.root / SNAPSHOT_FILE), error.strerror or str(error)) from None

    def load_snapshot(self) -> Snapshot | None:
        """The last snapshot and the briefs changed since, or None when there is none or it cannot be used."""
        if self.root is None:
            return None
        try:
            data = marshal.loads((self.root / SNAPSHOT_FILE).read_bytes())
            if data["format"] != SNAPSHOT_FORMAT:
                return None
            latest = LatestVersions(data["latest"])
            since = data["taken_ns"] - MTIME_SLACK_NS
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return None  # a missing or unreadable snapshot only costs a full read of the shards
        self._journal_seen = _size(self.root / JOURNAL_FILE)
        with os.scandir(self.root / SHARD_DIR) as entries:
            changed = [
                entry.name.removesuffix(".json")
                for entry in entries
                if entry.name.endswith(".json") and entry.stat().st_mtime_ns >= since
            ]
        return Snapshot(latest, data["index"], changed)

    # change journal, for processes sharing one store

    def poll_changes(self) -> set[str]:
        """Ids another process pushed since the last poll (one stat when nothing changed)."""
        if self.root is None:
            return set()
        path = self.root / JOURNAL_FILE
        if _size(path) <= self._journal_seen:
            return set()
        with path.open("rb") as handle:
            handle.seek(self._journal_seen)
            chunk = handle.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._journal_seen += len(complete)
        changed = set()
        for line in complete.splitlines():
            with contextlib.suppress(ValueError):
                changed.add(json.loads(line)["id"])
        return changed

    # channels following briefs

    def follow(self, brief_id: str, channel: str) -> bool:
        """Record that ``channel`` follows a brief; False when it already did."""
        with self._locked(), self._follows() as db:
            if db.contains(_FOLLOW.fragment({"brief": brief_id, "channel": channel})):
                return False
            db.insert({"brief": brief_id, "channel": channel})
            return True

    def unfollow(self, brief_id: str, channel: str) -> bool:
        """Stop ``channel`` following a brief; False when it was not following it."""
        with self._locked(), self._follows() as db:
            return bool(db.remove(_FOLLOW.fragment({"brief": brief_id, "channel": channel})))

    def followers(self, brief_id: str) -> list[str]:
        """The channels following a brief, sorted."""
        with self._follows() as db:
            return sorted(record["channel"] for record in db.search(_FOLLOW.brief == brief_id))

    def following(self, channel: str) -> list[str]:
        """The ids of the briefs ``channel`` follows, sorted."""
        with self._follows() as db:
            return sorted(record["brief"] for record in db.search(_FOLLOW.channel == channel))

    # the questions editors should see

    def log_question(self, question: LoggedQuestion) -> None:
        """Append an unanswered question to the log."""
        if self.root is None:
            self._memory_questions.append(question)
            return
        record = {
            "text": question.text,
            "asker": question.asker,
            "asked_at": question.asked_at.isoformat(),
            "suggestions": list(question.suggestions),
        }
        try:
            _append_line(self.root / QUESTIONS_FILE, json.dumps(record, ensure_ascii=False))
        except OSError as error:
            raise StoreUnwritable(str(self.root / QUESTIONS_FILE), error.strerror or str(error)) from None

    def questions(self) -> list[LoggedQuestion]:
        """Every logged unanswered question, oldest first; a line torn by a crash is skipped."""
        if self.root is None:
            return list(self._memory_questions)
        path = self.root / QUESTIONS_FILE
        if not path.exists():
            return []
        logged = []
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
                logged.append(
                    LoggedQuestion(
                        record["text"],
                        record["asker"],
                        datetime.fromisoformat(record["asked_at"]),
                        tuple(record.get("suggestions", ())),
                    )
                )
            except (ValueError, KeyError, TypeError):
                continue
        return logged

    # internals

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._file_lock is None and self.root is not None:
                # Imported here: about 30 ms of imports that a start which only reads does not need.
                from filelock import FileLock

                self._file_lock = FileLock(self.root / LOCK_FILE, timeout=LOCK_TIMEOUT_SECONDS)
            with self._file_lock or contextlib.nullcontext():
                yield

    @contextlib.contextmanager
    def _shard(self, brief_id: str) -> Iterator[TinyDB]:
        if not ID_PATTERN.fullmatch(brief_id):
            raise UnknownBrief(brief_id)
        if self.root is None:
            yield self._memory.setdefault(brief_id, TinyDB(storage=MemoryStorage))
            return
        db = TinyDB(self.root / SHARD_DIR / f"{brief_id}.json", storage=AtomicJSONStorage)
        try:
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def _follows(self) -> Iterator[TinyDB]:
        if self.root is None:
            yield self._memory_follows
            return
        db = TinyDB(self.root / FOLLOWS_FILE, storage=AtomicJSONStorage)
        try:
            yield db
        finally:
            db.close()

    def _records(self, brief_id: str) -> list[dict[str, Any]]:
        if not ID_PATTERN.fullmatch(brief_id):
            return []
        if self.root is None and brief_id not in self._memory:
            return []
        with self._shard(brief_id) as db:
            return sorted(db.all(), key=lambda record: record["number"])

    def _journal(self, versions: Sequence[Version]) -> None:
        if self.root is None or not versions:
            return
        path = self.root / JOURNAL_FILE
        was_current = self._journal_seen == _size(path)
        lines = "\n".join(json.dumps({"id": v.brief.id, "version": v.number}) for v in versions)
        try:
            _append_line(path, lines)
        except OSError:
            # The versions are stored (their shards are on disk); only other running processes miss
            # the news until they restart, so the push is not failed for it.
            return
        if was_current:
            self._journal_seen = _size(path)


_FOLLOW = Query()


def _version_to_record(version: Version) -> dict[str, Any]:
    brief = version.brief
    return {
        "number": version.number,
        "editor": version.editor,
        "pushed_at": version.pushed_at.isoformat(),
        "parent": version.parent,
        "channel": version.channel,
        "brief": {
            "id": brief.id,
            "title": brief.title,
            "summary": brief.summary,
            "updated": brief.updated.isoformat(),
            "body": brief.body,
            "tags": list(brief.tags),
            "aliases": list(brief.aliases),
            "status": brief.status.value,
            "embargo_until": brief.embargo_until.isoformat() if brief.embargo_until else None,
            "review_by": brief.review_by.isoformat() if brief.review_by else None,
            "editor": brief.editor,
            "desk": brief.desk,
            "sources": [{"title": s.title, "url": s.url} for s in brief.sources],
        },
    }


def _version_from_record(record: dict[str, Any]) -> Version:
    data = record["brief"]
    brief = Brief(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        updated=datetime.fromisoformat(data["updated"]),
        body=data["body"],
        tags=tuple(data["tags"]),
        aliases=tuple(data["aliases"]),
        status=Status(data["status"]),
        embargo_until=datetime.fromisoformat(data["embargo_until"]) if data["embargo_until"] else None,
        review_by=date.fromisoformat(data["review_by"]) if data["review_by"] else None,
        editor=data["editor"],
        desk=data["desk"],
        sources=tuple(Source(s["title"], s["url"]) for s in data["sources"]),
    )
    return Version(
        brief,
        record["number"],
        record["editor"],
        datetime.fromisoformat(record["pushed_at"]),
        record["parent"],
        record["channel"],
    )


def _atomic_write(path: Path, content: str | bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _append_line(path: Path, text: str) -> None:
    """Append ``text`` as whole lines, mending a line a crash left unfinished."""
    with path.open("ab") as handle:
        prefix = b""
        if handle.tell() > 0:
            with path.open("rb") as reader:
                reader.seek(-1, os.SEEK_END)
                prefix = b"" if reader.read(1) == b"\n" else b"\n"
        handle.write(prefix + text.encode("utf-8") + b"\n")
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
