"""The Discord adapter, end to end through discord.py's own parsing, dispatch and HTTP client.

Gateway events go through ``ConnectionState.parse_*`` (or, for reconnects, a
real websocket) and everything the bot sends lands on a loopback stand-in of
Discord's API, where the tests read exactly what discord.py put on the wire.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import discord
import pytest
import yarl
from conftest import EDITOR, REPORTER
from fake_discord import (
    APP_ID,
    BOT_ID,
    BOT_USER,
    CHANNEL_ID,
    GUILD_ID,
    REPORTER_ID,
    REPORTER_USER,
    Call,
    FakeDiscord,
    autocomplete,
    button_click,
    guild_create,
    message_create,
    slash_command,
    user,
)

from adapters.discord.bot import (
    BriefbotClient,
    DiscordSettings,
    DiscordSurface,
    build_client,
)
from adapters.discord.messages import CUSTOM_ID_LIMIT
from adapters.discord.render import (
    BRIEF_GONE,
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FULL_BRIEF_LABEL,
    SHARE_LABEL,
)
from adapters.recent import RecentIds
from bot import wording
from bot.errors import StoreDamaged
from bot.newsroom import Newsroom

KREMLIN = "kremlin-open-to-putin-trump-meeting"
KREMLIN_TITLE = "Kremlin says it remains open to a Putin-Trump meeting"
DRAFT = "sudan-aid-access-talks"
EMBARGOED = "ultra-processed-food-dementia-study"
HIDDEN = {DRAFT, EMBARGOED}
HOSTILE = "@everyone @here <@123456789012345678> <@&123456789012345678> <#1>"
EPHEMERAL = 64
MESSAGES_PATH = f"/channels/{CHANNEL_ID}/messages"


@dataclass
class Bot:
    """A logged-in client wired to the stand-in, with the guild already received."""

    client: BriefbotClient
    fake: FakeDiscord
    newsroom: Newsroom
    errors: list[BaseException] = field(default_factory=list)
    logged_errors_expected: bool = False

    async def feed(self, event: str, payload: dict[str, Any]) -> None:
        """Feed one gateway event through discord.py's parser and wait until every handler it started is done."""
        getattr(self.client._connection, f"parse_{event}")(payload)
        await settle()

    async def mention(self, text: str, **options: Any) -> dict[str, Any]:
        """A reporter's message that mentions the bot, fed in; returns the payload."""
        payload = message_create(f"<@{BOT_ID}> {text}", mentions=(BOT_USER,), **options)
        await self.feed("message_create", payload)
        return payload

    async def command(self, question: str, **options: Any) -> Call:
        """``/brief question:<question>``, fed in; returns the one response it got."""
        before = len(self.fake.calls)
        await self.feed("interaction_create", slash_command(question, **options))
        (response,) = self.fake.calls[before:]
        return response

    async def click(self, custom_id: str, **options: Any) -> list[Call]:
        """A click on a button, fed in; returns the calls it caused."""
        before = len(self.fake.calls)
        await self.feed("interaction_create", button_click(custom_id, **options))
        return self.fake.calls[before:]


async def settle() -> None:
    """Wait for every event handler and command discord.py has scheduled, and for what they schedule in turn."""
    while pending := [
        task
        for task in asyncio.all_tasks()
        if not task.done() and task.get_name().startswith(("discord.py:", "CommandTree-invoker"))
    ]:
        await asyncio.wait(pending)


@asynccontextmanager
async def stand_in(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """Discord's API on 127.0.0.1, with discord.py's every REST and interaction URL pointed at it."""
    fake = await FakeDiscord().start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """Discord's API on 127.0.0.1, with discord.py's every REST and interaction URL pointed at it."""
    async with stand_in(monkeypatch) as started:
        yield started


@pytest.fixture
async def bot(fake: FakeDiscord, newsroom: Newsroom, caplog: pytest.LogCaptureFixture) -> AsyncIterator[Bot]:
    """The bot logged in to the stand-in; afterwards, no error anywhere and no request that could ping."""
    client = build_client(newsroom, DiscordSettings(token="fake-token"))
    async with running(client, fake, newsroom, caplog) as harness:
        yield harness


@asynccontextmanager
async def running(
    client: BriefbotClient, fake: FakeDiscord, newsroom: Newsroom, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Bot]:
    """``client`` logged in to the stand-in with the guild; afterwards, no error and no request that could ping."""
    harness = Bot(client, fake, newsroom)

    # discord.py only logs exceptions from commands and events; collect them so a test fails on them.
    @client.tree.error
    async def command_failed(interaction: discord.Interaction, error: discord.app_commands.AppCommandError) -> None:
        harness.errors.append(error)

    @client.event
    async def on_error(event: str, *args: object, **kwargs: object) -> None:
        harness.errors.append(sys.exc_info()[1] or RuntimeError(event))

    caplog.set_level(logging.ERROR)
    try:
        await client.login("fake-token")
        client._connection.parse_guild_create(guild_create())
        yield harness
    finally:
        await client.close()
    assert harness.errors == []
    if not harness.logged_errors_expected:
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    for call in fake.showing():
        assert call.data.get("allowed_mentions", {}).get("parse") == [], call
        assert not call.data["allowed_mentions"].get("replied_user", False), call


def replies(fake: FakeDiscord) -> list[Call]:
    """The messages the bot posted in channels (not interaction responses)."""
    return [call for call in fake.sent() if call.path == MESSAGES_PATH]


def custom_ids(call: Call) -> list[str]:
    return [button["custom_id"] for row in call.data.get("components", []) for button in row["components"]]


def labels(call: Call) -> list[str]:
    return [button["label"] for row in call.data.get("components", []) for button in row["components"]]


def shown_text(call: Call) -> str:
    """All the text a message shows: content, embeds, button labels and custom ids."""
    parts = [call.data.get("content") or ""]
    for embed in call.data.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts + labels(call) + custom_ids(call))


def is_ephemeral(call: Call) -> bool:
    return bool(call.data.get("flags", 0) & EPHEMERAL)


# mentions and DMs


async def test_a_mention_asking_for_the_kremlin_stance_gets_one_reply_with_its_brief(bot: Bot) -> None:
    """The issue's acceptance test: one reply to the asker's message, carrying the Kremlin brief, pinging nobody."""
    asked = await bot.mention("latest Kremlin stance on a Trump meeting")

    (reply,) = replies(bot.fake)
    (embed,) = reply.body["embeds"]
    assert embed["title"] == KREMLIN_TITLE
    assert embed["description"].startswith("The Kremlin says Vladimir Putin remains open to meeting Donald Trump")
    assert "Peskov said any summit would first need careful groundwork" in embed["description"]
    assert embed["footer"]["text"] == "v1 · updated a day ago by Anna Kowalski (pushed by briefbot samples), World desk"
    sources = next(f["value"] for f in embed["fields"] if f["name"] == "Sources")
    assert "[White House news](https://www.whitehouse.gov/news/)" in sources
    assert reply.body["message_reference"]["message_id"] == int(asked["id"])
    assert reply.body["message_reference"]["fail_if_not_exists"] is False
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert reply.body["nonce"] == asked["id"]
    assert reply.body["enforce_nonce"] is True


async def test_any_message_in_a_dm_is_a_question(bot: Bot) -> None:
    """In a DM no mention is needed: the message itself is the question, and the reply goes to that DM."""
    await bot.feed("message_create", message_create("latest Kremlin stance on a Trump meeting", in_guild=False))

    (reply,) = bot.fake.sent()
    assert reply.path.endswith("/messages")
    assert reply.path != MESSAGES_PATH
    assert reply.body["embeds"][0]["title"] == KREMLIN_TITLE


@pytest.mark.parametrize(
    "payload",
    [
        message_create("latest Kremlin stance on a Trump meeting"),
        message_create("@everyone latest Kremlin stance", mention_everyone=True),
        message_create(f"<@{REPORTER_ID}> what is the Kremlin line?", mentions=(REPORTER_USER,)),
    ],
    ids=["no mention", "everyone", "someone else"],
)
async def test_channel_messages_not_mentioning_the_bot_are_left_alone(bot: Bot, payload: dict[str, Any]) -> None:
    """In a channel the bot speaks only when mentioned itself; @everyone or another person's mention is not enough."""
    await bot.feed("message_create", payload)

    assert bot.fake.sent() == []


@pytest.mark.parametrize("text", ["", "help", "  HELP ", "?"])
async def test_a_bare_mention_or_help_gets_the_help(bot: Bot, text: str) -> None:
    """A mention with no question, or asking for help, gets the short help as a reply."""
    await bot.mention(text)

    (reply,) = replies(bot.fake)
    assert reply.body["content"] == wording.HELP
    assert reply.body["embeds"] == []


@pytest.mark.parametrize(
    "payload",
    [
        message_create(f"<@{BOT_ID}> latest Kremlin stance", author=BOT_USER, mentions=(BOT_USER,)),
        message_create(f"<@{BOT_ID}> latest Kremlin stance", author=user(42, "wire", bot=True), mentions=(BOT_USER,)),
        message_create(f"<@{BOT_ID}> latest Kremlin", author=user(43, "Hook"), mentions=(BOT_USER,), webhook_id=43),
        message_create("latest Kremlin stance", author=user(42, "otherbot", bot=True), in_guild=False),
        message_create(f"<@{BOT_ID}> pinned a message", mentions=(BOT_USER,), message_type=6),
    ],
    ids=["itself", "another bot", "a webhook", "a bot in a DM", "a system message"],
)  # fmt: skip
async def test_the_bot_ignores_itself_other_bots_webhooks_and_system_messages(
    bot: Bot, payload: dict[str, Any]
) -> None:
    """Messages from the bot, other bots and webhooks, and system notices, get no reply even when they mention it."""
    await bot.feed("message_create", payload)

    assert bot.fake.sent() == []


async def test_a_replayed_message_is_answered_once(bot: Bot) -> None:
    """The same MESSAGE_CREATE delivered twice (a gateway replay) gets one reply."""
    payload = message_create(f"<@{BOT_ID}> latest Kremlin stance on a Trump meeting", mentions=(BOT_USER,))
    await bot.feed("message_create", payload)
    await bot.feed("message_create", dict(payload))

    assert len(replies(bot.fake)) == 1


async def test_a_replayed_command_or_click_is_answered_once(bot: Bot) -> None:
    """The same INTERACTION_CREATE delivered twice gets one response (a second would be refused by Discord)."""
    command = slash_command("latest Kremlin stance on a Trump meeting")
    click = button_click(f"brief:show:{KREMLIN}")
    for payload in (command, dict(command), click, dict(click)):
        await bot.feed("interaction_create", payload)

    assert [call.path.split("/")[2] for call in bot.fake.sent()] == [command["id"], click["id"]]


async def test_a_rate_limited_reply_is_retried_once_and_posted_once(bot: Bot) -> None:
    """A 429 with Retry-After is waited out and retried by discord.py: two attempts, one message."""
    limited = {"message": "You are being rate limited.", "retry_after": 0.01, "global": False}
    bot.fake.refuse_next("POST", MESSAGES_PATH, 429, limited, {"Retry-After": "1", "Via": "1.1 google"})
    await bot.mention("latest Kremlin stance on a Trump meeting")

    attempts = [call for call in bot.fake.calls if call.path == MESSAGES_PATH]
    assert [call.status for call in attempts] == [429, 200]
    assert attempts[0].body == attempts[1].body
    assert len(replies(bot.fake)) == 1


async def test_a_hostile_question_is_echoed_without_any_way_to_ping(bot: Bot) -> None:
    """Mentions in a question come back escaped in the no-match reply, sent with no allowed mentions."""
    await bot.mention(f"brazil runoff {HOSTILE}")

    (reply,) = replies(bot.fake)
    assert reply.body["content"].startswith("We have no brief that fits")
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    for ping in ("@everyone", "@here", "<@123456789012345678>", "<@&123456789012345678>"):
        assert ping not in reply.body["content"]


async def test_a_runaway_asker_is_told_to_slow_down_and_others_are_answered(bot: Bot) -> None:
    """Past the per-person limit a mention gets the polite slow-down reply; another person is answered as usual."""
    bot.newsroom.limit_questions(2)
    for _ in range(3):
        await bot.mention("latest Kremlin stance on a Trump meeting")
    await bot.mention("latest Kremlin stance on a Trump meeting", author=user(REPORTER_ID + 1, "ben.o"))
    first, second, third, other = replies(bot.fake)
    assert first.body["embeds"][0]["title"] == second.body["embeds"][0]["title"] == KREMLIN_TITLE
    assert third.body["content"].startswith("You're asking faster than I can keep up with")
    assert other.body["embeds"][0]["title"] == KREMLIN_TITLE


async def test_a_core_error_is_explained_and_a_bug_gets_the_apology(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A core error's message reaches the asker; any other exception is logged with its traceback and apologised for."""
    damaged = StoreDamaged("briefs/x.json", "not JSON")

    def broken_store(question: str, asker: object) -> None:
        raise damaged

    def bug(question: str, asker: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(bot.newsroom, "ask", broken_store)
    await bot.mention("latest Kremlin stance")
    monkeypatch.setattr(bot.newsroom, "ask", bug)
    bot.logged_errors_expected = True
    await bot.mention("latest Kremlin stance")

    assert [call.body["content"] for call in replies(bot.fake)] == [str(damaged), wording.APOLOGY]
    (logged,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged.name == "briefbot.chat"
    assert logged.exc_info is not None
    assert logged.exc_info[0] is ZeroDivisionError


# the /brief command


async def test_brief_answers_only_the_asker_with_a_share_button(bot: Bot) -> None:
    """``/brief`` answers at once, ephemeral, with the brief's embed and Share and Full brief buttons."""
    response = await bot.command("latest Kremlin stance on a Trump meeting")

    assert response.path.endswith("/callback")
    assert response.body["type"] == 4
    assert is_ephemeral(response)
    assert response.data["embeds"][0]["title"] == KREMLIN_TITLE
    assert f"brief:share:{KREMLIN}" in custom_ids(response)
    assert f"brief:full:{KREMLIN}" in custom_ids(response)
    assert labels(response)[:2] == [SHARE_LABEL, FULL_BRIEF_LABEL]
    assert response.data["allowed_mentions"] == {"parse": []}


async def test_brief_works_in_a_dm_too(bot: Bot) -> None:
    """``/brief`` used in a DM with the bot answers the same way."""
    response = await bot.command("latest Kremlin stance on a Trump meeting", in_guild=False)

    assert is_ephemeral(response)
    assert response.data["embeds"][0]["title"] == KREMLIN_TITLE


async def test_an_ambiguous_question_offers_buttons_and_a_click_shows_that_brief(bot: Bot) -> None:
    """Choices come as buttons; clicking one shows only the asker that brief, ready to share."""
    response = await bot.command("fed rates")

    assert response.data["content"].startswith("More than one brief fits “fed rates”")
    ids = custom_ids(response)
    assert len(ids) >= 2
    assert all(custom.startswith("brief:show:") for custom in ids)

    (shown,) = await bot.click(ids[1])
    chosen = ids[1].removeprefix("brief:show:")
    assert is_ephemeral(shown)
    assert shown.data["embeds"][0]["title"] == bot.newsroom.show(chosen, REPORTER).brief.title
    assert f"brief:share:{chosen}" in custom_ids(shown)


async def test_no_match_suggests_the_nearest_briefs_and_logs_the_question(bot: Bot) -> None:
    """With no fitting brief the reply says so, suggests the nearest as buttons, and editors see the gap."""
    response = await bot.command("Brazil election runoff results")

    assert response.data["content"].startswith("We have no brief that fits “Brazil election runoff results”")
    assert wording.NO_MATCH_SUGGESTIONS in response.data["content"]
    assert custom_ids(response)
    assert all(custom.startswith("brief:show:") for custom in custom_ids(response))
    assert [gap.question for gap in bot.newsroom.gaps()] == ["Brazil election runoff results"]


@pytest.mark.parametrize("question", ["help", "   "])
async def test_brief_with_help_or_nothing_explains_itself(bot: Bot, question: str) -> None:
    """``/brief help`` and a blank question get the help, as on Slack, only for the asker."""
    response = await bot.command(question)

    assert response.data["content"] == wording.HELP
    assert is_ephemeral(response)


async def test_share_posts_the_answer_for_everyone_naming_who_shared_it_in_plain_text(bot: Bot) -> None:
    """Share posts the same brief visibly, with "Shared by" and the sharer's name, which cannot ping."""
    sharer = user(REPORTER_ID, "mara", global_name=f"Mara {HOSTILE}")
    (shared,) = await bot.click(f"brief:share:{KREMLIN}", who=sharer)

    assert shared.body["type"] == 4
    assert not is_ephemeral(shared)
    assert shared.data["content"].startswith("Shared by Mara")
    for ping in ("@everyone", "@here", "<@123456789012345678>", "<@&123456789012345678>"):
        assert ping not in shared.data["content"]
    assert shared.data["embeds"][0]["title"] == KREMLIN_TITLE
    assert SHARE_LABEL not in labels(shared)
    assert shared.data["allowed_mentions"] == {"parse": []}


async def test_full_brief_sends_the_whole_brief_across_ephemeral_messages_within_limits(
    bot: Bot, newsroom: Newsroom
) -> None:
    """A long brief's Full brief button sends all of it, page by page, each only for the clicker and within limits."""
    kremlin = newsroom.show(KREMLIN, REPORTER).brief
    paragraphs = [f"Paragraph {n}: " + "the Kremlin said more " * 40 + f"(end {n})" for n in range(15)]
    newsroom.push(replace(kremlin, body="\n\n".join(paragraphs)), editor="Anna Kowalski", channel="test")

    response = await bot.command("latest Kremlin stance on a Trump meeting")
    assert f"brief:full:{KREMLIN}" in custom_ids(response)
    pages = await bot.click(f"brief:full:{KREMLIN}")

    assert len(pages) > 1
    assert pages[0].path.endswith("/callback")
    assert all(page.path.startswith(f"/webhooks/{APP_ID}/") for page in pages[1:])
    assert all(page.status == 200 and is_ephemeral(page) for page in pages)
    for page in pages:
        embeds = page.data["embeds"]
        assert 1 <= len(embeds) <= EMBEDS_PER_MESSAGE
        assert sum(len(discord.Embed.from_dict(embed)) for embed in embeds) <= EMBED_TOTAL_LIMIT
        assert all(len(embed["description"]) <= DESCRIPTION_LIMIT for embed in embeds)
    text = "".join(embed["description"] for page in pages for embed in page.data["embeds"])
    assert all(f"(end {n})" in text for n in range(15))
    assert pages[0].data["embeds"][0]["title"] == KREMLIN_TITLE
    assert pages[-1].data["embeds"][-1]["footer"]["text"].startswith("v2 · updated")


@pytest.mark.parametrize("action", ["show", "share", "full"])
@pytest.mark.parametrize("brief_id", [DRAFT, EMBARGOED, "no-such-brief"])
async def test_a_button_naming_a_hidden_or_missing_brief_gets_a_polite_private_note(
    bot: Bot, action: str, brief_id: str
) -> None:
    """A click naming a draft, an embargoed or a deleted brief reveals nothing and posts nothing publicly."""
    (response,) = await bot.click(f"brief:{action}:{brief_id}")

    assert response.data["content"] == BRIEF_GONE
    assert response.data["embeds"] == []
    assert is_ephemeral(response)


async def test_answers_leave_no_view_behind_in_discord_py(bot: Bot) -> None:
    """Buttons are routed by custom id alone, so discord.py keeps no view per reply or response (none piles up)."""
    await bot.mention("latest Kremlin stance on a Trump meeting")
    await bot.command("fed rates")
    await bot.click(f"brief:show:{KREMLIN}")

    assert all(custom_ids(call) for call in bot.fake.sent())
    store = bot.client._connection._view_store
    assert (store._views, store._synced_message_views) == ({}, {})


async def test_a_button_that_is_not_ours_is_left_to_whoever_owns_it(bot: Bot) -> None:
    """Clicks on custom ids the bot did not make get no response from it."""
    assert await bot.click("poll:vote:3") == []


async def test_buttons_work_after_a_restart(fake: FakeDiscord, newsroom: Newsroom) -> None:
    """A brand-new client answers a click on a button an earlier process sent: the custom id is all it needs."""
    client = build_client(newsroom, DiscordSettings(token="fake-token"))
    await client.login("fake-token")
    try:
        client._connection.parse_interaction_create(button_click(f"brief:show:{KREMLIN}"))
        await settle()
    finally:
        await client.close()

    (shown,) = fake.sent()
    assert shown.data["embeds"][0]["title"] == KREMLIN_TITLE


# autocomplete


async def test_autocomplete_offers_matching_titles_the_asker_may_see(bot: Bot) -> None:
    """Typing offers brief titles holding every typed word, at most 25, names within 100 characters."""
    before = len(bot.fake.calls)
    await bot.feed("interaction_create", autocomplete("kremlin putin"))
    (response,) = bot.fake.calls[before:]

    assert response.body["type"] == 8
    choices = response.body["data"]["choices"]
    assert {choice["value"] for choice in choices} == {KREMLIN, "kremlin-trump-contacts-statement-june"}
    assert all("putin" in choice["name"].casefold() for choice in choices)


async def test_autocomplete_never_offers_drafts_or_embargoed_briefs(bot: Bot, newsroom: Newsroom) -> None:
    """With nothing typed, the offered briefs are the visible ones only, capped at 25 with short names."""
    for n in range(30):
        kremlin = newsroom.show(KREMLIN, REPORTER).brief
        newsroom.push(replace(kremlin, id=f"extra-{n}", title="Extra " * 40 + str(n)), editor="ed", channel="test")
    offered: list[dict[str, str]] = []
    for typed in ("", "sudan", "dementia", "aid"):
        before = len(bot.fake.calls)
        await bot.feed("interaction_create", autocomplete(typed))
        (response,) = bot.fake.calls[before:]
        offered += response.body["data"]["choices"]
        assert len(response.body["data"]["choices"]) <= 25

    assert offered
    assert HIDDEN.isdisjoint(choice["value"] for choice in offered)
    assert all(len(choice["name"]) <= 100 and len(choice["value"]) <= 100 for choice in offered)
    assert {v.brief.id for v in newsroom.briefs(EDITOR)} >= HIDDEN


async def test_a_brief_picked_from_autocomplete_is_answered_with_that_brief(bot: Bot) -> None:
    """Autocomplete sends the brief's id, and the command answers with exactly that brief."""
    response = await bot.command("kremlin-trump-contacts-statement-june")

    assert response.data["embeds"][0]["title"] == "Kremlin says no new Putin-Trump call is scheduled for now"


@pytest.mark.parametrize(
    "question",
    [DRAFT, EMBARGOED, "Sudan aid access talks", "ultra-processed food dementia study", "dementia", "aid"],
)
async def test_no_draft_or_embargoed_brief_reaches_anyone_on_discord(bot: Bot, question: str) -> None:
    """Neither by id nor by question does a hidden brief appear in an answer, choice, suggestion or button."""
    hidden_titles = [bot.newsroom.show(brief_id, EDITOR).brief.title for brief_id in sorted(HIDDEN)]
    await bot.command(question)
    await bot.mention(question)

    sent = bot.fake.sent()
    assert len(sent) == 2
    for call in sent:
        text = shown_text(call)
        assert all(title not in text for title in hidden_titles)
        assert all(custom.rsplit(":", 1)[1] not in HIDDEN for custom in custom_ids(call))


# hostile briefs


async def test_hostile_text_in_a_brief_cannot_ping_from_any_reply(bot: Bot, newsroom: Newsroom) -> None:
    """A brief full of @everyone, user, role and channel mentions goes out in every form with no mentions allowed."""
    kremlin = newsroom.show(KREMLIN, REPORTER).brief
    newsroom.push(
        replace(
            kremlin,
            title=f"Kremlin {HOSTILE}",
            summary=f"Bottom line {HOSTILE}.",
            body=f"## Key points\n- {HOSTILE}\n\n## More\n{HOSTILE}",
            editor=HOSTILE,
            desk=HOSTILE,
        ),
        editor="ed",
        channel="test",
    )

    await bot.mention("latest Kremlin stance on a Trump meeting")
    await bot.command("latest Kremlin stance on a Trump meeting")
    await bot.click(f"brief:share:{KREMLIN}")
    await bot.click(f"brief:full:{KREMLIN}")

    sent = bot.fake.showing()
    assert len(sent) == 4
    assert all("@everyone" in shown_text(call) for call in sent)  # shown, never acted on
    # The fixture checks allowed mentions on every request; content, the one place pings work, is escaped too.
    assert all("@everyone" not in (call.data.get("content") or "") for call in sent)


# the command's registration and settings


async def test_brief_is_registered_globally_once_at_login(bot: Bot) -> None:
    """Login registers ``/brief`` with its autocompleted question; a later READY (a reconnect) registers nothing."""
    (sync,) = [call for call in bot.fake.calls if call.method == "PUT"]
    assert sync.path == f"/applications/{APP_ID}/commands"
    (command,) = [command for command in sync.body if command["name"] == "brief"]
    (option,) = command["options"]
    assert (option["name"], option["required"], option["autocomplete"]) == ("question", True, True)

    bot.client.dispatch("ready")
    bot.client.dispatch("ready")
    await settle()
    assert len([call for call in bot.fake.calls if call.method == "PUT"]) == 1


async def test_a_guild_id_registers_brief_in_that_guild_at_once(fake: FakeDiscord, newsroom: Newsroom) -> None:
    """With DISCORD_GUILD_ID the command is registered in that guild (instant), not globally."""
    client = build_client(newsroom, DiscordSettings(token="fake-token", guild_id=GUILD_ID))
    await client.login("fake-token")
    try:
        client._connection.parse_interaction_create(slash_command("latest Kremlin stance", guild_command=True))
        await settle()
    finally:
        await client.close()

    (sync,) = [call for call in fake.calls if call.method == "PUT"]
    assert sync.path == f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert fake.sent()[0].data["embeds"][0]["title"] == KREMLIN_TITLE


def test_the_bot_asks_for_no_privileged_intent_and_allows_no_mentions(newsroom: Newsroom) -> None:
    """The client uses the default intents (no message content, members or presences) and pings nobody by default."""
    client = build_client(newsroom, DiscordSettings(token="fake-token"))

    assert client.intents == discord.Intents.default()
    assert not client.intents.message_content
    assert (client.intents.guild_messages, client.intents.dm_messages) == (True, True)
    assert client.allowed_mentions is not None
    assert client.allowed_mentions.to_dict() == {"parse": []}


def test_recent_ids_forget_the_oldest_first() -> None:
    """The answered-message memory is bounded: past its size the oldest id is forgotten, newer ones kept."""
    recent = RecentIds(2)

    assert [recent.first_time(n) for n in (1, 2, 2, 3)] == [True, True, False, True]
    assert recent.first_time(1) is True
    assert recent.first_time(3) is False


# the surface, over a real gateway connection


@pytest.fixture
def gateway(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> FakeDiscord:
    """The stand-in's websocket as discord.py's gateway."""
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url))
    return fake


async def test_the_surface_connects_survives_a_resume_and_stops(gateway: FakeDiscord, newsroom: Newsroom) -> None:
    """Over a real gateway: no privileged intent, one reply, a RESUME replaying the message gets none, a clean stop."""
    surface = DiscordSurface(newsroom, DiscordSettings(token="fake-token"))
    assert (surface.name, list(surface.routes())) == ("discord", [])
    asked = message_create(f"<@{BOT_ID}> latest Kremlin stance on a Trump meeting", mentions=(BOT_USER,))
    later = message_create(f"<@{BOT_ID}> help", mentions=(BOT_USER,))

    await surface.start()
    try:
        first = await asyncio.wait_for(gateway.connections.get(), 10)
        identify = await asyncio.wait_for(first.next_op(2), 10)
        await first.dispatch("READY", gateway.ready())
        await first.dispatch("GUILD_CREATE", guild_create())
        await first.dispatch("MESSAGE_CREATE", asked)
        await wait_for_replies(gateway, 1)

        await first.send(7)  # Discord asks the bot to reconnect and resume
        second = await asyncio.wait_for(gateway.connections.get(), 10)
        resume = await asyncio.wait_for(second.next_op(6), 10)
        second.sequence = first.sequence - 1  # replay the last event, as a resume may
        await second.dispatch("MESSAGE_CREATE", asked)
        await second.dispatch("RESUMED", {})
        await second.dispatch("MESSAGE_CREATE", later)
        await wait_for_replies(gateway, 2)
    finally:
        await surface.stop()

    assert identify["d"]["intents"] == discord.Intents.default().value
    assert not identify["d"]["intents"] & discord.Intents(message_content=True).value
    assert (resume["d"]["session_id"], resume["d"]["seq"]) == ("session-1", 3)
    assert [reply.body["message_reference"]["message_id"] for reply in replies(gateway)] == [
        int(asked["id"]),
        int(later["id"]),
    ]
    assert surface.client.is_closed()


async def wait_for_replies(fake: FakeDiscord, count: int) -> None:
    """Wait (up to a generous bound, never asserted on) until the bot has posted ``count`` replies."""
    async with asyncio.timeout(10):
        while len(replies(fake)) < count:
            await asyncio.sleep(0.01)
        await settle()


async def test_a_bad_token_fails_start_with_discords_error(fake: FakeDiscord, newsroom: Newsroom) -> None:
    """A token Discord refuses makes ``start`` fail at once, so ``serve`` stops with a clear error."""
    fake.refuse_next("GET", "/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    surface = DiscordSurface(newsroom, DiscordSettings(token="wrong"))

    with pytest.raises(discord.LoginFailure):
        await surface.start()
    await surface.stop()


# limits of what the command sends


async def test_a_huge_question_is_answered_within_every_limit(bot: Bot) -> None:
    """Even a question at Discord's own option limit, echoed back, keeps the reply under 2,000 characters."""
    await bot.mention("zebra " * 1000)
    (reply,) = replies(bot.fake)

    assert len(reply.body["content"]) <= CONTENT_LIMIT
    assert all(len(custom) <= CUSTOM_ID_LIMIT for custom in custom_ids(reply))
