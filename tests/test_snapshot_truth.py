"""The shards are the truth: a snapshot is trusted only for shards unchanged since, and only when its checksum holds."""

from __future__ import annotations

import logging
import os
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EDITOR, REPORTER, SAMPLE_BRIEFS, Clock

from bot.answers import answer_to_json
from bot.errors import UnknownBrief
from bot.newsroom import Newsroom
from bot.store import SHARD_DIR, SNAPSHOT_FILE, TinyStore

KREMLIN = "kremlin-open-to-putin-trump-meeting"
KREMLIN_QUESTION = "latest Kremlin stance on a Trump meeting"
QUESTIONS = [KREMLIN_QUESTION, "fed rates", "Riverton bridge", "mars rover landing", "EU sanctions on Russia"]


@pytest.fixture
def root(tmp_path: Path, clock: Clock) -> Path:
    """A store on disk with the sample briefs, the Kremlin brief pushed to v3, and a snapshot of all that."""
    root = tmp_path / "store"
    room = Newsroom(TinyStore(root), clock=clock, samples=SAMPLE_BRIEFS)
    kremlin = room.show(KREMLIN, EDITOR).brief
    for n in (2, 3):
        room.push(replace(kremlin, summary=f"The Kremlin's stance as of version {n}."), editor="Anna", channel="cli")
    room.save_snapshot()
    return root


def _shard(root: Path, brief_id: str = KREMLIN) -> Path:
    return root / SHARD_DIR / f"{brief_id}.json"


def _version_and_summary(room: Newsroom) -> tuple[int, str]:
    """The version and bottom line a reporter gets for the Kremlin question."""
    answer = room.ask(KREMLIN_QUESTION, REPORTER)
    assert answer.brief is not None, answer
    assert answer.freshness is not None
    assert answer.brief.id == KREMLIN
    return answer.freshness.version, answer.brief.summary


def _answers(room: Newsroom) -> list[dict[str, object]]:
    return [answer_to_json(room.ask(question, REPORTER)) for question in QUESTIONS]


def test_a_removed_shard_takes_its_brief_out_of_answers_and_the_list_at_restart(root: Path, clock: Clock) -> None:
    """After a brief's shard is removed, the next start neither answers it nor lists it, whatever the snapshot held."""
    _shard(root).unlink()
    room = Newsroom(TinyStore(root), clock=clock)
    answer = room.ask(KREMLIN_QUESTION, EDITOR)
    assert KREMLIN not in {answer.brief.id if answer.brief else None, *(c.brief_id for c in answer.alternatives)}
    assert KREMLIN not in {v.brief.id for v in room.briefs(EDITOR)}
    with pytest.raises(UnknownBrief):
        room.show(KREMLIN, EDITOR)


def test_a_brief_created_again_after_its_shard_was_removed_is_answered(root: Path, clock: Clock) -> None:
    """A brief pushed again as new after its shard was removed is answered and listed at v1, now and after a restart."""
    _shard(root).unlink()
    room = Newsroom(TinyStore(root), clock=clock)
    brief = Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS).show(KREMLIN, EDITOR).brief
    again = replace(brief, summary="The Kremlin now rules out any meeting with Trump this year.")
    pushed = room.push(again, editor="Anna", channel="cli", expected_version=0)
    assert pushed.version.number == 1
    for current in (room, Newsroom(TinyStore(root), clock=clock)):
        assert _version_and_summary(current) == (1, again.summary)
        assert {v.brief.id: v.number for v in current.briefs(EDITOR)}[KREMLIN] == 1


def test_a_running_newsroom_takes_in_a_brief_another_process_created_again(root: Path, clock: Clock) -> None:
    """A running newsroom holding v3 of a brief whose shard was removed answers the v1 another process created."""
    running = Newsroom(TinyStore(root), clock=clock)
    assert _version_and_summary(running)[0] == 3
    _shard(root).unlink()
    other = Newsroom(TinyStore(root), clock=clock)
    brief = Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS).show(KREMLIN, EDITOR).brief
    other.push(replace(brief, summary="Created again."), editor="Ben", channel="api", expected_version=0)
    assert _version_and_summary(running) == (1, "Created again.")


def test_a_shard_restored_from_an_older_copy_is_what_is_answered(root: Path, clock: Clock, tmp_path: Path) -> None:
    """A shard put back from a copy older than the snapshot is answered as the copy holds it, not as the snapshot."""
    room = Newsroom(TinyStore(root), clock=clock)
    shutil.copy(_shard(root), tmp_path / "backup.json")  # v3
    brief = room.show(KREMLIN, EDITOR).brief
    room.push(replace(brief, summary="Version four, lost in the restore."), editor="Anna", channel="cli")
    room.save_snapshot()
    shutil.copy(tmp_path / "backup.json", _shard(root))
    restarted = Newsroom(TinyStore(root), clock=clock)
    assert _version_and_summary(restarted) == (3, "The Kremlin's stance as of version 3.")


def test_an_edited_snapshot_is_ignored_with_a_warning_and_the_true_text_answered(
    root: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A snapshot edited by hand fails its checksum: it is ignored, logged, and the shard's text is answered."""
    true_text = "The Kremlin's stance as of version 3."
    for shard in (root / SHARD_DIR).iterdir():
        os.utime(shard, ns=(0, 0))  # shards far older than the snapshot: nothing but its checksum stands guard
    Newsroom(TinyStore(root), clock=clock).save_snapshot()
    data = (root / SNAPSHOT_FILE).read_bytes()
    assert data.count(true_text.encode()) == 1
    (root / SNAPSHOT_FILE).write_bytes(data.replace(true_text.encode(), b"EVIL ALTERED TEXT, NOT A BRIEF!!!!!!."))
    with caplog.at_level(logging.WARNING, logger="briefbot.store"):
        room = Newsroom(TinyStore(root), clock=clock)
    answer = room.ask(KREMLIN_QUESTION, REPORTER)
    assert answer.brief is not None
    assert answer.brief.summary == true_text
    assert [r.getMessage() for r in caplog.records] == [
        f"{SNAPSHOT_FILE} is ignored: its checksum does not match: it was changed or damaged after it was written; "
        "every brief is read from its shard instead, and a new snapshot written"
    ]
    assert TinyStore(root).load_snapshot() is not None  # written again, whole


def test_random_bit_flips_in_the_snapshot_never_change_an_answer_or_raise(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 seeded single-bit flips anywhere in the snapshot never change an answer or the list, and never raise."""
    root = tmp_path / "small-store"
    samples = sorted(SAMPLE_BRIEFS.glob("*.md"))
    chosen = [p for p in samples if p.stem.startswith(("kremlin", "fed", "riverton", "eu-"))]
    Newsroom(TinyStore(root), clock=clock).import_paths(chosen, editor="Anna")
    pristine = (root / SNAPSHOT_FILE).read_bytes()
    room = Newsroom(TinyStore(root), clock=clock)
    expected = (_answers(room), room.briefs(EDITOR))
    monkeypatch.setattr(TinyStore, "save_snapshot", lambda *args: None)  # each start must meet the flipped file
    rng = random.Random(13)
    for _ in range(300):
        flipped = bytearray(pristine)
        bit = rng.randrange(len(flipped) * 8)
        flipped[bit // 8] ^= 1 << (bit % 8)
        (root / SNAPSHOT_FILE).write_bytes(bytes(flipped))
        room = Newsroom(TinyStore(root), clock=clock)
        assert (_answers(room), room.briefs(EDITOR)) == expected, f"bit {bit}"
