"""The outcome log: each question's outcome and brief, with its time and never its asker, kept for the retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import NOW, REPORTER, SAMPLE_BRIEFS, Clock

from adapters.config import load_config
from bot.answers import Outcome
from bot.errors import SettingsError
from bot.newsroom import Newsroom, open_newsroom
from bot.outcomes import OUTCOMES_FILE, OutcomeLog
from bot.settings import Settings
from bot.store import TinyStore

KREMLIN = "kremlin-open-to-putin-trump-meeting"


def _newsroom(folder: Path, clock: Clock, days: int = 90) -> Newsroom:
    store = TinyStore(folder)
    return Newsroom(store, clock=clock, samples=SAMPLE_BRIEFS, outcomes=OutcomeLog(store.outcomes, days))


def test_each_question_is_recorded_with_its_outcome_brief_and_time_but_not_its_asker(tmp_path: Path) -> None:
    """An answer, and a question nobody has a brief for, are both in the log, and the asker's name is in neither."""
    clock = Clock()
    newsroom = _newsroom(tmp_path, clock)
    newsroom.ask("latest Kremlin stance on a Trump meeting", REPORTER)
    newsroom.ask("zebra crossing bylaws in Tallinn", REPORTER)
    recorded = newsroom.outcomes.since(NOW - timedelta(days=1), NOW) if newsroom.outcomes else []
    assert [(r.outcome, r.brief_id, r.asked_at) for r in recorded] == [
        (Outcome.ANSWER, KREMLIN, NOW),
        (Outcome.NO_MATCH, None, NOW),
    ]
    assert REPORTER.name not in (tmp_path / OUTCOMES_FILE).read_text(encoding="utf-8")


def test_outcomes_past_the_retention_are_not_read_and_are_dropped_from_the_file(tmp_path: Path) -> None:
    """With a 7-day retention, a question asked 8 days ago is neither read nor kept once a day has passed."""
    clock = Clock()
    newsroom = _newsroom(tmp_path, clock, days=7)
    newsroom.ask("zebra crossing bylaws in Tallinn", REPORTER)
    later = clock.now = NOW + timedelta(days=8)
    assert newsroom.outcomes is not None
    assert newsroom.outcomes.since(later - timedelta(days=30), later) == []
    newsroom.ask("zebra crossing bylaws in Riga", REPORTER)
    lines = (tmp_path / OUTCOMES_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert "Riga" not in lines[0]  # the question's words are not kept either: only its outcome


def test_a_torn_line_is_skipped_and_the_log_reads_on(tmp_path: Path) -> None:
    """A line a crash left unfinished is skipped; the lines around it are read."""
    clock = Clock()
    newsroom = _newsroom(tmp_path, clock)
    newsroom.ask("zebra crossing bylaws in Tallinn", REPORTER)
    with (tmp_path / OUTCOMES_FILE).open("a", encoding="utf-8") as handle:
        handle.write('{"at": "2026-11-25T1\n')
    newsroom.ask("zebra crossing bylaws in Riga", REPORTER)
    assert newsroom.outcomes is not None
    assert len(newsroom.outcomes.since(NOW - timedelta(days=1), NOW)) == 2


def test_the_configured_store_gets_an_outcome_log_with_the_configured_retention(tmp_path: Path) -> None:
    """``BRIEFBOT_OUTCOME_DAYS`` sets the retention of the log that ``open_newsroom`` puts in the store folder."""
    config = load_config({"BRIEFBOT_OUTCOME_DAYS": "30"}, store=tmp_path)
    newsroom = open_newsroom(config.core)
    assert newsroom.outcomes is not None
    assert newsroom.outcomes.records is newsroom.store.outcomes
    assert newsroom.outcomes.retention == timedelta(days=30)
    assert open_newsroom(Settings(tmp_path)).outcomes.retention == timedelta(days=90)  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["0", "-3", "ninety", "1.5"])
def test_a_retention_that_is_not_a_number_of_days_is_refused_by_name(text: str) -> None:
    """A retention of 0, a negative, a word or a fraction stops every command with a message naming the setting."""
    with pytest.raises(SettingsError, match="BRIEFBOT_OUTCOME_DAYS: expected a number of days"):
        load_config({"BRIEFBOT_OUTCOME_DAYS": text})


def test_who_asked_is_recorded_only_when_the_setting_says_so(tmp_path: Path) -> None:
    """``BRIEFBOT_OUTCOME_ASKERS=1`` records the asker's name with each outcome; unset, the log never holds it."""
    for environ, folder in (({"BRIEFBOT_OUTCOME_ASKERS": "1"}, tmp_path / "on"), ({}, tmp_path / "off")):
        newsroom = open_newsroom(load_config(environ, store=folder).core, clock=Clock())
        newsroom.ask("latest Kremlin stance on a Trump meeting", REPORTER)
        assert newsroom.outcomes is not None
        asked = [r.asker for r in newsroom.outcomes.since(NOW - timedelta(days=1), NOW)]
        on = bool(environ)
        assert asked == [REPORTER.name if on else None]
        assert (REPORTER.name in (folder / OUTCOMES_FILE).read_text(encoding="utf-8")) is on
