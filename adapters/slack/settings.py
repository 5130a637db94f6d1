"""How to reach Slack: the Slack part of the configuration, read by ``adapters.config``.

Kept apart from ``adapters.slack.app`` so reading the configuration never loads slack-bolt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_API_URL", "HTTP_TIMEOUT", "SlackSettings"]

DEFAULT_API_URL = "https://slack.com/api/"

HTTP_TIMEOUT = 5
"""Seconds before a Web API or response URL call is abandoned. A call that timed out is not retried:
Slack may have posted it already, and a reply or an update posted twice is worse than one logged as lost."""


@dataclass(frozen=True)
class SlackSettings:
    """How to reach Slack: tokens, the signing secret, and the Web API's address."""

    bot_token: str = field(repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    editors: frozenset[str] = frozenset()
    """Slack user ids of the editors."""
    editor_group: str | None = None
    """A Slack user group whose members are editors too."""
    timeout: int = HTTP_TIMEOUT

    @property
    def socket_mode(self) -> bool:
        """Whether to connect over Socket Mode (an app token is set) instead of taking HTTP requests."""
        return self.app_token is not None
