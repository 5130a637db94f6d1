"""What the editors' desk records beside the briefs (each question's outcome, the gaps dismissed), the same on every
store, and on PostgreSQL shared by every replica and kept across restarts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from conftest import NOW, REPORTER, SAMPLE_BRIEFS, Clock, within
from postgres_server import STORE_KINDS, PostgresServer, open_store

from adapters.api_access import ApiSettings
from adapters.desk.app import Desk
from bot.answers import Outcome
from bot.brief_store import BriefStore
from bot.newsroom import Newsroom, open_newsroom
from bot.outcomes import Recorded
from bot.postgres.store import PgStore
from bot.settings import Settings
from bot.store import TinyStore

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 24, 14, 30, tzinfo=timezone(timedelta(hours=1)))
WEDNESDAY = datetime(2026, 11, 25, 7, 45, tzinfo=UTC)
KREMLIN = "kremlin-open-to-putin-trump-meeting"


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BriefStore:
    """Every store: in memory, TinyDB on disk and PostgreSQL."""
    return open_store(request.param, request, tmp_path)


@pytest.fixture(params=["disk", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], BriefStore]]:
    """Opens another store on the same folder or database, as a second process (or a restart) would."""
    url = request.getfixturevalue("database_url") if request.param == "postgresql" else ""
    opened: list[BriefStore] = []

    def open_again() -> BriefStore:
        if not url:
            opened.append(TinyStore(tmp_path / "store"))
        else:
            opened.append(PgStore(url))
        return opened[-1]

    yield open_again
    for one in opened:
        one.close()


def test_outcomes_are_read_back_from_a_time_oldest_first_with_their_offsets(store: BriefStore) -> None:
    """Each outcome comes back as recorded (time and its offset, outcome, brief, asker), only those from the start."""
    monday = Recorded(MONDAY, Outcome.ANSWER, "city-budget-vote", "reporter-1")
    tuesday = Recorded(TUESDAY, Outcome.NO_MATCH, None)
    wednesday = Recorded(WEDNESDAY, Outcome.AMBIGUOUS, None, "reporter-2")
    for entry in (monday, tuesday, wednesday):
        store.outcomes.add(entry, MONDAY - timedelta(days=90))
    assert store.outcomes.since(MONDAY) == [monday, tuesday, wednesday]
    assert store.outcomes.since(TUESDAY) == [tuesday, wednesday]
    assert [e.asked_at.utcoffset() for e in store.outcomes.since(MONDAY)] == [
        timedelta(0),
        timedelta(hours=1),
        timedelta(0),
    ]


def test_outcomes_past_the_retention_are_deleted(store: BriefStore) -> None:
    """An outcome asked before the retention's start is gone once a later one is recorded with that start."""
    store.outcomes.add(Recorded(MONDAY, Outcome.ANSWER, "old"), MONDAY - timedelta(days=90))
    store.outcomes.add(Recorded(WEDNESDAY, Outcome.ANSWER, "new"), TUESDAY)
    assert [e.brief_id for e in store.outcomes.since(MONDAY - timedelta(days=1))] == ["new"]


def test_a_wording_dismissed_again_keeps_the_later_time(store: BriefStore) -> None:
    """Dismissed wordings are read back with when they were dismissed; a second dismissal moves the time on."""
    assert store.dismissed.read() == {}
    store.dismissed.add(["kremlin trump meeting?", "putin trump summit"], MONDAY)
    store.dismissed.add(["putin trump summit"], WEDNESDAY)
    store.dismissed.add(["kremlin trump meeting?"], MONDAY - timedelta(days=1))
    assert store.dismissed.read() == {"kremlin trump meeting?": MONDAY, "putin trump summit": WEDNESDAY}


def test_outcomes_and_dismissals_of_one_process_are_seen_by_another_and_after_reopening(
    opener: Callable[[], BriefStore],
) -> None:
    """What one store on a folder or database records, a second one on it reads, and so does one opened later."""
    first, second = opener(), opener()
    entry = Recorded(TUESDAY, Outcome.NO_MATCH, None)
    first.outcomes.add(entry, MONDAY)
    first.dismissed.add(["zebra crossing bylaws"], TUESDAY)
    assert within(lambda: second.outcomes.since(MONDAY) == [entry])
    assert second.dismissed.read() == {"zebra crossing bylaws": TUESDAY}
    first.close()
    second.close()
    reopened = opener()
    assert reopened.outcomes.since(MONDAY) == [entry]
    assert reopened.dismissed.read() == {"zebra crossing bylaws": TUESDAY}


# replicas: two newsrooms on one database, each with a store folder of its own


def _replica(database_url: str, folder: Path, clock: Clock) -> Newsroom:
    """A newsroom as ``briefbot serve`` opens it on the database, with this replica's own store folder."""
    return open_newsroom(Settings(folder, database_url=database_url), clock=clock)


def _charted(newsroom: Newsroom) -> list[tuple[Outcome, str]]:
    """The outcomes and briefs a newsroom's desk charts for the last day, sorted."""
    assert newsroom.outcomes is not None
    return sorted((r.outcome, r.brief_id or "") for r in newsroom.outcomes.since(NOW - timedelta(days=1), NOW))


def test_two_replicas_on_one_database_chart_the_same_outcomes(database_url: str, tmp_path: Path) -> None:
    """A question answered on one replica and one refused on the other are both in each replica's outcomes."""
    clock = Clock()
    a = _replica(database_url, tmp_path / "a", clock)
    b = _replica(database_url, tmp_path / "b", clock)
    try:
        a.import_paths([SAMPLE_BRIEFS], editor="Ana", channel="cli")
        a.ask("latest Kremlin stance on a Trump meeting", REPORTER)
        b.ask("zebra crossing bylaws in Tallinn", REPORTER)
        both = [(Outcome.ANSWER, KREMLIN), (Outcome.NO_MATCH, "")]
        for newsroom in (a, b):
            assert within(lambda newsroom=newsroom: _charted(newsroom) == both)
    finally:
        a.close()
        b.close()


def test_a_gap_dismissed_on_one_replica_stays_dismissed_on_the_other_and_after_a_restart(
    database_url: str, tmp_path: Path
) -> None:
    """An editor's dismissal on replica A hides the gap on replica B, and on A's desk after A restarts."""
    clock = Clock()
    a = _replica(database_url, tmp_path / "a", clock)
    b = _replica(database_url, tmp_path / "b", clock)
    api = ApiSettings({"a" * 16: "Anna Kowalski"})
    try:
        a.ask("zebra crossing bylaws in Tallinn", REPORTER)
        gaps = Desk(a, api, 8).gap_groups()
        assert [gap.question for gap in gaps] == ["zebra crossing bylaws in Tallinn"]
        clock.now = NOW + timedelta(minutes=5)
        Desk(a, api, 8).dismissals.dismiss(list(gaps[0].wordings), clock.now)
        assert Desk(b, api, 8).dismissals.visible(Desk(b, api, 8).gap_groups()) == []
        a.close()
        a = _replica(database_url, tmp_path / "a", clock)
        assert Desk(a, api, 8).dismissals.visible(Desk(a, api, 8).gap_groups()) == []
    finally:
        a.close()
        b.close()


def test_outcomes_recorded_while_the_database_refuses_connections_are_written_when_it_is_back(
    database_url: str, postgres_server: PostgresServer
) -> None:
    """An outcome recorded while the database takes no connections is kept in memory, not lost and not raised,
    and is in the database for every replica once it takes connections again."""
    replica = PgStore(database_url)
    name = database_url.rsplit("/", 1)[1]
    entry = Recorded(TUESDAY, Outcome.ANSWER, "city-budget-vote")
    try:
        with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
            admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false".encode())
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
            try:
                replica.outcomes.add(entry, MONDAY)  # an answer is never held up, nor refused, by its outcome
            finally:
                admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true".encode())
        other = PgStore(database_url)
        try:
            assert within(lambda: other.outcomes.since(MONDAY) == [entry], timeout=30)
        finally:
            other.close()
    finally:
        replica.close()
