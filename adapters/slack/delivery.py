"""Getting messages to Slack: retries for every Web API and response URL call, and failures logged, never raised.

A call is retried on a rate limit (after Retry-After), a server error, or a
connection error. A post that timed out is logged, not sent again: Slack may
have posted it already, and a reply posted twice is worse than one logged as
lost (``adapters.slack.settings.HTTP_TIMEOUT``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

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
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import SlackMessage
from adapters.slack.settings import HTTP_TIMEOUT

__all__ = ["MAX_RETRIES", "TRANSIENT_STATUSES", "logged", "respond", "respond_in_turn", "retry_handlers"]

log = logging.getLogger("briefbot.slack")

MAX_RETRIES = 3
"""Retries for one call on a rate limit (after Retry-After), a 5xx answer, or a connection error or timeout."""

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


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


async def logged(
    call: Awaitable[Any], failed: str, *, timed_out: str | None = None, level: int = logging.ERROR
) -> None:
    """Await a Web API call; Slack's refusal (after the retries) is logged as ``failed``, with Slack's error code.

    With ``timed_out``, a call that timed out is logged as that, not retried; without it, a timeout is raised.
    """
    try:
        await call
    except SlackApiError as error:
        log.log(level, "%s: %s", failed, error.response.get("error"))
    except TimeoutError:
        if timed_out is None:
            raise
        log.error("%s timed out; not retried, as Slack may have posted it", timed_out)


async def respond(body: dict[str, Any], message: SlackMessage, *, response_type: str, replace_original: bool) -> None:
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


async def respond_in_turn(body: dict[str, Any], messages: list[SlackMessage]) -> None:
    """Post messages to the interaction's response URL only the clicker sees, in order, one after the other."""
    for message in messages:
        await respond(body, message, response_type="ephemeral", replace_original=False)
