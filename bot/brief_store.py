"""The store as a seam: the operations a newsroom needs from wherever its briefs are kept.

``BriefStore`` is the protocol; ``bot.store.TinyStore`` keeps briefs in TinyDB shards on disk (or in memory
with ``root=None``), and ``bot.postgres.PgStore`` in a PostgreSQL database that several processes share.
The same store tests run over every implementation. A store is told nothing about the newsroom: it keeps
versions, follows, the question log and what the editors' desk records (each question's outcome, the gaps
dismissed), and says which briefs another process changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from bot.briefs import Brief
from bot.question_log import LoggedQuestion
from bot.records import Version
from bot.snapshot import LatestVersions, Snapshot

if TYPE_CHECKING:
    from bot.outcomes import Recorded

__all__ = [
    "ANSWERED_SECONDS",
    "BriefStore",
    "Dismissed",
    "Notice",
    "Outbox",
    "OutboxCounts",
    "OutcomeRecords",
    "Pushed",
]

ANSWERED_SECONDS = 3600.0
"""How long an id taken by ``first_time`` stays taken: Slack retries an event for about five minutes and accepts a
signed request for five; Discord redelivers after a reconnect within minutes."""


@dataclass(frozen=True)
class Pushed:
    """The outcome of one push: the version now latest and the one it replaced."""

    version: Version
    previous: Version | None

    @property
    def changed(self) -> bool:
        """False when the pushed content was identical to the latest version."""
        return self.previous is None or self.version.number != self.previous.number


@dataclass(frozen=True)
class Notice:
    """A follow message waiting to be posted: one new version's line, for one following channel."""

    brief_id: str
    number: int
    follower: str
    """The channel, with its platform as prefix: ``slack:C0123``."""
    text: str

    @property
    def platform(self) -> str:
        """The surface that posts it (``slack``, ``discord``)."""
        return self.follower.partition(":")[0]


@dataclass(frozen=True)
class OutboxCounts:
    """Follow messages by platform: waiting to be posted, and given up (none posted them in time) in the last day."""

    waiting: dict[str, int]
    expired: dict[str, int]


class Outbox(Protocol):
    """Follow messages shared by every process on one store, each posted by one of them."""

    def put(self, notices: Sequence[Notice]) -> int:
        """Add notices; one already put by any process (the same version, the same follower) is not added again.
        How many were added."""
        ...

    def claim(self, platforms: Collection[str], limit: int) -> AbstractContextManager[list[Notice]]:
        """Up to ``limit`` waiting notices for ``platforms``, oldest first, that no other process holds; they are
        marked sent when the block ends without an error, and wait for another claim when it fails. Notices that
        no process claimed for too long are given up first (see ``counts``)."""
        ...

    def counts(self) -> OutboxCounts:
        """How many notices wait, and how many were given up lately, by platform."""
        ...


class OutcomeRecords(Protocol):
    """What became of each question, for the desk's charts: kept where every process on the store sees it."""

    def add(self, entry: Recorded, keep_from: datetime) -> None:
        """Record one question's outcome; those asked before ``keep_from`` may be deleted meanwhile. Never raises:
        an outcome that cannot be kept is logged as a warning, as recording must not stop an answer."""
        ...

    def since(self, start: datetime) -> list[Recorded]:
        """The outcomes of questions asked from ``start``, by every process on the store, oldest first."""
        ...


class Dismissed(Protocol):
    """The gaps editors dismissed on the desk: each wording and when, seen by every process on the store."""

    def add(self, wordings: Collection[str], at: datetime) -> None:
        """Record that ``wordings`` were dismissed at ``at``; a wording dismissed again keeps the later time."""
        ...

    def read(self) -> dict[str, datetime]:
        """Every dismissed wording and when it was (last) dismissed."""
        ...


class BriefStore(Protocol):
    """Versioned briefs with their follows and unanswered questions, shared by every process that opens them."""

    root: Path | None
    """The store's own folder, for files kept beside it (None: the store has no folder)."""

    outbox: Outbox | None
    """Where follow messages wait for one of the processes sharing the store to post them (None: the store is
    served by one process, which posts its own)."""

    outcomes: OutcomeRecords
    """What became of each question, for the editors' desk."""

    dismissed: Dismissed
    """The gaps editors dismissed on the desk."""

    # reading

    def ids(self) -> list[str]:
        """Every brief id in the store, sorted."""
        ...

    def latest(self) -> Iterator[Version]:
        """The latest version of every brief; ``BriefUnavailable`` for one that cannot be read."""
        ...

    def get(self, brief_id: str, number: int | None = None) -> Version:
        """One version of a brief (the latest when ``number`` is None); ``UnknownBrief`` when there is none."""
        ...

    def take_in(self, brief_id: str) -> Version:
        """The latest version as the store holds it now, for a newsroom to hold (and be told when it changes)."""
        ...

    def history(self, brief_id: str) -> list[Version]:
        """Every version of a brief, oldest first."""
        ...

    def is_empty(self) -> bool:
        """Whether no brief has ever been pushed."""
        ...

    # writing

    def push(
        self, brief: Brief, *, editor: str, channel: str, expected_version: int | None = None, now: datetime
    ) -> Pushed:
        """Store a new version of one brief; see ``push_many``."""
        ...

    def push_many(
        self,
        briefs: Sequence[Brief],
        *,
        editor: str,
        channel: str,
        expected_version: int | None = None,
        now: datetime,
    ) -> list[Pushed]:
        """Store a new version of each brief, all or nothing; ``VersionConflict`` when the latest version is not
        ``expected_version`` (0: a new brief; None: no check), checked where it is written. An acknowledged push
        is durable; a brief identical to its latest version is not stored again."""
        ...

    # what other processes changed

    def poll_changes(self) -> set[str]:
        """Ids another process pushed (or removed) since the last poll; cheap when nothing changed."""
        ...

    def finish_interrupted(self) -> None:
        """Finish work another process left half done, when the store is free (nothing, for most stores)."""
        ...

    # a fast start

    def save_snapshot(self, latest: LatestVersions, index: dict[str, Any]) -> None:
        """Keep what a newsroom holds for its next start (a store that starts fast without one keeps nothing)."""
        ...

    def load_snapshot(self) -> Snapshot | None:
        """The last snapshot and what changed since, or None."""
        ...

    # channels following briefs

    def follow(self, brief_id: str, channel: str) -> bool:
        """Record that ``channel`` follows a brief; False when it already did."""
        ...

    def unfollow(self, brief_id: str, channel: str) -> bool:
        """Stop ``channel`` following a brief; False when it was not following it."""
        ...

    def followers(self, brief_id: str) -> list[str]:
        """The channels following a brief, sorted."""
        ...

    def following(self, channel: str) -> list[str]:
        """The ids of the briefs ``channel`` follows, sorted."""
        ...

    # the questions editors should see

    def log_question(self, question: LoggedQuestion) -> None:
        """Append an unanswered question to the log."""
        ...

    def questions(self) -> list[LoggedQuestion]:
        """Every logged unanswered question, oldest first."""
        ...

    # what several processes serving one store do once between them

    def first_time(self, kind: str, item: str) -> bool:
        """Take ``item`` (an event id, a message id) for this process; False when any process sharing the store took
        it within ``ANSWERED_SECONDS``. A store served by one process says True: that process remembers for itself."""
        ...

    def close(self) -> None:
        """Let go of what the store holds open (connections, threads); closing twice is harmless."""
        ...
