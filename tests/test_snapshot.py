"""Fast start: a newsroom resumes from its store's snapshot and reads only the briefs changed since."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import EDITOR, REPORTER, SAMPLE_BRIEFS, Clock, write_brief

import bot.search
from bot.answers import answer_to_json
from bot.briefs import parse_brief
from bot.errors import StoreDamaged
from bot.newsroom import SEARCH_DEPTH, Newsroom
from bot.store import SHARD_DIR, SNAPSHOT_FILE, LatestVersions, TinyStore

QUESTIONS = ["latest Kremlin stance on a Trump meeting", "fed rates", "Riverton bridge", "mars rover landing"]


@pytest.fixture
def root(tmp_path: Path, clock: Clock) -> Path:
    """A store on disk seeded with the sample briefs, which leaves a snapshot behind."""
    root = tmp_path / "store"
    Newsroom(TinyStore(root), clock=clock, samples=SAMPLE_BRIEFS)
    assert (root / SNAPSHOT_FILE).is_file()
    return root


def _age_shards(root: Path) -> None:
    """Make every shard look written long before the snapshot."""
    for shard in (root / SHARD_DIR).glob("*.json"):
        os.utime(shard, ns=(0, 0))


def _answers(room: Newsroom) -> list[dict[str, object]]:
    return [answer_to_json(room.ask(question, REPORTER)) for question in QUESTIONS]


def test_a_resumed_newsroom_answers_exactly_like_a_fresh_read(root: Path, clock: Clock) -> None:
    """Starting from the snapshot gives the same answers and briefs as reading every shard."""
    resumed = Newsroom(TinyStore(root), clock=clock)
    (root / SNAPSHOT_FILE).unlink()
    fresh = Newsroom(TinyStore(root), clock=clock)
    assert _answers(resumed) == _answers(fresh)
    assert resumed.briefs(EDITOR) == fresh.briefs(EDITOR)


def test_the_snapshot_spares_reading_unchanged_shards(root: Path, clock: Clock) -> None:
    """An unchanged shard is not read at start-up: a damaged old shard does not stop the bot answering."""
    _age_shards(root)
    (root / SHARD_DIR / "riverton-city-budget-vote.json").write_text("damaged", encoding="utf-8")
    os.utime(root / SHARD_DIR / "riverton-city-budget-vote.json", ns=(0, 0))
    answer = Newsroom(TinyStore(root), clock=clock).ask("Riverton city budget vote", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "riverton-city-budget-vote"


def test_briefs_written_after_the_snapshot_are_read_at_start(root: Path, clock: Clock, tmp_path: Path) -> None:
    """A brief another process pushed after the snapshot is answered by the next start."""
    _age_shards(root)
    path = write_brief(tmp_path / "in", "harbour-strike", title="Harbour workers strike over pay")
    brief = parse_brief(path.read_text(encoding="utf-8"), str(path)).brief
    TinyStore(root).push(brief, editor="ed", channel="cli", now=clock.now)
    answer = Newsroom(TinyStore(root), clock=clock).ask("harbour workers strike", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "harbour-strike"


def test_a_damaged_snapshot_means_a_full_read_not_a_failure(root: Path, clock: Clock) -> None:
    """An unreadable snapshot is ignored, every shard is read, and a good snapshot is written again."""
    (root / SNAPSHOT_FILE).write_bytes(b"\x00not a snapshot")
    room = Newsroom(TinyStore(root), clock=clock)
    assert _answers(room)[0]["brief"]["id"] == "kremlin-open-to-putin-trump-meeting"  # type: ignore[index]
    assert TinyStore(root).load_snapshot() is not None


def test_a_snapshot_of_other_index_settings_is_rebuilt(
    root: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the search settings change, the old snapshot's index is not used."""
    _age_shards(root)
    (root / SHARD_DIR / "riverton-city-budget-vote.json").write_text("damaged", encoding="utf-8")
    os.utime(root / SHARD_DIR / "riverton-city-budget-vote.json", ns=(0, 0))
    monkeypatch.setattr(bot.search, "BM25_K1", bot.search.BM25_K1 + 0.5)
    with pytest.raises(StoreDamaged, match=r"riverton-city-budget-vote\.json: cannot be read \(not JSON"):
        Newsroom(TinyStore(root), clock=clock)  # a full read reaches the damaged shard


def test_a_resumed_newsroom_makes_versions_only_when_they_are_needed(root: Path, clock: Clock) -> None:
    """Starting from a snapshot makes no version until one is asked for, and a full listing makes them all."""
    _age_shards(root)
    room = Newsroom(TinyStore(root), clock=clock)
    latest = room._latest
    assert isinstance(latest, LatestVersions)
    assert latest._versions == {}
    room.ask("Riverton bridge", REPORTER)
    assert 0 < len(latest._versions) <= SEARCH_DEPTH
    assert len(room.briefs(EDITOR)) == len(latest) == len(latest._versions)


def test_versions_not_made_yet_are_saved_as_they_were_read(root: Path, clock: Clock) -> None:
    """A snapshot written by a resumed newsroom holds every version, made or not, and reads back the same."""
    _age_shards(root)
    room = Newsroom(TinyStore(root), clock=clock)
    room.ask("Riverton bridge", REPORTER)
    room._save_snapshot(0)
    again = TinyStore(root).load_snapshot()
    assert again is not None
    assert sorted(again.latest.items(), key=lambda item: item[0]) == sorted(
        room._latest.items(), key=lambda item: item[0]
    )
