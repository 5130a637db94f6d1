"""The Slack adapter: ``/brief``, mentions, DMs and buttons on slack-bolt, translated to and from the core.

The slash command is answered inside its ack (the core answers in
milliseconds), so the reply is in Slack's HTTP response. Mentions are answered
in a thread and DMs in the DM, through the Web API. Buttons answer through the
response URL. Every Web API and response URL call is retried on rate limits,
server errors and timeouts, and its failure is logged, never raised.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.recent import RecentIds
from adapters.slack.editing import EDIT_CALLBACK, edit_view, edited_brief, too_long_to_edit, view_metadata
from adapters.slack.full_brief import full_brief_messages
from adapters.slack.render import (
    ACTION_FULL,
    ACTION_SHARE,
    ACTION_SHOW,
    SlackMessage,
    answer_message,
    notice_message,
    parse_button_value,
    reply_message,
)
from adapters.slack.settings import DEFAULT_API_URL, HTTP_TIMEOUT, SlackSettings
from bot import wording
from bot.chat import pick, respond
from bot.errors import BriefbotError, SettingsError
from bot.newsroom import Asker, Newsroom

__all__ = [
    "COMMAND",
    "DEFAULT_API_URL",
    "EDIT_COMMAND",
    "EVENTS_PATH",
    "SlackSettings",
    "SlackSurface",
    "build_app",
    "plain_question",
]

log = logging.getLogger("briefbot.slack")


class _SameTokenWarning(logging.Filter):
    """Drops Bolt's "`token` will be unused" warning: Bolt reads SLACK_BOT_TOKEN itself; it is our client's token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger(f"slack_bolt.{AsyncApp.__name__}").addFilter(_SameTokenWarning())

EVENTS_PATH = "/slack/events"
COMMAND = "/brief"
EDIT_COMMAND = "/brief-edit"
GROUP_CACHE_SECONDS = 300.0
"""How long the editors' user group membership is trusted before it is fetched again."""

MAX_RETRIES = 3
"""Retries for one call on a rate limit (after Retry-After), a 5xx answer, or a connection error or timeout."""

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})

SEEN_EVENTS = 10_000
KEEP_SECONDS = 3600.0
"""Slack retries an event for about five minutes, and a signed request is accepted for five minutes; event and
trigger ids are remembered for an hour, at most this many."""


class _GatewayErrorRetryHandler(AsyncServerErrorRetryHandler):
    """Also retries 502 and 504, which a proxy in front of Slack (or of a response URL) answers when overloaded."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code in TRANSIENT_STATUSES


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry on rate limits (honouring Retry-After), server errors, and connection errors or timeouts."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=MAX_RETRIES),
        _GatewayErrorRetryHandler(max_retry_count=MAX_RETRIES),
        AsyncConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES),
    ]


def plain_question(text: str) -> str:
    """A question as the reporter typed it: Slack's mentions, channel links and link markup undone."""
    text = re.sub(r"<[@!][^>]*>", " ", text)  # user mentions (the bot's own), <!here> and friends
    text = re.sub(r"<#[A-Z0-9]+\|([^>]*)>", r"#\1", text)
    text = re.sub(r"<([^>|]+)\|([^>]*)>", r"\2", text)
    text = re.sub(r"<([^>]+)>", r"\1", text)
    return " ".join(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").split())


def build_app(newsroom: Newsroom, settings: SlackSettings) -> AsyncApp:
    """The Bolt app: ``/brief``, mentions, DMs and the answer buttons, over one newsroom."""
    client = AsyncWebClient(
        token=settings.bot_token, base_url=settings.api_url, timeout=settings.timeout, retry_handlers=retry_handlers()
    )
    # Every listener acks first and leaves slow work (Web API calls) to ``later``, so Bolt can answer each
    # request as soon as its listener returns instead of polling for the ack every 10 ms.
    app = AsyncApp(
        client=client, signing_secret=settings.signing_secret or "", name="briefbot", process_before_response=True
    )
    running: set[asyncio.Task[None]] = set()

    def later(work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` after the ack has gone out; a reference is kept until it ends, and its failure is logged."""
        task = asyncio.create_task(work)
        running.add(task)
        task.add_done_callback(finished)

    def finished(task: asyncio.Task[None]) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("answering on Slack failed", exc_info=task.exception())

    seen = RecentIds(SEEN_EVENTS, max_age=KEEP_SECONDS)

    @app.middleware
    async def carry_out_each_request_once(body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]) -> Any:
        # Runs after Bolt has checked the signature, so only Slack's own requests are remembered.
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not seen.first_time(("event", event_id)):
            log.info("event %s delivered again; already answered", event_id)
            return BoltResponse(status=200, body="", headers={"x-slack-no-retry": "1"})
        # Each command, click and form submission has its own trigger id: a signed request replayed within
        # Slack's five minutes is acknowledged and not carried out again (a revert would make another version).
        trigger_id = body.get("trigger_id")
        if isinstance(trigger_id, str) and not seen.first_time(("trigger", trigger_id)):
            log.info("%s with trigger %s sent again; already carried out", body.get("type", "command"), trigger_id)
            return BoltResponse(status=200, body="")
        return await next()

    group_members: dict[str, Any] = {"members": frozenset(), "fetched": float("-inf")}

    async def is_editor(user_id: str | None) -> bool:
        if not user_id:
            return False
        if user_id in settings.editors:
            return True
        if settings.editor_group is None:
            return False
        if time.monotonic() - group_members["fetched"] > GROUP_CACHE_SECONDS:
            try:
                response = await client.usergroups_users_list(usergroup=settings.editor_group)
                group_members["members"] = frozenset(response.get("users") or ())
                group_members["fetched"] = time.monotonic()
            except SlackApiError as error:
                log.error("could not read the editors' user group: %s", error.response.get("error"))
        return user_id in group_members["members"]

    async def asker_for(user_id: str | None, user_name: str | None) -> Asker:
        if await is_editor(user_id):
            return Asker(user_name or f"slack:{user_id}", is_editor=True)
        return _asker(user_id)

    async def reply_to(
        text: str, user_id: str | None, user_name: str | None, channel: str | None, *, shareable: bool
    ) -> SlackMessage:
        """A command's reply, a question's answer (with a share button when only the asker sees it), or the help."""
        asker = await asker_for(user_id, user_name)
        return reply_message(respond(newsroom, plain_question(text), asker, f"slack:{channel}"), shareable=shareable)

    @app.command(COMMAND)
    async def brief_command(ack: Any, command: dict[str, Any]) -> None:
        message = await reply_to(
            command.get("text", ""),
            command.get("user_id"),
            command.get("user_name"),
            command.get("channel_id"),
            shareable=True,
        )
        await ack(response_type="ephemeral", **message.payload())

    @app.command(EDIT_COMMAND)
    async def edit_command(ack: Any, command: dict[str, Any]) -> None:
        asker = await asker_for(command.get("user_id"), command.get("user_name"))
        brief_id = plain_question(command.get("text", "")).strip()
        if not asker.is_editor:
            await ack(response_type="ephemeral", **notice_message(wording.EDITORS_ONLY).payload())
            return
        try:
            version = newsroom.show(brief_id, asker)
        except BriefbotError as error:
            await ack(response_type="ephemeral", **notice_message(str(error)).payload())
            return
        if (too_long := too_long_to_edit(version.brief)) is not None:
            await ack(response_type="ephemeral", **notice_message(too_long).payload())
            return
        await ack()
        later(open_form(command["trigger_id"], edit_view(version, command["channel_id"])))

    async def open_form(trigger_id: str, view: dict[str, Any]) -> None:
        try:
            await client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as error:
            log.error("could not open the edit form: %s", error.response.get("error"))

    @app.view(EDIT_CALLBACK)
    async def edit_submitted(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = body.get("user", {})
        asker = await asker_for(user.get("id"), user.get("name") or user.get("username"))
        if not asker.is_editor:
            await ack(response_action="errors", errors={"title": wording.EDITORS_ONLY})
            return
        brief_id, based_on, channel = view_metadata(view)
        try:
            base = newsroom.show(brief_id, asker, based_on).brief
            brief, errors = edited_brief(
                base, view.get("state", {}).get("values", {}), editor=asker.name, now=newsroom.now()
            )
            if brief is None:
                await ack(response_action="errors", errors=errors)
                return
            pushed = newsroom.push(brief, editor=asker.name, channel="slack", expected_version=based_on)
        except BriefbotError as error:  # a colleague pushed meanwhile: shown in the form, the edits kept
            await ack(response_action="errors", errors={"title": str(error)[:150]})
            return
        await ack()
        done = wording.EDITED.format(brief_id=brief_id, version=pushed.version.number)
        later(confirm_edit(channel, str(user.get("id", "")), notice_message(done)))

    async def confirm_edit(channel: str, user_id: str, message: SlackMessage) -> None:
        try:
            await client.chat_postEphemeral(channel=channel, user=user_id, **message.payload())
        except SlackApiError as error:
            log.info("could not confirm the edit in %s: %s", channel, error.response.get("error"))

    @app.event("app_mention")
    async def mention(event: dict[str, Any]) -> None:
        later(_reply_in_conversation(event, thread=True))

    @app.event("message")
    async def direct_message(event: dict[str, Any]) -> None:
        # Only plain messages a person typed in a DM: not edits, joins, or other bots.
        if event.get("channel_type") == "im" and not event.get("subtype") and not event.get("bot_id"):
            later(_reply_in_conversation(event, thread=False))

    async def _reply_in_conversation(event: dict[str, Any], *, thread: bool) -> None:
        # A reply in a channel or DM is already visible: there is nothing to share.
        message = await reply_to(event.get("text", ""), event.get("user"), None, event.get("channel"), shareable=False)
        thread_ts = (event.get("thread_ts") or event.get("ts")) if thread else None
        try:
            await client.chat_postMessage(channel=event["channel"], thread_ts=thread_ts, **message.payload())
        except SlackApiError as error:
            log.error("could not answer in %s: %s", event.get("channel"), error.response.get("error"))
        except TimeoutError:
            log.error("answering in %s timed out; not retried, as Slack may have posted it", event.get("channel"))

    @app.action(re.compile(f"^{ACTION_SHOW}"))
    async def show_choice(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        value = parse_button_value(action.get("value", ""))
        asker = _asker(body.get("user", {}).get("id"))
        if value is None:
            return
        message = reply_message(pick(newsroom, value.brief_id, asker, value.query), shareable=False)
        ephemeral = bool(body.get("container", {}).get("is_ephemeral"))
        # An ephemeral reply is replaced by the chosen brief; a public one stays, and the choice goes to the clicker.
        later(_respond(body, message, response_type="ephemeral", replace_original=ephemeral))

    @app.action(ACTION_SHARE)
    async def share(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        value = parse_button_value(action.get("value", ""))
        user = body.get("user", {})
        if value is None:
            return
        name = user.get("name") or user.get("username") or "a colleague"
        reply = pick(newsroom, value.brief_id, _asker(user.get("id")), value.query)
        if reply.answer is None:  # gone, or not visible to the clicker: they alone are told
            later(_respond(body, reply_message(reply), response_type="ephemeral", replace_original=False))
            return
        message = answer_message(reply.answer, shared_by=name)
        later(_respond(body, message, response_type="in_channel", replace_original=False))

    @app.action(ACTION_FULL)
    async def full_brief(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        value = parse_button_value(action.get("value", ""))
        if value is None:
            return
        try:
            messages = full_brief_messages(newsroom.show(value.brief_id, _asker(body.get("user", {}).get("id"))))
        except BriefbotError as error:
            messages = [notice_message(str(error))]
        later(_respond_all(body, messages))

    async def _respond_all(body: dict[str, Any], messages: list[SlackMessage]) -> None:
        for message in messages:  # in order, one after the other
            await _respond(body, message, response_type="ephemeral", replace_original=False)

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled error in a Slack listener (%s)", body.get("type"), exc_info=error)

    return app


def _asker(user_id: object) -> Asker:
    return Asker(f"slack:{user_id}" if isinstance(user_id, str) and user_id else "slack:unknown")


async def _respond(body: dict[str, Any], message: SlackMessage, *, response_type: str, replace_original: bool) -> None:
    """Post to the interaction's response URL, retrying where retrying is right; failures are logged."""
    url = body.get("response_url")
    if not isinstance(url, str):
        log.error("no response URL on a %s interaction", body.get("type"))
        return
    webhook = AsyncWebhookClient(url, timeout=HTTP_TIMEOUT, retry_handlers=retry_handlers())
    payload = {**message.payload(), "response_type": response_type, "replace_original": replace_original}
    try:
        response = await webhook.send_dict(payload)
    except Exception:
        log.exception("posting to the response URL failed")
        return
    if response.status_code != 200:
        log.error("the response URL answered %s: %s", response.status_code, response.body)


class SlackSurface:
    """Slack as a surface of ``briefbot serve``: HTTP requests at ``/slack/events``, or Socket Mode."""

    name = "slack"

    def __init__(self, newsroom: Newsroom, settings: SlackSettings) -> None:
        self.settings = settings
        self.app = build_app(newsroom, settings)
        self._socket: AsyncSocketModeHandler | None = None

    def routes(self) -> Sequence[web.RouteDef]:
        """The events endpoint, in HTTP mode; nothing in Socket Mode."""
        if self.settings.socket_mode:
            return []

        async def events(request: web.Request) -> web.Response:
            bolt_request: AsyncBoltRequest = await to_bolt_request(request)
            return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

        return [web.post(EVENTS_PATH, events)]

    async def notify(self, channel: str, text: str) -> None:
        """Post an update to a following channel, escaped; Slack's errors are retried, then logged."""
        message = notice_message(text)
        try:
            await self.app.client.chat_postMessage(channel=channel, **message.payload())
        except SlackApiError as error:
            log.error("could not post an update in %s: %s", channel, error.response.get("error"))
        except TimeoutError:
            log.error("posting an update in %s timed out; not retried, as Slack may have posted it", channel)

    async def start(self) -> None:
        """Check the bot token (a wrong one fails here, not at the first question); then, in Socket Mode, connect."""
        await self._check_token()
        if self.settings.socket_mode:
            web_client = AsyncWebClient(base_url=self.settings.api_url, retry_handlers=retry_handlers())
            self._socket = AsyncSocketModeHandler(self.app, self.settings.app_token, web_client=web_client)
            await self._socket.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt

    async def _check_token(self) -> None:
        """Ask Slack's ``auth.test`` whether the bot token is good; SettingsError, never echoing it, when not."""
        try:
            await self.app.client.auth_test()
        except SlackApiError as error:
            raise SettingsError(
                f"SLACK_BOT_TOKEN: Slack refused the bot token ({error.response.get('error')}); copy the Bot User "
                "OAuth Token (xoxb-...) from your app's OAuth & Permissions page"
            ) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise SettingsError(
                f"SLACK_API_URL: Slack's Web API at {self.settings.api_url} could not be reached "
                f"({type(error).__name__}); check the address and the network"
            ) from None

    async def stop(self) -> None:
        """Close the Socket Mode connection, if open."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
