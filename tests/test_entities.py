"""Entity names: one story under several names, and an entity list editors can extend."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPORTER, Clock, write_brief

from bot.entities import Entities, load_entities
from bot.errors import BriefError
from bot.newsroom import Newsroom, open_newsroom
from bot.settings import Settings
from bot.store import SNAPSHOT_FILE, TinyStore


@pytest.fixture
def briefs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    write_brief(folder, "eu-sanctions", title="European Union adopts new sanctions on Moscow")
    write_brief(folder, "fed-rates", title="Federal Reserve holds interest rates")
    write_brief(folder, "kremlin-talks", title="Kremlin spokesman signals openness to talks")
    return folder


def _answer_id(room: Newsroom, question: str) -> str | None:
    answer = room.ask(question, REPORTER)
    return answer.brief.id if answer.brief else None


def test_an_abbreviation_finds_the_brief_that_spells_it_out(briefs: Path, clock: Clock) -> None:
    """ "EU sanctions" finds a brief on European Union sanctions, and "Fed" one on the Federal Reserve."""
    room = Newsroom(TinyStore(None), clock=clock)
    room.import_paths([briefs], editor="ed")
    assert _answer_id(room, "EU sanctions") == "eu-sanctions"
    assert _answer_id(room, "what is the Fed doing on rates") == "fed-rates"


def test_short_names_only_match_as_written() -> None:
    """The pronoun "us" is not the United States, and "fed up" is not the Federal Reserve."""
    entities = Entities()
    assert entities.fold("tell us about the US and the Fed") == (
        "tell us about the entityunitedstates and the entityfederalreserve"
    )
    assert entities.fold("fed up with it") == "fed up with it"
    assert (
        entities.fold("Russian troops near the U.S. border") == "entityrussia troops near the entityunitedstates border"
    )


def test_editors_extend_the_list_with_a_yaml_file(briefs: Path, tmp_path: Path, clock: Clock) -> None:
    """A group in the editors' file makes "Peskov" find the brief about the Kremlin spokesman."""
    plain = open_newsroom(Settings(store=tmp_path / "plain", seed_samples=False), clock=clock)
    plain.import_paths([briefs], editor="ed")
    assert _answer_id(plain, "Peskov") is None
    names = tmp_path / "entities.yml"
    names.write_text("- [Kremlin spokesman, Peskov, Dmitry Peskov]\n", encoding="utf-8")
    extended = open_newsroom(Settings(store=tmp_path / "extended", seed_samples=False, entities=names), clock=clock)
    extended.import_paths([briefs], editor="ed")
    assert _answer_id(extended, "Peskov") == "kremlin-talks"


def test_changing_the_list_rebuilds_the_index_instead_of_reusing_the_snapshot(
    briefs: Path, tmp_path: Path, clock: Clock
) -> None:
    """A snapshot indexed with other entity names is not reused: the new names work at once."""
    root = tmp_path / "store"
    Newsroom(TinyStore(root), clock=clock).import_paths([briefs], editor="ed")
    assert (root / SNAPSHOT_FILE).is_file()
    extended = Entities((("Kremlin spokesman", "Peskov"),))
    assert _answer_id(Newsroom(TinyStore(root), clock=clock, entities=extended), "Peskov") == "kremlin-talks"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Kremlin: Moscow\n", "groups"),
        ("- [Kremlin]\n", "group 1"),
        ("- [Kremlin, Moscow]\n- [NATO, 3]\n", "group 2"),
        ("- [Kremlin, Moscow\n", "file"),
    ],
)
def test_a_bad_entity_file_is_refused_naming_the_file_and_group(tmp_path: Path, text: str, field: str) -> None:
    """A malformed entity file gets one clear error saying which file and which group is wrong."""
    path = tmp_path / "entities.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BriefError) as refused:
        load_entities(path)
    assert refused.value.origin == str(path)
    assert refused.value.field == field


def test_short_names_typed_in_lower_case_are_names_in_a_question() -> None:
    """In a question "fed", "eu" and "gop" are the Fed, the EU and the GOP; "us", "un" and "fed up" stay words."""
    entities = Entities()
    assert entities.fold("fed minutes, eu and gop, FED", typed=True) == (
        "entityfederalreserve minutes, entityeuropeanunion and entityrepublicans, entityfederalreserve"
    )
    assert entities.fold("fed up with us, un sommet", typed=True) == "fed up with us, un sommet"
    assert entities.fold("the dog was fed", typed=False) == "the dog was fed"


def test_a_question_in_lower_case_finds_the_brief_that_names_it(tmp_path: Path, clock: Clock) -> None:
    """ "fed rates" and "eu sanctions", typed in lower case, find the Federal Reserve and European Union briefs."""
    write_brief(tmp_path, "b1", title="European Union adopts new sanctions on Moscow", summary="EU sanctions.")
    write_brief(tmp_path, "b2", title="Federal Reserve holds interest rates", summary="The Fed waits.")
    write_brief(tmp_path, "b3", title="Kremlin spokesman signals openness to talks", summary="Talks.")
    room = Newsroom(TinyStore(None), clock=clock)
    room.import_paths([tmp_path], editor="ed")
    assert _answer_id(room, "fed rates") == "b2"
    assert _answer_id(room, "eu sanctions") == "b1"
