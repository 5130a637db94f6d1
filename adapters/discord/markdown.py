"""Discord Markdown: text from a brief or a question made inert, so Discord shows it exactly as typed.

Discord formats message content, embed titles, descriptions and field values:
``[text](url)`` becomes a disguised link, ``||text||`` a spoiler, ``<t:0:R>`` a
live timestamp, ``<#id>``, ``<@&id>`` and ``<:emoji:id>`` channels, roles and
emoji, ``# `` a heading and ``-# `` subtext. ``discord.utils.escape_markdown``
covers only part of that (no ``<...>`` markup, no subtext, headings of one to
three ``#`` only, and nothing inside what it takes for a masked link), so the
escaping is done here. Discord shows a backslashed punctuation mark as the
mark itself: escaped text reads the same and formats nothing.
"""

from __future__ import annotations

import re

import discord

from bot import wording

__all__ = ["clip_inert", "inert", "line_start_inert"]

_MARKUP = re.compile(r"[\\*_~|`<>\[\]]|:(?=//)")
"""Characters that open or close Discord markup anywhere in a line:

emphasis, underline, strikethrough, spoilers (``||``), code, ``<...>`` (mentions,
channels, roles, timestamps, custom emoji, command mentions, angle-bracket
links, and ``>`` quotes), brackets (masked links), the backslash itself, and
the colon of ``scheme://`` (a bare address would become a link; as in Slack,
where text is verbatim, only the brief's sources are links).
"""
_LINE_START = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<mark>[#+-])|(?P<number>\d+)(?=[.)]))", re.MULTILINE)
"""What Discord formats at the start of a line: headings, ``-#`` subtext, and lists."""


def inert(text: str) -> str:
    """Text Discord shows as typed: every character that could start markup is backslashed, and no mention can form.

    Allowed mentions are off on every send; ``escape_mentions`` is a second
    layer, so an ``@everyone`` in a brief or a name is shown, never acted on.
    """
    escaped = _MARKUP.sub(lambda mark: "\\" + mark[0], text)
    return discord.utils.escape_mentions(line_start_inert(escaped))


def line_start_inert(text: str) -> str:
    """Escaped text whose lines may now start a Discord line (a piece split off a long one): their starts escaped too.

    Adds at most one character a line.
    """
    return _LINE_START.sub(_escape_line_start, text)


def clip_inert(text: str, limit: int) -> str:
    """Escaped text cut to ``limit``, never between a backslash and the mark it escapes."""
    clipped = wording.clip(text, limit)
    if clipped != text:
        body = clipped.removesuffix(wording.ELLIPSIS)
        if (len(body) - len(body.rstrip("\\"))) % 2:
            clipped = body[:-1].rstrip() + wording.ELLIPSIS
    return clipped


def _escape_line_start(match: re.Match[str]) -> str:
    if match["mark"]:
        return f"{match['indent']}\\{match['mark']}"
    return f"{match['indent']}{match['number']}\\"  # "1\." is shown as "1." but starts no list
