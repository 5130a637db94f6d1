"""The brief view: a body read once into headings, bullets and text, the same for every renderer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.body import BodyLine, LineKind
from bot.briefs import Brief
from bot.view import view_of

UPDATED = datetime(2026, 11, 20, tzinfo=UTC)


def brief(body: str) -> Brief:
    return Brief(id="b", title="T", summary="S.", updated=UPDATED, body=body)


def test_the_body_is_read_into_headings_bullets_text_and_blanks() -> None:
    """Each line of the body is classified once, with a heading's and a bullet's words taken out."""
    view = view_of(brief("## Key points\n- One\n* Two\n\nSome *text* here.\n### Background ##"))
    assert view.lines == (
        BodyLine(LineKind.HEADING, "Key points"),
        BodyLine(LineKind.BULLET, "One"),
        BodyLine(LineKind.BULLET, "Two"),
        BodyLine(LineKind.BLANK, ""),
        BodyLine(LineKind.TEXT, "Some *text* here."),
        BodyLine(LineKind.HEADING, "Background"),
    )
    assert view.key_points == ("One", "Two") == view.brief.key_points


@pytest.mark.parametrize(
    ("body", "more"),
    [
        ("## Key points\n- One\n- Two\n", False),
        ("- One\n- Two\n", False),
        ("", False),
        ("## Key points\n- One\n\nA paragraph.\n", True),
        ("## Key points\n- One\n## Also\n- Another list\n", True),
    ],
)
def test_full_brief_is_offered_when_the_body_has_more_than_the_key_points(body: str, more: bool) -> None:
    """Headings and the key points alone are all an answer shows already; anything else makes a full brief."""
    view = view_of(brief(body))
    assert view.more is more
    assert view.offers_full_brief(cut=False) is more
    assert view.offers_full_brief(cut=True) is True
