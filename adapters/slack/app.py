"""The Slack adapter: ``/brief``, mentions, DMs and buttons on slack-bolt, translated to and from the core.

The slash command is answered inside its ack (the core answers in
milliseconds), so the reply is in Slack's HTTP response. Mentions are answered
in a thread and DMs in the DM, through the Web API. Buttons answer through the
response URL. Every Web API and response URL call is retried on rate limits,
server errors and timeouts, and its failure is logged, never raised.

This module builds the Bolt app (``build_app``) and serves it
(``SlackSurface``); the listeners are in ``adapters.slack.handlers``, the
Block Kit in ``render`` and ``full_brief``, the edit modal in ``editing`` and
the retries and logged failures in ``delivery``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.delivery import logged, retry_handlers
from adapters.slack.handlers import COMMAND, EDIT_COMMAND, SlackHandlers, plain_question
from adapters.slack.render import notice_message
from adapters.slack.settings import DEFAULT_API_URL, SlackSettings
from bot.errors import SettingsError
from bot.newsroom import Newsroom

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


class _SameTokenWarning(logging.Filter):
    """Drops Bolt's "`token` will be unused" warning: Bolt reads SLACK_BOT_TOKEN itself; it is our client's token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger(f"slack_bolt.{AsyncApp.__name__}").addFilter(_SameTokenWarning())

EVENTS_PATH = "/slack/events"


def build_app(newsroom: Newsroom, settings: SlackSettings) -> AsyncApp:
    """The Bolt app: ``/brief``, ``/brief-edit``, mentions, DMs and the answer buttons, over one newsroom."""
    client = AsyncWebClient(
        token=settings.bot_token, base_url=settings.api_url, timeout=settings.timeout, retry_handlers=retry_handlers()
    )
    # Listeners ack first and leave slow work to a task, so Bolt can answer each request as soon as its
    # listener returns.
    app = AsyncApp(
        client=client, signing_secret=settings.signing_secret or "", name="briefbot", process_before_response=True
    )
    SlackHandlers(newsroom, settings, client).register(app)
    return app


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
        post = self.app.client.chat_postMessage(channel=channel, **notice_message(text).payload())
        await logged(post, f"could not post an update in {channel}", timed_out=f"posting an update in {channel}")

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
