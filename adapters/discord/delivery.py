"""Sending to Discord: replies to messages and interactions, and updates to following channels, none able to ping.

Every send here passes ``AllowedMentions.none()`` (the client sets it too):
nothing in a brief or a question may ping anyone. Discord's refusals of an
update are logged, never raised, so one gone channel does not stop the others.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

import discord

from adapters.discord.messages import DiscordReply
from adapters.discord.render import render_notice

__all__ = ["NO_MENTIONS", "answer_interaction", "post_update", "reply_to_message"]

log = logging.getLogger("briefbot.discord")

NO_MENTIONS = discord.AllowedMentions.none()
"""Nothing in a brief or a question may ping anyone: no @everyone, @here, user or role."""


async def reply_to_message(message: discord.Message, reply: DiscordReply) -> None:
    """Send ``reply`` as a reply to ``message``, in its channel, without pinging its author."""
    await message.channel.send(
        content=reply.content or None,
        embeds=list(reply.embeds),
        view=reply.view(),
        reference=message.to_reference(fail_if_not_exists=False),
        mention_author=False,
        allowed_mentions=NO_MENTIONS,
        # With a nonce, Discord itself refuses a second message for the same question for a few
        # minutes, even from another process that saw the same event.
        nonce=message.id,
    )


async def answer_interaction(
    interaction: discord.Interaction,
    replies: Sequence[DiscordReply],
    *,
    ephemeral: bool,
    attachment: tuple[str, str] | None = None,
) -> None:
    """Answer an interaction with the first reply (and ``attachment``, a file name and its text) at once, well
    within Discord's 3 seconds; the rest follow."""
    first, *rest = replies
    file = discord.utils.MISSING
    if attachment is not None:
        filename, text = attachment
        file = discord.File(io.BytesIO(text.encode()), filename=filename)
    await interaction.response.send_message(
        content=first.content or None,
        embeds=list(first.embeds),
        view=first.view(),
        ephemeral=ephemeral,
        allowed_mentions=NO_MENTIONS,
        file=file,
    )
    for reply in rest:
        await interaction.followup.send(
            content=reply.content or discord.utils.MISSING,
            embeds=list(reply.embeds),
            view=reply.view(),
            ephemeral=ephemeral,
            allowed_mentions=NO_MENTIONS,
        )


async def post_update(client: discord.Client, channel: str, text: str) -> None:
    """Post an update to a following channel, with no mentions; Discord's errors are logged."""
    try:
        target = client.get_channel(int(channel)) or await client.fetch_channel(int(channel))
        if not isinstance(target, discord.abc.Messageable):
            log.error("cannot post an update to channel %s: not a text channel", channel)
            return
        # The update quotes the brief (title, key points): sent as a notice, so it formats nothing.
        await target.send(content=render_notice(text).content, allowed_mentions=NO_MENTIONS)
    except (ValueError, discord.HTTPException) as error:
        log.error("could not post an update to channel %s: %s", channel, error)
