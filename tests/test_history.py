"""A brief's history with what changed: one core call, used by chat commands and the command line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from conftest import EDITOR, REPORTER, write_brief
from test_cli import run

from bot.briefs import Status, with_key_points
from bot.chat import ReplyKind, respond
from bot.newsroom import Newsroom

KREMLIN = "kremlin-open-to-putin-trump-meeting"


def _push_three_versions(newsroom: Newsroom) -> None:
    """v2 is a draft adding a key point nobody outside the desk may read; v3 publishes a new bottom line."""
    brief = newsroom.show(KREMLIN, EDITOR).brief
    draft_body = with_key_points(brief.body, [*brief.key_points, "Unconfirmed: a date in Riyadh."])
    newsroom.push(replace(brief, status=Status.DRAFT, body=draft_body), editor="Ana", channel="cli")
    newsroom.push(replace(brief, summary="The Kremlin now rules out a meeting."), editor="Ana", channel="cli")


def test_each_version_comes_with_what_it_changed_from_its_parent(newsroom: Newsroom) -> None:
    """For an editor every version is compared with its parent, and a new brief is described as new."""
    _push_three_versions(newsroom)
    entries = newsroom.history_with_changes(KREMLIN, EDITOR)
    assert [(e.version.number, e.compared_with) for e in entries] == [(1, None), (2, 1), (3, 2)]
    assert entries[0].changes.fields == ("new brief",)
    assert entries[1].changes.fields == ("status",)
    assert entries[1].changes.points_added == ("Unconfirmed: a date in Riyadh.",)
    assert entries[2].changes.points_removed == ("Unconfirmed: a date in Riyadh.",)
    assert "bottom line" in entries[2].changes.fields


def test_a_reporters_history_skips_a_hidden_parent_without_telling_what_it_said(newsroom: Newsroom) -> None:
    """For a reporter a draft parent is passed over: the next version is compared with the last one they saw."""
    _push_three_versions(newsroom)
    entries = newsroom.history_with_changes(KREMLIN, REPORTER)
    assert [(e.version.number, e.compared_with) for e in entries] == [(1, None), (3, 1)]
    assert entries[1].changes.fields == ("bottom line",)
    assert entries[1].changes.points_removed == ()
    reply = respond(newsroom, f"history {KREMLIN}", REPORTER, "slack:C1")
    assert reply.kind is ReplyKind.NOTICE
    assert "Riyadh" not in reply.text
    assert "v3 \u00b7 " in reply.text
    assert ": bottom line changed" in reply.text


def test_the_command_line_history_says_what_changed_in_each_version(tmp_path: Path) -> None:
    """``briefbot history ID`` prints under each version what it changed: new brief, then the changed fields."""
    store, folder = tmp_path / "store", tmp_path / "in"
    write_brief(folder, "harbour-strike", title="Harbour workers strike")
    assert run(store, "import", str(folder)).returncode == 0
    write_brief(folder, "harbour-strike", title="Harbour workers end strike", body="## Key points\n- Deal signed.\n")
    assert run(store, "import", str(folder)).returncode == 0
    lines = run(store, "history", "harbour-strike").stdout.splitlines()
    assert lines[0].startswith("v1 ")
    assert lines[1] == "     new brief"
    assert lines[2].startswith("v2 ")
    assert lines[3] == (
        "     title changed; key point added: \u201cDeal signed.\u201d; "
        "key points removed: \u201cFirst point.\u201d; \u201cSecond point.\u201d"
    )
