"""Editors in Slack: the edit modal, history, revert, follows and the updates followers are sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from conftest import REPORTER, Clock
from fake_slack import (
    SECRET,
    Failure,
    FakeSlack,
    form_values,
    new_trigger_id,
    signed_headers,
    slash_body,
    view_submission_body,
)
from slack_harness import Served
from test_slack import KREMLIN

from adapters.serve import Announcer, start_http
from adapters.slack.app import EDIT_COMMAND, SlackSettings, SlackSurface
from adapters.slack.editing import FORM_ERROR_LIMIT
from bot.briefs import Brief, Source, Status, brief_to_markdown, parse_brief, with_key_points
from bot.caps import MAX_SOURCES, MAX_SUMMARY_CHARS
from bot.newsroom import Newsroom

TIMEOUT = 2
EDITOR_ID = "UEDITOR"
REPORTER_ID = "U222"


@pytest.fixture
async def served(fake: FakeSlack, newsroom: Newsroom) -> AsyncIterator[Served]:
    """The Slack surface with one editor by id, served on 127.0.0.1, announcing updates to its followers."""
    settings = SlackSettings(
        "xoxb-test-token", SECRET, api_url=fake.api_url, editors=frozenset({EDITOR_ID}), timeout=TIMEOUT
    )
    surface = SlackSurface(newsroom, settings)
    runner = await start_http([surface], "127.0.0.1", 0)
    announcer = Announcer(newsroom, [surface])
    newsroom.subscribe(announcer)
    task = asyncio.create_task(announcer.run())
    host, port = runner.addresses[0][:2]
    async with aiohttp.ClientSession() as session:
        yield Served(f"http://{host}:{port}", fake, newsroom, session)
    await announcer.drain()
    task.cancel()
    await runner.cleanup()


async def _command(served: Served, text: str, user: str, command: str = "/brief") -> dict[str, Any]:
    body = slash_body(text, served.fake.response_url(), user_id=user, command=command)
    status, reply, _ = await served.post(body, signed_headers(body))
    assert status == 200, reply
    return json.loads(reply) if reply.startswith("{") else {"text": reply}


async def _open_form(served: Served, brief_id: str = KREMLIN) -> dict[str, Any]:
    await _command(served, brief_id, EDITOR_ID, command=EDIT_COMMAND)
    (opened,) = await served.wait_for("/api/views.open")
    view: dict[str, Any] = opened.body["view"]
    return view


async def _submit(served: Served, view: dict[str, Any], user: str = EDITOR_ID, **changes: Any) -> tuple[int, str]:
    body = view_submission_body(view, form_values(view, **changes), user=user)
    status, reply, _ = await served.post(body, signed_headers(body))
    return status, reply


async def test_an_editor_edits_a_brief_in_a_modal_and_a_new_version_is_pushed(served: Served) -> None:
    """/brief-edit opens a modal prefilled with the brief; submitting it stores v2 by the editor, via Slack."""
    view = await _open_form(served)
    prefilled = {block["block_id"]: block["element"].get("initial_value") for block in view["blocks"]}
    brief = served.newsroom.show(KREMLIN, REPORTER).brief
    assert prefilled["title"] == brief.title
    assert prefilled["summary"] == brief.summary
    assert prefilled["key_points"] == "\n".join(brief.key_points)
    assert prefilled["sources"].splitlines()[0] == f"{brief.sources[0].title} | {brief.sources[0].url}"
    points = "The Kremlin now says no meeting this year.\n" + prefilled["key_points"]
    status, reply = await _submit(served, view, summary="The Kremlin rules out a meeting this year.", key_points=points)
    assert (status, reply) == (200, "")
    version = served.newsroom.show(KREMLIN, REPORTER)
    assert (version.number, version.parent, version.channel) == (2, 1, "slack")
    assert version.brief.summary == "The Kremlin rules out a meeting this year."
    assert version.brief.key_points[0] == "The Kremlin now says no meeting this year."
    assert version.brief.sources == brief.sources
    (confirmed,) = await served.wait_for("/api/chat.postEphemeral")
    assert confirmed.body["text"] == f"Pushed {KREMLIN} v2."


async def test_a_conflict_is_shown_in_the_modal_and_nothing_is_lost(served: Served) -> None:
    """When a colleague pushed after the modal opened, submitting shows the conflict in the modal; nothing is stored."""
    view = await _open_form(served)
    colleague = replace(served.newsroom.show(KREMLIN, REPORTER).brief, summary="A colleague's update.")
    served.newsroom.push(colleague, editor="Ben Okafor", channel="api")
    status, reply = await _submit(served, view, summary="My edit.")
    assert status == 200
    answer = json.loads(reply)
    assert answer["response_action"] == "errors"
    assert "the latest is v2 by Ben Okafor" in answer["errors"]["title"]
    assert served.newsroom.show(KREMLIN, REPORTER).brief.summary == "A colleague's update."


async def test_a_conflict_too_long_for_the_form_shows_that_it_was_cut(served: Served) -> None:
    """A conflict message longer than the form's error line ends in an ellipsis, never cut off silently."""
    view = await _open_form(served)
    colleague = replace(served.newsroom.show(KREMLIN, REPORTER).brief, summary="A colleague's update.")
    served.newsroom.push(colleague, editor="Ben Okafor", channel="api")
    _, reply = await _submit(served, view, summary="My edit.")
    shown = json.loads(reply)["errors"]["title"]
    assert shown.startswith(f"{KREMLIN}: your edit is based on v1, but the latest is v2 by Ben Okafor")
    assert len(shown) <= FORM_ERROR_LIMIT
    assert shown.endswith("\u2026")


async def test_bad_values_in_the_modal_are_shown_beside_their_field(served: Served) -> None:
    """A source line without a link, or an empty title, is reported on its field and nothing is stored."""
    view = await _open_form(served)
    _, reply = await _submit(served, view, sources="Just a title")
    assert json.loads(reply)["errors"]["sources"].startswith("line 1: expected Title | https://")
    _, reply = await _submit(served, view, sources="Evil | javascript:alert(1)")
    assert "sources" in json.loads(reply)["errors"]
    _, reply = await _submit(served, view, title="")
    assert "title" in json.loads(reply)["errors"]
    assert served.newsroom.show(KREMLIN, REPORTER).number == 1


def _points(total: int, count: int = 30) -> list[str]:
    """``count`` key points that take exactly ``total`` characters in the form, one a line."""
    size, extra = divmod(total - (count - 1), count)
    points = []
    for number in range(count):
        cut = (f"Point {number + 1}: " + "the ministry confirmed the figures again " * 10)[
            : size + (number < extra) - 1
        ]
        points.append(cut[:-1] + "s." if cut.endswith(" ") else cut + ".")
    assert len("\n".join(points)) == total
    return points


def _long_kremlin(served: Served, points: int, summary: int = 0) -> Brief:
    """The Kremlin brief with key points (and a bottom line) of the given lengths, pushed as a new version."""
    brief = served.newsroom.show(KREMLIN, REPORTER).brief
    brief = replace(
        brief,
        summary=(brief.summary + " And" + " more" * summary)[: max(summary, len(brief.summary))],
        body=with_key_points(brief.body, _points(points)),
        sources=tuple(Source(f"Report {n} | annex", f"https://example.com/reports/{n}") for n in range(MAX_SOURCES)),
    )
    brief = parse_brief(brief_to_markdown(brief), "test").brief  # as a brief file would hold it
    served.newsroom.push(brief, editor="Anna Kowalski", channel="api")
    return brief


async def test_a_long_brief_that_fits_the_form_is_stored_unchanged_when_submitted_unchanged(served: Served) -> None:
    """Key points filled to the form's last character (3,000) and a bottom line at its cap, submitted as prefilled,
    store the same brief."""
    brief = _long_kremlin(served, points=3000, summary=MAX_SUMMARY_CHARS)
    view = await _open_form(served)
    assert {len(block["element"].get("initial_value", "")) for block in view["blocks"][:3]} >= {3000}
    status, reply = await _submit(served, view)
    assert (status, reply) == (200, "")
    stored = served.newsroom.show(KREMLIN, REPORTER).brief
    assert len(stored.key_points) == 30
    assert stored.key_points == brief.key_points
    assert replace(stored, updated=brief.updated, editor=brief.editor) == brief  # only who and when are new


async def test_changing_the_bottom_line_in_the_modal_keeps_what_the_form_does_not_show(served: Served) -> None:
    """An edit of the bottom line leaves the rest of the brief as it was: a note under the key points and a point's
    second line, which the modal cannot show, are kept, and the bullets are not rewritten."""
    brief = served.newsroom.show(KREMLIN, REPORTER).brief
    body = f"## Key points\n* {brief.key_points[0]}\n  and a second line.\n* Last point.\n\nA note on sources.\n"
    before = parse_brief(brief_to_markdown(replace(brief, body=body)), "test").brief  # as a brief file holds it
    served.newsroom.push(before, editor="Ben Okafor", channel="api")
    status, reply = await _submit(served, await _open_form(served), summary="A new bottom line.")
    assert (status, reply) == (200, "")
    stored = served.newsroom.show(KREMLIN, REPORTER).brief
    assert stored.summary == "A new bottom line."
    assert stored.body == before.body == body.strip()
    assert replace(stored, summary=before.summary, updated=before.updated, editor=before.editor) == before


async def test_a_brief_too_long_for_the_form_is_refused_with_which_field_and_what_to_do(served: Served) -> None:
    """/brief-edit on a brief whose key points outgrow a form field opens no form, which would cut them, and says
    which field is too long and how to edit the file instead."""
    _long_kremlin(served, points=3001)
    reply = await _command(served, KREMLIN, EDITOR_ID, command=EDIT_COMMAND)
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["text"]["text"] == (
        f"{KREMLIN} cannot be edited in a Slack form without losing text. Too long for a form field "
        f"(3,000 characters): key points (3,001 characters). Edit the brief file instead: "
        f"`briefbot show {KREMLIN} --raw &gt; {KREMLIN}.md`, then `briefbot push {KREMLIN}.md`."
    )
    await served.wait_for("/api/views.open", timeout=0.5)
    assert served.fake.calls("/api/views.open") == []
    assert served.newsroom.show(KREMLIN, REPORTER).number == 2


async def test_reporters_cannot_edit_or_revert(served: Served) -> None:
    """A non-editor gets a clear refusal for /brief-edit, a forged submission and revert; nothing changes."""
    reply = await _command(served, KREMLIN, REPORTER_ID, command=EDIT_COMMAND)
    assert "Only editors can change briefs" in reply["text"]
    assert served.fake.calls("/api/views.open") == []
    view = await _open_form(served)
    _, submitted = await _submit(served, view, user=REPORTER_ID, summary="Forged.")
    assert json.loads(submitted)["errors"]["title"].startswith("Only editors")
    reply = await _command(served, f"revert {KREMLIN} 1", REPORTER_ID)
    assert "Only editors can change briefs" in reply["text"]
    assert served.newsroom.show(KREMLIN, REPORTER).number == 1


async def test_editors_in_the_slack_user_group_may_edit(fake: FakeSlack, newsroom: Newsroom) -> None:
    """With SLACK_EDITOR_GROUP set, a member of that group is an editor."""
    settings = SlackSettings("xoxb-test-token", SECRET, api_url=fake.api_url, editor_group="S0EDITORS")
    fake.set_group_members("UGROUPED")
    runner = await start_http([SlackSurface(newsroom, settings)], "127.0.0.1", 0)
    host, port = runner.addresses[0][:2]
    try:
        async with aiohttp.ClientSession() as session:
            served = Served(f"http://{host}:{port}", fake, newsroom, session)
            await _command(served, KREMLIN, "UGROUPED", command=EDIT_COMMAND)
            assert len(await served.wait_for("/api/views.open")) == 1
            reply = await _command(served, KREMLIN, "UOTHER", command=EDIT_COMMAND)
            assert "Only editors" in reply["text"]
    finally:
        await runner.cleanup()
    assert fake.calls("/api/usergroups.users.list")[0].body["usergroup"] == "S0EDITORS"


async def test_history_shows_who_changed_what_and_revert_restores_an_old_version(served: Served) -> None:
    """``/brief history ID`` lists versions with what changed; an editor's ``revert ID 1`` makes v3 equal to v1."""
    first = served.newsroom.show(KREMLIN, REPORTER).brief
    served.newsroom.push(replace(first, summary="A mistaken edit."), editor="Ben Okafor", channel="api")
    history = (await _command(served, f"history {KREMLIN}", REPORTER_ID))["blocks"][0]["text"]["text"]
    assert "v1 \u00b7 " in history
    assert "v2 \u00b7 " in history
    assert "briefbot samples via samples: new brief\n" in history
    assert "Ben Okafor via api, from v1: bottom line changed" in history
    reply = await _command(served, f"revert {KREMLIN} 1", EDITOR_ID)
    assert reply["text"] == f"Reverted {KREMLIN} to the content of v1: it is now v3."
    latest = served.newsroom.show(KREMLIN, REPORTER)
    assert (latest.number, latest.brief.summary, latest.channel) == (3, first.summary, "slack")


async def test_a_replayed_signed_revert_makes_one_version(served: Served, clock: Clock) -> None:
    """The same signed ``/brief revert ID 1`` sent three times within five minutes reverts once; replays get an
    empty 200."""
    first = served.newsroom.show(KREMLIN, REPORTER).brief
    served.newsroom.push(replace(first, summary="A mistaken edit."), editor="Ben Okafor", channel="api")
    body = slash_body(f"revert {KREMLIN} 1", served.fake.response_url(), user_id=EDITOR_ID)
    headers = signed_headers(body)
    replies = []
    for _ in range(3):
        replies.append(await served.post(body, headers))
        clock.now += timedelta(minutes=1)  # a replay comes later: a revert done again would differ in its time
    assert served.newsroom.show(KREMLIN, REPORTER).number == 3
    assert replies[0][0] == 200
    assert json.loads(replies[0][1])["text"] == f"Reverted {KREMLIN} to the content of v1: it is now v3."
    assert [(status, reply) for status, reply, _ in replies[1:]] == [(200, ""), (200, "")]


async def test_a_replayed_form_submission_is_pushed_once(served: Served) -> None:
    """The same signed edit-form submission sent three times pushes one version and confirms it once."""
    view = await _open_form(served)
    body = view_submission_body(
        view, form_values(view, summary="One edit."), user=EDITOR_ID, trigger_id=new_trigger_id()
    )
    headers = signed_headers(body)
    replies = [await served.post(body, headers) for _ in range(3)]
    assert [(status, reply) for status, reply, _ in replies] == [(200, ""), (200, ""), (200, "")]
    version = served.newsroom.show(KREMLIN, REPORTER)
    assert (version.number, version.brief.summary) == (2, "One edit.")
    await served.wait_for("/api/chat.postEphemeral", count=2, timeout=0.5)
    assert len(served.fake.calls("/api/chat.postEphemeral")) == 1


async def test_a_followed_brief_updated_by_any_path_is_announced_once_to_the_channel(served: Served) -> None:
    """``/brief follow ID`` in a channel, then a push: the channel gets one "Updated:" line with what changed."""
    reply = await _command(served, f"follow {KREMLIN}", REPORTER_ID)
    assert reply["text"].startswith("This channel now follows")
    assert (await _command(served, "following", REPORTER_ID))["text"].endswith(f"\u2022 {KREMLIN}")
    brief = served.newsroom.show(KREMLIN, REPORTER).brief
    served.newsroom.push(replace(brief, summary="New bottom line."), editor="Ben Okafor", channel="api")
    (posted,) = await served.wait_for("/api/chat.postMessage")
    assert posted.body["channel"] == "C111"
    assert posted.body["text"] == f"Updated: {brief.title} (v2, World desk) - bottom line changed"
    served.newsroom.push(replace(brief, summary="Draft only.", status=Status.DRAFT), editor="Ben", channel="api")
    await served.wait_for("/api/chat.postMessage", count=2, timeout=0.5)
    assert len(served.fake.calls("/api/chat.postMessage")) == 1  # a brief turned draft tells no one
    reply = await _command(served, f"unfollow {KREMLIN}", REPORTER_ID)
    assert reply["text"] == f"This channel no longer follows {KREMLIN}."
    assert (await _command(served, "following", REPORTER_ID))["text"].startswith("This channel follows no briefs")


async def test_following_a_draft_or_unknown_brief_is_refused(served: Served) -> None:
    """A reporter cannot follow a draft (it does not exist for them) or an id nobody wrote."""
    for brief_id in ("sudan-aid-access-talks", "no-such-brief"):
        reply = await _command(served, f"follow {brief_id}", REPORTER_ID)
        assert f"no brief with id {brief_id!r}" in reply["text"].lower() or brief_id in reply["text"]
        assert "now follows" not in reply["text"]
    assert served.newsroom.following("slack:C111") == []


async def test_an_update_rate_limited_or_failing_is_retried_and_posted_once(served: Served) -> None:
    """A 429 with Retry-After, then a 503, are retried with backoff; the update lands once."""
    await _command(served, f"follow {KREMLIN}", REPORTER_ID)
    served.fake.fail(
        "/api/chat.postMessage", Failure(429, {"Retry-After": "1"}), Failure(503, body='{"ok": false, "error": "x"}')
    )
    brief = served.newsroom.show(KREMLIN, REPORTER).brief
    served.newsroom.push(replace(brief, summary="New bottom line."), editor="Ben Okafor", channel="api")
    calls = await served.wait_for("/api/chat.postMessage", count=3, timeout=10)
    await served.wait_for("/api/chat.postMessage", count=4, timeout=1)
    assert len(served.fake.calls("/api/chat.postMessage")) == 3  # two refused, one posted, none after
    assert {call.body["text"] for call in calls} == {f"Updated: {brief.title} (v2, World desk) - bottom line changed"}


async def test_an_update_that_times_out_is_logged_and_not_posted_twice(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    """When Slack does not answer in time the update is not sent again (Slack may have posted it): it is logged."""
    await _command(served, f"follow {KREMLIN}", REPORTER_ID)
    served.fake.fail("/api/chat.postMessage", Failure(200, body='{"ok": true}', delay=TIMEOUT + 1))
    brief = served.newsroom.show(KREMLIN, REPORTER).brief
    served.newsroom.push(replace(brief, summary="New bottom line."), editor="Ben Okafor", channel="api")
    for _ in range(100):
        if "timed out" in caplog.text:
            break
        await asyncio.sleep(0.1)
    assert "posting an update in C111 timed out; not retried" in caplog.text
    await asyncio.sleep(TIMEOUT + 1)
    assert len(served.fake.calls("/api/chat.postMessage")) == 1
