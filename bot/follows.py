"""Which channels follow which briefs: ``follows.json`` in the store (TinyDB), or in memory.

The file is replaced atomically on every change and checked whenever it is read: a damaged one is a
``StoreDamaged`` naming it, never a traceback from inside TinyDB.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage, Storage

from bot.disk import atomic_write
from bot.errors import StoreDamaged, StoreUnwritable

__all__ = ["FOLLOWS_FILE", "Follows", "follows_problem"]

FOLLOWS_FILE = "follows.json"

_FOLLOW = Query()


class Follows:
    """The follows of one store; writers must hold the store's lock."""

    def __init__(self, root: Path | None) -> None:
        self._path = root / FOLLOWS_FILE if root is not None else None
        self._memory = TinyDB(storage=MemoryStorage)

    def add(self, brief_id: str, channel: str) -> bool:
        """Record that ``channel`` follows a brief; False when it already did."""
        with self._db() as db:
            if db.contains(_FOLLOW.fragment({"brief": brief_id, "channel": channel})):
                return False
            db.insert({"brief": brief_id, "channel": channel})
            return True

    def remove(self, brief_id: str, channel: str) -> bool:
        """Stop ``channel`` following a brief; False when it was not following it."""
        with self._db() as db:
            return bool(db.remove(_FOLLOW.fragment({"brief": brief_id, "channel": channel})))

    def followers(self, brief_id: str) -> list[str]:
        """The channels following a brief, sorted."""
        with self._db() as db:
            return sorted(record["channel"] for record in db.search(_FOLLOW.brief == brief_id))

    def following(self, channel: str) -> list[str]:
        """The ids of the briefs ``channel`` follows, sorted."""
        with self._db() as db:
            return sorted(record["brief"] for record in db.search(_FOLLOW.channel == channel))

    def pairs(self) -> list[tuple[str, str]]:
        """Every follow as (brief id, channel), sorted: for copying the store elsewhere."""
        with self._db() as db:
            return sorted((record["brief"], record["channel"]) for record in db.all())

    @contextmanager
    def _db(self) -> Iterator[TinyDB]:
        if self._path is None:
            yield self._memory
            return
        db = TinyDB(self._path, storage=_FollowsStorage)
        try:
            yield db
        finally:
            db.close()


def follows_problem(data: bytes) -> str | None:
    """What is wrong with the content of a follows file, or None when it can be used."""
    if not data:
        return None
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        return f"not JSON ({type(error).__name__})"
    tables = parsed.values() if isinstance(parsed, dict) else None
    if tables is None or not all(isinstance(table, dict) for table in tables):
        return "it is JSON, but not a list of follows"
    for table in tables:
        for record in table.values():
            if not (
                isinstance(record, dict)
                and isinstance(record.get("brief"), str)
                and isinstance(record.get("channel"), str)
            ):
                return "it is JSON, but not a list of follows"
    return None


class _FollowsStorage(Storage):
    """TinyDB storage replacing the file atomically and durably on every write, and checking it on every read."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            return None
        problem = follows_problem(data)
        if problem is not None:
            raise StoreDamaged(FOLLOWS_FILE, problem)
        return json.loads(data) if data else None

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        try:
            atomic_write(self._path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        except OSError as error:
            raise StoreUnwritable(FOLLOWS_FILE, error.strerror or str(error)) from None

    def close(self) -> None:
        """Nothing stays open between calls."""
