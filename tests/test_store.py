"""The versioned brief store: every push a version, history kept, nothing lost to races or crashes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from crash_writer import crash_brief
from postgres_server import STORE_KINDS, open_store

from bot.brief_store import BriefStore
from bot.briefs import Brief, Source, Status
from bot.errors import UnknownBrief, VersionConflict
from bot.store import LoggedQuestion, TinyStore

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 24, 14, 30, tzinfo=timezone(timedelta(hours=1)))
WEDNESDAY = datetime(2026, 11, 25, 7, 45, tzinfo=UTC)
CRASH_WRITER = Path(__file__).with_name("crash_writer.py")


def _brief(brief_id: str = "city-budget-vote", **changes: object) -> Brief:
    """A full brief, every field set, with some fields replaced."""
    fields: dict[str, object] = {
        "id": brief_id,
        "title": "City council votes on the budget",
        "summary": "The council votes on the 2027 budget on Tuesday.",
        "updated": datetime(2026, 11, 24, 8, 15, tzinfo=timezone(timedelta(hours=-5))),
        "body": "## Key points\n- The vote is on Tuesday.\n- The budget is $1.2bn.",
        "tags": ("riverton", "budget"),
        "aliases": ("city budget",),
        "status": Status.EMBARGOED,
        "embargo_until": datetime(2026, 11, 25, 6, 0, tzinfo=UTC),
        "review_by": date(2026, 12, 15),
        "editor": "Sofia Brandt",
        "desk": "Metro",
        "sources": (Source("Council agenda", "https://riverton.example.gov/agenda"),),
    }
    return Brief(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BriefStore:
    """Every store: in memory, TinyDB on disk and PostgreSQL, so every shared behaviour is proved on each."""
    return open_store(request.param, request, tmp_path)


@pytest.fixture(params=["disk", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], BriefStore]:
    """Opens another store on the same folder or database, as a second process would."""
    url = request.getfixturevalue("database_url") if request.param == "postgresql" else ""

    def open_again() -> BriefStore:
        if not url:
            return TinyStore(tmp_path / "store")
        from bot.postgres.store import PgStore

        store = PgStore(url)
        request.addfinalizer(store.close)
        return store

    return open_again


def changes_seen(store: BriefStore, expected: set[str], timeout: float = 10.0) -> set[str]:
    """What ``store`` is told changed, polled until it holds ``expected`` or ``timeout`` passes (notices may lag)."""
    seen = store.poll_changes()
    deadline = time.monotonic() + timeout
    while not expected <= seen and time.monotonic() < deadline:
        time.sleep(0.01)
        seen |= store.poll_changes()
    return seen


# shared behaviour: every store


def test_first_push_makes_version_one_with_who_where_and_when(store: BriefStore) -> None:
    """The first push of a brief is stored as v1 with no parent, recording the editor, the channel and the time."""
    pushed = store.push(_brief(), editor="Sofia Brandt", channel="slack", now=MONDAY)
    assert pushed.changed
    assert pushed.previous is None
    version = pushed.version
    assert (version.number, version.parent) == (1, None)
    assert (version.editor, version.channel, version.pushed_at) == ("Sofia Brandt", "slack", MONDAY)
    assert store.get("city-budget-vote") == version
    assert store.ids() == ["city-budget-vote"]
    assert not store.is_empty()


def test_changed_brief_pushed_again_makes_version_two(store: BriefStore) -> None:
    """Pushing a changed brief stores v2, based on v1, with the second editor, channel and time."""
    first = store.push(_brief(), editor="Sofia Brandt", channel="slack", now=MONDAY)
    second = store.push(_brief(title="Council passes the budget"), editor="Bo Lind", channel="cli", now=TUESDAY)
    assert second.changed
    assert second.previous == first.version
    version = second.version
    assert (version.number, version.parent) == (2, 1)
    assert (version.editor, version.channel, version.pushed_at) == ("Bo Lind", "cli", TUESDAY)
    assert version.pushed_at.utcoffset() == timedelta(hours=1)
    assert store.get("city-budget-vote").brief.title == "Council passes the budget"


def test_pushing_identical_content_makes_no_new_version(store: BriefStore) -> None:
    """Pushing a brief exactly as it already stands stores nothing new and says nothing changed."""
    store.push(_brief(), editor="Sofia Brandt", channel="slack", now=MONDAY)
    again = store.push(_brief(), editor="Bo Lind", channel="cli", now=TUESDAY)
    assert not again.changed
    assert again.version.number == 1
    assert again.version.editor == "Sofia Brandt"
    assert [v.number for v in store.history("city-budget-vote")] == [1]


def test_history_lists_every_version_oldest_first_with_full_content(store: BriefStore) -> None:
    """A brief's history lists every version oldest first, each with its full content and who pushed it."""
    contents = [
        _brief(),
        _brief(summary="The council delays the vote to Thursday.", tags=("riverton",)),
        _brief(status=Status.PUBLISHED, embargo_until=None, sources=(), review_by=None, editor=None, desk=None),
    ]
    stamps = [MONDAY, TUESDAY, WEDNESDAY]
    for content, editor, now in zip(contents, ["Ana", "Bo", "Cy"], stamps, strict=True):
        store.push(content, editor=editor, channel="cli", now=now)
    history = store.history("city-budget-vote")
    assert [v.brief for v in history] == contents
    assert [(v.number, v.parent, v.editor, v.pushed_at) for v in history] == [
        (1, None, "Ana", MONDAY),
        (2, 1, "Bo", TUESDAY),
        (3, 2, "Cy", WEDNESDAY),
    ]


def test_old_version_can_be_fetched_by_number(store: BriefStore) -> None:
    """Asking for an old version by number gives that version's content, not the latest."""
    store.push(_brief(), editor="Ana", channel="cli", now=MONDAY)
    store.push(_brief(title="Council passes the budget"), editor="Bo", channel="cli", now=TUESDAY)
    old = store.get("city-budget-vote", 1)
    assert old.brief == _brief()
    assert (old.number, old.editor) == (1, "Ana")
    assert store.get("city-budget-vote", 2).brief.title == "Council passes the budget"


def test_unknown_brief_or_version_is_refused(store: BriefStore) -> None:
    """Asking for a brief nobody pushed, or a version it never had, raises UnknownBrief saying which."""
    store.push(_brief(), editor="Ana", channel="cli", now=MONDAY)
    with pytest.raises(UnknownBrief) as no_brief:
        store.get("no-such-brief")
    assert no_brief.value.brief_id == "no-such-brief"
    with pytest.raises(UnknownBrief):
        store.history("no-such-brief")
    with pytest.raises(UnknownBrief) as no_version:
        store.get("city-budget-vote", 7)
    assert (no_version.value.brief_id, no_version.value.version) == ("city-budget-vote", 7)
    assert "v7" in str(no_version.value)
    with pytest.raises(UnknownBrief):
        store.get("../etc/passwd")


def test_push_based_on_the_latest_version_is_stored(store: BriefStore) -> None:
    """A push that says it is based on the current latest version is stored as the next version."""
    store.push(_brief(), editor="Ana", channel="cli", expected_version=0, now=MONDAY)
    pushed = store.push(_brief(title="New title"), editor="Bo", channel="cli", expected_version=1, now=TUESDAY)
    assert pushed.version.number == 2


def test_push_based_on_a_stale_version_is_refused_and_stores_nothing(store: BriefStore) -> None:
    """A push based on an older version is refused, naming the latest version and its editor, and stores nothing."""
    store.push(_brief(), editor="Ana", channel="cli", now=MONDAY)
    store.push(_brief(title="Bo's title"), editor="Bo Lind", channel="slack", now=TUESDAY)
    with pytest.raises(VersionConflict) as conflict:
        store.push(_brief(title="Ana's title"), editor="Ana", channel="cli", expected_version=1, now=WEDNESDAY)
    assert (conflict.value.expected, conflict.value.current, conflict.value.current_editor) == (1, 2, "Bo Lind")
    assert "latest is v2 by Bo Lind" in str(conflict.value)
    assert [v.brief.title for v in store.history("city-budget-vote")] == [
        "City council votes on the budget",
        "Bo's title",
    ]


def test_new_brief_push_for_an_existing_id_is_refused(store: BriefStore) -> None:
    """Pushing a brief as new (expected version 0) when that id already exists is refused and stores nothing."""
    store.push(_brief(), editor="Ana", channel="cli", now=MONDAY)
    with pytest.raises(VersionConflict) as conflict:
        store.push(_brief(title="Another budget brief"), editor="Bo", channel="cli", expected_version=0, now=TUESDAY)
    assert (conflict.value.current, conflict.value.current_editor) == (1, "Ana")
    assert "based on no version (a new brief)" in str(conflict.value)
    assert len(store.history("city-budget-vote")) == 1


def test_edit_of_a_brief_that_does_not_exist_is_a_conflict(store: BriefStore) -> None:
    """An edit based on v1 of a brief the store has never seen is refused as a version conflict, storing nothing."""
    with pytest.raises(VersionConflict) as conflict:
        store.push(_brief("never-pushed"), editor="Ana", channel="cli", expected_version=1, now=MONDAY)
    assert (conflict.value.brief_id, conflict.value.expected, conflict.value.current) == ("never-pushed", 1, 0)
    assert store.ids() == []


def test_push_many_with_one_conflict_stores_none_of_them(store: BriefStore) -> None:
    """When one brief of a multi-brief push conflicts, none of the briefs is stored."""
    store.push(_brief("existing-brief"), editor="Ana", channel="cli", now=MONDAY)
    batch = [_brief("fresh-brief"), _brief("other-fresh-brief"), _brief("existing-brief", title="Changed")]
    with pytest.raises(VersionConflict) as conflict:
        store.push_many(batch, editor="Bo", channel="cli", expected_version=0, now=TUESDAY)
    assert conflict.value.brief_id == "existing-brief"
    assert store.ids() == ["existing-brief"]
    assert len(store.history("existing-brief")) == 1


def test_the_same_brief_twice_in_one_push_makes_two_versions(store: BriefStore) -> None:
    """Two versions of one brief in one batch are stored as consecutive versions, not one number twice."""
    store.push_many([_brief(title="First"), _brief(title="Second")], editor="Ana", channel="cli", now=MONDAY)
    assert [(v.number, v.parent, v.brief.title) for v in store.history("city-budget-vote")] == [
        (1, None, "First"),
        (2, 1, "Second"),
    ]


def test_latest_gives_the_newest_version_of_each_brief(store: BriefStore) -> None:
    """The latest listing gives exactly one version per brief: its newest."""
    store.push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    store.push(_brief("budget", title="Budget passes"), editor="Bo", channel="cli", now=TUESDAY)
    store.push(_brief("bridge"), editor="Cy", channel="cli", now=WEDNESDAY)
    latest = {v.brief.id: (v.number, v.brief.title, v.editor) for v in store.latest()}
    assert latest == {
        "budget": (2, "Budget passes", "Bo"),
        "bridge": (1, "City council votes on the budget", "Cy"),
    }


def test_unanswered_questions_are_logged_and_read_back(store: BriefStore) -> None:
    """Unanswered questions are kept in order with their asker, time and suggestions."""
    assert store.questions() == []
    first = LoggedQuestion("who won the mayoral race?", "reporter-1", MONDAY, ("riverton-election",))
    second = LoggedQuestion("bridge détour map — où?", "reporter-2", TUESDAY)
    store.log_question(first)
    store.log_question(second)
    assert store.questions() == [first, second]


# shared by processes: disk and PostgreSQL


def test_reopened_store_sees_every_version(opener: Callable[[], BriefStore]) -> None:
    """A store reopened on the same folder or database sees every version of every brief, exactly as pushed."""
    first = opener()
    first.push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    first.push(_brief("budget", title="Budget passes"), editor="Bo", channel="slack", now=TUESDAY)
    first.push(_brief("bridge"), editor="Cy", channel="discord", now=WEDNESDAY)
    reopened = opener()
    assert reopened.ids() == ["bridge", "budget"]
    for brief_id in ("bridge", "budget"):
        assert reopened.history(brief_id) == first.history(brief_id)
    assert len(reopened.history("budget")) == 2


def test_second_process_sees_what_the_first_pushed_once(opener: Callable[[], BriefStore]) -> None:
    """A second store on the same folder or database is told which briefs the first pushed, then nothing more."""
    writer = opener()
    reader = opener()
    assert reader.poll_changes() == set()
    writer.push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    writer.push(_brief("bridge"), editor="Ana", channel="cli", now=MONDAY)
    assert changes_seen(reader, {"budget", "bridge"}) == {"budget", "bridge"}
    assert reader.poll_changes() == set()
    writer.push(_brief("budget", title="Budget passes"), editor="Bo", channel="cli", now=TUESDAY)
    assert changes_seen(reader, {"budget"}) == {"budget"}
    assert reader.get("budget").number == 2


def test_store_is_not_told_about_its_own_pushes(opener: Callable[[], BriefStore]) -> None:
    """A store polling for changes is not told about the pushes it made itself."""
    store, other = opener(), opener()
    store.push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    other.push(_brief("bridge"), editor="Bo", channel="cli", now=MONDAY)
    assert changes_seen(store, {"bridge"}) == {"bridge"}  # its own push, heard before or with this one, is left out


def test_store_opened_as_a_newsroom_starts_takes_in_the_latest_of_many_briefs(
    opener: Callable[[], BriefStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking in every listed brief, as a newsroom's start does, gives each brief's latest version, over many pages
    read ahead and briefs of one to five versions."""
    monkeypatch.setattr("bot.postgres.pages.READ_AHEAD", 4)
    writer = opener()
    for take in range(5):  # brief-NN has 1 + NN % 5 versions, the last titled after its number
        briefs = [_brief(f"brief-{n:02d}", title=f"Take {take + 1}") for n in range(23) if n % 5 >= take]
        writer.push_many(briefs, editor="Ana", channel="cli", now=MONDAY)
    reader = opener()
    held = {brief_id: reader.take_in(brief_id) for brief_id in reader.ids()}
    assert {brief_id: version.number for brief_id, version in held.items()} == {
        f"brief-{n:02d}": 1 + n % 5 for n in range(23)
    }
    assert all(version.brief.title == f"Take {version.number}" for version in held.values())
    assert {brief_id: reader.take_in(brief_id) for brief_id in reversed(list(held))} == held  # out of order too
    assert reader.poll_changes() == set()


def test_brief_pushed_while_a_store_takes_every_brief_in_is_held_at_its_new_version(
    opener: Callable[[], BriefStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brief another process pushes while a store is taking every brief in, after its version was read ahead, is
    reported as changed, so the store ends up holding the new version."""
    monkeypatch.setattr("bot.postgres.pages.READ_AHEAD", 10)
    writer = opener()
    writer.push_many([_brief(f"brief-{n}") for n in range(6)], editor="Ana", channel="cli", now=MONDAY)
    reader = opener()
    listed = reader.ids()
    held = {listed[0]: reader.take_in(listed[0]).number}  # on PostgreSQL, reads all six ahead
    writer.push(_brief("brief-4", title="Budget passes"), editor="Bo", channel="cli", now=TUESDAY)
    held |= {brief_id: reader.take_in(brief_id).number for brief_id in listed[1:]}
    deadline = time.monotonic() + 10.0
    while held["brief-4"] != 2 and time.monotonic() < deadline:  # as a newsroom syncs: read again what changed
        held |= {brief_id: reader.take_in(brief_id).number for brief_id in reader.poll_changes()}
        time.sleep(0.01)
    assert held == {f"brief-{n}": 2 if n == 4 else 1 for n in range(6)}


# disk only


def test_torn_last_question_line_is_skipped_and_logging_goes_on(tmp_path: Path) -> None:
    """A question line torn by a crash is skipped, and questions logged afterwards are kept."""
    store = TinyStore(tmp_path / "store")
    first = LoggedQuestion("who won the mayoral race?", "reporter-1", MONDAY)
    store.log_question(first)
    with (tmp_path / "store" / "questions.jsonl").open("ab") as log:
        log.write(b'{"text": "when does the bridge re')
    assert store.questions() == [first]
    second = LoggedQuestion("when does the bridge reopen?", "reporter-2", TUESDAY, ("bridge",))
    store.log_question(second)
    assert store.questions() == [first, second]
    assert TinyStore(tmp_path / "store").questions() == [first, second]


def test_torn_last_change_line_is_skipped_and_journal_goes_on(tmp_path: Path) -> None:
    """A change-journal line torn by a crash is skipped, and later pushes are still reported to other processes."""
    writer = TinyStore(tmp_path / "store")
    reader = TinyStore(tmp_path / "store")
    writer.push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    with (tmp_path / "store" / "changes.jsonl").open("ab") as journal:
        journal.write(b'{"id": "ghost-bri')
    assert reader.poll_changes() == {"budget"}
    writer.push(_brief("bridge"), editor="Ana", channel="cli", now=TUESDAY)
    assert reader.poll_changes() == {"bridge"}
    late_reader = TinyStore(tmp_path / "store")
    writer.push(_brief("budget", title="Budget passes"), editor="Bo", channel="cli", now=WEDNESDAY)
    assert late_reader.poll_changes() == {"budget"}
    assert reader.poll_changes() == {"budget"}


def test_leftover_temporary_files_are_ignored(tmp_path: Path) -> None:
    """Temporary files a crash left in the shard folder are not taken for briefs and do not break reading."""
    store = TinyStore(tmp_path / "store")
    shards = tmp_path / "store" / "briefs"
    (shards / ".x.json.123.tmp").write_text('{"_default": {"1": {"num', encoding="utf-8")
    assert store.is_empty()
    assert store.ids() == []
    store.push(_brief("budget"), editor="Ana", channel="cli", now=MONDAY)
    (shards / ".budget.json.456.tmp").write_text("{", encoding="utf-8")
    reopened = TinyStore(tmp_path / "store")
    assert reopened.ids() == ["budget"]
    assert [v.brief.id for v in reopened.latest()] == ["budget"]
    assert reopened.history("budget") == store.history("budget")
    reopened.push(_brief("budget", title="Budget passes"), editor="Bo", channel="cli", now=TUESDAY)
    assert [v.number for v in TinyStore(tmp_path / "store").history("budget")] == [1, 2]


# two processes at once

CONCURRENT_WRITER = """
import sys, time
from datetime import UTC, datetime
from pathlib import Path
from bot.briefs import Brief
from bot.store import TinyStore

root, sync, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
store = TinyStore(root)
(sync / f"ready-{name}").touch()
while not (sync / "go").exists():
    time.sleep(0.001)
for i in range(1, 31):
    brief_id = "shared-brief" if i % 3 else f"own-brief-{name}"
    title = f"{name} push {i}"
    brief = Brief(id=brief_id, title=title, summary="Pushed concurrently.", updated=datetime(2026, 11, 24, tzinfo=UTC))
    pushed = store.push(brief, editor=name, channel="test", now=datetime.now(UTC))
    print("ACK", brief_id, pushed.version.number, title, flush=True)
"""


def _wait_for(paths: list[Path], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not all(path.exists() for path in paths):
        assert time.monotonic() < deadline, f"writers never became ready: {paths}"
        time.sleep(0.01)


def test_two_processes_pushing_at_once_lose_no_version(tmp_path: Path) -> None:
    """Two processes pushing into one store at the same time lose no version and never reuse a version number."""
    root, sync = tmp_path / "store", tmp_path / "sync"
    sync.mkdir()
    names = ["desk-a", "desk-b"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_WRITER, str(root), str(sync), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    outputs = []
    try:
        _wait_for([sync / f"ready-{name}" for name in names], seconds=15)
        (sync / "go").touch()
        for proc in procs:
            out, err = proc.communicate(timeout=30)
            assert proc.returncode == 0, err
            outputs.append(out)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()

    acks: dict[str, list[tuple[int, str, str]]] = {}
    for name, out in zip(names, outputs, strict=True):
        lines = out.splitlines()
        assert len(lines) == 30, out
        for line in lines:
            _, brief_id, number, title = line.split(" ", 3)
            acks.setdefault(brief_id, []).append((int(number), title, name))
    assert sorted(acks) == ["own-brief-desk-a", "own-brief-desk-b", "shared-brief"]
    assert len(acks["shared-brief"]) == 40

    store = TinyStore(root)
    for brief_id, acked in acks.items():
        history = store.history(brief_id)
        assert [v.number for v in history] == list(range(1, len(history) + 1)), brief_id
        assert [v.parent for v in history] == [None, *range(1, len(history))], brief_id
        assert sorted(number for number, _, _ in acked) == [v.number for v in history], brief_id
        for number, title, name in acked:
            version = store.get(brief_id, number)
            assert (version.brief.title, version.editor) == (title, name)


# crash safety


def _run_and_kill(root: Path, brief_id: str, kill_after: int, rng: random.Random) -> list[int]:
    """Run the crash writer, SIGKILL it after ``kill_after`` acks, and return every version it acknowledged."""
    acked: list[int] = []
    with subprocess.Popen(
        [sys.executable, str(CRASH_WRITER), str(root), brief_id],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        watchdog = threading.Timer(20, proc.kill)
        watchdog.start()
        try:
            while len(acked) < kill_after:
                line = proc.stdout.readline()
                assert line.startswith("ACK "), f"writer stopped early: {line!r} {proc.stderr.read()}"
                acked.append(int(line.split()[1]))
            time.sleep(rng.uniform(0, 0.01))  # lands anywhere in the next push (3-10 ms)
            os.kill(proc.pid, signal.SIGKILL)
            rest, _ = proc.communicate(timeout=10)
        finally:
            watchdog.cancel()
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGKILL
    # Only whole lines count: an ack is acknowledged once its newline is out.
    acked += [int(line.split()[1]) for line in rest.split("\n")[:-1] if line.startswith("ACK ")]
    return acked


def test_writer_killed_mid_push_loses_no_acknowledged_version(tmp_path: Path) -> None:
    """A writer killed at a random moment leaves a store that opens cleanly with every acknowledged version intact."""
    root, brief_id = tmp_path / "store", "crash-brief"
    rng = random.Random()
    acked: list[int] = []
    kills = [rng.randint(20, 60) for _ in range(3)]
    for kill_after in kills:
        run = _run_and_kill(root, brief_id, kill_after, rng)
        acked += run
        reopened = TinyStore(root)
        assert reopened.ids() == [brief_id]
        history = reopened.history(brief_id)
        numbers = [v.number for v in history]
        assert numbers == list(range(1, len(numbers) + 1)), f"kills after {kills}"
        missing = sorted(set(acked) - set(numbers))
        assert missing == [], f"acknowledged versions lost: {missing} (kills after {kills})"
        for version in history:
            assert version.brief == crash_brief(brief_id, version.number), f"v{version.number} (kills after {kills})"
            assert version.editor == "crash writer"
