"""Slack rendering of any brief: always within Slack's limits, valid for slack-sdk's models, and inert."""

from __future__ import annotations

import re
from typing import Any

from conftest import NOW
from fake_slack import iter_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from adapters.slack.blocks import MAX_BLOCKS, escape
from adapters.slack.full_brief import FULL_BRIEF_MESSAGES, full_brief_messages
from adapters.slack.render import answer_message
from bot import wording
from bot.answers import Choice, answer_with
from bot.briefs import Brief, Source
from bot.store import Version

LIMITS = {"section": 3000, "header": 150, "button": 75}
OUR_LINK = re.compile(r"<https?://[^\s<>|]+\|[^<>]*>")

line_text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\r\n"), min_size=1, max_size=400)
long_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=6000)


@st.composite
def briefs(draw: st.DrawFn) -> Brief:
    points = draw(st.lists(line_text, max_size=60))
    sources = draw(st.lists(st.tuples(line_text, line_text), max_size=40))
    return Brief(
        id="any-brief",
        title=draw(line_text),
        summary=draw(long_text),
        updated=NOW,
        body="## Key points\n" + "".join(f"- {p}\n" for p in points) + draw(long_text),
        desk=draw(line_text),
        editor=draw(line_text),
        sources=tuple(Source(title, "https://example.com/" + path) for title, path in sources),
    )


def _check(blocks: tuple[dict[str, Any], ...]) -> None:
    assert 0 < len(blocks) <= MAX_BLOCKS
    for block in blocks:
        Block.parse(block).to_dict()  # type: ignore[union-attr]  # slack-sdk's own limit checks
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= LIMITS["header"]
        for element in block.get("elements", []):
            if element["type"] == "button":
                assert len(element["text"]["text"]) <= LIMITS["button"]
    for text in iter_texts(list(blocks)):
        assert len(text) <= LIMITS["section"]
        assert "<" not in OUR_LINK.sub("", text)
        assert ">" not in OUR_LINK.sub("", text)
    assert sum(len(text) for text in iter_texts(list(blocks))) < 12_000


@settings(max_examples=60, deadline=None)
@given(briefs(), line_text, st.lists(line_text, max_size=3))
def test_any_brief_renders_within_slack_limits_and_inert(brief: Brief, query: str, others: list[str]) -> None:
    """Whatever a brief and a question hold, the answer fits Slack's limits, passes slack-sdk, and cannot ping."""
    version = Version(brief, 7, "editor", NOW, 6, "test")
    alternatives = tuple(Choice(f"other-{n}", title, 1.0, NOW) for n, title in enumerate(others))
    answer = answer_with(version, query, NOW, alternatives=alternatives)
    _check(answer_message(answer, shareable=True, shared_by=query).blocks)
    for message in full_brief_messages(answer):
        _check(message.blocks)
        assert len(message.text) <= 300


def test_escape_turns_slack_control_characters_into_entities() -> None:
    """Only ``&``, ``<`` and ``>`` are escaped, ampersand first, so an escape is never escaped twice."""
    assert escape("<!here> & <@U1> 'quoted'") == "&lt;!here&gt; &amp; &lt;@U1&gt; 'quoted'"


HUGE_SUMMARY = " ".join(f"clause {n} of the ministry's statement & its annex;" for n in range(80))
"""A bottom line of 4,069 characters (4,389 escaped): longer than one Slack section holds."""


LONG_SOURCE_TITLE = "Annual report of the ministry " * 110
"""A source title of 3,300 characters: its link cannot fit in one section, nor be split between two."""


def huge_brief(points: int, background_paragraphs: int) -> Version:
    """A brief with a bottom line too long for one section, a paragraph of 6,200 characters, and as many key
    points (of 290 characters) and background paragraphs (of 1,300) as asked."""
    key_points = "".join(f"- Point {n}: " + "detail & more " * 20 + "\n" for n in range(points))
    background = "\n\n".join(
        f"Paragraph {n}. " + "Long background sentence <here>. " * 40 for n in range(background_paragraphs)
    )
    brief = Brief(
        id="huge-brief",
        title=("A very long title " * 20).strip(),
        summary=HUGE_SUMMARY,
        updated=NOW,
        body=f"## Key points\n{key_points}\n## Background\n{'One paragraph without a break. ' * 200}\n\n{background}",
        sources=(
            *(Source(f"Source {n}", f"https://example.com/{n}") for n in range(120)),
            Source(LONG_SOURCE_TITLE, "https://example.com/long"),
        ),
    )
    return Version(brief, 3, "editor", NOW, 2, "test")


def _words(texts: list[str]) -> str:
    return " ".join(" ".join(texts).split())


def test_a_huge_full_brief_fits_slack_in_at_most_four_messages_and_says_where_the_rest_is() -> None:
    """A brief of about 500 KB comes as at most four messages, every block within Slack's limits, the bottom line
    whole across sections, and the last message says where to read the rest."""
    version = huge_brief(points=200, background_paragraphs=380)
    assert len(version.brief.body) > 500_000
    assert len(escape(HUGE_SUMMARY)) > 3000
    messages = full_brief_messages(answer_with(version, "huge", NOW))
    assert len(messages) == FULL_BRIEF_MESSAGES == 4
    for message in messages:
        _check(message.blocks)
    texts = [text for message in messages for text in iter_texts(list(message.blocks))]
    assert texts[-1] == wording.FULL_BRIEF_REST.format(platform="Slack", brief_id="huge-brief")
    assert texts[-1].startswith("The rest is too long for Slack: see the whole brief with `briefbot show huge-brief`")
    assert f"*Bottom line:* {_words([escape(HUGE_SUMMARY)])}" in _words(texts)
    assert f"*{_words([version.brief.title])}*" in _words(texts)  # the header cuts the title: it is given whole


def test_a_long_full_brief_is_split_across_sections_and_messages_with_nothing_cut() -> None:
    """A long brief that fits four messages is sent whole: long lines are split between sections, never cut."""
    version = huge_brief(points=20, background_paragraphs=1)
    messages = full_brief_messages(answer_with(version, "huge", NOW))
    assert 1 < len(messages) <= 4
    for message in messages:
        _check(message.blocks)
    header, *texts = [text for message in messages for text in iter_texts(list(message.blocks))]
    assert header.endswith("\u2026")  # a header holds 150 characters; the title is given whole below it
    shown = _words(texts)
    assert f"*{version.brief.title}*" in shown
    assert "The rest is too long" not in shown
    assert "\u2026" not in shown
    for line in version.brief.body.splitlines():
        assert _words([escape(line.removeprefix("## ").removeprefix("- "))]) in shown
    assert all(f"<https://example.com/{n}|Source {n}>" in shown for n in range(120))
    assert f"{_words([LONG_SOURCE_TITLE])} https://example.com/long" in shown  # as text, the only way it fits
