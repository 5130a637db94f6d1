"""What a newsroom holds in memory, kept true to the store's shards.

The latest version of every brief that can be read, the search index over them, and the briefs whose
shard cannot be read; each new version taken in is told to the newsroom's listeners. A start resumes
from the store's snapshot when it can, reading again only the shards changed since and dropping
briefs whose shard is gone; otherwise it reads every shard. A version read from a shard replaces
whatever was held, being the truth; a version a push returned does so only when it is newer, as two
pushes stored in one order may be taken in in the other. A brief whose shard cannot be read is left
out, listed as unavailable, and logged once. A change heard while the database cannot be reached is kept
and read at a later sync, and the held version answered meanwhile. Callers hold the newsroom's lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.brief_store import BriefStore
from bot.changes import Changes, compare
from bot.entities import Entities
from bot.errors import BriefUnavailable, DatabaseUnavailable, StoreUnwritable, UnknownBrief
from bot.search import SearchIndex
from bot.semantic import Meanings
from bot.store import SHARD_DIR, LatestVersions, Version

__all__ = ["SNAPSHOT_REFRESH", "SNAPSHOT_USEFUL", "Holdings", "Listener", "Update"]

log = logging.getLogger("briefbot.newsroom")

SNAPSHOT_REFRESH = 200
"""Write a new snapshot at start-up when more briefs than this changed since the last one."""

SNAPSHOT_USEFUL = 0.5
"""Read every shard afresh, rather than patch the snapshot, when more than this share of its briefs changed."""


@dataclass(frozen=True)
class Update:
    """A new published version of a brief, as its followers are told: what it is, and what changed."""

    version: Version
    previous: Version | None
    changes: Changes


Listener = Callable[[Update], None]


class Holdings:
    """The latest versions, their index and the unavailable briefs of one newsroom."""

    def __init__(
        self,
        store: BriefStore,
        entities: Entities | None,
        listeners: list[Listener],
        clock: Callable[[], datetime],
        meanings: Meanings | None = None,
    ) -> None:
        self.store = store
        self.latest = LatestVersions()
        self.index = SearchIndex(entities=entities)
        self.meanings = meanings
        """Each brief's vector, when the semantic layer is on."""
        self.unavailable: dict[str, BriefUnavailable] = {}
        self._unread: set[str] = set()
        """Briefs heard changed that could not be read yet (the database was unreachable): read at a later sync."""
        self._entities = entities
        self._listeners = listeners  # the newsroom's own list (no reference back to it: a newsroom is freed whole)
        self._clock = clock

    def load(self) -> None:
        """Take in every brief: from the snapshot and the shards changed since, or from every shard."""
        if self._resume():
            return
        for brief_id in self.store.ids():
            self.read(brief_id)
        self.tidy()
        self.save_snapshot()

    def remember(self, version: Version, *, read: bool = False) -> None:
        """Take in a version; one ``read`` from its shard replaces whatever is held."""
        previous = self.latest.get(version.brief.id)
        if previous is not None and ((previous.number > version.number and not read) or previous == version):
            return
        if previous is not None and previous.number > version.number:
            log.warning(
                "%s/%s.json holds v%d, but v%d was answered before: later versions are lost (restored from an older "
                "copy?); v%d is answered now (briefbot check lists what is lost)",
                SHARD_DIR,
                version.brief.id,
                version.number,
                previous.number,
                version.number,
            )
        self.unavailable.pop(version.brief.id, None)
        self.index.put(version.brief, replaces=previous.brief if previous else None)
        if self.meanings is not None:
            self.meanings.put(version.brief)
        self.latest[version.brief.id] = version
        if self._listeners and (previous is None or previous.number != version.number):
            self._announce(version, previous)

    def read(self, brief_id: str) -> None:
        """Take in a brief as its shard holds it now: its latest version, or nothing when it is gone or damaged."""
        try:
            self.remember(self.store.take_in(brief_id), read=True)
        except UnknownBrief:
            self.unavailable.pop(brief_id, None)  # moved aside by a repair, say
            self._forget(brief_id, gone=True)
        except BriefUnavailable as error:
            self._forget(brief_id)
            if brief_id not in self.unavailable:
                log.error("%s: %s", self.store.root or self.store, error)
            self.unavailable[brief_id] = error

    def sync(self) -> None:
        """Take in what other processes wrote, as the store's change journal tells."""
        changed, self._unread = self.store.poll_changes() | self._unread, set()
        for brief_id in sorted(changed):
            if self._unread:  # the database went away: the rest waits for it too
                self._unread.add(brief_id)
                continue
            try:
                self.read(brief_id)
            except DatabaseUnavailable as error:
                log.warning("%s changed, and is read once the database is back: %s", brief_id, error.problem)
                self._unread.add(brief_id)
        if changed:
            self.tidy()

    def tidy(self) -> int:
        """After taking briefs in: sort the postings that need it and embed the briefs' meanings (how many)."""
        self.index.tidy()
        return self.meanings.embed_pending() if self.meanings is not None else 0

    def save_snapshot(self) -> None:
        """Write the start-up snapshot of what is held (a warning, not a failure, when it cannot be)."""
        if self.store.root is None:
            return
        self.sync()
        try:
            state = self.index.export()
            if self.meanings is not None:
                state = {**state, "meanings": self.meanings.export()}
            self.store.save_snapshot(self.latest, state)
        except StoreUnwritable as error:
            log.warning("no start-up snapshot written (the next start reads every brief): %s", error)

    def _announce(self, version: Version, previous: Version | None) -> None:
        """Tell listeners about a new version, unless reporters may not see it (a draft, or still embargoed)."""
        if not version.brief.visible_at(self._clock()):
            return
        update = Update(version, previous, compare(previous.brief if previous else None, version.brief))
        for listener in self._listeners:
            try:
                listener(update)
            except Exception:
                log.exception("a listener failed on %s v%s", version.brief.id, version.number)

    def _forget(self, brief_id: str, *, gone: bool = False) -> None:
        held = self.latest.pop(brief_id, None)
        if held is None:
            return
        self.index.remove(held.brief)
        if self.meanings is not None:
            self.meanings.remove(brief_id)
        if gone:
            log.warning(
                "%s/%s.json is gone: brief %r (v%d) is no longer answered; restore it from a backup unless it was "
                "removed on purpose (briefbot check lists what is missing)",
                SHARD_DIR,
                brief_id,
                brief_id,
                held.number,
            )

    def _resume(self) -> bool:
        """Start from the store's snapshot if it has a usable one, reading only briefs whose shard changed since."""
        snapshot = self.store.load_snapshot()
        if snapshot is None:
            return False
        stale = len(snapshot.changed) + len(snapshot.removed)
        if stale > max(SNAPSHOT_REFRESH, SNAPSHOT_USEFUL * len(snapshot.latest)):
            return False  # reading every shard afresh is quicker than patching most of the snapshot
        try:
            restored = self.index.restore(snapshot.index)
        except (KeyError, TypeError, ValueError, AttributeError):
            restored = False  # a snapshot whose checksum holds but whose index does not fit: not ours to trust
        if not restored:
            self.index = SearchIndex(entities=self._entities)
            return False
        self.latest = snapshot.latest
        if self.meanings is not None and not self.meanings.restore(snapshot.index.get("meanings")):
            for brief_id in self.latest:  # vectors of another model, or none: embed every brief again
                self.meanings.put(self.latest[brief_id].brief)
            stale = SNAPSHOT_REFRESH + 1  # and keep them in a new snapshot
        for brief_id in snapshot.removed:
            self._forget(brief_id, gone=True)
        for brief_id in snapshot.changed:
            self.read(brief_id)
        if self.tidy() or stale > SNAPSHOT_REFRESH:  # briefs embedded now are not embedded again at the next start
            self.save_snapshot()
        return True
