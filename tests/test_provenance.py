"""Provenance: who pushed a brief is recorded by briefbot, shown beside the byline the brief declares."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_brief
from test_cli import run

NO_SAMPLES = {"BRIEFBOT_SEED_SAMPLES": "0"}
QUESTION = "harbour strike dockers"


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
