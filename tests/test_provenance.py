"""Provenance: who pushed a brief is recorded by briefbot, shown beside the byline the brief declares."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, REPORTER, write_brief
from test_cli import run

from adapters.console import render_answer
from bot.briefs import Brief
from bot.errors import BriefError
from bot.newsroom import Newsroom
from bot.store import TinyStore

NO_SAMPLES = {"BRIEFBOT_SEED_SAMPLES": "0"}
QUESTION = "harbour strike dockers"
KREMLIN = "kremlin-open-to-putin-trump-meeting"


def _push_bylined_brief(tmp_path: Path, pusher: str) -> Path:
    store = tmp_path / "store"
    path = write_brief(
        tmp_path / "files",
        "harbour-strike",
        title="Dockers strike at the harbour",
        editor="Anna Kowalski",
        desk="World",
    )
    result = run(store, "--as", pusher, "push", str(path), env=NO_SAMPLES)
    assert result.returncode == 0, result.stderr
    return store


def test_an_answer_names_who_pushed_a_brief_bylined_to_someone_else(tmp_path: Path) -> None:
    """A brief pushed by desk-bot under Anna's byline is answered as updated by Anna, pushed by desk-bot."""
    store = _push_bylined_brief(tmp_path, "desk-bot")
    result = run(store, "ask", QUESTION, env=NO_SAMPLES)
    assert result.returncode == 0, result.stderr
    assert "by Anna Kowalski (pushed by desk-bot), World desk" in result.stdout.splitlines()[1]


def test_an_answer_pushed_by_its_own_editor_names_them_once(tmp_path: Path) -> None:
    """When the byline and the pusher are the same person, the answer names them once."""
    store = _push_bylined_brief(tmp_path, "anna kowalski")
    result = run(store, "ask", QUESTION, env=NO_SAMPLES)
    assert result.stdout.splitlines()[1].endswith(" by Anna Kowalski, World desk")


def test_answers_as_json_carry_the_byline_and_who_pushed(tmp_path: Path) -> None:
    """``ask --json`` gives the byline as ``editor`` and who pushed as ``pushed_by``."""
    store = _push_bylined_brief(tmp_path, "desk-bot")
    brief = json.loads(run(store, "ask", "--json", QUESTION, env=NO_SAMPLES).stdout)["brief"]
    assert (brief["editor"], brief["pushed_by"]) == ("Anna Kowalski", "desk-bot")


def test_a_brief_without_a_byline_is_credited_to_who_pushed_it(tmp_path: Path) -> None:
    """With no ``editor`` in the brief, the answer names who pushed it, and only them."""
    path = write_brief(tmp_path / "files", "harbour-strike", title="Dockers strike at the harbour")
    assert run(tmp_path / "store", "--as", "desk-bot", "push", str(path), env=NO_SAMPLES).returncode == 0
    result = run(tmp_path / "store", "ask", QUESTION, env=NO_SAMPLES)
    assert result.stdout.splitlines()[1].endswith(" by desk-bot")


# dates a brief may declare


@pytest.mark.parametrize(
    "ahead",
    [pytest.param(timedelta(days=365 * 70), id="decades-ahead"), pytest.param(timedelta(minutes=11), id="11-minutes")],
)
def test_a_pushed_file_updated_in_the_future_is_refused_naming_the_file(tmp_path: Path, ahead: timedelta) -> None:
    """A file dated more than 10 minutes ahead could win every "latest" question: refused, naming file and field."""
    updated = (datetime.now(UTC) + ahead).isoformat(timespec="seconds")
    path = write_brief(tmp_path / "files", "harbour-strike", updated=updated)
    result = run(tmp_path / "store", "push", str(path), env=NO_SAMPLES)
    assert result.returncode == 1
    assert f"{path}: updated: expected a time at most 10 minutes ahead of now" in result.stderr
    assert "Traceback" not in result.stderr
    assert "harbour-strike" not in run(tmp_path / "store", "list", env=NO_SAMPLES).stdout


def test_a_file_a_few_minutes_ahead_is_taken(tmp_path: Path) -> None:
    """A clock running five minutes fast is no reason to refuse a brief."""
    ahead = (datetime.now(UTC) + timedelta(minutes=5)).isoformat(timespec="seconds")
    path = write_brief(tmp_path / "files", "harbour-strike", updated=ahead)
    assert run(tmp_path / "store", "push", str(path), env=NO_SAMPLES).returncode == 0


def test_a_brief_pushed_by_any_surface_updated_in_the_future_is_refused(newsroom: Newsroom) -> None:
    """Whatever surface pushes it, a brief dated past the newsroom's clock by more than 10 minutes stores nothing."""
    brief = replace(newsroom.show(KREMLIN, REPORTER).brief, updated=NOW + timedelta(minutes=11))
    with pytest.raises(BriefError, match=f"^{KREMLIN}: updated: expected a time at most 10 minutes ahead of now"):
        newsroom.push(brief, editor="desk-bot", channel="api", expected_version=1)
    assert newsroom.show(KREMLIN, REPORTER).number == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("updated", "0001-01-01T00:00:00+14:00", id="updated-before-year-1-in-utc"),
        pytest.param("updated", "9999-12-31T23:59:59-14:00", id="updated-after-year-9999-in-utc"),
        pytest.param("embargo_until", "0001-01-01T00:00:00+01:00", id="embargo-before-year-1-in-utc"),
    ],
)
def test_a_date_python_cannot_hold_in_utc_is_refused_at_import(tmp_path: Path, field: str, value: str) -> None:
    """A date whose UTC time falls outside years 1-9999 crashed answers; it is refused, naming file and field."""
    path = write_brief(tmp_path / "files", "harbour-strike", **{field: value, "status": "embargoed"})
    result = run(tmp_path / "store", "import", str(path), env=NO_SAMPLES)
    assert result.returncode == 1
    assert f"{path}: {field}: expected a date and time within years 1 to 9999 in UTC" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_stored_brief_with_a_date_too_far_off_to_count_is_still_answered() -> None:
    """A brief stored before dates were checked, dated before year 1 in UTC, is answered with its date as written."""
    store = TinyStore(None)
    odd = datetime.fromisoformat("0001-01-01T00:00:00+14:00")
    brief = Brief("harbour-strike", "Dockers strike at the harbour", "Dockers walk out over pay.", odd)
    store.push(brief, editor="desk-bot", channel="cli", now=NOW)
    answer = Newsroom(store).ask(QUESTION, REPORTER)  # on the real clock, as in use
    assert render_answer(answer).splitlines()[1] == "v1 \u00b7 updated on 0001-01-01T00:00:00+14:00 by desk-bot"
