"""What a Discord reply is made of: one message's text, embeds and buttons, and the custom ids buttons carry.

Buttons carry static custom ids (``brief:show:<id>``, ``brief:share:<id>``,
``brief:full:<id>``) so a click is understood from its id alone, also after a
restart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import discord

from bot.briefs import ID_PATTERN, MAX_ID_LENGTH

__all__ = [
    "BUTTONS_PER_MESSAGE",
    "BUTTON_LABEL_LIMIT",
    "CUSTOM_ID_LIMIT",
    "Action",
    "DiscordButton",
    "DiscordReply",
    "custom_id",
    "parse_custom_id",
]

# Discord's limits (developer docs, "Message Components"); over any of them the whole message is refused.
CUSTOM_ID_LIMIT = 100
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_MESSAGE = 25

CUSTOM_ID_PREFIX = "brief"
_CUSTOM_ID = re.compile(rf"{CUSTOM_ID_PREFIX}:(?P<action>show|share|full):(?P<brief_id>.{{1,{MAX_ID_LENGTH}}})")


class Action(StrEnum):
    """What a button does when clicked."""

    SHOW = "show"
    SHARE = "share"
    FULL = "full"


@dataclass(frozen=True)
class DiscordButton:
    """One button: its caption and the custom id its click carries."""

    custom_id: str
    label: str
    style: discord.ButtonStyle = discord.ButtonStyle.secondary


@dataclass(frozen=True)
class DiscordReply:
    """One Discord message: text, embeds and buttons, each within Discord's limits."""

    content: str = ""
    embeds: tuple[discord.Embed, ...] = ()
    buttons: tuple[DiscordButton, ...] = ()

    def view(self) -> discord.ui.View:
        """The buttons as a view to send with the message (empty when there are none)."""
        return _ButtonsOnly(self.buttons)


class _ButtonsOnly(discord.ui.View):
    """Carries buttons to Discord; clicks are handled by custom id, not by this view.

    discord.py keeps every unfinished view it sends in its view store: forever
    for a message (one entry per answer, growing without bound), or with a
    15-minute timeout for an ephemeral response. A view reporting itself
    finished is never stored, so nothing times out and nothing piles up; the
    bot's ``on_interaction`` answers clicks from their custom ids alone.
    """

    def __init__(self, buttons: Sequence[DiscordButton]) -> None:
        super().__init__(timeout=None)
        for button in buttons:
            self.add_item(discord.ui.Button(style=button.style, label=button.label, custom_id=button.custom_id))

    def is_finished(self) -> bool:
        return True


def custom_id(action: Action, brief_id: str) -> str:
    """The custom id of a button that does ``action`` on one brief."""
    return f"{CUSTOM_ID_PREFIX}:{action.value}:{brief_id}"


def parse_custom_id(value: str) -> tuple[Action, str] | None:
    """The action and brief id a clicked button carries, or None if it is not one of ours."""
    match = _CUSTOM_ID.fullmatch(value)
    if match is None or not ID_PATTERN.fullmatch(match["brief_id"]):
        return None
    return Action(match["action"]), match["brief_id"]
