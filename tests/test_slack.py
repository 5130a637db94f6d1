"""Slack, through the real Bolt app: signed requests in, Block Kit out, Web API calls caught by a loopback stand-in."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
import yaml
from conftest import NOW, REPO, REPORTER
from fake_slack import (
    Failure,
    action_body,
    dm_event,
    iter_texts,
    mention_event,
    new_trigger_id,
    signed_headers,
    slash_body,
)
from slack_harness import Served
from slack_sdk.models.blocks import Block
from test_slack_render import huge_brief

from adapters.slack.app import COMMAND, EDIT_COMMAND, EVENTS_PATH, plain_question
from adapters.slack.blocks import MAX_BLOCKS, escape
from adapters.slack.render import ACTION_FULL, ACTION_SHARE, ACTION_SHOW, answer_message
from bot import wording
from bot.answers import Outcome
from bot.briefs import Brief, Source
from bot.chat import respond
from bot.newsroom import Newsroom

KREMLIN = "kremlin-open-to-putin-trump-meeting"
KREMLIN_TITLE = "Kremlin says it remains open to a Putin-Trump meeting"
QUESTION = "latest Kremlin stance on a Trump meeting"


def _validated(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The blocks after slack-sdk's own models have checked every per-element limit, and our 50-block limit."""
    assert 0 < len(blocks) <= MAX_BLOCKS
    return [Block.parse(block).to_dict() for block in blocks]  # type: ignore[union-attr]


def _button_values(blocks: list[dict[str, Any]], action_prefix: str) -> list[str]:
    return [
        element["value"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith(action_prefix)
    ]


# the slash command


async def test_signed_slash_command_is_answered_with_the_kremlin_brief_in_the_ack(served: Served) -> None:
    """A signed ``/brief`` gets the Kremlin brief as Block Kit in the HTTP response itself, visible to the asker."""
    status, reply = await served.slash(QUESTION)
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    blocks = _validated(reply["blocks"])
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": KREMLIN_TITLE, "emoji": False}}
    texts = "\n".join(iter_texts(blocks))
    assert "*Bottom line:* The Kremlin says Vladimir Putin remains open to meeting Donald Trump" in texts
    assert "\u2022 Kremlin spokesman Dmitry Peskov said on 24 November" in texts
    assert "<https://www.reuters.com/world/|Reuters world news>" in texts
    assert (
        f"v1 \u00b7 updated a day ago by Anna Kowalski (pushed by briefbot samples), World desk \u00b7 `{KREMLIN}`"
        in texts
    )
    assert json.loads(_button_values(blocks, ACTION_SHARE)[0]) == {"id": KREMLIN, "q": QUESTION}
    assert served.fake.calls() == []  # nothing else was needed: the answer went out in the ack


@pytest.mark.parametrize(
    "header_options",
    [
        pytest.param({"secret": "not-the-secret"}, id="bad-signature"),
        pytest.param({"timestamp": int(datetime.now(UTC).timestamp()) - 6 * 60}, id="stale-timestamp"),
    ],
)
async def test_forged_or_replayed_slash_commands_are_refused(served: Served, header_options: dict[str, Any]) -> None:
    """A bad signature or a timestamp over five minutes old gets 401; the question is neither answered nor logged."""
    status, reply = await served.slash("brazil election runoff", **header_options)
    assert status == 401
    assert "blocks" not in reply
    assert served.newsroom.gaps() == []
    assert served.fake.calls() == []


async def test_requests_without_slack_headers_are_refused(served: Served) -> None:
    """A request with no signature headers at all gets 401."""
    body = slash_body(QUESTION, served.fake.response_url())
    status, _, _ = await served.post(body, {"content-type": "application/x-www-form-urlencoded"})
    assert status == 401


@pytest.mark.parametrize("text", ["", "help", "  HELP "])
async def test_brief_alone_or_help_gives_the_short_help(served: Served, text: str) -> None:
    """``/brief`` with nothing, or ``help``, answers with how to ask."""
    status, reply = await served.slash(text)
    assert status == 200
    assert "Ask me about a story" in "".join(iter_texts(_validated(reply["blocks"])))


async def test_ambiguous_question_offers_buttons_and_a_click_shows_that_brief(served: Served) -> None:
    """Too-close choices come as buttons; clicking one replaces the ephemeral reply with that brief."""
    _, reply = await served.slash("trump")
    blocks = _validated(reply["blocks"])
    assert "More than one brief fits \u201ctrump\u201d" in blocks[0]["text"]["text"]
    values = [json.loads(v) for v in _button_values(blocks, ACTION_SHOW)]
    assert len(values) >= 2
    chosen = values[1]
    assert await served.click(f"{ACTION_SHOW}:1", json.dumps(chosen)) == 200
    (posted,) = await served.wait_for("/commands/")
    assert posted.body["replace_original"] is True
    assert posted.body["response_type"] == "ephemeral"
    header = _validated(posted.body["blocks"])[0]["text"]["text"]
    assert header == served.newsroom.show(chosen["id"], REPORTER).brief.title


async def test_no_match_says_so_suggests_the_nearest_and_logs_the_question(served: Served) -> None:
    """An unanswerable question gets an honest no, the nearest briefs as buttons, and lands in the editors' gaps."""
    _, reply = await served.slash("Brazil election runoff results")
    blocks = _validated(reply["blocks"])
    assert blocks[0]["text"]["text"].startswith("We have no brief that fits \u201cBrazil election runoff results\u201d")
    assert [gap.question for gap in served.newsroom.gaps()] == ["Brazil election runoff results"]


async def test_share_posts_the_answer_in_the_channel_attributed_to_who_shared_it(served: Served) -> None:
    """ "Share in channel" posts the brief visibly via the response URL, with who shared it as plain text."""
    _, reply = await served.slash(QUESTION)
    (value,) = _button_values(reply["blocks"], ACTION_SHARE)
    assert await served.click(ACTION_SHARE, value) == 200
    (posted,) = await served.wait_for("/commands/")
    assert posted.body["response_type"] == "in_channel"
    assert posted.body["replace_original"] is False
    blocks = _validated(posted.body["blocks"])
    assert blocks[0]["text"]["text"] == KREMLIN_TITLE
    assert "Shared by anna.k" in list(iter_texts(blocks))
    assert _button_values(blocks, ACTION_SHARE) == []  # a shared answer is not shared again


async def test_a_replayed_signed_click_is_carried_out_once(served: Served) -> None:
    """The same signed "Share in channel" click sent three times shares the brief once; replays get an empty 200."""
    value = json.dumps({"id": KREMLIN, "q": QUESTION})
    body = action_body(ACTION_SHARE, value, served.fake.response_url("click"), trigger_id=new_trigger_id())
    headers = signed_headers(body)
    replies = [await served.post(body, headers) for _ in range(3)]
    assert [(status, reply) for status, reply, _ in replies] == [(200, ""), (200, ""), (200, "")]
    await served.wait_for("/commands/", count=2, timeout=0.5)
    (posted,) = served.fake.calls("/commands/")
    assert posted.body["response_type"] == "in_channel"


async def test_full_brief_button_sends_the_whole_brief(served: Served) -> None:
    """ "Full brief" sends the brief's whole body to the asker, after the ack."""
    _, reply = await served.slash(QUESTION)
    (value,) = _button_values(reply["blocks"], ACTION_FULL)
    assert await served.click(ACTION_FULL, value) == 200
    posted = await served.wait_for("/commands/")
    texts = "\n".join(text for call in posted for text in iter_texts(_validated(call.body["blocks"])))
    body = served.newsroom.show(KREMLIN, REPORTER).brief.body
    for paragraph in (p for p in body.split("\n\n") if p.strip() and not p.startswith("#")):
        assert paragraph.splitlines()[0].strip() in plain_question(texts.replace("\n", " ")) or paragraph.splitlines()[
            0
        ].strip() in texts.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


async def test_full_brief_of_a_huge_brief_is_four_messages_within_limits_ending_with_where_the_rest_is(
    served: Served,
) -> None:
    """ "Full brief" on a brief of about 500 KB posts at most four valid messages, the last saying where the rest is."""
    served.newsroom.push(huge_brief(points=200, background_paragraphs=380).brief, editor="tester", channel="test")
    assert await served.click(ACTION_FULL, json.dumps({"id": "huge-brief", "q": "huge"})) == 200
    await served.wait_for("/commands/", count=4)
    await served.wait_for("/commands/", count=5, timeout=0.5)
    posted = served.fake.calls("/commands/")
    assert len(posted) == 4
    for call in posted:
        blocks = _validated(call.body["blocks"])
        assert sum(len(text) for text in iter_texts(blocks)) < 12_000
    last = posted[-1].body["blocks"][-1]["text"]["text"]
    assert last.startswith("The rest is too long for Slack: see the whole brief with `briefbot show huge-brief`")


async def test_a_button_naming_a_hidden_brief_is_refused_politely(served: Served) -> None:
    """A crafted click on a draft's id tells the reporter it is not available, as on Discord, and shows none of it."""
    value = json.dumps({"id": "sudan-aid-access-talks", "q": "sudan"})
    assert await served.click(f"{ACTION_SHOW}:0", value) == 200
    (posted,) = await served.wait_for("/commands/")
    texts = " ".join(iter_texts(posted.body["blocks"]))
    assert texts == wording.BRIEF_GONE
    assert "Darfur" not in texts


async def test_full_brief_of_a_hidden_brief_says_it_is_gone_as_on_discord(served: Served) -> None:
    """A "Full brief" click on a draft's id gets the "no longer available" every other button gives, and none of it."""
    assert await served.click(ACTION_FULL, json.dumps({"id": "sudan-aid-access-talks", "q": "sudan"})) == 200
    (posted,) = await served.wait_for("/commands/")
    assert " ".join(iter_texts(posted.body["blocks"])) == wording.BRIEF_GONE
    assert posted.body["response_type"] == "ephemeral"


def _key_points_only(newsroom: Newsroom, **fields: Any) -> str:
    """A brief whose body holds its key points and nothing else, pushed; its id."""
    brief = Brief(
        **{
            "id": "points-only",
            "title": "Council passes the budget",
            "summary": "The council passed the budget on Tuesday.",
            "updated": NOW,
            "body": "## Key points\n- The vote was 7 to 2.\n- Spending rises 3%.\n",
        }
        | fields
    )
    newsroom.push(brief, editor="tester", channel="test")
    return brief.id


async def test_no_full_brief_button_when_the_answer_already_shows_the_whole_brief(served: Served) -> None:
    """A brief whose body is only its key points, all shown, is answered without a "Full brief" button, as on
    Discord: Slack used to offer it for any non-empty body, sending what the answer had already shown."""
    brief_id = _key_points_only(served.newsroom)
    _, reply = await served.slash("council passes the budget")
    blocks = _validated(reply["blocks"])
    assert blocks[0]["text"]["text"] == "Council passes the budget"
    assert json.loads(_button_values(blocks, ACTION_SHARE)[0])["id"] == brief_id
    assert _button_values(blocks, ACTION_FULL) == []


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"body": "## Key points\n- The vote was 7 to 2.\n\n## Background\nA long fight.\n"}, id="more"),
        pytest.param({"title": "Council passes the budget " + "after a long night " * 8}, id="title-cut"),
        pytest.param({"summary": "The council passed the budget. " * 120}, id="bottom-line-cut"),
    ],
)
def test_full_brief_is_offered_when_the_body_has_more_or_something_was_cut(newsroom: Newsroom, fields: Any) -> None:
    """ "Full brief" follows the brief view's rule: offered when the body holds more than the key points, or when
    Slack's limits cut the title (a header holds 150 characters) or any other part of the answer."""
    brief_id = _key_points_only(newsroom, **fields)
    blocks = answer_message(newsroom.answer_brief(brief_id, REPORTER, "budget")).blocks
    assert _button_values(_validated(list(blocks)), ACTION_FULL)


# mentions and direct messages


async def test_a_mention_is_answered_in_a_thread(served: Served) -> None:
    """@briefbot in a channel answers in a thread under the asker's message, with the brief's blocks."""
    assert await served.event(mention_event(QUESTION, ts="1700000000.000100")) == 200
    (posted,) = await served.wait_for("/api/chat.postMessage")
    assert posted.body["channel"] == "C111"
    assert posted.body["thread_ts"] == "1700000000.000100"
    assert posted.headers["Authorization"] == "Bearer xoxb-test-token"
    blocks = _validated(posted.body["blocks"])
    assert blocks[0]["text"]["text"] == KREMLIN_TITLE
    assert _button_values(blocks, ACTION_SHARE) == []  # already visible in the channel: nothing to share
    assert _button_values(blocks, ACTION_FULL)


async def test_a_mention_inside_a_thread_answers_in_that_thread(served: Served) -> None:
    """A mention in an existing thread is answered in that thread, not a new one."""
    await served.event(mention_event(QUESTION, ts="1700000000.000900", thread_ts="1700000000.000100"))
    (posted,) = await served.wait_for("/api/chat.postMessage")
    assert posted.body["thread_ts"] == "1700000000.000100"


async def test_an_empty_mention_gets_the_help(served: Served) -> None:
    """A mention with no question answers with how to ask."""
    await served.event(mention_event(""))
    (posted,) = await served.wait_for("/api/chat.postMessage")
    assert "Ask me about a story" in posted.body["text"]


async def test_a_direct_message_is_answered_in_the_dm(served: Served) -> None:
    """A DM is answered in the DM itself, not in a thread."""
    await served.event({**dm_event(QUESTION), "channel": "D123"})
    (posted,) = await served.wait_for("/api/chat.postMessage")
    assert posted.body["channel"] == "D123"
    assert "thread_ts" not in posted.body
    assert _validated(posted.body["blocks"])[0]["text"]["text"] == KREMLIN_TITLE


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"subtype": "message_changed"}, id="edit"),
        pytest.param({"bot_id": "BOTHER", "subtype": "bot_message"}, id="another-bot"),
        pytest.param({"channel_type": "channel"}, id="channel-chatter"),
    ],
)
async def test_edits_other_bots_and_channel_chatter_get_no_reply(served: Served, extra: dict[str, Any]) -> None:
    """Only a person's own new DM is answered: edits, bots' messages and unaddressed channel messages are not."""
    await served.event({**dm_event(QUESTION), "channel": "D123", **extra}, event_id="EvIgnored")
    await served.event({**dm_event("fed rates september"), "channel": "D123"}, event_id="EvAnswered")
    (posted,) = await served.wait_for("/api/chat.postMessage")
    assert "Fed holds" in posted.body["text"]  # only the second, plain DM was answered
    await asyncio.sleep(0.1)
    assert len(served.fake.calls("/api/chat.postMessage")) == 1


async def test_a_retried_or_repeated_event_is_answered_once(served: Served) -> None:
    """Slack's retry of an event (same event id, X-Slack-Retry-Num) gets 200 and no second reply."""
    await served.event(mention_event(QUESTION), event_id="EvSame")
    assert await served.event(mention_event(QUESTION), event_id="EvSame", retry=1) == 200
    assert await served.event(mention_event(QUESTION), event_id="EvSame", retry=2) == 200
    await served.event(mention_event("fed rates"), event_id="EvOther", retry=1)  # an unseen event is answered
    posted = await served.wait_for("/api/chat.postMessage", count=2)
    await asyncio.sleep(0.1)
    assert len(served.fake.calls("/api/chat.postMessage")) == 2
    assert {KREMLIN_TITLE in call.body["text"] for call in posted} == {True, False}


# Slack failing


async def test_rate_limited_and_failing_web_api_calls_are_retried(served: Served) -> None:
    """A 429 with Retry-After and then a 503 are retried, and the reply goes out exactly once."""
    served.fake.fail(
        "/api/chat.postMessage", Failure(429, {"Retry-After": "1"}), Failure(503, body='{"ok": false, "error": "x"}')
    )
    await served.event(mention_event(QUESTION))
    calls = await served.wait_for("/api/chat.postMessage", count=3, timeout=10)
    assert len(calls) == 3
    assert all(call.body["thread_ts"] == "1700000000.000100" for call in calls)


async def test_a_slack_outage_is_logged_and_the_bot_keeps_answering(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    """When every retry fails the error is logged, and the next question is still answered."""
    served.fake.fail("/api/chat.postMessage", *[Failure(500, body='{"ok": false, "error": "fatal_error"}')] * 4)
    await served.event(mention_event(QUESTION), event_id="EvLost")
    await served.wait_for("/api/chat.postMessage", count=4, timeout=15)
    for _ in range(100):
        if any("could not answer" in r.message for r in caplog.records):
            break
        await asyncio.sleep(0.05)
    assert any("could not answer in C111" in r.getMessage() for r in caplog.records)
    status, reply = await served.slash(QUESTION)
    assert status == 200
    assert reply["blocks"][0]["text"]["text"] == KREMLIN_TITLE


async def test_a_failing_response_url_is_retried(served: Served) -> None:
    """A 502 from the response URL is retried, so a click's answer still arrives once."""
    served.fake.fail(served.fake.response_url("click").removeprefix(served.fake.base), Failure(502, body="x"))
    value = json.dumps({"id": KREMLIN, "q": QUESTION})
    await served.click(f"{ACTION_SHOW}:0", value)
    calls = await served.wait_for("/commands/", count=2, timeout=10)
    assert len(calls) == 2
    assert calls[0].body == calls[1].body


# escaping and limits


HOSTILE = "<!channel> <!here> <!everyone> <@U123> <#C123> <!subteam^S1> <https://evil.example|bank> & co"


def _hostile_brief(**fields: Any) -> Brief:
    return Brief(
        **{
            "id": "hostile-brief",
            "title": f"Budget vote {HOSTILE}",
            "summary": f"The council votes on the budget. {HOSTILE}.",
            "updated": NOW,
            "body": f"## Key points\n- First {HOSTILE}\n- Second point.\n",
            "desk": f"City {HOSTILE}",
            "editor": f"Ed <@U999> {HOSTILE}",
            "sources": (Source(f"Council minutes {HOSTILE}", "https://council.example/minutes?a=1&b=<2>|x"),),
        }
        | fields
    )


def _assert_inert(blocks: list[dict[str, Any]], allowed_links: set[str]) -> None:
    """No text can ping or link except the brief's own sources, which are the only ``<...>`` left."""
    for text in iter_texts(blocks):
        for link in allowed_links:
            text = text.replace(link, "")
        assert "<" not in text
        assert ">" not in text
    for block in blocks:
        if block["type"] in ("section", "context"):
            texts = [block["text"]] if "text" in block else block["elements"]
            assert all(t.get("verbatim") is True for t in texts if t["type"] == "mrkdwn")


async def test_mentions_and_disguised_links_in_a_brief_or_question_show_as_text(served: Served) -> None:
    """``<!channel>``, ``<@U123>`` or ``<https://evil.example|bank>`` in a brief or question never pings or links."""
    for typed in (HOSTILE, escape(HOSTILE)):  # Slack's markup for real mentions, and the same characters typed
        _, reply = await served.slash(f"zebra crossings {typed}")  # a no-match echoes the question back
        assert reply["blocks"][0]["text"]["text"].startswith("We have no brief")
        _assert_inert(_validated(reply["blocks"]), set())
        assert "<" not in reply["text"]

    served.newsroom.push(_hostile_brief(), editor="tester", channel="test")
    _, reply = await served.slash(f"budget vote {HOSTILE}")
    blocks = _validated(reply["blocks"])
    assert blocks[0]["text"]["text"].startswith("Budget vote &lt;!channel&gt; &lt;!here&gt;")
    source = "<https://council.example/minutes?a=1&amp;b=%3C2%3E%7Cx|Council minutes &lt;!channel&gt;"
    assert any(source in text for text in iter_texts(blocks))
    links = set(re.findall(r"<https://council\.example[^>]*>", "\n".join(iter_texts(blocks))))
    assert len(links) == 1
    _assert_inert(blocks, links)


def test_a_long_brief_is_cut_within_slack_limits_with_a_way_to_see_more(newsroom: Newsroom) -> None:
    """A brief far over Slack's limits is cut at whole key points, says so, and offers the full brief."""
    points = "".join(f"- Point {n}: " + "detail & more " * 20 + "\n" for n in range(200))
    brief = _hostile_brief(
        id="long-brief",
        title="A very long title " * 20,
        summary=("A sentence that goes on " * 300) + ".",
        body=f"## Key points\n{points}\n## Background\n" + "Long background paragraph. " * 2000,
        sources=tuple(Source(f"Source {n}", f"https://example.com/{n}") for n in range(120)),
    )
    newsroom.push(brief, editor="tester", channel="test")
    answer = newsroom.answer_brief("long-brief", REPORTER, "long")
    message = answer_message(answer, shareable=True)
    blocks = _validated(list(message.blocks))
    texts = list(iter_texts(blocks))
    assert all(len(text) <= 3000 for text in texts)
    assert len(blocks[0]["text"]["text"]) <= 150
    assert sum(len(text) for text in texts) < 12_000  # Slack refuses far smaller messages than the sum of its limits
    assert any(re.search(r"\u2026 and \d+ more$", text) for text in texts)
    assert any("press *Full brief*" in text for text in texts)
    assert _button_values(blocks, ACTION_FULL)


# settings and parsing


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        ("<@UBOT> latest Kremlin stance", "latest Kremlin stance"),
        ("what about <#C123|world-desk> &amp; the EU?", "what about #world-desk & the EU?"),
        (
            "see <https://example.com/x|this story> on &lt;sanctions&gt;",
            "see this story https://example.com/x on <sanctions>",
        ),
        ("<https://news.example/a-b|news.example/a-b> thx", "https://news.example/a-b thx"),
        ("<!here> fed rates", "fed rates"),
    ],
)
def test_slack_markup_is_undone_before_asking(typed: str, question: str) -> None:
    """Mentions, channel links, link markup and Slack's escapes are turned back into what the reporter typed."""
    assert plain_question(typed) == question


def test_a_link_pasted_in_slack_finds_the_brief_its_path_names(newsroom: Newsroom) -> None:
    """Slack wraps a pasted address as <url|label>: the address reaches the core, which reads its path's words."""
    path = "news.example/world/2026/11/kremlin-putin-trump-meeting"
    typed = f"<https://{path}|{path}> thx"
    reply = respond(newsroom, plain_question(typed), REPORTER, "slack:C1")
    assert reply.answer is not None
    assert reply.answer.brief is not None
    assert reply.answer.brief.id == "kremlin-open-to-putin-trump-meeting"


def test_ambiguous_and_answer_outcomes_are_distinct(newsroom: Newsroom) -> None:
    """The sample questions used above really are an answer, a choice and a no-match."""
    assert newsroom.ask(QUESTION, REPORTER).outcome is Outcome.ANSWER
    assert newsroom.ask("trump", REPORTER).outcome is Outcome.AMBIGUOUS
    assert newsroom.ask("Brazil election runoff results", REPORTER).outcome is Outcome.NO_MATCH


def test_review_dates_before_now_flag_the_answer_as_stale_with_one_warning_icon(newsroom: Newsroom) -> None:
    """A brief past its review date carries a visible warning in its Slack blocks, marked by one icon, not two."""
    newsroom.push(_hostile_brief(id="stale-brief", review_by=date(2026, 1, 1)), editor="t", channel="test")
    blocks = answer_message(newsroom.answer_brief("stale-brief", REPORTER)).blocks
    (warning,) = [text for text in iter_texts(list(blocks)) if "Past its review date (2026-01-01)" in text]
    assert warning.startswith("*\u26a0 Past its review date (2026-01-01)")
    assert warning.count("\u26a0") + warning.count(":warning:") == 1


def test_the_shipped_manifest_asks_slack_for_exactly_what_the_app_handles() -> None:
    """The Slack app manifest names the two commands, the two events, the scopes and the endpoint the app serves."""
    manifest = yaml.safe_load((REPO / "deploy" / "slack-manifest.yaml").read_text(encoding="utf-8"))
    commands = {command["command"]: command for command in manifest["features"]["slash_commands"]}
    assert set(commands) == {COMMAND, EDIT_COMMAND}
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    urls = [c["url"] for c in commands.values()]
    urls += [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    assert all(url.endswith(EVENTS_PATH) for url in urls)
    assert settings["interactivity"]["is_enabled"] is True
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands",
        "app_mentions:read",
        "chat:write",
        "chat:write.public",
        "im:history",
        "usergroups:read",
    }
