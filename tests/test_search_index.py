"""The search index itself: replacing and removing briefs, best-first reading and its exported state."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime

import pytest

import bot.search
import bot.words
from bot.briefs import Brief
from bot.search import Hit, SearchIndex

UPDATED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
WORDS = [f"w{n}x" for n in range(60)]
"""A small vocabulary, so that every word has long postings."""


def _brief(number: int, rng: random.Random) -> Brief:
    def text(count: int) -> str:
        return " ".join(rng.choices(WORDS, weights=range(len(WORDS), 0, -1), k=count))

    return Brief(
        id=f"brief-{number}",
        title=text(rng.randint(3, 8)),
        summary=text(rng.randint(10, 30)),
        updated=UPDATED,
        body=text(rng.randint(0, 80)),
    )


def _corpus(count: int = 400, seed: int = 7) -> tuple[SearchIndex, dict[str, Brief]]:
    rng = random.Random(seed)
    index = SearchIndex()
    briefs = {}
    for number in range(count):
        brief = _brief(number, rng)
        index.put(brief)
        briefs[brief.id] = brief
    index.tidy()
    return index, briefs


def _questions(seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.sample(WORDS, k=rng.randint(1, 4))) for _ in range(60)]


def _exhaustive(index: SearchIndex, question: str, monkeypatch: pytest.MonkeyPatch) -> list[Hit]:
    with monkeypatch.context() as patch:
        patch.setattr(bot.search, "PRUNE_MIN_POSTINGS", 10**9)
        return index.search(index.analyze(question), 20)


def _best_first(index: SearchIndex, question: str, monkeypatch: pytest.MonkeyPatch) -> list[Hit]:
    with monkeypatch.context() as patch:
        patch.setattr(bot.search, "PRUNE_MIN_POSTINGS", 0)
        patch.setattr(bot.search, "PRUNE_BUDGET", 10**9)
        return index.search(index.analyze(question), 20)


def test_best_first_reading_returns_exactly_the_exhaustive_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading postings best first and stopping early gives the same hits, in the same order, as scoring all."""
    index, _ = _corpus()
    for question in _questions():
        assert _best_first(index, question, monkeypatch) == _exhaustive(index, question, monkeypatch)


@pytest.mark.parametrize("unsorted_min", [5, 10**6])
def test_briefs_replaced_out_of_order_are_still_found_first(monkeypatch: pytest.MonkeyPatch, unsorted_min: int) -> None:
    """After pushes that add postings out of weight order (tracked, or past the re-sort limit), results stay exact."""
    index, briefs = _corpus()
    rng = random.Random(3)
    monkeypatch.setattr(bot.search, "UNSORTED_MIN", unsorted_min)
    for round_number in range(3):
        for brief_id in rng.sample(sorted(briefs), k=40):
            new = dataclasses.replace(_brief(1000 + round_number, rng), id=brief_id)
            index.put(new, replaces=briefs[brief_id])
            briefs[brief_id] = new
        for question in _questions(seed=round_number):
            assert _best_first(index, question, monkeypatch) == _exhaustive(index, question, monkeypatch)
        index.tidy()


def test_replacing_a_brief_takes_its_old_terms_out() -> None:
    """A replaced brief no longer matches words only its old version had, and matches its new ones."""
    index = SearchIndex()
    old = Brief(id="harbour", title="Harbour strike over pay", summary="Dockers walk out.", updated=UPDATED)
    new = dataclasses.replace(old, title="Harbour deal signed", summary="Dockers return to work.")
    index.put(old)
    index.put(new, replaces=old)
    assert index.search(index.analyze("strike pay walk"), 5) == []
    assert [hit.brief_id for hit in index.search(index.analyze("deal signed"), 5)] == ["harbour"]
    assert "strike" not in index._postings
    assert index.analyze("strke").corrections == ()  # the old word is no longer a typo target
    assert len(index) == 1


def test_removing_a_brief_takes_all_its_terms_out() -> None:
    """After a brief is removed no posting or vocabulary word of it is left behind."""
    index = SearchIndex()
    kept = Brief(id="kept", title="Budget vote delayed", summary="The council delays the vote.", updated=UPDATED)
    gone = Brief(id="gone", title="Meteor shower peaks", summary="Skies clear for the vote.", updated=UPDATED)
    index.put(kept)
    index.put(gone)
    index.remove(gone)
    assert "gone" not in index
    assert all("gone" not in postings for postings in index._postings.values())
    assert "meteor" not in index._vocabulary
    assert [hit.brief_id for hit in index.search(index.analyze("vote"), 5)] == ["kept"]


def test_putting_an_indexed_id_again_needs_the_version_it_replaces() -> None:
    """The index keeps no copy of a brief, so re-indexing an id without its old version is refused."""
    index = SearchIndex()
    brief = Brief(id="b", title="Rates held", summary="The bank held rates.", updated=UPDATED)
    index.put(brief)
    with pytest.raises(ValueError, match="pass the version it replaces"):
        index.put(brief)


def test_an_exported_index_restores_to_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """An index restored from its export, out-of-order postings included, answers like the original."""
    index, briefs = _corpus(count=200)
    rng = random.Random(5)
    for brief_id in rng.sample(sorted(briefs), k=20):
        index.put(dataclasses.replace(_brief(2000, rng), id=brief_id), replaces=briefs[brief_id])
    restored = SearchIndex()
    assert restored.restore(index.export())
    for question in _questions():
        assert _best_first(restored, question, monkeypatch) == _exhaustive(index, question, monkeypatch)


def test_an_export_of_another_index_format_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A state exported by an older index format is not taken over, so it is rebuilt rather than misread."""
    index, _ = _corpus(count=20)
    monkeypatch.setattr(bot.search, "INDEX_FORMAT", bot.search.INDEX_FORMAT - 1)
    old_state = index.export()
    monkeypatch.undo()
    assert not SearchIndex().restore(old_state)


def test_the_stem_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its size the stem memo starts again, so a flood of odd words cannot grow it without bound."""
    monkeypatch.setattr(bot.words, "STEM_MEMO_SIZE", 3)
    monkeypatch.setattr(bot.words, "_stems", {})
    for word in ("meetings", "voters", "tariffs", "summits", "rates"):
        bot.words.stem(word)
    assert len(bot.words._stems) <= 3
    assert bot.words.stem("meetings") == "meet"


def test_remembered_stems_are_the_stemmers_own() -> None:
    """The stems an exported index carries are what the stemmer gives, so a new process may take them over."""
    index, _ = _corpus(count=30)
    stems = index.export()["stems"]
    assert stems
    assert all(bot.words.stem(word) == term for word, term in stems.items())


def test_a_replacement_touches_only_the_postings_whose_weight_changed() -> None:
    """A new summary moves only the postings of terms it changes; the rest keep their place, the result is exact."""
    index = SearchIndex()
    other = Brief(id="ecb", title="ECB holds rates steady", summary="No change.", updated=UPDATED)
    old = Brief(id="fed", title="Fed holds rates", summary="Rates stay put.", updated=UPDATED, body="Markets calm.")
    new = dataclasses.replace(old, summary="Rates stay put for now, officials say.")
    index.put(old)
    index.put(other)
    before = list(index._postings["hold"].items())
    index.put(new, replaces=old)
    assert list(index._postings["hold"].items()) == before
    assert "offici" in index._postings
    fresh = SearchIndex()
    fresh.put(new)
    fresh.put(other)
    assert index._postings == fresh._postings
    assert index._vocabulary == fresh._vocabulary


def test_a_word_no_brief_uses_counts_as_the_rarest(monkeypatch: pytest.MonkeyPatch) -> None:
    """With an unknown word beside common ones, the common words find no briefs of their own, either way of scoring."""
    index, _ = _corpus()
    assert len(index._postings["w0x"]) > bot.search.COMMON_TERM_FRACTION * len(index)
    assert _exhaustive(index, "qqqzzz w0x", monkeypatch) == []
    assert _best_first(index, "qqqzzz w0x", monkeypatch) == []
    assert _exhaustive(index, "w0x", monkeypatch)
