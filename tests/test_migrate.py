"""``briefbot migrate --to`` copies a store folder into PostgreSQL once, compares the two, and ``briefbot check``
checks a database; neither ever prints the password."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from postgres_server import PostgresServer
from test_cli import run
from test_store import MONDAY, TUESDAY, _brief

from bot.answers import Outcome
from bot.outcomes import OutcomeFile, Recorded
from bot.postgres import redacted
from bot.postgres.migrations import MIGRATIONS
from bot.postgres.store import PgStore
from bot.question_log import LoggedQuestion
from bot.shards import SHARD_DIR
from bot.store import TinyStore

QUESTIONS = [
    LoggedQuestion("who won the toss?", "U1", datetime(2026, 11, 23, 10, 0, tzinfo=UTC), ("city-budget-vote",)),
    LoggedQuestion("when is the vote", "U2", datetime(2026, 11, 23, 11, 5, tzinfo=timezone(timedelta(hours=-5)))),
    LoggedQuestion("when is the vote", "U2", datetime(2026, 11, 23, 11, 5, tzinfo=timezone(timedelta(hours=-5)))),
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A store folder with two briefs (three versions and one), two follows and three logged questions."""
    root = tmp_path / "store"
    store = TinyStore(root)
    store.push(_brief(), editor="Ana", channel="cli", now=MONDAY)
    store.push(_brief(title="Council delays the budget vote"), editor="Ben", channel="slack", now=TUESDAY)
    store.push(_brief(title="Council passes the budget"), editor="Ana", channel="api", now=TUESDAY)
    store.push(_brief("school-closures"), editor="Cy", channel="discord", now=MONDAY)
    store.follow("city-budget-vote", "slack:C1")
    store.follow("school-closures", "discord:42")
    for question in QUESTIONS:
        store.log_question(question)
    return root


@pytest.fixture
def database(database_url: str) -> Iterator[PgStore]:
    """The test's database, opened as a briefbot serving from it would."""
    store = PgStore(database_url)
    yield store
    store.close()


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(f"SELECT count(*) FROM {table}".encode()).fetchone()
        return int(row[0]) if row else 0


def test_migrate_copies_every_version_follow_and_question_and_compares(
    folder: Path, database_url: str, postgres_server: PostgresServer
) -> None:
    """Every version with its pusher, time, channel and parent, every follow and every question is copied, and
    the comparison says the database holds them all, without printing the password."""
    result = run(folder, "migrate", "--to", database_url)
    assert result.returncode == 0, result.stderr
    assert "compared: the database holds all 2 brief(s) (4 version(s)), 2 follow(s) and 3 logged" in result.stdout
    assert postgres_server.password not in result.stdout + result.stderr
    assert redacted(database_url) in result.stdout
    source, copied = TinyStore(folder), PgStore(database_url)
    try:
        for brief_id in source.ids():
            assert copied.history(brief_id) == source.history(brief_id)
        assert [v.channel for v in copied.history("city-budget-vote")] == ["cli", "slack", "api"]
        assert copied.followers("city-budget-vote") == ["slack:C1"]
        assert copied.following("discord:42") == ["school-closures"]
        assert copied.questions() == QUESTIONS
    finally:
        copied.close()


def test_migrating_twice_copies_nothing_twice(folder: Path, database_url: str) -> None:
    """A second run adds no version, follow or question (two identical questions stay two), and still compares."""
    assert run(folder, "migrate", "--to", database_url).returncode == 0
    again = run(folder, "migrate", "--to", database_url)
    assert again.returncode == 0, again.stderr
    assert "copied 0 version(s), 0 follow(s) and 0 logged question(s)" in again.stdout
    assert "2 brief(s) were already there" in again.stdout
    counts = [_count(database_url, table) for table in ("versions", "follows", "questions")]
    assert counts == [4, 2, 3]


def test_a_version_pushed_to_the_folder_later_is_copied_alone(folder: Path, database_url: str) -> None:
    """After a first copy, only a version the folder gained since is copied on the next run."""
    assert run(folder, "migrate", "--to", database_url).returncode == 0
    TinyStore(folder).push(_brief("school-closures", title="Schools reopen"), editor="Cy", channel="cli", now=TUESDAY)
    result = run(folder, "migrate", "--to", database_url)
    assert result.returncode == 0, result.stderr
    assert "copied    school-closures v2-v2" in result.stdout
    assert "copied 1 version(s)" in result.stdout
    assert _count(database_url, "versions") == 5


def test_a_brief_further_along_in_the_database_is_reported_not_overwritten(
    folder: Path, database_url: str, database: PgStore
) -> None:
    """A brief the database holds a later version of is reported, and its versions there are kept as they are."""
    assert run(folder, "migrate", "--to", database_url).returncode == 0
    database.push(_brief(title="Budget signed"), editor="Dee", channel="slack", now=TUESDAY)
    result = run(folder, "migrate", "--to", database_url)
    assert result.returncode == 0, result.stderr
    assert "ahead     city-budget-vote: the database is at v4, the folder at v3" in result.stdout
    assert database.get("city-budget-vote").brief.title == "Budget signed"


def test_a_brief_whose_versions_differ_is_reported_as_diverged_and_not_overwritten(
    folder: Path, database_url: str, database: PgStore
) -> None:
    """When the database and the folder each gained a different v4, neither is overwritten and the run fails."""
    assert run(folder, "migrate", "--to", database_url).returncode == 0
    database.push(_brief(title="Budget signed"), editor="Dee", channel="slack", now=TUESDAY)
    TinyStore(folder).push(_brief(title="Budget vetoed"), editor="Eve", channel="cli", now=TUESDAY)
    result = run(folder, "migrate", "--to", database_url)
    assert result.returncode == 1
    assert "diverged  city-budget-vote: v4 differs" in result.stderr
    assert "does not hold everything" in result.stderr
    assert database.get("city-budget-vote").brief.title == "Budget signed"
    assert _count(database_url, "versions") == 5


def test_an_unreadable_brief_is_reported_and_the_others_are_copied(folder: Path, database_url: str) -> None:
    """A damaged shard in the folder is named, the rest is copied, and the run fails so nobody misses it."""
    (folder / SHARD_DIR / "school-closures.json").write_text("{not json", encoding="utf-8")
    result = run(folder, "migrate", "--to", database_url)
    assert result.returncode == 1
    assert "unreadable school-closures" in result.stderr
    assert _count(database_url, "versions") == 3


def test_migrate_never_prints_the_password_when_the_database_cannot_be_reached(
    folder: Path, postgres_server: PostgresServer
) -> None:
    """A database that cannot be reached is named with its password hidden, and the run fails."""
    unreachable = postgres_server.url("nowhere").replace(f":{postgres_server.port}/", ":1/")
    result = run(folder, "migrate", "--to", unreachable)
    assert result.returncode == 1
    assert "briefbot:" in result.stderr
    assert "***" in result.stderr
    assert postgres_server.password not in result.stdout + result.stderr


def test_migrate_refuses_what_is_not_a_database_url_without_showing_it(folder: Path) -> None:
    """A --to that is not a PostgreSQL URL is refused, and its text (which may hold a password) is not shown."""
    result = run(folder, "migrate", "--to", "postgre://ana:s3cret-pass@db/briefs")
    assert result.returncode == 1
    assert "expected a PostgreSQL URL" in result.stderr
    assert "s3cret-pass" not in result.stdout + result.stderr


def test_check_on_a_database_finds_it_healthy(folder: Path, database_url: str, postgres_server: PostgresServer) -> None:
    """With BRIEFBOT_DATABASE_URL, check reads the schema version and every brief's versions, without the password."""
    assert run(folder, "migrate", "--to", database_url).returncode == 0
    result = run(folder, "check", env={"BRIEFBOT_DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert f"healthy: schema at migration {len(MIGRATIONS)}, 2 brief(s), 4 version(s)" in result.stdout
    assert postgres_server.password not in result.stdout + result.stderr


def test_check_on_a_database_finds_a_missing_version_and_a_newer_schema(
    folder: Path, database_url: str, postgres_server: PostgresServer
) -> None:
    """A gap in a brief's versions and a schema newer than this briefbot are each named, and check fails."""
    assert run(folder, "migrate", "--to", database_url).returncode == 0
    with psycopg.connect(database_url) as connection:
        connection.execute("DELETE FROM versions WHERE brief_id = 'city-budget-vote' AND number = 2")
        connection.execute("INSERT INTO briefbot_migrations (number) VALUES (99)")
    result = run(folder, "check", env={"BRIEFBOT_DATABASE_URL": database_url})
    assert result.returncode == 1
    assert "city-budget-vote: its versions are not numbered 1 to 2 (v2 is missing)" in result.stdout
    assert "schema: at migration 99, newer than this briefbot knows" in result.stdout
    assert "2 problems in the database" in result.stderr
    assert postgres_server.password not in result.stdout + result.stderr


def test_check_on_a_database_without_a_schema_says_so(folder: Path, database_url: str) -> None:
    """A database briefbot never used is reported as holding no schema, and check changes nothing."""
    result = run(folder, "check", env={"BRIEFBOT_DATABASE_URL": database_url})
    assert result.returncode == 1
    assert "holds no briefbot schema" in result.stdout
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT to_regclass('briefbot_migrations')").fetchone()
        assert row is not None
        assert row[0] is None


def test_check_repair_is_refused_on_a_database(folder: Path, database_url: str) -> None:
    """--repair is for a store folder; on a database it is refused with what to do instead."""
    result = run(folder, "check", "--repair", env={"BRIEFBOT_DATABASE_URL": database_url})
    assert result.returncode == 2
    assert "from a backup" in result.stderr


def test_the_copied_times_keep_their_offsets(folder: Path, database_url: str) -> None:
    """A version pushed at +01:00 is still at +01:00 once copied, not moved to another zone."""
    assert run(folder, "migrate", "--to", database_url).returncode == 0
    store = PgStore(database_url)
    try:
        pushed = store.get("city-budget-vote", 2).pushed_at
    finally:
        store.close()
    assert pushed == TUESDAY
    assert pushed.utcoffset() == timedelta(hours=1)


def _desk_records(root: Path) -> list[Recorded]:
    """Three question outcomes (two alike, as two reporters asking at one moment) and a dismissal in ``root``."""
    store = TinyStore(root)
    outcomes = [
        Recorded(MONDAY, Outcome.ANSWER, "city-budget-vote"),
        Recorded(TUESDAY, Outcome.NO_MATCH, None, "U2"),
        Recorded(TUESDAY, Outcome.NO_MATCH, None, "U2"),
    ]
    for entry in outcomes:
        store.outcomes.add(entry, MONDAY - timedelta(days=90))
    store.dismissed.add(["zebra crossing bylaws"], TUESDAY)
    return outcomes


def test_migrate_copies_the_desks_outcomes_and_dismissals_once(folder: Path, database_url: str) -> None:
    """The desk's question outcomes (two alike stay two) and dismissed gaps are copied, compared, and not copied
    again by a second run."""
    outcomes = _desk_records(folder)
    result = run(folder, "migrate", "--to", database_url)
    assert result.returncode == 0, result.stderr
    assert "copied 3 question outcome(s) and 1 dismissed gap(s)" in result.stdout
    assert "its 3 question outcome(s) and 1 dismissed gap(s)" in result.stdout
    again = run(folder, "migrate", "--to", database_url)
    assert again.returncode == 0, again.stderr
    assert "copied 0 question outcome(s) and 0 dismissed gap(s)" in again.stdout
    copied = PgStore(database_url)
    try:
        assert copied.outcomes.since(MONDAY) == outcomes
        assert copied.dismissed.read() == {"zebra crossing bylaws": TUESDAY}
    finally:
        copied.close()


def test_the_outcomes_folder_of_each_replica_is_copied_into_the_one_database(tmp_path: Path, database_url: str) -> None:
    """A replica's folder holding only the outcomes it kept before they were kept in the database is copied too,
    beside another replica's."""
    first, second = tmp_path / "replica-1", tmp_path / "replica-2"
    first.mkdir()
    second.mkdir()
    OutcomeFile(first).add(Recorded(MONDAY, Outcome.ANSWER, "city-budget-vote"), MONDAY)
    OutcomeFile(second).add(Recorded(TUESDAY, Outcome.AMBIGUOUS, None), MONDAY)
    for root in (first, second):
        result = run(root, "migrate", "--to", database_url)
        assert result.returncode == 0, result.stderr
        assert "copied 1 question outcome(s)" in result.stdout
    assert _count(database_url, "outcomes") == 2
