"""Instalments of one running story: the month, year, round or stage a question names picks the brief."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPORTER, Clock, write_brief

from bot.answers import Outcome
from bot.newsroom import Newsroom
from bot.store import TinyStore


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("eurozone inflation september", "eurozone-inflation-september"),
        ("october eurozone inflation figure", "eurozone-inflation-october"),
        ("euro area inflation sept figure", "eurozone-inflation-september"),
        ("first round of grain talks", "ukraine-grain-talks-first-round"),
        ("2nd round grain talks istanbul", "ukraine-grain-corridor-talks"),
        ("proposed eu sanctions package", "eu-sanctions-package-proposed"),
        ("approved eu sanctions package", "eu-sanctions-new-russia-package"),
        ("fed decision in september", "fed-holds-rates-september"),
    ],
)
def test_the_instalment_a_question_names_is_answered(newsroom: Newsroom, question: str, expected: str) -> None:
    """A month, a round or a stage in the question picks that instalment instead of offering both."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert answer.brief is not None
    assert answer.brief.id == expected


@pytest.mark.parametrize(
    ("question", "expected"), [("grain talks october", "october"), ("grain talks in nov", "november")]
)
def test_a_month_no_title_names_is_told_by_the_update_date(
    tmp_path: Path, clock: Clock, question: str, expected: str
) -> None:
    """When neither instalment's title names a month, the month each was updated tells them apart."""
    for brief_id, updated in (("october", "2026-10-22T18:00:00+00:00"), ("november", "2026-11-18T16:00:00+00:00")):
        write_brief(
            tmp_path, brief_id, title="Grain talks in Istanbul", summary="Talks on grain ships.", updated=updated
        )
    for number in range(8):
        write_brief(tmp_path, f"other-{number}", title=f"Unrelated story {number}", summary="Something else.")
    room = Newsroom(TinyStore(None), clock=clock)
    room.import_paths([tmp_path], editor="ed")
    answer = room.ask(question, REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert answer.brief is not None
    assert answer.brief.id == expected


def test_a_question_naming_no_instalment_still_gets_the_choice(newsroom: Newsroom) -> None:
    """Without a month, round or stage, two instalments stay too close to call."""
    answer = newsroom.ask("eurozone inflation", REPORTER)
    assert answer.outcome is Outcome.AMBIGUOUS
    assert {c.brief_id for c in answer.alternatives[:2]} == {
        "eurozone-inflation-september",
        "eurozone-inflation-october",
    }


def test_a_short_question_naming_another_year_is_refused(newsroom: Newsroom) -> None:
    """ "hurricane season 2027" is not answered with the brief on the 2026 season, which is only suggested."""
    answer = newsroom.ask("hurricane season 2027 forecast", REPORTER)
    assert answer.outcome is Outcome.NO_MATCH
    assert answer.alternatives[0].brief_id == "atlantic-hurricane-season-wrap"


def test_next_year_is_read_from_the_day_of_the_question(newsroom: Newsroom) -> None:
    """Asked in November 2026, "next year's hurricane season" is not the 2026 season's brief."""
    answer = newsroom.ask("hurricane season next year's forecast", REPORTER)
    assert answer.outcome is Outcome.NO_MATCH
    assert answer.alternatives[0].brief_id == "atlantic-hurricane-season-wrap"


def test_last_month_is_read_from_the_day_of_the_question(newsroom: Newsroom) -> None:
    """Asked in November 2026, "last month" picks the October instalment."""
    answer = newsroom.ask("euro area consumer prices last month", REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert answer.brief is not None
    assert answer.brief.id == "eurozone-inflation-october"
