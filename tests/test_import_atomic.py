"""An import is all or nothing on disk too: a kill, a full disk or a crash partway leaves every brief or none."""

from __future__ import annotations

import errno
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EDITOR, Clock, write_brief
from test_cli import BRIEFBOT

from bot.errors import StoreUnwritable
from bot.newsroom import Newsroom
from bot.staging import STAGING_DIR
from bot.store import JOURNAL_FILE, SHARD_DIR, TinyStore

DYING_IMPORT = """
import os, signal, sys
from pathlib import Path
from bot.newsroom import Newsroom
from bot.store import TinyStore

root, folder, where, after = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
calls = 0

def dying(real):
    def call(*args):
        global calls
        calls += 1
        if calls > after:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args)
    return call

if where == "staging":  # killed while the shards are written and synced, before the import is committed
    os.fsync = dying(os.fsync)
else:  # killed while the shards are moved into place, after the commit (renames: the snapshot, the marker, shards)
    os.replace = dying(os.replace)
Newsroom(TinyStore(root)).import_paths([folder], editor="Dying Import")
"""


def _briefs(folder: Path, count: int, prefix: str = "wire") -> list[str]:
    ids = [f"{prefix}-story-{n:03d}" for n in range(count)]
    for brief_id in ids:
        write_brief(folder, brief_id, title=f"Wire story number {brief_id[-3:]} on the harbour strike")
    return ids


def _stored(store: Path, ids: list[str]) -> int:
    """How many of ``ids`` a newsroom opened afresh on ``store`` holds."""
    room = Newsroom(TinyStore(store))
    held = {version.brief.id for version in room.briefs(EDITOR)}
    return len(held & set(ids))


def _assert_the_next_write_clears_staging(store: Path, tmp_path: Path) -> None:
    """Whatever an interrupted import left staged is gone once the store is next written to."""
    write_brief(tmp_path / "next", "next-brief")
    Newsroom(TinyStore(store)).import_paths([tmp_path / "next"], editor="Next Editor")
    assert _staged(store) == []


def _writing(store: Path) -> bool:
    """Whether an import into ``store`` has begun writing."""
    return bool(_staged(store)) or any((store / SHARD_DIR).glob("*.json"))


def _staged(store: Path) -> list[str]:
    return os.listdir(store / STAGING_DIR) if (store / STAGING_DIR).exists() else []


def test_an_import_killed_at_random_moments_leaves_all_or_none(tmp_path: Path) -> None:
    """``briefbot import`` of 400 files killed with SIGKILL at random moments leaves all 400 or none after a restart."""
    ids = _briefs(tmp_path / "wire", 400)
    rng = random.Random()
    for attempt in range(3):
        store = tmp_path / f"store-{attempt}"
        with subprocess.Popen([BRIEFBOT, "--store", str(store), "import", str(tmp_path / "wire")]) as process:
            deadline = time.monotonic() + 30
            while not _writing(store) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.25))  # lands anywhere in staging, committing or applying
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        stored = _stored(store, ids)
        assert stored in (0, 400), f"attempt {attempt}: {stored} of 400 stored"
        _assert_the_next_write_clears_staging(store, tmp_path)


@pytest.mark.parametrize(("where", "expected"), [("staging", 0), ("applying", 40)])
def test_a_crash_before_the_commit_stores_none_and_after_it_all(tmp_path: Path, where: str, expected: int) -> None:
    """A process killed while staging leaves none of its import; one killed while applying it leaves all of it."""
    ids = _briefs(tmp_path / "wire", 40)
    store = tmp_path / "store"
    dying = subprocess.run(
        [sys.executable, "-c", DYING_IMPORT, str(store), str(tmp_path / "wire"), where, "20"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    assert 0 < len(list((store / SHARD_DIR).iterdir())) < 40 or where == "staging"  # killed halfway, truly
    assert _stored(store, ids) == expected
    _assert_the_next_write_clears_staging(store, tmp_path)


def test_a_running_newsroom_takes_in_an_import_another_process_died_applying(tmp_path: Path, clock: Clock) -> None:
    """A running newsroom's refresh finishes an import whose process died after committing it, and answers it all."""
    ids = _briefs(tmp_path / "wire", 40)
    store = tmp_path / "store"
    write_brief(tmp_path / "first", "harbour-strike")
    running = Newsroom(TinyStore(store), clock=clock)
    running.import_paths([tmp_path / "first"], editor="Anna")
    dying = subprocess.run(
        [sys.executable, "-c", DYING_IMPORT, str(store), str(tmp_path / "wire"), "applying", "20"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    running.refresh()
    assert {version.brief.id for version in running.briefs(EDITOR)} == {"harbour-strike", *ids}


def _small_files() -> None:
    """In the importing process: no file may grow past 2 KiB, as on a disk that fills up partway."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


def test_an_import_that_fills_the_disk_partway_stores_nothing_and_says_so(tmp_path: Path) -> None:
    """An import whose fourth of six files cannot be written stores none of the six, and says nothing was stored."""
    folder = tmp_path / "wire"
    ids = _briefs(folder, 6)
    write_brief(folder, ids[3], body="## Key points\n" + "- A long key point about the strike.\n" * 100)
    store = tmp_path / "store"
    result = subprocess.run(
        [BRIEFBOT, "--store", str(store), "import", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_small_files,
    )
    assert result.returncode == 1
    assert "cannot be written (File too large); nothing was stored" in result.stderr
    assert "Traceback" not in result.stderr
    assert _stored(store, ids) == 0
    assert _staged(store) == []
    assert not (store / JOURNAL_FILE).exists()


def test_no_space_left_partway_through_staging_stores_nothing(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write failing with ENOSPC at the lowest level, at any point before the commit, leaves the store unchanged."""
    ids = _briefs(tmp_path / "wire", 6)
    store = tmp_path / "store"
    room = Newsroom(TinyStore(store), clock=clock)
    real_write = os.write
    for failing in range(1, 8):  # the six staged shards, then the commit
        calls = 0

        def full_disk(fd: int, data: bytes | memoryview, failing: int = failing) -> int:
            nonlocal calls
            calls += 1
            if calls >= failing:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", full_disk)
        with pytest.raises(StoreUnwritable, match=r"No space left on device\); nothing was stored"):
            room.import_paths([tmp_path / "wire"], editor="Anna")
        monkeypatch.setattr(os, "write", real_write)
        assert _stored(store, ids) == 0, f"write {failing} failed"
        assert _staged(store) == []
    assert len(room.import_paths([tmp_path / "wire"], editor="Anna").pushed) == 6  # with room again, it all goes in
    assert _stored(store, ids) == 6
