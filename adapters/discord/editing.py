"""Editing briefs in Discord: ``/brief-edit id:<id>`` opens a modal prefilled with the brief; submitting it pushes.

The form is the core's (``bot.editing``): its values, its checks and its
submission. This module only maps the form's fields to a modal's text inputs
and back. The modal's custom id carries the brief id and the version it
opened with (``brief:edit:<id>:<version>``), so a submission is understood
from the interaction alone, also after a restart, and the push is based on
that version. Discord closes a modal when it is submitted and cannot show it
again with errors, so when nothing is stored (a colleague pushed meanwhile, or
a value is wrong) the reply says why and hands the editor's text back as a
file.

Five inputs is all a Discord modal holds: title, bottom line, key points,
status and sources. The review-by date is not in the form; an edit keeps it.

Pure functions and one modal class, no network: ``adapters.discord.bot``
routes the command and the submission here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.messages import CUSTOM_ID_LIMIT
from bot import editing, wording
from bot.briefs import ID_PATTERN, MAX_ID_LENGTH, Brief, brief_to_markdown
from bot.newsroom import Asker, Newsroom
from bot.store import Version

__all__ = [
    "EDIT_CHANNEL",
    "INPUTS",
    "INPUT_LABEL_LIMIT",
    "INPUT_VALUE_LIMIT",
    "MODAL_TITLE_LIMIT",
    "EditOutcome",
    "Input",
    "edit_custom_id",
    "edit_modal",
    "parse_edit_custom_id",
    "push_edit",
    "submitted_values",
    "too_long_to_edit",
]

# Discord's limits for modals (developer docs, "Component Reference"); over any of them the modal is refused.
MODAL_TITLE_LIMIT = 45
INPUT_LABEL_LIMIT = 45
LABEL_DESCRIPTION_LIMIT = 100
INPUT_VALUE_LIMIT = 4000

PLATFORM = "Discord"
EDIT_CHANNEL = "discord"
"""The channel recorded on every version pushed from a Discord modal."""

EDIT_PREFIX = "brief:edit"
MAX_VERSION_DIGITS = CUSTOM_ID_LIMIT - len(EDIT_PREFIX) - MAX_ID_LENGTH - 2
"""With the longest brief id the custom id still fits in 100 characters up to version 99,999,999."""
_EDIT_ID = re.compile(
    rf"{EDIT_PREFIX}:(?P<brief_id>[a-z0-9-]{{1,{MAX_ID_LENGTH}}}):(?P<version>[1-9][0-9]{{0,{MAX_VERSION_DIGITS - 1}}})"
)


@dataclass(frozen=True)
class Input:
    """One text input of the edit modal: the form field it shows, its caption, an optional hint, and its size."""

    key: str
    label: str
    hint: str | None = None
    multiline: bool = True
    max_length: int = INPUT_VALUE_LIMIT


# Captions only the Discord form shows; sentences stay in bot.wording.
INPUTS = (
    Input("title", "Title", multiline=False),
    Input("summary", "Bottom line"),
    Input("key_points", "Key points, one a line"),
    Input("status", "Status", "published, draft or embargoed", multiline=False, max_length=20),
    Input("sources", "Sources, one a line", "Title | https://..."),
)
MODAL_TITLE = "Edit: {title}"
REVIEW_BY_KEPT = "published, draft or embargoed. Review by {review_by} is kept."
REQUIRED = {field.key: field.required for field in editing.FIELDS}
LABELS = {field.key: field.label for field in editing.FIELDS}
"""Each form field's name in a sentence about it: "Key points", not "Key points, one a line"."""


@dataclass(frozen=True)
class EditOutcome:
    """What a submitted edit did, as the editor is told: a sentence, and their text when nothing was stored."""

    text: str
    attachment: tuple[str, str] | None = None
    """The file name and content handed back to the editor, or None when there is nothing to hand back."""


def edit_custom_id(brief_id: str, version: int) -> str:
    """The custom id of the modal editing ``version`` of a brief."""
    custom_id = f"{EDIT_PREFIX}:{brief_id}:{version}"
    if len(custom_id) > CUSTOM_ID_LIMIT:
        raise ValueError(f"{custom_id!r} is longer than Discord's {CUSTOM_ID_LIMIT} characters")
    return custom_id


def parse_edit_custom_id(value: str) -> tuple[str, int] | None:
    """The brief id and the version a submitted edit modal opened with, or None if it is not one of ours."""
    match = _EDIT_ID.fullmatch(value)
    if match is None or not ID_PATTERN.fullmatch(match["brief_id"]):
        return None
    return match["brief_id"], int(match["version"])


def too_long_to_edit(brief: Brief) -> str | None:
    """Why a brief cannot be edited in the modal (a field longer than an input holds), or None when it can."""
    return editing.too_long_to_edit(
        brief, PLATFORM, INPUT_VALUE_LIMIT, fields=[text_input.key for text_input in INPUTS]
    )


def edit_modal(version: Version) -> discord.ui.Modal:
    """The modal editing ``version`` of a brief, prefilled with it; check ``too_long_to_edit`` first."""
    brief = version.brief
    if (problem := too_long_to_edit(brief)) is not None:
        # A prefilled value cut to fit would be pushed cut: refuse rather than lose text.
        raise ValueError(problem)
    values = editing.form_values(brief)
    modal = _FormOnly(
        title=wording.clip(MODAL_TITLE.format(title=" ".join(brief.title.split())), MODAL_TITLE_LIMIT),
        custom_id=edit_custom_id(brief.id, version.number),
    )
    for field in INPUTS:
        hint = field.hint
        if field.key == "status" and brief.review_by is not None:
            hint = REVIEW_BY_KEPT.format(review_by=brief.review_by.isoformat())
        text_input: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            custom_id=field.key,
            style=discord.TextStyle.paragraph if field.multiline else discord.TextStyle.short,
            default=values[field.key] or None,
            required=REQUIRED[field.key],
            max_length=field.max_length,
        )
        description = wording.clip(hint, LABEL_DESCRIPTION_LIMIT) if hint else None
        modal.add_item(
            discord.ui.Label(text=field.label[:INPUT_LABEL_LIMIT], description=description, component=text_input)
        )
    return modal


class _FormOnly(discord.ui.Modal):
    """Carries the form to Discord; its submission is handled by custom id, not by this object.

    discord.py keeps every unfinished modal it sends until it times out, and
    hands the submission to it; a modal reporting itself finished is never
    stored, so nothing piles up and the bot's ``on_interaction`` answers the
    submission from its custom id alone, even in a process that never sent it.
    """

    def is_finished(self) -> bool:
        return True


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Each text input's value in a modal submission, by custom id, whether in labels or in action rows."""
    values: dict[str, str] = {}

    def walk(components: Iterable[Any]) -> None:
        for component in components:
            if not isinstance(component, Mapping):
                continue
            if component.get("type") == 1:  # an action row, the older shape of a modal
                walk(component.get("components") or ())
            elif component.get("type") == 18:  # a label holding one input
                walk([component.get("component")])
            elif isinstance(component.get("custom_id"), str) and isinstance(component.get("value"), str):
                values[component["custom_id"]] = component["value"]

    walk(data.get("components") or ())
    return values


def push_edit(
    newsroom: Newsroom, brief_id: str, based_on: int, values: Mapping[str, str], editor: Asker
) -> EditOutcome:
    """Push a submitted modal through the core's form, based on ``based_on``; or say why not, keeping the text."""
    submitted = editing.submit_edit(newsroom, brief_id, based_on, values, editor, channel=EDIT_CHANNEL)
    if submitted.version is not None:
        return EditOutcome(submitted.reply)
    if submitted.kept is not None:
        # The edit itself is valid: hand it back whole as a brief file, based on the version it started from.
        filename = f"{brief_id}.md"
        kept = wording.CONFLICT_KEPT.format(filename=filename, version=based_on)
        return EditOutcome(
            f"{submitted.problem}\n{kept}", (filename, brief_to_markdown(submitted.kept, version=based_on))
        )
    if not editor.is_editor:
        return EditOutcome(submitted.problem)  # a forged submission: there is no editor's work to keep
    reason = submitted.problem
    if submitted.bad_value:
        reason = wording.BAD_VALUE.format(label=LABELS[submitted.field], problem=submitted.problem)
    filename = f"{brief_id}-edit.txt"
    # One labelled section per input, to paste back into the form.
    sections = [f"{field.label}:\n{values.get(field.key, '')}" for field in INPUTS]
    text = "\n\n".join(sections) + "\n"
    return EditOutcome(f"{reason}\n{wording.EDIT_KEPT.format(filename=filename)}", (filename, text))
