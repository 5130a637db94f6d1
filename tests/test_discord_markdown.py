"""Briefs on Discord: Markdown from a brief or a question shows as typed, and a huge brief is sent in a few messages.

Everything goes through discord.py's own dispatch and HTTP client to the
loopback stand-in, as in ``test_discord``; the checks read what was put on
the wire.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace

import discord
import pytest
from conftest import REPORTER
from fake_discord import CHANNEL_ID, EDITOR_ROLE_ID, EDITOR_USER, Call, FakeDiscord
from test_discord import KREMLIN, KREMLIN_TITLE, Bot, custom_ids, is_ephemeral, running, stand_in

from adapters.discord.bot import DiscordSettings, DiscordSurface, build_client
from adapters.discord.full_brief import FULL_BRIEF_MESSAGES
from adapters.discord.render import CONTENT_LIMIT, DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT, EMBEDS_PER_MESSAGE
from adapters.serve import Announcer
from bot import wording
from bot.briefs import Source
from bot.newsroom import Newsroom

EVIL = "https://evil.example/login"
HOSTILE_INLINE = (
    f"[click]({EVIL}) [angle](<{EVIL}>) <{EVIL}> {EVIL} ||spoiler|| <t:0:R> <#{CHANNEL_ID}> "
    f"<@&{EDITOR_ROLE_ID}> <@{EDITOR_USER['id']}> <:blob:123456789012345678> <a:dance:123456789012345678> "
    "</brief:500000000000000001> <id:customize> **bold** __underline__ ~~struck~~ *it* `code` \\[esc](x)"
)
"""One line holding every inline construct Discord turns into something other than the text typed."""
HOSTILE_LINES = ["# Heading", "## Heading", "-# subtext", "> quote", ">>> quote", "1. list", "  # indented"]
"""Lines that Discord formats by what they start with."""
SAFE_SOURCE = Source(f"Briefing [x]({EVIL}) ||s|| <t:0:R>", "https://kremlin.example/briefing")

_ESCAPED = re.compile(r"\\[^0-9A-Za-z\s]")
"""Discord shows a backslashed punctuation mark as that mark, never as markup."""
_LINK_OR_URL = re.compile(r"\[[^\]]*\]\([^)]*\)|<[a-z]+:[^>]*>|[a-z]+://")
_LIVE_INLINE = re.compile(r"\|\||<[@#:/at]|<id:|\*\*bold|__underline|~~struck|\*it\*|`code`")
_LIVE_LINE_START = re.compile(r"^\s*(?:#|-#|>|\d+[.)])", re.MULTILINE)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """Discord's API on 127.0.0.1, with discord.py's every REST and interaction URL pointed at it."""
    async with stand_in(monkeypatch) as started:
        yield started


@pytest.fixture
async def bot(fake: FakeDiscord, newsroom: Newsroom, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Bot]:
    """The bot logged in to the stand-in; afterwards, no error anywhere and no request that could ping."""
    client = build_client(newsroom, DiscordSettings(token="fake-token", editor_role=EDITOR_ROLE_ID))
    async with running(client, fake, newsroom, caplog) as harness:
        yield harness


def formatted_texts(call: Call) -> Iterator[str]:
    """The texts Discord reads as Markdown in a message: content, embed titles, descriptions, field names and values.

    Footers and button labels are shown as plain text, so what they hold cannot format.
    """
    yield call.data.get("content") or ""
    for embed in call.data.get("embeds") or []:
        yield embed.get("title", "")
        yield embed.get("description", "")
        for embed_field in embed.get("fields", []):
            yield embed_field["name"]
            yield embed_field["value"]


def live_markup(text: str, allowed_links: set[str]) -> list[str]:
    """The markup Discord would act on in ``text``: links other than ``allowed_links``, spoilers, mentions,
    timestamps, emoji, emphasis or code from the brief, and headings, subtext, quotes or numbered lists."""
    live = _ESCAPED.sub("\u00b7", text)  # an escaped mark is shown as typed: it cannot open or close markup
    for link in allowed_links:
        live = live.replace(link, "")
    found = _LINK_OR_URL.findall(live) + _LIVE_INLINE.findall(live) + _LIVE_LINE_START.findall(live)
    return [piece.strip() for piece in found]


def source_link(source: Source) -> str:
    """A source as the renderer builds it, with its title escaped: the one kind of link a brief may bring."""
    return f"({source.url})"


async def test_markdown_in_a_brief_or_a_question_is_shown_as_typed_in_every_reply(bot: Bot, newsroom: Newsroom) -> None:
    """A brief or question full of masked links, spoilers, timestamps, mentions and headings formats nothing."""
    kremlin = newsroom.show(KREMLIN, REPORTER).brief
    hostile = "\n".join([HOSTILE_INLINE, *HOSTILE_LINES])
    newsroom.push(
        replace(
            kremlin,
            title=f"Kremlin {HOSTILE_INLINE}",
            summary=f"{HOSTILE_INLINE}\n" + "\n".join(HOSTILE_LINES),
            body="\n".join(
                [
                    "## Key points",
                    *(f"- {line}" for line in [HOSTILE_INLINE, *HOSTILE_LINES]),
                    "",
                    f"## {hostile}",
                    hostile,
                ]
            ),
            desk=HOSTILE_INLINE,
            sources=(SAFE_SOURCE,),
        ),
        editor="ed",
        channel="test",
    )

    await bot.mention("latest Kremlin stance on a Trump meeting")
    await bot.command("latest Kremlin stance on a Trump meeting")
    await bot.click(f"brief:share:{KREMLIN}")
    await bot.click(f"brief:full:{KREMLIN}")
    await bot.command(f"follow {KREMLIN}")
    await bot.command(f"history {KREMLIN}")
    await bot.command(f"zebra {HOSTILE_INLINE}")
    await bot.mention("zebra\n" + "\n".join(HOSTILE_LINES))

    sent = bot.fake.sent()
    assert len(sent) >= 8
    allowed = {source_link(SAFE_SOURCE)}
    for call in sent:
        for text in formatted_texts(call):
            assert live_markup(text, allowed) == [], text
    everything = "\n".join(text for call in sent for text in formatted_texts(call))
    assert "Briefing" in everything  # the source link is still built, with its title shown as typed
    assert f"]({SAFE_SOURCE.url})" in everything


async def test_an_update_to_a_following_channel_shows_a_hostile_title_as_typed(
    fake: FakeDiscord, newsroom: Newsroom, caplog: pytest.LogCaptureFixture
) -> None:
    """The one-line update a following channel gets quotes the brief's title and key points, formatting nothing."""
    surface = DiscordSurface(newsroom, DiscordSettings(token="fake-token"))
    async with running(surface.client, fake, newsroom, caplog):
        announcing = Announcer(newsroom, [surface])
        newsroom.subscribe(announcing)
        task = asyncio.create_task(announcing.run())
        try:
            newsroom.follow(KREMLIN, f"discord:{CHANNEL_ID}", REPORTER)
            kremlin = newsroom.show(KREMLIN, REPORTER).brief
            hostile = replace(kremlin, title=f"Kremlin {HOSTILE_INLINE}", body=f"## Key points\n- {HOSTILE_INLINE}")
            newsroom.push(hostile, editor="ed", channel="test")
            await asyncio.sleep(0)  # the announcer queues from call_soon_threadsafe: let those callbacks run
            await announcing.drain()
        finally:
            task.cancel()

    (update,) = fake.sent()
    assert update.data["content"].startswith("Updated: Kremlin ")
    assert live_markup(update.data["content"], set()) == []


# a huge brief


async def test_full_brief_on_a_huge_brief_sends_a_few_messages_and_says_where_the_rest_is(
    bot: Bot, newsroom: Newsroom
) -> None:
    """Full brief on a 500 KB brief sends at most the capped number of messages, the last saying where the rest is."""
    kremlin = newsroom.show(KREMLIN, REPORTER).brief
    paragraphs = [f"Paragraph {n}: " + "the Kremlin said more " * 40 + f"(end {n})" for n in range(560)]
    huge = replace(kremlin, body="\n\n".join(paragraphs))
    assert len(huge.body) > 500_000
    newsroom.push(huge, editor="Anna Kowalski", channel="test")

    response = await bot.command("latest Kremlin stance on a Trump meeting")
    assert f"brief:full:{KREMLIN}" in custom_ids(response)
    pages = await bot.click(f"brief:full:{KREMLIN}")

    assert 1 < len(pages) <= FULL_BRIEF_MESSAGES
    assert all(page.status == 200 and is_ephemeral(page) for page in pages)
    for page in pages:
        embeds = page.data["embeds"]
        assert 1 <= len(embeds) <= EMBEDS_PER_MESSAGE
        assert sum(len(discord.Embed.from_dict(embed)) for embed in embeds) <= EMBED_TOTAL_LIMIT
        assert all(len(embed["description"]) <= DESCRIPTION_LIMIT for embed in embeds)
        assert len(page.data.get("content") or "") <= CONTENT_LIMIT
    text = "".join(embed["description"] for page in pages for embed in page.data["embeds"])
    assert "(end 0)" in text  # the brief from its start, in order
    assert text.index("(end 0)") < text.index("(end 1)")
    assert pages[0].data["embeds"][0]["title"] == KREMLIN_TITLE
    assert pages[-1].data["content"] == wording.FULL_BRIEF_REST.format(platform="Discord", brief_id=KREMLIN)
    assert all(not page.data.get("content") for page in pages[:-1])
    assert pages[-1].data["embeds"][-1]["footer"]["text"].startswith("v2 · updated")
