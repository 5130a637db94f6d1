"""Editors on Discord: the edit modal, chat commands, and the updates following channels are sent.

Everything goes through discord.py's own parsing, dispatch and HTTP client, to
the loopback stand-in of Discord's API, as in ``test_discord``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import EDITOR, REPORTER, SAMPLE_BRIEFS, Clock
from fake_discord import (
    APP_ID,
    BOT_ID,
    BOT_USER,
    CHANNEL_ID,
    EDITOR_ROLE_ID,
    EDITOR_USER,
    Call,
    FakeDiscord,
    edit_autocomplete,
    edit_command,
    guild_create,
    message_create,
    modal_submit,
    slash_command,
)
from test_discord import (
    DRAFT,
    EMBARGOED,
    KREMLIN,
    KREMLIN_TITLE,
    MESSAGES_PATH,
    Bot,
    is_ephemeral,
    running,
    settle,
    stand_in,
)

from adapters.discord.bot import DiscordSettings, DiscordSurface, build_client
from adapters.discord.editing import (
    INPUT_LABEL_LIMIT,
    INPUT_VALUE_LIMIT,
    MODAL_TITLE_LIMIT,
    edit_custom_id,
    parse_edit_custom_id,
    too_long_to_edit,
)
from adapters.discord.markdown import inert
from adapters.serve import Announcer
from bot import wording
from bot.briefs import Brief, Source, Status, parse_brief
from bot.caps import MAX_SOURCES, MAX_SUMMARY_CHARS
from bot.editing import form_values
from bot.newsroom import Newsroom
from bot.store import TinyStore

EDITOR_ROLES = (EDITOR_ROLE_ID,)
FOLLOWS = f"discord:{CHANNEL_ID}"
GONE_CHANNEL = 700000000000000099
"""A channel id Discord no longer knows (deleted since it followed a brief)."""
KREMLIN_DESK = "World desk"
EDITORS_ONLY = inert(wording.EDITORS_ONLY)
"""The refusal as Discord is sent it: a notice is inert, so its backticks show as typed."""


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """Discord's API on 127.0.0.1, with discord.py's every REST and interaction URL pointed at it."""
    async with stand_in(monkeypatch) as started:
        yield started


@pytest.fixture
def surface(newsroom: Newsroom) -> DiscordSurface:
    """The Discord surface, with members holding ``EDITOR_ROLE_ID`` as editors; not yet logged in."""
    return DiscordSurface(newsroom, DiscordSettings(token="fake-token", editor_role=EDITOR_ROLE_ID))


@pytest.fixture
async def bot(
    surface: DiscordSurface, fake: FakeDiscord, newsroom: Newsroom, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Bot]:
    """The surface's client logged in to the stand-in; afterwards, no error anywhere and no request that could ping."""
    async with running(surface.client, fake, newsroom, caplog) as harness:
        yield harness


@pytest.fixture
async def announcer(surface: DiscordSurface, newsroom: Newsroom, bot: Bot) -> AsyncIterator[Announcer]:
    """Every new published version announced to following channels through the Discord surface, as served."""
    announcing = Announcer(newsroom, [surface])
    newsroom.subscribe(announcing)
    task = asyncio.create_task(announcing.run())
    yield announcing
    await announced(announcing)
    task.cancel()


async def announced(announcer: Announcer) -> None:
    """Wait until every update the newsroom has handed the announcer so far is posted (or given up on)."""
    await asyncio.sleep(0)  # the announcer queues from call_soon_threadsafe: let those callbacks run first
    await announcer.drain()


async def respond(bot: Bot, payload: dict[str, Any]) -> Call:
    """Feed one interaction and return the one response the bot made to it."""
    before = len(bot.fake.calls)
    await bot.feed("interaction_create", payload)
    (response,) = bot.fake.calls[before:]
    return response


async def open_form(bot: Bot, brief_id: str = KREMLIN) -> dict[str, Any]:
    """An editor's ``/brief-edit``: the modal Discord was asked to show."""
    response = await respond(bot, edit_command(brief_id, roles=EDITOR_ROLES))
    assert response.body["type"] == 9
    modal: dict[str, Any] = response.body["data"]
    return modal


def inputs(modal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The modal's text inputs by custom id."""
    return {label["component"]["custom_id"]: label["component"] for label in modal["components"]}


def prefilled(modal: dict[str, Any]) -> dict[str, str]:
    """What each input of the modal shows when it opens."""
    return {key: text_input.get("value", "") for key, text_input in inputs(modal).items()}


async def submit(bot: Bot, modal: dict[str, Any], *, roles: tuple[int, ...] = EDITOR_ROLES, **changes: str) -> Call:
    """Submit ``modal`` with its prefilled values, some changed; returns the response."""
    return await respond(bot, modal_submit(modal["custom_id"], prefilled(modal) | changes, roles=roles))


def attachment(call: Call) -> tuple[str, str]:
    """The one file a response attached: its name and text."""
    (attached,) = call.files
    name, content = attached
    return name, content.decode()


# the edit modal


async def test_an_editor_gets_a_modal_prefilled_from_the_latest_version_within_discords_limits(bot: Bot) -> None:
    """``/brief-edit`` opens five labelled inputs holding the latest version, its id and version in the custom id."""
    brief = bot.newsroom.show(KREMLIN, REPORTER).brief
    bot.newsroom.push(replace(brief, summary="The latest bottom line."), editor="Ben Okafor", channel="api")

    modal = await open_form(bot)

    assert modal["custom_id"] == f"brief:edit:{KREMLIN}:2"
    assert len(modal["title"]) <= MODAL_TITLE_LIMIT
    assert modal["title"].startswith("Edit: Kremlin says")
    assert len(modal["components"]) == 5
    assert all(label["type"] == 18 and len(label["label"]) <= INPUT_LABEL_LIMIT for label in modal["components"])
    assert all(len(label.get("description", "")) <= 100 for label in modal["components"])
    assert all(len(text_input.get("value", "")) <= INPUT_VALUE_LIMIT for text_input in inputs(modal).values())
    assert prefilled(modal) == {
        "title": brief.title,
        "summary": "The latest bottom line.",
        "key_points": "\n".join(brief.key_points),
        "status": "published",
        "sources": "\n".join(f"{source.title} | {source.url}" for source in brief.sources),
    }
    assert [inputs(modal)[key]["required"] for key in ("title", "summary", "status")] == [True, True, True]
    # Handled by custom id alone: discord.py keeps no modal object waiting for the submission.
    assert bot.client._connection._view_store._modals == {}


@pytest.mark.parametrize("action_rows", [False, True], ids=["labels", "action rows"])
async def test_submitting_the_modal_pushes_a_new_version_by_the_editor_via_discord(bot: Bot, action_rows: bool) -> None:
    """A submission stores v2 by the editor's display name via discord, based on v1, and confirms it only to them."""
    before = bot.newsroom.show(KREMLIN, REPORTER)
    modal = await open_form(bot)
    values = prefilled(modal) | {
        "summary": "The Kremlin rules out a meeting this year.",
        "key_points": "- The Kremlin now says no meeting this year.\n" + prefilled(modal)["key_points"],
    }

    response = await respond(bot, modal_submit(modal["custom_id"], values, roles=EDITOR_ROLES, action_rows=action_rows))

    assert response.data["content"] == wording.EDITED.format(brief_id=KREMLIN, version=2)
    assert is_ephemeral(response)
    assert response.files == ()
    latest = bot.newsroom.show(KREMLIN, REPORTER)
    assert (latest.number, latest.parent, latest.editor, latest.channel) == (2, 1, "Anna Kowalski", "discord")
    assert latest.brief.summary == "The Kremlin rules out a meeting this year."
    assert latest.brief.key_points == ("The Kremlin now says no meeting this year.", *before.brief.key_points)
    assert latest.brief.editor == "Anna Kowalski"
    unchanged = ("title", "sources", "review_by", "tags", "aliases", "desk", "status", "embargo_until")
    assert [getattr(latest.brief, name) for name in unchanged] == [getattr(before.brief, name) for name in unchanged]


async def test_a_modal_is_submitted_to_a_bot_that_never_sent_it(
    bot: Bot, fake: FakeDiscord, newsroom: Newsroom
) -> None:
    """After a restart the submission still pushes: the custom id carries the brief and the version it opened with."""
    modal = await open_form(bot)
    restarted = build_client(newsroom, DiscordSettings(token="fake-token", editor_role=EDITOR_ROLE_ID))
    await restarted.login("fake-token")
    try:
        restarted._connection.parse_guild_create(guild_create())
        restarted._connection.parse_interaction_create(
            modal_submit(
                modal["custom_id"], prefilled(modal) | {"title": "Kremlin keeps the door open"}, roles=EDITOR_ROLES
            )
        )
        await settle()
    finally:
        await restarted.close()

    assert fake.calls[-1].data["content"] == wording.EDITED.format(brief_id=KREMLIN, version=2)
    assert newsroom.show(KREMLIN, REPORTER).brief.title == "Kremlin keeps the door open"


def long_brief(base: Brief, *, heading: bool = True) -> Brief:
    """A brief as long as the Discord form holds, written as newsrooms write them: every field of the form near its
    limit, ``*`` bullets, a note under the key points, a multi-line point, quotes and more sections after them."""
    points = [
        f"Point {n}: the Kremlin said more about the talks, and {'our reporters checked it ' * 3}" for n in range(30)
    ]
    points[3] += "\n  which the ministry later repeated in writing"  # a point that runs onto a second line
    listed = "\n".join(f"* {point}" for point in points)
    key_points = f"## Key points\n{listed}\n\nAll figures are the ministry's own; we have not verified them."
    if not heading:  # the key points are then the body's first bullet list
        key_points = f"Background first.\n\n{listed}"
    body = f'{key_points}\n\n## Quotes\n> "Nothing is planned." (Peskov)\n\n## What we don\'t know\n- Where.'
    brief = replace(
        base,
        title="Kremlin says it remains open to a Putin-Trump meeting, and" + " more" * 20,
        summary=("The Kremlin says little. " * 37).strip() + "\n\nA second paragraph of the bottom line.",
        body=body,
        editor="Ben Okafor",
        sources=tuple(
            Source(
                f"Kremlin briefing {n} | transcript of the whole session, as released",
                f"https://kremlin.example/{n}/x?y=1" + "&page=1" * 12,
            )
            for n in range(MAX_SOURCES)
        ),
    )
    assert too_long_to_edit(brief) is None
    # Longer than Slack's 3,000-character inputs, within Discord's 4,000; the bottom line near its cap.
    assert all(3_000 < len(value) <= 4_000 for value in ("\n".join(brief.key_points), form_values(brief)["sources"]))
    assert len(brief.summary) > MAX_SUMMARY_CHARS - 100
    return brief


@pytest.mark.parametrize("heading", [True, False], ids=["key points section", "first bullet list"])
async def test_a_long_brief_submitted_unchanged_is_stored_unchanged(bot: Bot, heading: bool) -> None:
    """Opening the form on a brief near its limits and submitting it as prefilled stores the same brief, all of it."""
    pushed = long_brief(bot.newsroom.show(KREMLIN, REPORTER).brief, heading=heading)
    bot.newsroom.push(pushed, editor="Ben Okafor", channel="api")
    before = bot.newsroom.show(KREMLIN, REPORTER).brief

    response = await submit(bot, await open_form(bot))

    assert response.data["content"] == wording.EDITED.format(brief_id=KREMLIN, version=3)
    stored = bot.newsroom.show(KREMLIN, REPORTER)
    assert (stored.number, stored.editor, stored.channel) == (3, "Anna Kowalski", "discord")
    # A push is dated now and signed by whoever pushed it; everything else is the brief as it was.
    assert replace(stored.brief, updated=before.updated, editor=before.editor) == before, stored.brief.body


async def test_changing_the_bottom_line_of_a_long_brief_changes_nothing_else(bot: Bot) -> None:
    """An edit of one input leaves every other part of the brief as it was, the body's note and second lines too."""
    bot.newsroom.push(long_brief(bot.newsroom.show(KREMLIN, REPORTER).brief), editor="Ben Okafor", channel="api")
    before = bot.newsroom.show(KREMLIN, REPORTER).brief

    await submit(bot, await open_form(bot), summary="A new bottom line.")

    stored = bot.newsroom.show(KREMLIN, REPORTER).brief
    assert stored.summary == "A new bottom line."
    assert replace(stored, summary=before.summary, updated=before.updated, editor=before.editor) == before


async def test_a_conflict_names_who_changed_the_brief_and_when_and_hands_back_the_whole_edit(bot: Bot) -> None:
    """After a colleague's push since the modal opened, nothing is stored and the edit comes back whole as a file."""
    modal = await open_form(bot)
    colleague = replace(bot.newsroom.show(KREMLIN, REPORTER).brief, summary="A colleague's update.")
    bot.newsroom.push(colleague, editor="Ben Okafor", channel="api")
    points = "\n".join(f"Key point {n}: " + "the Kremlin said more " * 10 for n in range(20))
    assert len(points) > 2 * 2000  # more than a message can hold

    response = await submit(bot, modal, summary="My edit.", key_points=points)

    assert is_ephemeral(response)
    assert "the latest is v2 by Ben Okafor at 2026-11-25 12:00 UTC" in response.data["content"]
    assert "nothing was stored" in response.data["content"]
    assert len(response.data["content"]) <= 2000
    name, text = attachment(response)
    assert name == f"{KREMLIN}.md"
    kept = parse_brief(text, name)
    assert kept.based_on == 1
    assert kept.brief.summary == "My edit."
    assert kept.brief.key_points == tuple(line.strip() for line in points.splitlines())
    assert kept.brief.title == colleague.title
    latest = bot.newsroom.show(KREMLIN, REPORTER)
    assert (latest.number, latest.brief.summary) == (2, "A colleague's update.")


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"sources": "White House news | https://www.whitehouse.gov/news/\nJust a title"}, "Sources: line 2"),
        ({"sources": "Evil | javascript:alert(1)"}, "Sources: line 1"),
        ({"title": "   "}, "Title"),
        ({"summary": ""}, "Bottom line"),
        ({"status": "live"}, "Status"),
    ],
    ids=["source without a link", "script link", "no title", "no bottom line", "unknown status"],
)
async def test_a_bad_value_is_refused_naming_its_field_and_the_text_is_handed_back(
    bot: Bot, changes: dict[str, str], named: str
) -> None:
    """A value a brief file could not hold is named with its field, nothing is stored, and every input comes back."""
    modal = await open_form(bot)

    response = await submit(bot, modal, **changes)

    assert is_ephemeral(response)
    assert response.data["content"].startswith(f"Not pushed: {named}: expected")
    name, text = attachment(response)
    assert name == f"{KREMLIN}-edit.txt"
    for value in (prefilled(modal) | changes).values():
        assert value.strip() in text
    assert bot.newsroom.show(KREMLIN, REPORTER).number == 1


async def test_a_refusal_not_about_a_value_is_said_as_it_is_and_the_text_is_still_handed_back(bot: Bot) -> None:
    """A submission for a version the store does not hold names no form field, stores nothing, and keeps the text."""
    modal = await open_form(bot)
    values = prefilled(modal) | {"summary": "My edit."}

    response = await respond(bot, modal_submit(edit_custom_id(KREMLIN, 7), values, roles=EDITOR_ROLES))

    assert is_ephemeral(response)
    assert response.data["content"].startswith(f"no brief {KREMLIN!r} v7\n")
    name, text = attachment(response)
    assert name == f"{KREMLIN}-edit.txt"
    assert "Bottom line:\nMy edit.\n" in text
    assert bot.newsroom.show(KREMLIN, REPORTER).number == 1


async def test_a_brief_can_be_turned_draft_and_back_from_the_modal(bot: Bot) -> None:
    """The status input takes published, draft or embargoed in any case: a draft disappears for reporters."""
    modal = await open_form(bot)
    await submit(bot, modal, status=" Draft ")

    assert bot.newsroom.show(KREMLIN, EDITOR).brief.status is Status.DRAFT
    assert [v.brief.id for v in bot.newsroom.briefs(REPORTER) if v.brief.id == KREMLIN] == []
    await submit(bot, await open_form(bot), status="published")
    assert bot.newsroom.show(KREMLIN, REPORTER).number == 3


async def test_reporters_cannot_open_the_modal_or_forge_a_submission(bot: Bot) -> None:
    """Without the editors' role (another role, or in a DM) ``/brief-edit`` and a forged submission are refused."""
    other_role = 400000000000000002
    for payload in (
        edit_command(KREMLIN),
        edit_command(KREMLIN, roles=(other_role,)),
        edit_command(KREMLIN, in_guild=False),
        modal_submit(edit_custom_id(KREMLIN, 1), {"title": "Forged", "summary": "Forged."}),
        modal_submit(edit_custom_id(KREMLIN, 1), {"title": "Forged", "summary": "Forged."}, in_guild=False),
    ):
        response = await respond(bot, payload)
        assert response.data["content"] == EDITORS_ONLY
        assert is_ephemeral(response)

    assert bot.fake.modals() == []
    assert bot.newsroom.show(KREMLIN, REPORTER).number == 1


async def test_editing_an_unknown_brief_or_one_too_long_for_the_form_says_why_and_opens_nothing(bot: Bot) -> None:
    """An id nobody wrote gets the core's message; a field longer than an input holds is refused, not cut."""
    brief = bot.newsroom.show(KREMLIN, REPORTER).brief
    bot.newsroom.push(replace(brief, summary="Long. " * 800), editor="Ben Okafor", channel="api")

    unknown = await respond(bot, edit_command("no-such-brief", roles=EDITOR_ROLES))
    too_long = await respond(bot, edit_command(KREMLIN, roles=EDITOR_ROLES))

    assert unknown.data["content"] == "no brief 'no-such-brief'"
    length = len(bot.newsroom.show(KREMLIN, REPORTER).brief.summary)
    named = f"bottom line ({length:,} characters)"
    refusal = wording.TOO_LONG_TO_EDIT.format(
        brief_id=KREMLIN, platform="Discord", limit=INPUT_VALUE_LIMIT, fields=named
    )
    assert too_long.data["content"] == inert(refusal)
    assert all(is_ephemeral(call) for call in (unknown, too_long))
    assert bot.fake.modals() == []


async def test_an_editor_can_edit_a_draft(bot: Bot) -> None:
    """Drafts exist for editors: ``/brief-edit`` opens them, and the pushed version stays a draft."""
    modal = await open_form(bot, DRAFT)
    assert prefilled(modal)["status"] == "draft"

    response = await submit(bot, modal, summary="Talks resume on Monday.")

    assert response.data["content"] == wording.EDITED.format(brief_id=DRAFT, version=2)
    latest = bot.newsroom.show(DRAFT, EDITOR)
    assert (latest.brief.status, latest.brief.summary) == (Status.DRAFT, "Talks resume on Monday.")


async def test_a_replayed_edit_command_or_submission_is_answered_once(bot: Bot) -> None:
    """``/brief-edit`` or a submission delivered twice (a gateway replay) opens one modal and stores one version."""
    command = edit_command(KREMLIN, roles=EDITOR_ROLES)
    await bot.feed("interaction_create", command)
    await bot.feed("interaction_create", dict(command))
    (opened,) = bot.fake.modals()
    modal = opened.body["data"]
    payload = modal_submit(modal["custom_id"], prefilled(modal) | {"summary": "Once."}, roles=EDITOR_ROLES)
    await bot.feed("interaction_create", payload)
    await bot.feed("interaction_create", dict(payload))

    assert bot.newsroom.show(KREMLIN, REPORTER).number == 2
    assert [call.data.get("content") for call in bot.fake.sent()] == [
        wording.EDITED.format(brief_id=KREMLIN, version=2)
    ]


async def test_a_submission_that_is_not_ours_is_left_alone(bot: Bot) -> None:
    """Modals with other custom ids, or ours with a malformed id or version, get no response and change nothing."""
    before = len(bot.fake.calls)
    for custom_id in ("poll:answer", f"brief:edit:{KREMLIN}:0", f"brief:edit:{KREMLIN}:x", "brief:edit:Not_An_Id:1"):
        await bot.feed("interaction_create", modal_submit(custom_id, {"summary": "Hijack."}, roles=EDITOR_ROLES))

    assert bot.fake.calls[before:] == []
    assert bot.newsroom.show(KREMLIN, REPORTER).number == 1


def test_the_modal_custom_id_round_trips_within_discords_limit() -> None:
    """The longest brief id with a version in the tens of millions fits in 100 characters and reads back the same."""
    longest = "-".join(["abcdefghi"] * 8)
    assert len(longest) == 79

    custom_id = edit_custom_id(longest + "x", 99_999_999)

    assert len(custom_id) == 100
    assert parse_edit_custom_id(custom_id) == (longest + "x", 99_999_999)
    assert parse_edit_custom_id(edit_custom_id(KREMLIN, 7)) == (KREMLIN, 7)


async def test_edit_autocomplete_offers_editors_every_brief_and_reporters_nothing(bot: Bot) -> None:
    """Editors are offered drafts and embargoed briefs too, marked, by title or id words; reporters get no choices."""
    found: dict[str, list[dict[str, str]]] = {}
    for typed in ("sudan", "ultra-processed", "kremlin putin"):
        response = await respond(bot, edit_autocomplete(typed, roles=EDITOR_ROLES))
        assert response.body["type"] == 8
        found[typed] = response.body["data"]["choices"]
    reporter = await respond(bot, edit_autocomplete("kremlin", roles=()))

    assert [choice["value"] for choice in found["sudan"]] == [DRAFT]
    assert found["sudan"][0]["name"].endswith(" (draft)")
    assert [choice["value"] for choice in found["ultra-processed"]] == [EMBARGOED]
    assert found["ultra-processed"][0]["name"].endswith(" (embargoed)")
    assert KREMLIN in {choice["value"] for choice in found["kremlin putin"]}
    assert all(len(choice["name"]) <= 100 for choices in found.values() for choice in choices)
    assert reporter.body["data"]["choices"] == []


async def test_brief_edit_is_registered_beside_brief_for_servers_only(bot: Bot) -> None:
    """Login registers ``/brief-edit`` with a required, autocompleted ``id`` option, not offered in DMs."""
    (sync,) = [call for call in bot.fake.calls if call.method == "PUT"]
    assert sync.path == f"/applications/{APP_ID}/commands"
    assert {command["name"] for command in sync.body} == {"brief", "brief-edit"}
    (command,) = [command for command in sync.body if command["name"] == "brief-edit"]
    (option,) = command["options"]
    assert (option["name"], option["required"], option["autocomplete"], option["max_length"]) == ("id", True, True, 80)
    assert command["contexts"] == [0]  # guild only


# chat commands through /brief and mentions


async def say(bot: Bot, how: str, text: str, *, editor: bool = False) -> str:
    """``text`` sent as ``/brief`` or as a mention in the channel, by a reporter or an editor; returns the reply."""
    who = EDITOR_USER if editor else None
    roles = EDITOR_ROLES if editor else ()
    before = len(bot.fake.calls)
    if how == "command":
        options: dict[str, Any] = {"who": who} if who else {}
        await bot.feed("interaction_create", slash_command(text, roles=roles, **options))
    else:
        author: dict[str, Any] = {"author": who} if who else {}
        payload = message_create(f"<@{BOT_ID}> {text}", mentions=(BOT_USER,), roles=roles, **author)
        await bot.feed("message_create", payload)
    (reply,) = [call for call in bot.fake.calls[before:] if call.status == 200]
    content: str = reply.data["content"]
    return content


@pytest.mark.parametrize("how", ["command", "mention"])
async def test_follow_following_history_and_unfollow_work_per_channel(bot: Bot, how: str) -> None:
    """The chat commands work from ``/brief`` and from a mention, and follows are kept for ``discord:<channel id>``."""
    title = bot.newsroom.show(KREMLIN, REPORTER).brief.title

    assert await say(bot, how, f"follow {KREMLIN}") == wording.FOLLOWING.format(title=title, brief_id=KREMLIN)
    assert bot.newsroom.followers(KREMLIN) == [FOLLOWS]
    assert await say(bot, how, f"follow {KREMLIN}") == wording.ALREADY_FOLLOWING.format(title=title, brief_id=KREMLIN)
    assert await say(bot, how, "following") == f"{wording.FOLLOWS_LIST}\n\u2022 {KREMLIN}"
    history = await say(bot, how, f"history {KREMLIN}")
    assert history.startswith(wording.HISTORY.format(title=title, brief_id=KREMLIN))
    assert "v1 \u00b7 " in history
    assert "briefbot samples via samples: new brief" in history
    assert await say(bot, how, f"unfollow {KREMLIN}") == wording.UNFOLLOWED.format(brief_id=KREMLIN)
    assert await say(bot, how, f"unfollow {KREMLIN}") == wording.NOT_FOLLOWING.format(brief_id=KREMLIN)
    assert await say(bot, how, "following") == wording.FOLLOWS_NONE
    assert bot.newsroom.following(FOLLOWS) == []


@pytest.mark.parametrize("how", ["command", "mention"])
async def test_a_reporter_cannot_follow_a_draft(bot: Bot, how: str) -> None:
    """A reporter following a draft or an unknown id is refused (it does not exist for them), and nothing is kept."""
    for brief_id in (DRAFT, "no-such-brief"):
        reply = await say(bot, how, f"follow {brief_id}")
        assert reply == f"no brief {brief_id!r}"
    assert bot.newsroom.following(FOLLOWS) == []


@pytest.mark.parametrize("how", ["command", "mention"])
async def test_a_reporter_cannot_revert_but_a_member_with_the_editors_role_can(bot: Bot, how: str) -> None:
    """``revert ID VERSION`` is refused to a reporter; an editor's makes v3 equal to v1, by them, via discord."""
    first = bot.newsroom.show(KREMLIN, REPORTER).brief
    bot.newsroom.push(replace(first, summary="A mistaken edit."), editor="Ben Okafor", channel="api")

    assert await say(bot, how, f"revert {KREMLIN} 1") == EDITORS_ONLY
    assert bot.newsroom.show(KREMLIN, REPORTER).number == 2
    reply = await say(bot, how, f"revert {KREMLIN} v1", editor=True)

    assert reply == wording.REVERTED.format(brief_id=KREMLIN, number=1, version=3)
    latest = bot.newsroom.show(KREMLIN, REPORTER)
    assert (latest.number, latest.brief.summary, latest.editor, latest.channel) == (
        3,
        first.summary,
        "Anna Kowalski",
        "discord",
    )


# updates to following channels


def updates(fake: FakeDiscord, channel_id: int = CHANNEL_ID) -> list[Call]:
    """The messages posted to a channel that are not replies: the updates it was sent."""
    return [
        call
        for call in fake.sent()
        if call.path == f"/channels/{channel_id}/messages" and "message_reference" not in call.body
    ]


async def test_a_push_to_a_followed_brief_is_announced_once_and_a_draft_is_not(bot: Bot, announcer: Announcer) -> None:
    """After ``follow`` a push sends the channel one "Updated:" line that pings nobody; a draft sends nothing."""
    await say(bot, "command", f"follow {KREMLIN}")
    brief = bot.newsroom.show(KREMLIN, REPORTER).brief
    bot.newsroom.push(replace(brief, summary="New bottom line."), editor="Ben Okafor", channel="api")
    await announced(announcer)

    (update,) = updates(bot.fake)
    assert update.body["content"] == f"Updated: {KREMLIN_TITLE} (v2, {KREMLIN_DESK}) - bottom line changed"
    assert update.body["allowed_mentions"] == {"parse": []}

    bot.newsroom.push(replace(brief, summary="Draft only.", status=Status.DRAFT), editor="Ben", channel="api")
    await announced(announcer)
    assert len(updates(bot.fake)) == 1


async def test_an_edit_from_the_modal_is_announced_to_following_channels(bot: Bot, announcer: Announcer) -> None:
    """A version pushed from Discord's own modal reaches the following channel like any other, naming what changed."""
    await say(bot, "mention", f"follow {KREMLIN}")
    modal = await open_form(bot)
    await submit(bot, modal, summary="A new bottom line.", key_points="Only this point now.")
    await announced(announcer)

    (update,) = updates(bot.fake)
    content = update.body["content"]
    assert content.startswith(f"Updated: {KREMLIN_TITLE} (v2, {KREMLIN_DESK}) - bottom line")
    assert "key point added: “Only this point now.”" in content
    assert len(content) <= 2000


async def test_a_push_from_another_process_is_announced_once_after_a_refresh(
    fake: FakeDiscord, tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A push by a second newsroom on the same store reaches the channel when the serving one refreshes, once."""
    served = Newsroom(TinyStore(tmp_path / "store"), clock=clock, samples=SAMPLE_BRIEFS)
    other = Newsroom(TinyStore(tmp_path / "store"), clock=clock)
    surface = DiscordSurface(served, DiscordSettings(token="fake-token", editor_role=EDITOR_ROLE_ID))
    async with running(surface.client, fake, served, caplog) as bot:
        announcing = Announcer(served, [surface])
        served.subscribe(announcing)
        task = asyncio.create_task(announcing.run())
        try:
            await say(bot, "command", f"follow {KREMLIN}")
            brief = other.show(KREMLIN, REPORTER).brief
            other.push(replace(brief, title="Kremlin rules out a summit"), editor="Ben Okafor", channel="cli")
            await announced(announcing)
            assert updates(fake) == []  # not yet read from the store
            served.refresh()
            served.refresh()
            await announced(announcing)
        finally:
            task.cancel()

    (update,) = updates(fake)
    assert update.body["content"] == f"Updated: Kremlin rules out a summit (v2, {KREMLIN_DESK}) - title changed"


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (
            429,
            {"message": "You are being rate limited.", "retry_after": 0.01, "global": False},
            {"Via": "1.1 google", "Retry-After": "1"},
        ),
        (500, {"message": "500: Internal Server Error", "code": 0}, {}),
    ],
    ids=["rate limited", "server error"],
)
async def test_an_update_refused_for_a_moment_is_retried_and_posted_once(
    bot: Bot, announcer: Announcer, status: int, body: dict[str, Any], headers: dict[str, str]
) -> None:
    """A 429 with Retry-After, or a 500, on the update is retried by discord.py: two attempts, one message."""
    await say(bot, "command", f"follow {KREMLIN}")
    bot.fake.refuse_next("POST", MESSAGES_PATH, status, body, headers)
    brief = bot.newsroom.show(KREMLIN, REPORTER).brief
    bot.newsroom.push(replace(brief, summary="New bottom line."), editor="Ben Okafor", channel="api")
    await announced(announcer)

    attempts = [call for call in bot.fake.calls if call.path == MESSAGES_PATH]
    assert [call.status for call in attempts] == [status, 200]
    assert attempts[0].body == attempts[1].body
    assert len(updates(bot.fake)) == 1


async def test_a_following_channel_that_no_longer_exists_is_logged_and_the_others_still_told(
    bot: Bot, announcer: Announcer, caplog: pytest.LogCaptureFixture
) -> None:
    """A 404 for a deleted following channel is logged with its id; other channels, and later updates, still go out."""
    bot.newsroom.follow(KREMLIN, f"discord:{GONE_CHANNEL}", REPORTER)
    await say(bot, "command", f"follow {KREMLIN}")
    bot.logged_errors_expected = True
    brief = bot.newsroom.show(KREMLIN, REPORTER).brief
    for summary in ("First update.", "Second update."):
        bot.newsroom.push(replace(brief, summary=summary), editor="Ben Okafor", channel="api")
        await announced(announcer)

    assert len(updates(bot.fake)) == 2
    lookups = [call for call in bot.fake.calls if call.path == f"/channels/{GONE_CHANNEL}"]
    assert [call.status for call in lookups] == [404, 404]
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(logged) == 2
    assert all(f"could not post an update to channel {GONE_CHANNEL}" in message for message in logged)


# settings


async def test_without_an_editor_role_configured_nobody_on_discord_is_an_editor(
    fake: FakeDiscord, newsroom: Newsroom, caplog: pytest.LogCaptureFixture
) -> None:
    """With no DISCORD_EDITOR_ROLE set, even a member holding the role the fake calls editors is refused."""
    client = build_client(newsroom, DiscordSettings(token="fake-token"))
    async with running(client, fake, newsroom, caplog) as bot:
        response = await respond(bot, edit_command(KREMLIN, roles=EDITOR_ROLES))
        reverted = await say(bot, "command", f"revert {KREMLIN} 1", editor=True)

    assert response.data["content"] == EDITORS_ONLY
    assert reverted == EDITORS_ONLY
    assert fake.modals() == []
