"""How to reach Discord: the Discord part of the configuration, read by ``adapters.config``.

Kept apart from ``adapters.discord.bot`` so reading the configuration never loads discord.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DiscordSettings"]


@dataclass(frozen=True)
class DiscordSettings:
    """How to reach Discord: the bot token, and optionally one guild to register ``/brief`` in at once."""

    token: str = field(repr=False)
    guild_id: int | None = None
    editor_role: int | None = None
    """Members with this role (its id) are editors."""
