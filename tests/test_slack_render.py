"""Slack rendering of any brief: always within Slack's limits, valid for slack-sdk's models, and inert."""

from __future__ import annotations

import re
from typing import Any

from conftest import NOW
from fake_slack import iter_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from adapters.slack.render import MAX_BLOCKS, answer_message, escape, full_brief_messages
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
    for message in full_brief_messages(version):
        _check(message.blocks)
        assert len(message.text) <= 300


def test_escape_turns_slack_control_characters_into_entities() -> None:
    """Only ``&``, ``<`` and ``>`` are escaped, ampersand first, so an escape is never escaped twice."""
    assert escape("<!here> & <@U1> 'quoted'") == "&lt;!here&gt; &amp; &lt;@U1&gt; 'quoted'"
