"""Discord's "Full brief": the whole brief across a few messages, each within every Discord limit.

The body comes read once from ``bot.view``; every line is made inert, as in
the answer. A line longer than a page is split, never dropped. Past
``FULL_BRIEF_MESSAGES`` the last message says where the whole brief is.
"""

from __future__ import annotations

from collections.abc import Iterable

import discord

from adapters.discord.markdown import clip_inert, inert, line_start_inert
from adapters.discord.messages import DiscordReply
from adapters.discord.render import (
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    source_link,
    title_text,
)
from bot import wording
from bot.answers import Answer
from bot.body import BodyLine, LineKind
from bot.view import view_of

__all__ = ["FULL_BRIEF_MESSAGES", "PAGE_TEXT_LIMIT", "render_full_brief"]

FULL_BRIEF_MESSAGES = 5
"""A full brief is sent in at most this many messages, some 18,000 characters: more than anyone reads in a chat,
and each message is one more post against Discord's rate limit (a 500 KB brief took 140). Past it the last
message says where the whole brief is."""
PAGE_TEXT_LIMIT = EMBED_TOTAL_LIMIT - TITLE_LIMIT - FOOTER_LIMIT
"""One embed's text on a full-brief page: with the longest title and footer it still fits one message."""


def render_full_brief(answer: Answer) -> list[DiscordReply]:
    """The whole brief of an answer, each message within every limit, in at most ``FULL_BRIEF_MESSAGES``.

    When the brief needs more, the last message says where to read all of it.
    """
    assert answer.brief is not None
    assert answer.freshness is not None
    brief = answer.brief
    title = title_text(brief.title)
    lines: list[str] = []
    if len(title) > TITLE_LIMIT:  # the embed title is cut: the page carries it whole
        lines += [f"**{title}**", ""]
    warning = wording.stale_warning(answer)
    if warning:
        lines += [inert(warning), ""]
    lines += [f"**{wording.BOTTOM_LINE}** {inert(brief.summary)}", ""]
    lines += [_body_line(line) for line in view_of(brief).lines]
    if brief.sources:
        lines += ["", f"**{wording.SOURCES}**"] + [f"- {source_link(source)}" for source in brief.sources]
    embeds = [discord.Embed(description=text) for text in _pages(lines, PAGE_TEXT_LIMIT)]
    embeds[0].title = clip_inert(title, TITLE_LIMIT)
    # Any message may turn out the last, under the cap: each leaves room for the provenance footer.
    footer = wording.clip(wording.freshness_line(answer.freshness, answer.asked_at), FOOTER_LIMIT)
    batches: list[list[discord.Embed]] = [[]]
    for embed in embeds:
        batch = batches[-1]
        full = sum(map(len, batch)) + len(embed) + len(footer) > EMBED_TOTAL_LIMIT
        if batch and (len(batch) == EMBEDS_PER_MESSAGE or full):
            batches.append(batch := [])
        batch.append(embed)
    rest = ""
    if len(batches) > FULL_BRIEF_MESSAGES:
        batches = batches[:FULL_BRIEF_MESSAGES]
        rest = wording.FULL_BRIEF_REST.format(platform="Discord", brief_id=brief.id)
    batches[-1][-1].set_footer(text=footer)
    replies = [DiscordReply(embeds=tuple(batch)) for batch in batches]
    replies[-1] = DiscordReply(content=rest, embeds=replies[-1].embeds)
    return replies


def _body_line(line: BodyLine) -> str:
    """One line of a brief's body as Discord shows it: headings in bold, bullets as bullets, all inert."""
    if line.kind is LineKind.HEADING:
        return f"**{inert(line.text)}**" if line.text else ""
    if line.kind is LineKind.BULLET:
        return f"- {inert(line.text)}"
    return inert(line.text)


def _pages(lines: Iterable[str], limit: int) -> list[str]:
    """Lines packed into texts of at most ``limit`` characters; a longer line is split, never dropped."""
    pages: list[str] = []
    page = ""
    for line in lines:
        # A piece split off a line starts a line of its own, so it is escaped as one (one character more).
        pieces = _split_long(line, limit - 1)
        for piece in pieces[:1] + [line_start_inert(piece) for piece in pieces[1:]]:
            if page and len(page) + 1 + len(piece) > limit:
                pages.append(page)
                page = piece
            else:
                page = f"{page}\n{piece}" if page else piece
    pages.append(page)
    # Discord trims each description and refuses an empty one, so blank pages are dropped.
    return [page.strip() for page in pages if page.strip()]


def _split_long(line: str, limit: int) -> list[str]:
    """The line in pieces of at most ``limit``, cut at a space where one is near, never inside an escape."""
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        if cut < limit * 0.6:
            cut = limit
            while cut > 1 and (cut - len(line[:cut].rstrip("\\"))) % 2:
                cut -= 1
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    pieces.append(line)
    return pieces
