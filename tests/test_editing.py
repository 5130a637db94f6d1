"""The edit form in the core: a brief's fields as text, applied back through the brief file checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from conftest import EDITOR, NOW, REPORTER

from bot import wording
from bot.briefs import Brief, Source, brief_to_markdown, parse_brief
from bot.editing import FIELDS, apply_edit, form_values, submit_edit, too_long_to_edit, where
from bot.errors import BriefError
from bot.newsroom import Newsroom

KREMLIN = "kremlin-open-to-putin-trump-meeting"
LONG_BODY = (
    "Context before the points.\n\n"
    "## Key points\n"
    + "".join(f"* Point number {n}, with enough words to make the field long: " + "x" * 80 + ".\n" for n in range(30))
    + "\n## Background\n\nA paragraph that is not a key point.\n"
)


def brief(**fields: object) -> Brief:
    base = Brief(
        id="council-budget",
        title="Council budget vote delayed",
        summary="The vote moves to January.",
        updated=datetime(2026, 11, 20, 10, tzinfo=UTC),
        body=LONG_BODY,
        review_by=date(2026, 12, 15),
        sources=(Source("Council minutes", "https://council.example/minutes"),),
    )
    # As stored: through the brief file's own round trip.
    return parse_brief(brief_to_markdown(replace(base, **fields)), "test").brief  # type: ignore[arg-type]


def test_submitting_the_form_unchanged_keeps_every_field_and_the_body_byte_for_byte() -> None:
    """An edit that changes nothing stores the same brief: 30 key points, the rest of the body, sources, dates."""
    base = brief()
    edited = apply_edit(base, form_values(base), editor="Anna", now=NOW, origin="test")
    assert len(edited.key_points) == 30
    assert replace(edited, updated=base.updated, editor=base.editor) == base


def test_changed_key_points_replace_the_key_points_section_only() -> None:
    """Typed key points (with or without a bullet mark) replace the section; the background stays."""
    edited = apply_edit(brief(), {"key_points": "- First\n\u2022 Second\nThird"}, editor="Anna", now=NOW, origin="t")
    assert edited.key_points == ("First", "Second", "Third")
    assert "A paragraph that is not a key point." in edited.body


def test_a_field_the_form_did_not_send_is_kept_and_an_empty_one_is_emptied() -> None:
    """Discord's form has no review date: its edits keep it; Slack's empty date picker clears it."""
    assert apply_edit(brief(), {"title": "New"}, editor="A", now=NOW, origin="t").review_by == date(2026, 12, 15)
    assert apply_edit(brief(), {"review_by": ""}, editor="A", now=NOW, origin="t").review_by is None


@pytest.mark.parametrize(
    ("values", "field", "problem"),
    [
        ({"sources": "A | https://a.example\n\nno bar here"}, "sources", "line 3: expected Title | https://..."),
        ({"sources": "A | https://a.example\n\nB | ftp://b.example"}, "sources", "line 3:"),
        ({"status": "live"}, "status", "expected one of published, draft, embargoed, found 'live'"),
        ({"review_by": "next week"}, "review_by", "expected a date as YYYY-MM-DD, found 'next week'"),
        ({"title": "   "}, "title", ""),
    ],
)
def test_a_bad_value_is_refused_naming_its_field_and_line(values: dict[str, str], field: str, problem: str) -> None:
    """A refused edit names the form field (and the line typed, for sources) and what was expected."""
    with pytest.raises(BriefError) as refused:
        apply_edit(brief(), values, editor="A", now=NOW, origin="Slack edit of council-budget")
    key, said = where(refused.value)
    assert key == field
    assert said.startswith(problem)


def test_an_error_about_a_field_the_form_lacks_goes_on_the_title() -> None:
    """A problem with a field the form does not show is still shown, on the first field, with its name."""
    key, said = where(BriefError("t", "embargo_until", "a date and time with a time zone"))
    assert key == "title"
    assert said.startswith("embargo_until: expected")


def test_a_brief_longer_than_the_form_holds_names_each_field_too_long_and_what_to_do() -> None:
    """Every field longer than the form's inputs is named with its length, with how to edit the file instead."""
    assert too_long_to_edit(brief(), "Slack", 5000) is None
    said = too_long_to_edit(brief(), "Slack", 3000)
    assert said is not None
    assert said.startswith("council-budget cannot be edited in a Slack form without losing text")
    assert "(3,000 characters): key points (4,219 characters). Edit the brief file" in said
    assert "briefbot push council-budget.md" in said
    assert too_long_to_edit(brief(), "Discord", 3000, fields=["title", "summary"]) is None


def test_the_form_covers_what_an_editor_changes_in_chat() -> None:
    """The form's fields are the ones the issue names: title, bottom line, key points, status, review, sources."""
    assert [f.key for f in FIELDS] == ["title", "summary", "key_points", "status", "review_by", "sources"]


def test_an_unchanged_key_points_field_keeps_a_note_and_a_points_second_line() -> None:
    """What the form cannot show (a note under the points, a point's second line) survives an edit elsewhere."""
    body = "## Key points\n* First point\n  continued on a second line\n* Second\n\nA note under the points.\n"
    base = brief(body=body)
    values = form_values(base) | {
        "summary": "A new bottom line.",
        "key_points": form_values(base)["key_points"] + "\r\n",
    }
    edited = apply_edit(base, values, editor="A", now=NOW, origin="t")
    assert edited.summary == "A new bottom line."
    assert edited.body == base.body


def test_a_submitted_edit_is_pushed_as_a_new_version_by_the_editor(newsroom: Newsroom) -> None:
    """An editor's form pushes a new version based on the one it opened with, recording them and the channel."""
    base = newsroom.show(KREMLIN, EDITOR)
    done = submit_edit(newsroom, KREMLIN, base.number, {"summary": "A new line."}, EDITOR, channel="slack")
    assert done.version is not None
    assert (done.version.number, done.version.editor, done.version.channel) == (2, "editor", "slack")
    assert done.reply == wording.EDITED.format(brief_id=KREMLIN, version=2)


def test_a_reporters_or_a_stale_or_a_bad_submission_is_refused_and_stores_nothing(newsroom: Newsroom) -> None:
    """A reporter is refused; a bad field names the field; a colleague's push meanwhile hands the edit back whole."""
    assert submit_edit(newsroom, KREMLIN, 1, {}, REPORTER, channel="slack").problem == wording.EDITORS_ONLY
    bad = submit_edit(newsroom, KREMLIN, 1, {"status": "live"}, EDITOR, channel="slack")
    assert (bad.version, bad.field, bad.bad_value) == (None, "status", True)
    gone = submit_edit(newsroom, KREMLIN, 9, {"summary": "Mine."}, EDITOR, channel="slack")
    assert (gone.version, gone.bad_value) == (None, False)
    theirs = replace(newsroom.show(KREMLIN, EDITOR).brief, summary="Ben's line.")
    newsroom.push(theirs, editor="Ben", channel="cli", expected_version=1)
    stale = submit_edit(newsroom, KREMLIN, 1, {"summary": "Mine."}, EDITOR, channel="slack")
    assert stale.version is None
    assert stale.kept is not None
    assert stale.kept.summary == "Mine."
    assert "Ben" in stale.problem
    assert len(newsroom.store.history(KREMLIN)) == 2
