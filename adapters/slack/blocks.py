"""Block Kit pieces every Slack message is built of: escaped text, fitted to Slack's limits, in text objects.

Every piece of text from a brief or a question goes through ``escape``, so
``<!channel>`` or ``<https://evil.example|bank>`` shows as typed; the only
links are the brief's own source URLs, built by ``link``. Text objects are
``verbatim`` so Slack does not turn names into mentions either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot import wording
from bot.briefs import Source

__all__ = [
    "HEADER_LIMIT",
    "MAX_BLOCKS",
    "NOTIFICATION_LIMIT",
    "SECTION_LIMIT",
    "SlackMessage",
    "escape",
    "fit",
    "link",
    "mrkdwn",
    "mrkdwn_section",
    "notification",
    "plain_text",
    "section",
]

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
MAX_BLOCKS = 50
NOTIFICATION_LIMIT = 300
"""The top-level ``text`` is what notifications and screen readers show: the title or the first words."""


@dataclass(frozen=True)
class SlackMessage:
    """A Slack message: the notification text and its blocks."""

    text: str
    blocks: tuple[dict[str, Any], ...]

    def payload(self) -> dict[str, Any]:
        """The message as keyword arguments for ``chat.postMessage``, an ack, or a response URL."""
        return {"text": self.text, "blocks": list(self.blocks), "unfurl_links": False, "unfurl_media": False}


def escape(text: str) -> str:
    """Text made inert for Slack: ``&``, ``<`` and ``>`` escaped, so no mention, channel ping or link can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> tuple[str, bool]:
    """Escaped text cut to ``limit`` characters, never inside an escape such as ``&amp;``; and whether it was cut."""
    if len(text) <= limit:
        return text, False
    clipped = wording.clip(text, limit)
    amp = clipped.rfind("&", max(0, len(clipped) - 6))
    if amp != -1 and ";" not in clipped[amp:]:
        clipped = clipped[:amp].rstrip() + wording.ELLIPSIS
    return clipped, True


def link(source: Source) -> str:
    """A source as a Slack link: the URL made safe inside ``<...|...>``, the title escaped as its label."""
    url = quote(source.url, safe=":/?#[]@!$&'()*+,;=%-._~")
    return f"<{escape(url)}|{escape(source.title)}>"


def section(text: str) -> dict[str, Any]:
    """A section of plain wording with inserted user text: escaped, then fitted."""
    return mrkdwn_section(fit(escape(text), SECTION_LIMIT)[0])


def mrkdwn_section(text: str) -> dict[str, Any]:
    """A section of text already escaped and fitted."""
    return {"type": "section", "text": mrkdwn(text)}


def mrkdwn(text: str) -> dict[str, Any]:
    """A verbatim mrkdwn text object: Slack formats our markup but finds no mention or link of its own in it."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain_text(text: str, limit: int) -> dict[str, Any]:
    """A plain-text object (a header, a button's label): escaped and fitted, never empty."""
    return {"type": "plain_text", "text": fit(escape(text), limit)[0] or "\u2026", "emoji": False}


def notification(text: str) -> str:
    """A message's top-level text, as notifications show it: one line, escaped, the first words."""
    return fit(escape(" ".join(text.split())), NOTIFICATION_LIMIT)[0]
