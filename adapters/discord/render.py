"""Discord rendering: an ``Answer`` as the message Discord shows, within every Discord limit.

Pure functions, no network. Each returns a ``DiscordReply``: the message text,
its embeds and its buttons. Every sentence comes from ``bot.wording``; the few
labels only Discord needs (button captions, field names) are constants here.

The body comes read once from ``bot.view``: this module only escapes and fits.
Discord checks its limits server-side and rejects a whole message over any of
them (discord.py checks none), so every piece is cut here with
``bot.wording.clip``. "Full brief" is offered by the view's one rule (the body
holds more than the key points, or something was cut here);
``adapters.discord.full_brief`` sends it across a few messages.

Every text from a brief or a question goes through ``markdown.inert``:
Discord shows it as typed, with no masked link, spoiler, timestamp, mention,
emoji, heading, quote or emphasis of its own; the only links are the brief's
sources, built here. Footers and button labels are plain text to Discord.

The message, its buttons and their custom ids are ``adapters.discord.messages``.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import discord

from adapters.discord.markdown import clip_inert, inert
from adapters.discord.messages import (
    BUTTON_LABEL_LIMIT,
    BUTTONS_PER_MESSAGE,
    CUSTOM_ID_LIMIT,
    Action,
    DiscordButton,
    DiscordReply,
    custom_id,
)
from bot import wording
from bot.answers import Answer, Choice, Outcome
from bot.briefs import Source
from bot.chat import Reply
from bot.view import BriefView, view_of

__all__ = [
    "BRIEF_GONE",
    "CONTENT_LIMIT",
    "DESCRIPTION_LIMIT",
    "EMBEDS_PER_MESSAGE",
    "EMBED_TOTAL_LIMIT",
    "FIELDS_PER_EMBED",
    "FIELD_NAME_LIMIT",
    "FIELD_VALUE_LIMIT",
    "FOOTER_LIMIT",
    "FULL_BRIEF_LABEL",
    "KEY_POINTS",
    "SHARED_BY",
    "SHARE_LABEL",
    "SOURCES",
    "TITLE_LIMIT",
    "render_answer",
    "render_notice",
    "render_reply",
    "source_link",
    "title_text",
]

# Discord's limits (developer docs, "Embed Limits", "Message Components"); over any of them the whole
# message is refused with 400 Bad Request.
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
"""Across every embed of one message: titles, descriptions, field names and values, footers."""
EMBEDS_PER_MESSAGE = 10

QUERY_ECHO_LIMIT = 200
"""A question quoted back to the asker is cut to this, so the sentence around it always fits."""
LISTED_TITLE_LIMIT = 200
"""A brief title in a list of choices or links is cut to this."""

# Labels only Discord shows; sentences stay in bot.wording.
SHARE_LABEL = wording.SHARE_LABEL
FULL_BRIEF_LABEL = wording.FULL_BRIEF_LABEL
KEY_POINTS = wording.KEY_POINTS
SOURCES = wording.SOURCES
BOTTOM_LINE = wording.BOTTOM_LINE
SHARED_BY = wording.SHARED_BY
BRIEF_GONE = wording.BRIEF_GONE

_NOT_IN_URL = str.maketrans({"(": "%28", ")": "%29", " ": "%20", "<": "%3C", ">": "%3E"})


def render_reply(reply: Reply, *, shareable: bool = False) -> DiscordReply:
    """A chat turn's reply: the answer (with a share button when ``shareable``), or the help or notice as text."""
    if reply.answer is not None:
        return render_answer(reply.answer, shareable=shareable)
    return render_notice(reply.text)


def render_notice(text: str) -> DiscordReply:
    """A one-line message: a prompt, an error fit for a person, or the apology.

    Notices quote briefs (titles, key points, names), so the whole text is made
    inert; the wording's few backticks show as typed.
    """
    return DiscordReply(content=clip_inert(inert(text), CONTENT_LIMIT))


def render_answer(answer: Answer, *, shareable: bool = False, shared_by: str | None = None) -> DiscordReply:
    """An answer as Discord shows it: the brief's embed, the choices, or an honest no with suggestions.

    ``shareable`` adds a "Share in channel" button (for replies only the asker sees);
    ``shared_by`` names, as plain text, who posted the answer to the channel.
    """
    if answer.outcome is Outcome.NO_MATCH:
        lines = [wording.NO_MATCH.format(query=_echo(answer.query))]
        if answer.alternatives:
            lines += ["", wording.NO_MATCH_SUGGESTIONS, *_title_list(answer.alternatives)]
        return DiscordReply(content=_content(lines), buttons=_choice_buttons(answer.alternatives))
    if answer.outcome is Outcome.AMBIGUOUS:
        lines = [wording.AMBIGUOUS.format(query=_echo(answer.query)), "", *_title_list(answer.alternatives)]
        return DiscordReply(content=_content(lines), buttons=_choice_buttons(answer.alternatives))
    assert answer.brief is not None
    view = view_of(answer.brief)
    embed, cut = _answer_embed(answer, view)
    buttons: list[DiscordButton] = []
    if shareable:
        share = custom_id(Action.SHARE, answer.brief.id)
        buttons.append(DiscordButton(share, SHARE_LABEL, discord.ButtonStyle.primary))
    if view.offers_full_brief(cut):
        buttons.append(DiscordButton(custom_id(Action.FULL, answer.brief.id), FULL_BRIEF_LABEL))
    buttons += _choice_buttons(answer.alternatives)
    content = _content([SHARED_BY.format(name=_plain(shared_by, LISTED_TITLE_LIMIT))]) if shared_by else ""
    return DiscordReply(content=content, embeds=(embed,), buttons=tuple(buttons[:BUTTONS_PER_MESSAGE]))


def _answer_embed(answer: Answer, view: BriefView) -> tuple[discord.Embed, bool]:
    """The brief's embed, and whether anything of what it shows (title, bottom line, key points, sources) was cut."""
    assert answer.brief is not None
    assert answer.freshness is not None
    brief = answer.brief
    title = title_text(brief.title)
    cut = len(title) > TITLE_LIMIT
    stale = answer.freshness.stale
    embed = discord.Embed(
        title=clip_inert(title, TITLE_LIMIT),
        colour=discord.Colour.orange() if stale else discord.Colour.blurple(),
    )
    footer = wording.freshness_line(answer.freshness, answer.asked_at)
    embed.set_footer(text=wording.clip(footer, FOOTER_LIMIT))
    if brief.sources:
        value, whole = _fill([f"- {source_link(source)}" for source in brief.sources], FIELD_VALUE_LIMIT)
        embed.add_field(name=SOURCES, value=value, inline=False)
        cut |= not whole
    if answer.alternatives:
        value, _ = _fill(_title_list(answer.alternatives, numbered=False), FIELD_VALUE_LIMIT)
        embed.add_field(name=wording.ALTERNATIVES.rstrip(":"), value=value, inline=False)
    blocks = [inert(wording.stale_warning(answer) or ""), inert(brief.summary)]
    if view.key_points:
        blocks += [f"**{KEY_POINTS}**\n" + "\n".join(f"- {inert(point)}" for point in view.key_points)]
    # The description gets whatever room the rest of the embed leaves under the 6,000 total.
    room = min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(embed))
    embed.description, whole = _fill([block for block in blocks if block], room, separator="\n\n")
    return embed, cut or not whole


def _fill(blocks: Sequence[str], limit: int, *, separator: str = "\n") -> tuple[str, bool]:
    """Blocks joined while they fit in ``limit``; the first that does not is clipped. Also says if all fit."""
    text = ""
    for block in blocks:
        joined = f"{text}{separator}{block}" if text else block
        if len(joined) <= limit:
            text = joined
            continue
        room = limit - len(text) - (len(separator) if text else 0)
        # A sliver of a block reads as noise; below a few words, stop at the last whole block.
        if room >= 40 or not text:
            text = f"{text}{separator}{clip_inert(block, room)}" if text else clip_inert(block, room)
        return text, False
    return text, True


def title_text(title: str) -> str:
    """A brief's title for an embed title: one line, inert, not yet cut."""
    return inert(" ".join(title.split()))


def source_link(source: Source) -> str:
    """A source as a Markdown link; only the brief's own http(s) URLs become links."""
    title = _plain(source.title, LISTED_TITLE_LIMIT)
    parts = urlsplit(source.url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"[{title}]({source.url.translate(_NOT_IN_URL)})"
    return title


def _title_list(choices: Sequence[Choice], *, numbered: bool = True) -> list[str]:
    labels = wording.choice_labels(choices, LISTED_TITLE_LIMIT)
    return [(f"{n}. " if numbered else "- ") + inert(label) for n, label in enumerate(labels, start=1)]


def _choice_buttons(choices: Sequence[Choice]) -> tuple[DiscordButton, ...]:
    labels = wording.choice_labels(choices, min(wording.CHOICE_LABEL_LIMIT, BUTTON_LABEL_LIMIT))
    return tuple(
        DiscordButton(custom_id(Action.SHOW, choice.brief_id), label)
        for choice, label in zip(choices, labels, strict=True)
        if len(custom_id(Action.SHOW, choice.brief_id)) <= CUSTOM_ID_LIMIT
    )


def _echo(query: str) -> str:
    """A question quoted back: one line, cut short, and unable to format or ping."""
    return _plain(query, QUERY_ECHO_LIMIT)


def _plain(text: str, limit: int) -> str:
    """Text shown as typed on one line: cut to ``limit`` characters as typed, then made ``inert``."""
    return inert(wording.clip(" ".join(text.split()), limit))


def _content(lines: Sequence[str]) -> str:
    return wording.clip("\n".join(lines), CONTENT_LIMIT)
