"""The "Full brief" button's messages: the whole brief, split to fit Slack, and where to read what does not fit.

The body's headings, bullets and text come from the brief view
(``bot.view``), read once for every platform. A bottom line, paragraph or
heading longer than a section is split between sections at a space, never cut; sections are packed into messages within
Slack's block and text limits. A response URL takes five posts, so a brief
needing more than ``FULL_BRIEF_MESSAGES`` messages ends with a line saying
where the whole brief can be read instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from adapters.slack.blocks import (
    HEADER_LIMIT,
    MAX_BLOCKS,
    SECTION_LIMIT,
    SlackMessage,
    escape,
    link,
    mrkdwn_section,
    notification,
    plain_text,
    section,
)
from bot import wording
from bot.answers import Answer
from bot.body import BodyLine, LineKind
from bot.briefs import Source
from bot.view import view_of

__all__ = ["FULL_BRIEF_MESSAGES", "MESSAGE_TEXT_BUDGET", "full_brief_messages"]

FULL_BRIEF_MESSAGES = 4
"""A full brief is sent in at most this many messages (a response URL takes five posts)."""

MESSAGE_TEXT_BUDGET = 10_000
"""Characters of block text one message carries at most. Slack refuses a message whose texts add up to about
12,000 characters (``msg_blocks_too_long``, bolt-js issues 2509 and 2867), far below 50 sections of 3,000."""


def full_brief_messages(answer: Answer) -> list[SlackMessage]:
    """The answer's whole brief, body and all, split to fit Slack; past ``FULL_BRIEF_MESSAGES`` messages, where the
    rest is."""
    brief, freshness = answer.brief, answer.freshness
    assert brief is not None
    assert freshness is not None
    heading = f"{brief.title} (v{freshness.version})"
    texts = []
    if len(escape(heading)) > HEADER_LIMIT:  # the header cuts the title: it is given whole below it
        texts += _bold_pieces(escape(brief.title.strip()))
    warning = wording.stale_warning(answer)
    if warning:  # as on Discord, and above the bottom line: the reader learns it before relying on it
        texts += _split(f"*{escape(warning)}*", SECTION_LIMIT)
    texts += _split(f"*{wording.BOTTOM_LINE}* {escape(brief.summary)}", SECTION_LIMIT)
    texts += _chunks(_body_lines(view_of(brief).lines), SECTION_LIMIT)
    texts += _chunks(_source_lines(brief.sources), SECTION_LIMIT)
    header = {"type": "header", "text": plain_text(heading, HEADER_LIMIT)}
    pages = _pages([header, *(mrkdwn_section(text) for text in texts)])
    if len(pages) > FULL_BRIEF_MESSAGES:
        pages = pages[:FULL_BRIEF_MESSAGES]
        note = section(wording.FULL_BRIEF_REST.format(platform="Slack", brief_id=brief.id))
        last = pages[-1]
        while len(last) >= MAX_BLOCKS or _text_size([*last, note]) > MESSAGE_TEXT_BUDGET:
            last.pop()
        last.append(note)
    return [SlackMessage(notification(brief.title), tuple(page)) for page in pages]


def _body_lines(lines: Sequence[BodyLine]) -> list[str]:
    """The body's lines as Slack lines of at most a section each: headings in bold, bullets as bullets, text as
    written, blank lines kept between them (not before the first or after the last)."""
    shown = list(lines)
    while shown and shown[0].kind is LineKind.BLANK:
        shown.pop(0)
    while shown and shown[-1].kind is LineKind.BLANK:
        shown.pop()
    texts: list[str] = []
    for line in shown:
        if line.kind is LineKind.HEADING and line.text.strip():
            texts += _bold_pieces(escape(line.text.strip()))
        elif line.kind is LineKind.BULLET:
            texts += _split(f"\u2022 {escape(line.text)}")
        elif line.kind is LineKind.TEXT:
            texts += _split(escape(line.text))
        else:  # a blank line, or a heading without words
            texts.append("")
    return texts


def _source_lines(sources: Iterable[Source]) -> list[str]:
    """Each source as a link; one too long for a section (a link cannot be split) as its title and URL in text."""
    lines = []
    for source in sources:
        linked = link(source)
        lines += [linked] if len(linked) <= SECTION_LIMIT else _split(escape(f"{source.title} {source.url}"))
    return lines


def _chunks(lines: Sequence[str], limit: int) -> list[str]:
    """Lines packed into as few texts of at most ``limit`` characters as they fit; an overlong line is split."""
    chunks: list[str] = []
    current = ""
    for piece in (piece for line in lines for piece in _split(line or " ", limit)):
        if current and len(current) + 1 + len(piece) > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n{piece}" if current else piece
    chunks.append(current)
    return [chunk for chunk in chunks if chunk.strip()]


def _split(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Escaped text in pieces of at most ``limit`` characters, broken at a space where one is near (a word longer
    than that is broken inside it), never inside an escape such as ``&amp;``; nothing is left out."""
    pieces = []
    while len(text) > limit:
        cut = text.rfind(" ", limit * 3 // 5, limit + 1)
        if cut == -1:
            cut = limit
        amp = text.rfind("&", max(0, cut - 4), cut)
        if amp > 0 and ";" not in text[amp:cut]:
            cut = amp
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [piece for piece in (*pieces, text) if piece.strip()] or [text]


def _bold_pieces(text: str) -> list[str]:
    """Escaped text in bold, in pieces of at most a section each, so each piece keeps its own bold markers."""
    return [f"*{piece}*" for piece in _split(text, SECTION_LIMIT - 2)]


def _pages(blocks: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Blocks in messages of at most ``MAX_BLOCKS`` blocks and ``MESSAGE_TEXT_BUDGET`` characters of text."""
    pages: list[list[dict[str, Any]]] = [[]]
    for block in blocks:
        page = pages[-1]
        if page and (len(page) >= MAX_BLOCKS or _text_size([*page, block]) > MESSAGE_TEXT_BUDGET):
            pages.append(page := [])
        page.append(block)
    return pages


def _text_size(blocks: Sequence[dict[str, Any]]) -> int:
    return sum(len(block["text"]["text"]) for block in blocks if "text" in block)
