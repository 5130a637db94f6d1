"""Fast start: a newsroom resumes from its store's snapshot and reads only the briefs changed since."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EDITOR, REPORTER, SAMPLE_BRIEFS, Clock, write_brief

import bot.search
import bot.store
from bot.answers import answer_to_json
from bot.briefs import parse_brief
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


def _shards_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the id of every shard the store reads from now on."""
    read: list[str] = []
    real = bot.store.read_shard

    def recording(folder: Path, brief_id: str) -> object:
        read.append(brief_id)
        return real(folder, brief_id)

    monkeypatch.setattr(bot.store, "read_shard", recording)
    return read


def _answers(room: Newsroom) -> list[dict[str, object]]:
    return [answer_to_json(room.ask(question, REPORTER)) for question in QUESTIONS]


def test_a_resumed_newsroom_answers_exactly_like_a_fresh_read(root: Path, clock: Clock) -> None:
    """Starting from the snapshot gives the same answers and briefs as reading every shard."""
    resumed = Newsroom(TinyStore(root), clock=clock)
    (root / SNAPSHOT_FILE).unlink()
    fresh = Newsroom(TinyStore(root), clock=clock)
    assert _answers(resumed) == _answers(fresh)
    assert resumed.briefs(EDITOR) == fresh.briefs(EDITOR)


def test_the_snapshot_spares_reading_unchanged_shards(
    root: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A start from the snapshot reads no shard that is unchanged since, and still answers from every brief."""
    read = _shards_read(monkeypatch)
    answer = Newsroom(TinyStore(root), clock=clock).ask("Riverton city budget vote", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "riverton-city-budget-vote"
    assert read == []


def test_briefs_written_after_the_snapshot_are_read_at_start(
    root: Path, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brief another process pushed after the snapshot is answered by the next start, which reads only it."""
    path = write_brief(tmp_path / "in", "harbour-strike", title="Harbour workers strike over pay")
    brief = parse_brief(path.read_text(encoding="utf-8"), str(path)).brief
    TinyStore(root).push(brief, editor="ed", channel="cli", now=clock.now)
    read = _shards_read(monkeypatch)
    answer = Newsroom(TinyStore(root), clock=clock).ask("harbour workers strike", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "harbour-strike"
    assert read == ["harbour-strike"]


def test_a_damaged_snapshot_means_a_full_read_not_a_failure(root: Path, clock: Clock) -> None:
    """An unreadable snapshot is ignored, every shard is read, and a good snapshot is written again."""
    (root / SNAPSHOT_FILE).write_bytes(b"\x00not a snapshot")
    room = Newsroom(TinyStore(root), clock=clock)
    assert _answers(room)[0]["brief"]["id"] == "kremlin-open-to-putin-trump-meeting"  # type: ignore[index]
    assert TinyStore(root).load_snapshot() is not None


def test_a_snapshot_of_other_index_settings_is_rebuilt(
    root: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the search settings change, the old snapshot's index is not used: every shard is read again."""
    monkeypatch.setattr(bot.search, "BM25_K1", bot.search.BM25_K1 + 0.5)
    read = _shards_read(monkeypatch)
    Newsroom(TinyStore(root), clock=clock)
    assert sorted(read) == sorted(path.stem for path in (root / SHARD_DIR).glob("*.json"))


def test_a_resumed_newsroom_makes_versions_only_when_they_are_needed(root: Path, clock: Clock) -> None:
    """Starting from a snapshot makes no version until one is asked for, and a full listing makes them all."""
    room = Newsroom(TinyStore(root), clock=clock)
    latest = room._latest
    assert isinstance(latest, LatestVersions)
    assert latest._versions == {}
    room.ask("Riverton bridge", REPORTER)
    assert 0 < len(latest._versions) <= SEARCH_DEPTH
    assert len(room.briefs(EDITOR)) == len(latest) == len(latest._versions)


def test_versions_not_made_yet_are_saved_as_they_were_read(root: Path, clock: Clock) -> None:
    """A snapshot written by a resumed newsroom holds every version, made or not, and reads back the same."""
    room = Newsroom(TinyStore(root), clock=clock)
    room.ask("Riverton bridge", REPORTER)
    room.save_snapshot()
    again = TinyStore(root).load_snapshot()
    assert again is not None
    assert sorted(again.latest.items(), key=lambda item: item[0]) == sorted(
        room._latest.items(), key=lambda item: item[0]
    )
