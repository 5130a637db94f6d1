"""The Slack listeners: ``/brief``, ``/brief-edit`` and its modal, mentions, DMs and the answer buttons.

``SlackHandlers`` holds what every listener needs (the newsroom, the settings,
the Web API client, the editors' user group as last read, the work still
running after an ack) and has one method per listener; ``register`` puts them
on a Bolt app. Each listener acks first and leaves slow work (Web API calls)
to ``later``, so Bolt can answer each request as soon as its listener returns
instead of polling for the ack every 10 ms.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.recent import RecentIds
from adapters.slack.delivery import logged, respond, respond_in_turn
from adapters.slack.editing import (
    EDIT_CALLBACK,
    edit_view,
    form_errors,
    submitted_values,
    too_long_to_edit,
    view_metadata,
)
from adapters.slack.full_brief import full_brief_messages
from adapters.slack.render import (
    ACTION_FULL,
    ACTION_SHARE,
    ACTION_SHOW,
    answer_message,
    notice_message,
    parse_button_value,
    reply_message,
)
from adapters.slack.settings import SlackSettings
from bot import chat, wording
from bot.chat import Reply
from bot.editing import submit_edit
from bot.errors import BriefbotError, StoreUnwritable
from bot.newsroom import Asker, Newsroom

__all__ = ["COMMAND", "EDIT_COMMAND", "GROUP_CACHE_SECONDS", "SlackHandlers", "plain_question"]

log = logging.getLogger("briefbot.slack")

COMMAND = "/brief"
EDIT_COMMAND = "/brief-edit"
GROUP_CACHE_SECONDS = 300.0
"""How long the editors' user group membership is trusted before it is fetched again."""

SEEN_EVENTS = 10_000
KEEP_SECONDS = 3600.0
"""Slack retries an event for about five minutes, and a signed request is accepted for five minutes; event and
trigger ids are remembered for an hour, at most this many."""


def plain_question(text: str) -> str:
    """A question as the reporter typed it: Slack's mentions, channel links and link markup undone."""
    text = re.sub(r"<[@!][^>]*>", " ", text)  # user mentions (the bot's own), <!here> and friends
    text = re.sub(r"<#[A-Z0-9]+\|([^>]*)>", r"#\1", text)
    text = re.sub(r"<([^>|]+)\|([^>]*)>", _link_words, text)
    text = re.sub(r"<([^>]+)>", r"\1", text)
    return " ".join(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


def _link_words(link: re.Match[str]) -> str:
    """A link as the reporter pasted it: its label and its address, whose path the core reads for words.

    Slack shows a pasted address as a link labelled with the address itself (without its scheme): that is
    the address once."""
    url, label = link[1], link[2]
    if not label or url.split("://", 1)[-1].rstrip("/") == label.rstrip("/"):
        return url
    return f"{label} {url}"


class SlackHandlers:
    """Bolt's listeners over one newsroom, translating Slack's requests to the core and its replies to Block Kit."""

    def __init__(self, newsroom: Newsroom, settings: SlackSettings, client: AsyncWebClient) -> None:
        self.newsroom = newsroom
        self.settings = settings
        self.client = client
        self.running: set[asyncio.Task[None]] = set()
        self.seen = RecentIds(SEEN_EVENTS, max_age=KEEP_SECONDS)
        self.group_members: frozenset[str] = frozenset()
        self.group_fetched = float("-inf")

    def register(self, app: AsyncApp) -> None:
        """Put every listener on ``app``."""
        app.middleware(self.carry_out_each_request_once)
        app.command(COMMAND)(self.brief_command)
        app.command(EDIT_COMMAND)(self.edit_command)
        app.view(EDIT_CALLBACK)(self.edit_submitted)
        app.event("app_mention")(self.mention)
        app.event("message")(self.direct_message)
        app.action(re.compile(f"^{ACTION_SHOW}"))(self.show_choice)
        app.action(ACTION_SHARE)(self.share)
        app.action(ACTION_FULL)(self.full_brief)
        app.error(self.on_error)

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` after the ack has gone out; a reference is kept until it ends, and its failure is logged."""
        task = asyncio.create_task(work)
        self.running.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("answering on Slack failed", exc_info=task.exception())

    def first_time(self, kind: str, item: str) -> bool:
        """Whether neither this process nor another replica took ``item`` yet; a replica that cannot reach the
        database to ask carries the request out anyway (twice is better than never)."""
        if not self.seen.first_time((kind, item)):
            return False
        try:
            return self.newsroom.first_time(f"slack-{kind}", item)
        except StoreUnwritable as error:
            log.warning("carrying out %s %s without asking the other replicas: %s", kind, item, error)
            return True

    async def carry_out_each_request_once(
        self, body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
    ) -> Any:
        """Answer Slack's retries of an event, and replays of a signed request, without carrying them out again."""
        # Runs after Bolt has checked the signature, so only Slack's own requests are remembered.
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not self.first_time("event", event_id):
            log.info("event %s delivered again; already answered", event_id)
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        # Each command, click and form submission has its own trigger id: a signed request replayed within
        # Slack's five minutes is acknowledged and not carried out again (a revert would make another version).
        trigger_id = body.get("trigger_id")
        if isinstance(trigger_id, str) and not self.first_time("trigger", trigger_id):
            log.info("%s with trigger %s sent again; already carried out", body.get("type", "command"), trigger_id)
            return BoltResponse(status=200, body="")
        return await next()

    # who is asking

    async def is_editor(self, user_id: str | None) -> bool:
        """Whether a Slack user is an editor: named in the settings, or in the editors' user group."""
        if not user_id:
            return False
        if user_id in self.settings.editors:
            return True
        if self.settings.editor_group is None:
            return False
        if time.monotonic() - self.group_fetched > GROUP_CACHE_SECONDS:
            try:
                response = await self.client.usergroups_users_list(usergroup=self.settings.editor_group)
                self.group_members = frozenset(response.get("users") or ())
                self.group_fetched = time.monotonic()
            except SlackApiError as error:
                log.error("could not read the editors' user group: %s", error.response.get("error"))
        return user_id in self.group_members

    async def asker_for(self, user_id: str | None, user_name: str | None) -> Asker:
        """The core's asker for a Slack user: an editor by name, anyone else by Slack id."""
        if await self.is_editor(user_id):
            return Asker(user_name or f"slack:{user_id}", is_editor=True)
        return _asker(user_id)

    # questions and chat commands

    async def brief_command(self, ack: Any, command: dict[str, Any]) -> None:
        """``/brief``: answered in the ack, seen by the asker alone, with a button to share the answer."""
        user_id, user_name = command.get("user_id"), command.get("user_name")
        reply = await self._turn(command.get("text", ""), user_id, user_name, command.get("channel_id"))
        await ack(response_type="ephemeral", **reply_message(reply, shareable=True).payload())

    async def mention(self, event: dict[str, Any]) -> None:
        """A mention in a channel: answered in a thread under it."""
        self.later(self._reply_in_conversation(event, thread=True))

    async def direct_message(self, event: dict[str, Any]) -> None:
        """A message in a DM: answered in the DM."""
        # Only plain messages a person typed in a DM: not edits, joins, or other bots.
        if event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id"):
            self.later(self._reply_in_conversation(event, thread=False))

    async def _turn(self, text: str, user_id: str | None, user_name: str | None, channel: str | None) -> Reply:
        asker = await self.asker_for(user_id, user_name)
        return chat.respond(self.newsroom, plain_question(text), asker, f"slack:{channel}")

    async def _reply_in_conversation(self, event: dict[str, Any], *, thread: bool) -> None:
        # A reply in a channel or DM is already visible: there is nothing to share.
        channel = event.get("channel")
        reply = await self._turn(event.get("text", ""), event.get("user"), None, channel)
        thread_ts = (event.get("thread_ts") or event.get("ts")) if thread else None
        post = self.client.chat_postMessage(
            channel=event["channel"], thread_ts=thread_ts, **reply_message(reply).payload()
        )
        await logged(post, f"could not answer in {channel}", timed_out=f"answering in {channel}")

    # editing

    async def edit_command(self, ack: Any, command: dict[str, Any]) -> None:
        """``/brief-edit ID``: an editor gets the edit form, unless the brief is too long for it."""
        asker = await self.asker_for(command.get("user_id"), command.get("user_name"))
        brief_id = plain_question(command.get("text", "")).strip()
        if not asker.is_editor:
            await ack(response_type="ephemeral", **notice_message(wording.EDITORS_ONLY).payload())
            return
        try:
            version = self.newsroom.show(brief_id, asker)
        except BriefbotError as error:
            await ack(response_type="ephemeral", **notice_message(str(error)).payload())
            return
        if (too_long := too_long_to_edit(version.brief)) is not None:
            await ack(response_type="ephemeral", **notice_message(too_long).payload())
            return
        await ack()
        form = self.client.views_open(trigger_id=command["trigger_id"], view=edit_view(version, command["channel_id"]))
        self.later(logged(form, "could not open the edit form"))

    async def edit_submitted(self, ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The edit form sent: pushed and confirmed, or kept open with the problem beside its field."""
        user = body.get("user", {})
        asker = await self.asker_for(user.get("id"), user.get("name") or user.get("username"))
        brief_id, based_on, channel = view_metadata(view)
        submitted = submit_edit(self.newsroom, brief_id, based_on, submitted_values(view), asker, channel="slack")
        if submitted.version is None:  # refused, or a colleague pushed meanwhile: the form stays, edits intact
            await ack(response_action="errors", errors=form_errors(submitted))
            return
        await ack()
        user_id = str(user.get("id", ""))
        confirm = self.client.chat_postEphemeral(
            channel=channel, user=user_id, **notice_message(submitted.reply).payload()
        )
        self.later(logged(confirm, f"could not confirm the edit in {channel}", level=logging.INFO))

    # buttons

    async def show_choice(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A choice clicked: the chosen brief, for the clicker."""
        reply = await self._clicked(ack, body, action)
        if reply is None:
            return
        ephemeral = bool(body.get("container", {}).get("is_ephemeral"))
        # An ephemeral reply is replaced by the chosen brief; a public one stays, and the choice goes to the clicker.
        self.later(respond(body, reply_message(reply), response_type="ephemeral", replace_original=ephemeral))

    async def share(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """ "Share in channel": the answer posted for everyone, saying who shared it."""
        reply = await self._clicked(ack, body, action)
        if reply is None:
            return
        if reply.answer is None:  # gone, or not visible to the clicker: they alone are told
            self.later(respond(body, reply_message(reply), response_type="ephemeral", replace_original=False))
            return
        user = body.get("user", {})
        message = answer_message(reply.answer, shared_by=user.get("name") or user.get("username") or "a colleague")
        self.later(respond(body, message, response_type="in_channel", replace_original=False))

    async def full_brief(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        """ "Full brief": the whole brief for the clicker, in a few messages; or why it is gone."""
        reply = await self._clicked(ack, body, action)
        if reply is None:
            return
        messages = full_brief_messages(reply.answer) if reply.answer is not None else [reply_message(reply)]
        self.later(respond_in_turn(body, messages))

    async def _clicked(self, ack: Any, body: dict[str, Any], action: dict[str, Any]) -> Reply | None:
        """Ack a click; the answer for the brief its button names, as the clicker may see it (or why it is gone), or
        None for a button that is not one of ours."""
        await ack()
        value = parse_button_value(action.get("value", ""))
        if value is None:
            return None
        return chat.pick(self.newsroom, value.brief_id, _asker(body.get("user", {}).get("id")), value.query)

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """Whatever a listener did not expect is logged with its traceback."""
        log.error("unhandled error in a Slack listener (%s)", body.get("type"), exc_info=error)


def _asker(user_id: object) -> Asker:
    return Asker(f"slack:{user_id}" if isinstance(user_id, str) and user_id else "slack:unknown")
