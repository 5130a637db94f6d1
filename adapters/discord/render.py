"""Discord rendering: an ``Answer`` as the message Discord shows, within every Discord limit.

Pure functions, no network. Each returns a ``DiscordReply``: the message text,
its embeds and its buttons. Every sentence comes from ``bot.wording``; the few
labels only Discord needs (button captions, field names) are constants here.

The body comes read once from ``bot.view``: this module only escapes and fits.
Discord checks its limits server-side and rejects a whole message over any of
them (discord.py checks none), so every piece is cut here with
``bot.wording.clip``. "Full brief" is offered by the view's one rule (the body
holds more than the key points, or something was cut here) and sends the brief
across a few messages, saying where the rest is if more are needed.

Every text from a brief or a question goes through ``markdown.inert``:
Discord shows it as typed, with no masked link, spoiler, timestamp, mention,
emoji, heading, quote or emphasis of its own; the only links are the brief's
sources, built here. Footers and button labels are plain text to Discord.

Buttons carry static custom ids (``brief:show:<id>``, ``brief:share:<id>``,
``brief:full:<id>``) so a click is understood from its id alone, also after a
restart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import discord

from adapters.discord.markdown import clip_inert, inert, line_start_inert
from bot import wording
from bot.answers import Answer, Choice, Outcome
from bot.body import BodyLine, LineKind
from bot.briefs import ID_PATTERN, MAX_ID_LENGTH, Source
from bot.chat import Reply
from bot.view import BriefView, view_of

__all__ = [
    "BRIEF_GONE",
    "BUTTON_LABEL_LIMIT",
    "CONTENT_LIMIT",
    "CUSTOM_ID_LIMIT",
    "DESCRIPTION_LIMIT",
    "EMBEDS_PER_MESSAGE",
    "EMBED_TOTAL_LIMIT",
    "FIELDS_PER_EMBED",
    "FIELD_NAME_LIMIT",
    "FIELD_VALUE_LIMIT",
    "FOOTER_LIMIT",
    "FULL_BRIEF_LABEL",
    "FULL_BRIEF_MESSAGES",
    "KEY_POINTS",
    "SHARED_BY",
    "SHARE_LABEL",
    "SOURCES",
    "TITLE_LIMIT",
    "Action",
    "DiscordButton",
    "DiscordReply",
    "custom_id",
    "parse_custom_id",
    "render_answer",
    "render_full_brief",
    "render_notice",
    "render_reply",
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
CUSTOM_ID_LIMIT = 100
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_MESSAGE = 25

QUERY_ECHO_LIMIT = 200
"""A question quoted back to the asker is cut to this, so the sentence around it always fits."""
LISTED_TITLE_LIMIT = 200
"""A brief title in a list of choices or links is cut to this."""
FULL_BRIEF_MESSAGES = 5
"""A full brief is sent in at most this many messages, some 18,000 characters: more than anyone reads in a chat,
and each message is one more post against Discord's rate limit (a 500 KB brief took 140). Past it the last
message says where the whole brief is."""
PAGE_TEXT_LIMIT = EMBED_TOTAL_LIMIT - TITLE_LIMIT - FOOTER_LIMIT
"""One embed's text on a full-brief page: with the longest title and footer it still fits one message."""

# Labels only Discord shows; sentences stay in bot.wording.
SHARE_LABEL = wording.SHARE_LABEL
FULL_BRIEF_LABEL = wording.FULL_BRIEF_LABEL
KEY_POINTS = wording.KEY_POINTS
SOURCES = wording.SOURCES
BOTTOM_LINE = wording.BOTTOM_LINE
SHARED_BY = wording.SHARED_BY
BRIEF_GONE = wording.BRIEF_GONE

CUSTOM_ID_PREFIX = "brief"
_CUSTOM_ID = re.compile(rf"{CUSTOM_ID_PREFIX}:(?P<action>show|share|full):(?P<brief_id>.{{1,{MAX_ID_LENGTH}}})")
_NOT_IN_URL = str.maketrans({"(": "%28", ")": "%29", " ": "%20", "<": "%3C", ">": "%3E"})


class Action(StrEnum):
    """What a button does when clicked."""

    SHOW = "show"
    SHARE = "share"
    FULL = "full"


@dataclass(frozen=True)
class DiscordButton:
    """One button: its caption and the custom id its click carries."""

    custom_id: str
    label: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary


@dataclass(frozen=True)
class DiscordReply:
    """One Discord message: text, embeds and buttons, each within Discord's limits."""

    content: str = ""
    embeds: tuple[discord.Embed, ...] = ()
    buttons: tuple[DiscordButton, ...] = ()

    def view(self) -> discord.ui.View:
        """The buttons as a view to send with the message (empty when there are none)."""
        return _ButtonsOnly(self.buttons)


class _ButtonsOnly(discord.ui.View):
    """Carries buttons to Discord; clicks are handled by custom id, not by this view.

    discord.py keeps every unfinished view it sends in its view store: forever
    for a message (one entry per answer, growing without bound), or with a
    15-minute timeout for an ephemeral response. A view reporting itself
    finished is never stored, so nothing times out and nothing piles up; the
    bot's ``on_interaction`` answers clicks from their custom ids alone.
    """

    def __init__(self, buttons: Sequence[DiscordButton]) -> None:
        super().__init__(timeout=None)
        for button in buttons:
            self.add_item(discord.ui.Button(style=button.style, label=button.label, custom_id=button.custom_id))

    def is_finished(self) -> bool:
        return True


def custom_id(action: Action, brief_id: str) -> str:
    """The custom id of a button that does ``action`` on one brief."""
    return f"{CUSTOM_ID_PREFIX}:{action.value}:{brief_id}"


def parse_custom_id(value: str) -> tuple[Action, str] | None:
    """The action and brief id a clicked button carries, or None if it is not one of ours."""
    match = _CUSTOM_ID.fullmatch(value)
    if match is None or not ID_PATTERN.fullmatch(match["brief_id"]):
        return None
    return Action(match["action"]), match["brief_id"]


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


def render_full_brief(answer: Answer) -> list[DiscordReply]:
    """The whole brief of an answer, each message within every limit, in at most ``FULL_BRIEF_MESSAGES``.

    When the brief needs more, the last message says where to read all of it.
    """
    assert answer.brief is not None
    assert answer.freshness is not None
    brief = answer.brief
    title = _title(brief.title)
    lines: list[str] = []
    if len(title) > TITLE_LIMIT:  # the embed title is cut: the page carries it whole
        lines += [f"**{title}**", ""]
    warning = wording.stale_warning(answer)
    if warning:
        lines += [inert(warning), ""]
    lines += [f"**{BOTTOM_LINE}** {inert(brief.summary)}", ""]
    lines += [_body_line(line) for line in view_of(brief).lines]
    if brief.sources:
        lines += ["", f"**{SOURCES}**"] + [f"- {_source_link(source)}" for source in brief.sources]
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


def _answer_embed(answer: Answer, view: BriefView) -> tuple[discord.Embed, bool]:
    """The brief's embed, and whether anything of what it shows (title, bottom line, key points, sources) was cut."""
    assert answer.brief is not None
    assert answer.freshness is not None
    brief = answer.brief
    title = _title(brief.title)
    cut = len(title) > TITLE_LIMIT
    stale = answer.freshness.stale
    embed = discord.Embed(
        title=clip_inert(title, TITLE_LIMIT),
        colour=discord.Colour.orange() if stale else discord.Colour.blurple(),
    )
    footer = wording.freshness_line(answer.freshness, answer.asked_at)
    embed.set_footer(text=wording.clip(footer, FOOTER_LIMIT))
    if brief.sources:
        value, whole = _fill([f"- {_source_link(source)}" for source in brief.sources], FIELD_VALUE_LIMIT)
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


def _body_line(line: BodyLine) -> str:
    """One line of a brief's body as Discord shows it: headings in bold, bullets as bullets, all inert."""
    if line.kind is LineKind.HEADING:
        return f"**{inert(line.text)}**" if line.text else ""
    if line.kind is LineKind.BULLET:
        return f"- {inert(line.text)}"
    return inert(line.text)


def _title(title: str) -> str:
    """A brief's title for an embed title: one line, inert, not yet cut."""
    return inert(" ".join(title.split()))


def _source_link(source: Source) -> str:
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
