"""The store on PostgreSQL: processes sharing one database see each other's pushes, race safely, and never show
the password."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import EDITOR, NOW, Clock, within
from postgres_server import PostgresServer
from test_store import MONDAY, TUESDAY, _brief

from adapters.config import load_config
from bot.briefs import Status
from bot.errors import SettingsError, StoreUnwritable, VersionConflict
from bot.newsroom import Newsroom, Update, open_newsroom
from bot.postgres import redacted
from bot.postgres.listener import APPLICATION
from bot.postgres.migrations import MIGRATIONS
from bot.postgres.store import PgStore
from bot.settings import Settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def opened(database_url: str) -> Iterator[Callable[[], PgStore]]:
    """Opens stores on this test's database, as separate processes would, and closes them afterwards."""
    stores: list[PgStore] = []

    def open_one() -> PgStore:
        stores.append(PgStore(database_url))
        return stores[-1]

    yield open_one
    for store in stores:
        store.close()


def test_a_push_on_one_newsroom_is_answered_by_another_on_the_same_database(opened: Callable[[], PgStore]) -> None:
    """A version pushed through one newsroom is answered, and announced to followers, by another on the database."""
    first, second = Newsroom(opened(), clock=Clock()), Newsroom(opened(), clock=Clock())
    first.push(_brief("budget", status=Status.PUBLISHED, embargo_until=None), editor="Ana", channel="cli")
    heard: list[Update] = []
    second.subscribe(heard.append)
    assert within(lambda: second.refresh() or "budget" in second._latest)
    second.follow("budget", "C-metro", EDITOR)
    first.push(
        _brief("budget", title="Council passes the budget", status=Status.PUBLISHED, embargo_until=None),
        editor="Bo",
        channel="slack",
    )
    assert within(lambda: second.refresh() or second._latest["budget"].number == 2)
    assert [(u.version.number, u.version.brief.title) for u in heard] == [
        (1, "City council votes on the budget"),
        (2, "Council passes the budget"),
    ]
    assert second.ask("council passes the budget", EDITOR).brief == second._latest["budget"].brief
    assert first.followers("budget") == ["C-metro"]


def test_a_newsroom_that_missed_notices_catches_up_from_the_table(
    opened: Callable[[], PgStore], database_url: str
) -> None:
    """A version stored while a newsroom was not listening is taken in when it listens again, from the table."""
    writer, reader = opened(), Newsroom(opened(), clock=Clock())
    writer.push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    assert within(lambda: reader.refresh() or "budget" in reader._latest)
    version = writer.get("budget")
    with psycopg.connect(database_url, autocommit=True) as connection:
        # Stored without a notice, as if it had been sent while the reader's listening connection was down.
        record = psycopg.types.json.Jsonb({**_record_of(version), "number": 2, "parent": 1})
        connection.execute("INSERT INTO versions (brief_id, number, record) VALUES ('budget', 2, %s)", (record,))
        reader.refresh()
        assert reader._latest["budget"].number == 1
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s "
            "AND datname = current_database()",
            (APPLICATION,),
        )
    assert within(lambda: reader.refresh() or reader._latest["budget"].number == 2)


def _record_of(version: object) -> dict[str, object]:
    from bot.records import version_to_record

    return version_to_record(version)  # type: ignore[arg-type]


def test_two_editors_racing_on_two_processes_store_one_version_and_refuse_the_other(
    opened: Callable[[], PgStore],
) -> None:
    """Two pushes based on the same version, on two stores at once: one is stored, the other is a conflict."""
    stores = [opened(), opened()]
    stores[0].push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    for round_ in range(10):
        base = stores[0].get("budget").number
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def edit(store: PgStore, editor: str, title: str, base: int, start: threading.Barrier, said: list[str]) -> None:
            start.wait()
            try:
                store.push(_brief("budget", title=title), editor=editor, channel="cli", expected_version=base,
                           now=TUESDAY)  # fmt: skip
                said.append("stored")
            except VersionConflict:
                said.append("conflict")

        threads = [
            threading.Thread(target=edit, args=(store, name, f"{name} {round_}", base, start, outcomes))
            for store, name in zip(stores, ["Ana", "Bo"], strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["conflict", "stored"]
        assert [v.number for v in stores[1].history("budget")] == list(range(1, base + 2))


def test_the_database_refuses_a_second_row_for_the_same_version(
    opened: Callable[[], PgStore], database_url: str
) -> None:
    """The (brief, version) pair is unique in the database itself, whatever writes to it."""
    opened().push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    with psycopg.connect(database_url) as connection, pytest.raises(psycopg.errors.UniqueViolation):
        connection.execute("INSERT INTO versions (brief_id, number, record) VALUES ('budget', 1, '{}')")


def test_the_schema_is_made_once_and_a_newer_one_is_refused(opened: Callable[[], PgStore], database_url: str) -> None:
    """Opening a database makes its schema once; one upgraded by a newer briefbot is refused with what to do."""
    opened()
    opened()
    with psycopg.connect(database_url, autocommit=True) as connection:
        assert connection.execute("SELECT number FROM briefbot_migrations").fetchall() == [
            (n,) for n in range(1, len(MIGRATIONS) + 1)
        ]
        connection.execute("INSERT INTO briefbot_migrations (number) VALUES (%s)", (len(MIGRATIONS) + 1,))
    with pytest.raises(SettingsError, match="upgrade briefbot"):
        opened()


def test_the_password_is_never_shown(
    postgres_server: PostgresServer, database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The database URL's password appears in no message, log line or repr, whether the database is up or not."""
    caplog.set_level(logging.DEBUG)
    secret = postgres_server.password
    settings = load_config({"BRIEFBOT_DATABASE_URL": database_url}, store=tmp_path).core
    newsroom = open_newsroom(settings, clock=Clock(NOW))
    shown = [repr(settings), repr(newsroom.store), redacted(database_url)]
    newsroom.close()
    wrong = database_url.replace(f":{postgres_server.port}/", ":1/")
    with pytest.raises(StoreUnwritable) as unreachable:
        PgStore(wrong)
    with pytest.raises(SettingsError) as bad:
        load_config({"BRIEFBOT_DATABASE_URL": f"postgresq://briefbot:{secret}@127.0.0.1/db"})
    shown += [str(unreachable.value), str(bad.value), caplog.text]
    assert "***" in shown[1]
    assert not [text for text in shown if secret in text]


def test_a_tinydb_store_never_imports_psycopg(tmp_path: Path) -> None:
    """Without a database URL, briefbot answers without importing psycopg, so TinyDB users need nothing more."""
    code = (
        "import sys; from adapters.cli import main; from bot.newsroom import open_newsroom; "
        "from bot.settings import Settings; from pathlib import Path; "
        f"open_newsroom(Settings(Path({str(tmp_path)!r})), seed=True); "
        "assert 'psycopg' not in sys.modules, 'psycopg was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_a_database_url_selects_postgresql(database_url: str, tmp_path: Path) -> None:
    """With BRIEFBOT_DATABASE_URL set, the newsroom keeps its briefs in PostgreSQL, not in the store folder."""
    newsroom = open_newsroom(Settings(tmp_path / "store", database_url=database_url), seed=True, clock=Clock(NOW))
    try:
        assert isinstance(newsroom.store, PgStore)
        assert newsroom.seeded > 0
        assert len(newsroom.store.ids()) == newsroom.seeded
    finally:
        newsroom.close()
    assert not (tmp_path / "store" / "briefs").exists()
