"""The newsroom: briefbot's core, answering reporters and taking editors' pushes.

Adapters hold one ``Newsroom`` and call ``ask`` for reporters and ``push``,
``import_paths`` and the read methods for editors. It keeps the latest version
of every brief and a search index in memory, updated on each push and from
the store's change journal when another process writes.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from bot.answers import Answer, Outcome, answer_with, decide
from bot.brief_store import BriefStore
from bot.briefs import Brief, check_updated, load_brief_files
from bot.changes import VersionChange, with_changes
from bot.entities import Entities, load_entities
from bot.errors import BriefUnavailable, RateLimited, SettingsError, StoreUnwritable, UnknownBrief, VersionConflict
from bot.holdings import Holdings, Listener, Update
from bot.limits import RateLimiter
from bot.meaning_files import MeaningFiles
from bot.meaning_rules import decide_by_meaning
from bot.observing import Observer
from bot.outcomes import OutcomeLog
from bot.search import Query, SearchIndex
from bot.semantic import Embedder, Meanings, default_embedder
from bot.settings import Settings
from bot.store import LatestVersions, LoggedQuestion, Pushed, TinyStore, Version

__all__ = ["Asker", "Gap", "ImportReport", "Newsroom", "Update", "open_newsroom", "open_store", "sample_briefs_path"]

log = logging.getLogger("briefbot.newsroom")

SEARCH_DEPTH = 20
"""How many ranked briefs a question considers before visibility filtering."""

SAMPLES_EDITOR = "briefbot samples"


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Asker:
    """Who is asking: editors also see drafts and embargoed briefs."""

    name: str
    is_editor: bool = False
    limited_as: str | None = None
    """Whose allowance of questions this asker spends, when not their name's: an anonymous API reader's
    client address, so one reader's questions never lock out the others. It is never logged."""


@dataclass(frozen=True)
class ImportReport:
    """What an import stored, and the warnings its files raised."""

    pushed: tuple[Pushed, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """A question nobody had a brief for, with how often and how lately it was asked."""

    question: str
    count: int
    askers: int
    last_asked: datetime


class Newsroom:
    """The platform-neutral core: one store, one index, every surface."""

    def __init__(
        self,
        store: BriefStore,
        *,
        clock: Clock = utc_now,
        samples: Path | None = None,
        entities: Entities | None = None,
        outcomes: OutcomeLog | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.store = store
        self.outcomes = outcomes
        """Where each question's outcome is recorded, for the editors' desk (None: nowhere)."""
        self._clock = clock
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        files = MeaningFiles(store.root) if store.root is not None else None
        meanings = Meanings(embedder, files) if embedder is not None else None
        self._held = Holdings(store, entities, self._listeners, clock, meanings)
        self._limiter: RateLimiter | None = None
        self._observer: Observer | None = None
        self.seeded = 0
        """How many sample briefs this newsroom stored when it opened an empty store (0: none)."""
        # Loading makes millions of objects that live as long as the process: collecting garbage
        # meanwhile only slows the start, and once frozen they are no longer re-scanned by every
        # full collection, which would pause answers for many milliseconds at 10,000 briefs.
        gc.disable()
        try:
            if samples is not None and store.is_empty():
                self.seeded = len(self.import_paths([samples], editor=SAMPLES_EDITOR, channel="samples").pushed)
            else:
                self._held.load()
        finally:
            gc.enable()
        gc.freeze()

    def close(self) -> None:
        """Let go of the store's connections and threads (a TinyDB store holds none)."""
        self.store.close()

    def now(self) -> datetime:
        """The newsroom's clock."""
        return self._clock()

    # reporters

    def limit_questions(self, per_minute: int) -> None:
        """From now on, refuse an asker's questions beyond ``per_minute`` a minute (0 lifts the limit)."""
        self._limiter = RateLimiter(per_minute) if per_minute > 0 else None

    def observe(self, observer: Observer) -> None:
        """From now on, tell ``observer`` each question's outcome and time, and each push and conflict."""
        self._observer = observer

    def ask(self, question: str, asker: Asker) -> Answer:
        """Answer a question with the best brief the asker may see, choices, or an honest no."""
        started = time.perf_counter()
        if self._limiter is not None and not self._limiter.allow(asker.limited_as or asker.name):
            if self._observer is not None:
                self._observer.limited()
            raise RateLimited(self._limiter.per_minute)
        now = self._clock()
        with self._lock:
            self._held.sync()
            query = self._held.index.analyze(question)
            ranked = [
                (hit, version)
                for hit in self._held.index.search(query, SEARCH_DEPTH)
                if self._may_see(version := self._held.latest[hit.brief_id], asker, now)
            ]
            meanings, latest = self._held.meanings, self._held.latest
            if meanings is None:
                answer = decide(query, ranked, now)
            else:
                visible = lambda brief_id: brief_id in latest and self._may_see(latest[brief_id], asker, now)  # noqa: E731
                answer = decide_by_meaning(meanings, query, ranked, now, latest, visible)
        if self.outcomes is not None:
            self.outcomes.record(answer, asker.name)
        if answer.outcome is Outcome.NO_MATCH and query.terms:
            try:
                self.store.log_question(
                    LoggedQuestion(query.text, asker.name, now, tuple(c.brief_id for c in answer.alternatives))
                )
            except StoreUnwritable as error:
                log.warning("the question was answered but not logged: %s", error)  # answering matters more
        if self._observer is not None:
            self._observer.asked(answer.outcome.value, time.perf_counter() - started)
        return answer

    def first_time(self, kind: str, item: str) -> bool:
        """Whether no process serving this newsroom's store has taken ``item`` yet (a platform's event or message
        id, of ``kind``); it is taken now. Surfaces ask before answering, so a retry that lands on another replica
        is answered once; with a store one process serves, the surface's own memory does this and it is True."""
        return self.store.first_time(kind, item)

    def read_questions(self, questions: Iterable[str]) -> list[Query]:
        """Questions as the bot reads them for searching: stemmed terms, names folded, typos corrected."""
        with self._lock:
            self._held.sync()
            return [self._held.index.analyze(question) for question in questions]

    def answer_brief(self, brief_id: str, asker: Asker, query: str = "") -> Answer:
        """The answer for one chosen brief (a reporter picked it from choices or suggestions)."""
        return answer_with(self.show(brief_id, asker), query, self._clock())

    def briefs(self, asker: Asker) -> list[Version]:
        """The latest version of every brief the asker may see, most recently updated first."""
        now = self._clock()
        with self._lock:
            self._held.sync()
            visible = [v for v in self._held.latest.values() if self._may_see(v, asker, now)]
        return sorted(visible, key=lambda v: v.brief.updated, reverse=True)

    def show(self, brief_id: str, asker: Asker, number: int | None = None) -> Version:
        """One version of a brief (the latest by default), if the asker may see it."""
        version = self.store.get(brief_id, number)
        if not self._may_see(version, asker, self._clock()):
            raise UnknownBrief(brief_id, number)
        return version

    def history(self, brief_id: str, asker: Asker) -> list[Version]:
        """Every version of a brief the asker may see, oldest first."""
        now = self._clock()
        versions = [v for v in self.store.history(brief_id) if self._may_see(v, asker, now)]
        if not versions:
            raise UnknownBrief(brief_id)
        return versions

    def history_with_changes(self, brief_id: str, asker: Asker) -> list[VersionChange]:
        """Every version of a brief the asker may see, oldest first, each with what it changed from its parent."""
        return with_changes(self.history(brief_id, asker))

    # editors

    def push(
        self,
        brief: Brief,
        *,
        editor: str,
        channel: str,
        expected_version: int | None = None,
        origin: str | None = None,
    ) -> Pushed:
        """Store a new version of a brief, pushed by ``editor``, and index it.

        ``expected_version`` guards against lost edits; a brief dated too far ahead of the newsroom's clock
        is refused with a ``BriefError`` naming ``origin`` (or the brief's id).

        The store orders writers itself; the newsroom's lock is held only to take the stored version in,
        so questions answered meanwhile (on other threads) do not wait for the disk.
        """
        now = self._clock()
        check_updated(brief, origin or brief.id, now)
        try:
            pushed = self.store.push(brief, editor=editor, channel=channel, expected_version=expected_version, now=now)
        except VersionConflict:
            if self._observer is not None:
                self._observer.conflicted()
            raise
        if self._observer is not None:
            self._observer.pushed(pushed.changed)
        with self._lock:
            held = self._held.latest.get(brief.id)
            if held is not None and held.number > pushed.version.number:
                # Another push got in first, or the shard was removed or restored by hand since it was read:
                # the shard says which, and is the truth.
                self._held.read(brief.id)
            else:
                self._held.remember(pushed.version)
            self._held.tidy()
        return pushed

    def revert(self, brief_id: str, number: int, *, editor: str, channel: str) -> Pushed:
        """A new version whose content is version ``number``'s, updated now by ``editor``."""
        current = self.store.get(brief_id)
        old = self.store.get(brief_id, number).brief
        brief = replace(old, updated=self._clock(), editor=editor)
        return self.push(brief, editor=editor, channel=channel, expected_version=current.number)

    # following

    def follow(self, brief_id: str, channel: str, asker: Asker) -> bool:
        """Have ``channel`` told about every new published version of a brief the asker may see."""
        self.show(brief_id, asker)
        return self.store.follow(brief_id, channel)

    def unfollow(self, brief_id: str, channel: str) -> bool:
        """Stop telling ``channel`` about a brief; False when it was not following it."""
        return self.store.unfollow(brief_id, channel)

    def following(self, channel: str) -> list[str]:
        """The briefs ``channel`` follows."""
        return self.store.following(channel)

    def followers(self, brief_id: str) -> list[str]:
        """The channels following a brief."""
        return self.store.followers(brief_id)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every new version reporters may see, whichever process wrote it."""
        self._listeners.append(listener)

    def refresh(self) -> None:
        """Take in what other processes wrote to the store (answers do this too; a server also does it on a timer).

        An import that another process committed but died applying is finished here too, when the store is free.
        """
        self.store.finish_interrupted()
        with self._lock:
            self._held.sync()

    def held_versions(self) -> dict[str, int]:
        """The latest version number of every brief this newsroom holds, by id (to tell how far behind it is)."""
        with self._lock:
            return {brief_id: version.number for brief_id, version in self._held.latest.items()}

    def unavailable(self) -> dict[str, BriefUnavailable]:
        """The briefs whose shard cannot be read, by id, each with what is wrong; every other brief is served."""
        with self._lock:
            return dict(self._held.unavailable)

    def save_snapshot(self) -> None:
        """Write the start-up snapshot now (a newsroom does it itself after a full read or an import)."""
        with self._lock:
            self._held.save_snapshot()

    def import_paths(self, paths: Iterable[Path], *, editor: str, channel: str = "cli") -> ImportReport:
        """Import brief files and folders all or nothing: one bad file and nothing is stored."""
        loaded = load_brief_files(paths, now=self._clock())
        with self._lock:
            pushed = self.store.push_many(
                [item.brief for item in loaded], editor=editor, channel=channel, now=self._clock()
            )
            for result in pushed:
                self._held.remember(result.version)
                if self._observer is not None:
                    self._observer.pushed(result.changed)
            self._held.tidy()
            if any(result.changed for result in pushed):
                self.save_snapshot()
        return ImportReport(tuple(pushed), tuple(w for item in loaded for w in item.warnings))

    def gaps(self) -> list[Gap]:
        """Unanswered questions grouped by wording, most asked first."""
        groups: dict[str, list[LoggedQuestion]] = {}
        for logged in self.store.questions():
            groups.setdefault(" ".join(logged.text.casefold().split()), []).append(logged)
        gaps = [
            Gap(group[-1].text, len(group), len({q.asker for q in group}), max(q.asked_at for q in group))
            for group in groups.values()
        ]
        return sorted(gaps, key=lambda gap: (-gap.count, -gap.last_asked.timestamp()))

    # internals

    @property
    def _latest(self) -> LatestVersions:
        """The latest version of every brief held (for tests and benchmarks)."""
        return self._held.latest

    @property
    def _index(self) -> SearchIndex:
        """The search index (for tests and benchmarks)."""
        return self._held.index

    @staticmethod
    def _may_see(version: Version, asker: Asker, now: datetime) -> bool:
        return asker.is_editor or version.brief.visible_at(now)


def sample_briefs_path() -> Path | None:
    """The sample briefs: bundled in the installed package, or ``briefs/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "sample_briefs", here.parent / "briefs"):
        if candidate.is_dir():
            return candidate
    return None


def open_newsroom(settings: Settings, *, seed: bool = False, clock: Clock = utc_now) -> Newsroom:
    """The newsroom on the configured store; with ``seed`` (and the setting on), an empty store gets the samples.

    Seeding is asked for by name, by the commands a newcomer tries first, so fictional briefs never reach a
    store that is being filled with real ones (by import, push, a server or a folder watch); the newsroom's
    ``seeded`` says how many it stored, for the caller to tell the person.
    """
    samples = sample_briefs_path() if seed and settings.seed_samples else None
    entities = load_entities(settings.entities) if settings.entities else None
    store = open_store(settings)
    outcomes = OutcomeLog(store.outcomes, settings.outcome_retention_days, askers=settings.outcome_askers)
    embedder = default_embedder() if settings.semantic else None
    return Newsroom(store, clock=clock, samples=samples, entities=entities, outcomes=outcomes, embedder=embedder)


def open_store(settings: Settings) -> BriefStore:
    """The configured store: PostgreSQL when a database URL is set, else the TinyDB store folder."""
    if settings.database_url is not None:
        try:
            # Imported only here: a TinyDB store needs neither psycopg nor its start-up time.
            from bot.postgres.store import PgStore
        except ImportError:
            raise SettingsError(
                "a PostgreSQL database is configured, but psycopg is not installed: pip install 'briefbot[postgres]'"
            ) from None
        return PgStore(settings.database_url)
    try:
        return TinyStore(settings.store)
    except OSError as error:
        raise SettingsError(
            f"the store {settings.store} cannot be opened ({error.strerror or error}): "
            "it must be a folder briefbot can read and write"
        ) from None
