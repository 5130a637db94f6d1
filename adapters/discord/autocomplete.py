"""Autocomplete for ``/brief`` and ``/brief-edit``: brief titles (and ids) as typed, only those the asker may see."""

from __future__ import annotations

import logging

from discord import app_commands

from bot import wording
from bot.briefs import Status
from bot.newsroom import Asker, Newsroom

__all__ = ["AUTOCOMPLETE_CHOICES", "CHOICE_NAME_LIMIT", "UNPUBLISHED_MARK", "brief_choices"]

log = logging.getLogger("briefbot.discord")

AUTOCOMPLETE_CHOICES = 25
"""The most choices Discord shows for one option."""
CHOICE_NAME_LIMIT = 100
UNPUBLISHED_MARK = " ({status})"
"""After a title in an editor's autocomplete: marks a draft or an embargoed brief."""


def brief_choices(
    newsroom: Newsroom, asker: Asker, current: str, *, by_id: bool = False
) -> list[app_commands.Choice[str]]:
    """Brief titles (and ids, ``by_id``) holding every typed word, most recently updated first.

    Only briefs the asker may see are offered: for an editor that includes
    drafts and embargoed briefs, marked as such.
    """
    words = current.casefold().split()
    try:
        versions = newsroom.briefs(asker)
    except Exception:
        # No suggestions is a fine answer to a keystroke; the reporter can still send the question.
        log.exception("autocomplete for %r failed", current)
        return []
    choices = []
    for version in versions:
        brief = version.brief
        searched = f"{brief.title} {brief.id}" if by_id else brief.title
        if not all(word in searched.casefold() for word in words):
            continue
        mark = UNPUBLISHED_MARK.format(status=brief.status.value) if brief.status is not Status.PUBLISHED else ""
        name = wording.clip(brief.title, CHOICE_NAME_LIMIT - len(mark)) + mark
        choices.append(app_commands.Choice(name=name, value=brief.id))
        if len(choices) == AUTOCOMPLETE_CHOICES:
            break
    return choices
