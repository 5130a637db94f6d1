"""``briefbot check [--repair]``: every problem named with its file and what to do; a repair deletes no data."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EDITOR, SAMPLE_BRIEFS, Clock
from test_cli import BRIEFBOT, run

from bot.newsroom import Newsroom
from bot.repairing import QUARANTINE_DIR
from bot.staging import COMMIT_FILE, STAGING_DIR
from bot.store import FOLLOWS_FILE, JOURNAL_FILE, QUESTIONS_FILE, SHARD_DIR, SNAPSHOT_FILE, TinyStore

KREMLIN = "kremlin-open-to-putin-trump-meeting"
SHARD = f"{SHARD_DIR}/{KREMLIN}.json"


def _cut(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)


def _old_copy(root: Path) -> None:
    """Put back the Kremlin shard as it was at v1 (the fixture pushed v2 after keeping a copy)."""
    shutil.copy(root.parent / "kremlin-v1.json", root / SHARD)


DAMAGE: dict[str, tuple[Callable[[Path], object], str]] = {
    "truncated shard": (lambda root: _cut(root / SHARD), SHARD),
    "emptied shard": (lambda root: (root / SHARD).write_bytes(b""), SHARD),
    "wrong-shape shard": (lambda root: (root / SHARD).write_text('{"_default": {"1": []}}'), SHARD),
    "stray file": (lambda root: (root / SHARD_DIR / "a.bak.json").write_text("{}"), f"{SHARD_DIR}/a.bak.json"),
    "removed shard": (lambda root: (root / SHARD).unlink(), SHARD),
    "shard restored from an older copy": (_old_copy, SHARD),
    "edited snapshot": (lambda root: _flip(root / SNAPSHOT_FILE), SNAPSHOT_FILE),
    "truncated journal": (lambda root: _cut(root / JOURNAL_FILE, 0.7), JOURNAL_FILE),
    "damaged follows": (lambda root: _cut(root / FOLLOWS_FILE), FOLLOWS_FILE),
    "damaged question log": (
        lambda root: (root / QUESTIONS_FILE).write_bytes(b"\xff\xfe{not a question\n"),
        QUESTIONS_FILE,
    ),
    "committed import left unfinished": (lambda root: _unfinished(root, committed=True), STAGING_DIR),
    "uncommitted import left behind": (lambda root: _unfinished(root, committed=False), STAGING_DIR),
}


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def _unfinished(root: Path, *, committed: bool) -> None:
    folder = root / STAGING_DIR / "1-1"
    folder.mkdir(parents=True)
    shutil.copy(root / SHARD, folder / f"{KREMLIN}.json")  # the shard as it is: finishing it changes nothing
    if committed:
        (folder / COMMIT_FILE).write_text("")
    os.utime(folder, (0, 0))  # long ago: no import under way


@pytest.fixture
def root(tmp_path: Path, clock: Clock) -> Path:
    """A store of the sample briefs, the Kremlin brief at v2 (a copy of its v1 shard kept), a follow, a question."""
    root = tmp_path / "store"
    room = Newsroom(TinyStore(root), clock=clock, samples=SAMPLE_BRIEFS)
    shutil.copy(root / SHARD, tmp_path / "kremlin-v1.json")
    room.push(replace(room.show(KREMLIN, EDITOR).brief, summary="Version two."), editor="Anna", channel="cli")
    room.save_snapshot()
    room.follow(KREMLIN, "slack:C1", EDITOR)
    room.ask("who won the mayoral race in Springfield", EDITOR)
    return root


def _files(root: Path) -> dict[str, bytes]:
    """Every file in the store and its content (the lock and the snapshot, made from the rest, left out)."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and path.name not in (".lock", SNAPSHOT_FILE)
    }


def test_a_healthy_store_passes(root: Path) -> None:
    """A store with nothing wrong passes the check, exit status 0, saying how many briefs it holds."""
    result = run(root, "check")
    samples = len(list(SAMPLE_BRIEFS.glob("*.md")))
    expected = f"the store at {root} is healthy: {samples} briefs\n"
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")


@pytest.mark.parametrize("damage", DAMAGE)
def test_check_names_each_damage_and_repair_leaves_a_healthy_store_with_nothing_deleted(
    root: Path, damage: str
) -> None:
    """Each kind of damage is one line naming the file (exit 1); --repair puts it right (exit 0) and deletes no data."""
    apply, where = DAMAGE[damage]
    apply(root)
    before = _files(root)
    checked = run(root, "check")
    assert checked.returncode == 1, checked.stdout
    assert [line for line in checked.stdout.splitlines() if line.startswith(where)], checked.stdout
    assert "problem" in checked.stderr
    assert "Traceback" not in checked.stderr
    repaired = run(root, "check", "--repair")
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert f"the store at {root} is now healthy" in repaired.stdout
    assert "repair: " in repaired.stdout
    assert run(root, "check").returncode == 0
    after = _files(root)
    kept = {name.split("/", 2)[-1]: data for name, data in after.items() if name.startswith(QUARANTINE_DIR)}
    for name, data in before.items():
        if STAGING_DIR in name or name.endswith(".tmp"):
            continue  # an interrupted import is finished or rolled back; nothing of it was acknowledged
        assert name in after or name in kept, f"{name} was deleted"
        grown = name == JOURNAL_FILE and after[name].startswith(data)  # a repair appends to the journal
        assert data in (after.get(name), kept.get(name)) or grown, name


def test_a_repair_hands_back_what_the_snapshot_held_of_a_lost_brief(root: Path, clock: Clock) -> None:
    """A removed shard's last version, as the snapshot held it, is left in quarantine as a file that pushes it back."""
    (root / SHARD).unlink()
    repaired = run(root, "check", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    (kept,) = (root / QUARANTINE_DIR).glob(f"*/{KREMLIN}.v2-from-snapshot.md")
    assert f"briefbot push {kept}" in repaired.stdout
    assert run(root, "push", str(kept)).returncode == 0
    assert Newsroom(TinyStore(root), clock=clock).show(KREMLIN, EDITOR).brief.summary == "Version two."


def test_a_running_newsroom_learns_of_a_repair(root: Path, clock: Clock) -> None:
    """A running newsroom with a brief unavailable takes a repair in on refresh; the brief can then be pushed."""
    _cut(root / SHARD)
    running = Newsroom(TinyStore(root), clock=clock)
    assert list(running.unavailable()) == [KREMLIN]
    assert run(root, "check", "--repair").returncode == 0
    running.refresh()
    assert running.unavailable() == {}
    brief = Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS).show(KREMLIN, EDITOR).brief
    assert running.push(brief, editor="Anna", channel="cli", expected_version=0).version.number == 1


def test_a_young_temporary_file_may_be_a_write_under_way_and_is_left_alone(root: Path) -> None:
    """A temporary file written moments ago is not reported by a check, which holds no lock; an old one is."""
    (root / SHARD_DIR / f".{KREMLIN}.json.abc.tmp").write_text("{", encoding="utf-8")
    assert run(root, "check").returncode == 0
    os.utime(root / SHARD_DIR / f".{KREMLIN}.json.abc.tmp", (0, 0))
    result = run(root, "check")
    assert result.returncode == 1
    assert result.stdout.startswith(f"{SHARD_DIR}/.{KREMLIN}.json.abc.tmp: a temporary file left by a write")


def _small_files() -> None:
    """As on a nearly full disk: no file may grow past 64 KiB."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_store_that_cannot_be_written_is_found_and_repair_says_it_is_still_wrong(root: Path) -> None:
    """On a full disk the check finds the store cannot be written, and --repair, unable to fix it, exits 1."""
    for args in (["check"], ["check", "--repair"]):
        result = subprocess.run(
            [BRIEFBOT, "--store", str(root), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            preexec_fn=_small_files,
        )
        assert result.returncode == 1, result.stdout
        assert ".: the store cannot be written (File too large)" in result.stdout
        assert "Traceback" not in result.stderr
