"""The Discord adapter: mentions, DMs and the ``/brief`` command, translated to and from the newsroom.

Three steps and nothing more: a Discord event becomes a question and an
``Asker``, the newsroom answers, and ``adapters.discord.render`` turns the
answer into the message Discord shows. Everything here is routing:

- a message that mentions the bot in a channel, or any message in a DM, gets a
  reply to that message; a mention with no question, or ``help``, gets the help;
- ``/brief question:<text>`` answers only the asker (ephemeral), with a button
  to share the answer in the channel, and autocompletes brief titles;
- ``/brief-edit id:<id>`` opens, for members holding the editors' role, a
  modal prefilled with the brief (``adapters.discord.editing``);
- buttons and submitted modals carry static custom ids and are handled here,
  in ``on_interaction``, so they keep working after a restart.

No send can ping anyone: the client and every send use
``AllowedMentions.none()``. The bot needs no privileged intent: Discord
delivers the text of messages that mention the bot, and of DMs, without the
message content intent.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import discord
from aiohttp import web
from discord import app_commands

from adapters.discord.autocomplete import brief_choices
from adapters.discord.delivery import NO_MENTIONS, answer_interaction, post_update, reply_to_message
from adapters.discord.editing import edit_modal, parse_edit_custom_id, push_edit, submitted_values, too_long_to_edit
from adapters.discord.full_brief import render_full_brief
from adapters.discord.messages import Action, parse_custom_id
from adapters.discord.render import render_answer, render_notice, render_reply
from adapters.discord.settings import DiscordSettings
from adapters.recent import RecentIds
from bot import wording
from bot.briefs import MAX_ID_LENGTH
from bot.chat import pick, respond
from bot.errors import BriefbotError, StoreUnwritable
from bot.newsroom import Asker, Newsroom

__all__ = [
    "EDIT_COMMAND_NAME",
    "NO_MENTIONS",
    "BriefbotClient",
    "DiscordSettings",
    "DiscordSurface",
    "build_client",
]

log = logging.getLogger("briefbot.discord")

RECENT_MESSAGES = 4096
"""How many answered message and interaction ids are remembered, so an event replayed after a gateway
RESUME (which replays at most the few minutes of events the bot missed) gets no second reply."""

COMMAND_NAME = "brief"
COMMAND_DESCRIPTION = "The newsroom's brief on a story (only you see it, until you share it)"
QUESTION_DESCRIPTION = "What the story is about, e.g. latest Kremlin stance on a Trump meeting"
QUESTION_MAX_LENGTH = 500
"""Discord's own limit for a text option is 6,000; a question is a line, not an article."""

EDIT_COMMAND_NAME = "brief-edit"
EDIT_COMMAND_DESCRIPTION = "Editors: edit a brief in a form and push it as a new version"
EDIT_ID_DESCRIPTION = "The brief's id; type words of its title to find it"


class BriefbotClient(discord.Client):
    """A discord.py client that answers from one newsroom; ``tree`` holds the ``/brief`` command."""

    def __init__(self, newsroom: Newsroom, settings: DiscordSettings) -> None:
        # Default intents: guilds, and guild and DM messages among them; none is privileged.
        super().__init__(intents=discord.Intents.default(), allowed_mentions=NO_MENTIONS)
        self.newsroom = newsroom
        self.settings = settings
        self.tree = app_commands.CommandTree(self)
        self._answered = RecentIds(RECENT_MESSAGES)
        self._add_brief_command()

    async def setup_hook(self) -> None:
        """Register ``/brief`` with Discord, once per login (``on_ready`` fires again on every reconnect)."""
        if self.settings.guild_id is None:
            await self.tree.sync()
            return
        # One guild sees new or changed commands at once; global ones can take a while to appear.
        guild = discord.Object(id=self.settings.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)

    def _first_time(self, snowflake: int) -> bool:
        """Whether no replica answered this message or interaction yet; a replica that cannot reach the database
        to ask answers anyway (twice is better than never)."""
        if not self._answered.first_time(snowflake):
            return False
        try:
            return self.newsroom.first_time("discord", str(snowflake))
        except StoreUnwritable as error:
            log.warning("answering %s without asking the other replicas: %s", snowflake, error)
            return True

    # mentions and DMs

    async def on_message(self, message: discord.Message) -> None:
        """Reply to a mention or a DM, once per message."""
        question = self._question_in(message)
        if question is None or not self._first_time(message.id):
            return
        reply = respond(self.newsroom, question, self._asker(message.author), f"discord:{message.channel.id}")
        await reply_to_message(message, render_reply(reply))

    def _question_in(self, message: discord.Message) -> str | None:
        """The question a message asks the bot, or None when it is not for the bot."""
        me = self.user
        if me is None or message.author.id == me.id or message.author.bot or message.webhook_id is not None:
            return None
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return None
        if message.guild is not None and not any(user.id == me.id for user in message.mentions):
            return None
        return " ".join(re.sub(rf"<@!?{me.id}>", " ", message.content).split())

    def _asker(self, person: discord.User | discord.Member) -> Asker:
        """Who is asking: an editor when they hold the editors' role (roles exist only in a server)."""
        role = self.settings.editor_role
        if role is not None and isinstance(person, discord.Member) and any(r.id == role for r in person.roles):
            return Asker(person.display_name, is_editor=True)
        return Asker(f"discord:{person.id}")

    # the /brief command

    def _add_brief_command(self) -> None:
        @self.tree.command(name=COMMAND_NAME, description=COMMAND_DESCRIPTION)
        @app_commands.describe(question=QUESTION_DESCRIPTION)
        async def brief(
            interaction: discord.Interaction, question: app_commands.Range[str, 1, QUESTION_MAX_LENGTH]
        ) -> None:
            await self._on_brief_command(interaction, question)

        @brief.autocomplete("question")
        async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return brief_choices(self.newsroom, Asker(f"discord:{interaction.user.id}"), current)

        @self.tree.command(name=EDIT_COMMAND_NAME, description=EDIT_COMMAND_DESCRIPTION)
        @app_commands.guild_only()  # roles, and so editors, exist only in a server
        @app_commands.rename(brief_id="id")
        @app_commands.describe(brief_id=EDIT_ID_DESCRIPTION)
        async def brief_edit(
            interaction: discord.Interaction, brief_id: app_commands.Range[str, 1, MAX_ID_LENGTH]
        ) -> None:
            await self._on_edit_command(interaction, brief_id)

        @brief_edit.autocomplete("brief_id")
        async def complete_id(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            asker = self._asker(interaction.user)
            # Only editors may edit, and only editors may see drafts: anyone else is offered nothing.
            return brief_choices(self.newsroom, asker, current, by_id=True) if asker.is_editor else []

    async def _on_brief_command(self, interaction: discord.Interaction, question: str) -> None:
        if not self._first_time(interaction.id):
            return  # replayed after a RESUME: already answered, and an interaction takes one response
        asker = self._asker(interaction.user)
        reply = respond(self.newsroom, question, asker, f"discord:{interaction.channel_id}")
        await answer_interaction(interaction, [render_reply(reply, shareable=True)], ephemeral=True)

    # editing

    async def _on_edit_command(self, interaction: discord.Interaction, brief_id: str) -> None:
        """Open the edit modal for an editor; anyone else is told only editors may, and nothing opens."""
        if not self._first_time(interaction.id):
            return  # replayed after a RESUME: already answered, and an interaction takes one response
        asker = self._asker(interaction.user)
        form = self._edit_form(brief_id.strip(), asker) if asker.is_editor else wording.EDITORS_ONLY
        if isinstance(form, str):
            await answer_interaction(interaction, [render_notice(form)], ephemeral=True)
            return
        await interaction.response.send_modal(form)

    def _edit_form(self, brief_id: str, editor: Asker) -> discord.ui.Modal | str:
        """The edit modal for the latest version of a brief, or why it cannot be edited here."""
        try:
            version = self.newsroom.show(brief_id, editor)
            return too_long_to_edit(version.brief) or edit_modal(version)
        except BriefbotError as error:
            return str(error)
        except Exception:
            log.exception("opening the edit form for %r failed", brief_id)
            return wording.APOLOGY

    async def _on_edit_submitted(self, interaction: discord.Interaction) -> None:
        """Push a submitted edit modal, by the custom id it carries; the editor alone sees what happened."""
        data: Mapping[str, Any] = interaction.data or {}
        value = data.get("custom_id")
        parsed = parse_edit_custom_id(value) if isinstance(value, str) else None
        if parsed is None or not self._first_time(interaction.id):
            return  # not one of ours, or replayed after a RESUME and already answered
        brief_id, based_on = parsed
        # Editors only: the core refuses anyone else, a forged submission or a role taken away since the form opened.
        asker = self._asker(interaction.user)
        try:
            outcome = push_edit(self.newsroom, brief_id, based_on, submitted_values(data), asker)
        except Exception:
            log.exception("pushing the edit of %s failed", brief_id)
            await answer_interaction(interaction, [render_notice(wording.APOLOGY)], ephemeral=True)
            return
        await answer_interaction(
            interaction, [render_notice(outcome.text)], ephemeral=True, attachment=outcome.attachment
        )

    # buttons

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Handle a click on any of our buttons or a submitted edit modal, whenever and wherever it was sent."""
        if interaction.type is discord.InteractionType.modal_submit:
            await self._on_edit_submitted(interaction)
            return
        if interaction.type is not discord.InteractionType.component or interaction.data is None:
            return
        value = interaction.data.get("custom_id")
        parsed = parse_custom_id(value) if isinstance(value, str) else None
        if parsed is None or not self._first_time(interaction.id):
            return  # not one of ours, or replayed after a RESUME and already answered
        action, brief_id = parsed
        reply = pick(self.newsroom, brief_id, Asker(f"discord:{interaction.user.id}"))
        if reply.answer is None:  # gone, or not visible to the clicker: they alone are told
            await answer_interaction(interaction, [render_reply(reply)], ephemeral=True)
            return
        if action is Action.FULL:
            replies = render_full_brief(reply.answer)
        elif action is Action.SHARE:
            replies = [render_answer(reply.answer, shared_by=interaction.user.display_name)]
        else:
            replies = [render_answer(reply.answer, shareable=True)]
        await answer_interaction(interaction, replies, ephemeral=action is not Action.SHARE)


def build_client(newsroom: Newsroom, settings: DiscordSettings) -> BriefbotClient:
    """The Discord client with its handlers and ``/brief`` registered, not yet logged in or connected."""
    return BriefbotClient(newsroom, settings)


class DiscordSurface:
    """Discord as a surface of ``briefbot serve``: a gateway connection, no HTTP routes."""

    name = "discord"

    def __init__(self, newsroom: Newsroom, settings: DiscordSettings) -> None:
        self.client = build_client(newsroom, settings)
        self._settings = settings
        self._gateway: asyncio.Task[None] | None = None

    def routes(self) -> Sequence[web.RouteDef]:
        """None: Discord talks to the bot over its gateway connection."""
        return []

    async def notify(self, channel: str, text: str) -> None:
        """Post an update to a following channel, with no mentions; Discord's errors are logged."""
        await post_update(self.client, channel, text)

    async def start(self) -> None:
        """Log in (a bad token fails here) and keep the gateway connected in the background."""
        await self.client.login(self._settings.token)
        self._gateway = asyncio.create_task(self._connect(), name="briefbot discord gateway")

    async def stop(self) -> None:
        """Close the gateway connection and the HTTP session."""
        await self.client.close()
        if self._gateway is not None:
            await self._gateway

    async def _connect(self) -> None:
        try:
            # discord.py reconnects (and RESUMEs) by itself; this returns only when the client closes.
            await self.client.connect(reconnect=True)
        except Exception:
            log.exception("the Discord gateway connection stopped for good")
