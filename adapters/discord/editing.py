"""Editing briefs in Discord: ``/brief-edit id:<id>`` opens a modal prefilled with the brief; submitting it pushes.

The modal's custom id carries the brief id and the version it opened with
(``brief:edit:<id>:<version>``), so a submission is understood from the
interaction alone, also after a restart, and the push is based on that
version. Discord closes a modal when it is submitted and cannot show it again
with errors, so when a push is refused (a colleague pushed meanwhile, or a
value is wrong) the reply says why and hands the editor's text back as a file.

Five inputs is all a Discord modal holds: title, bottom line, key points,
status and sources. The review-by date is not in the form; an edit keeps it.

Pure functions and one modal class, no network: ``adapters.discord.bot``
routes the command and the submission here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import discord

from bot import wording
from bot.briefs import ID_PATTERN, MAX_ID_LENGTH, Brief, Source, Status, brief_to_markdown, parse_brief, with_key_points
from bot.errors import BriefError, UnknownBrief, VersionConflict
from bot.newsroom import Asker, Newsroom
from bot.store import Version

__all__ = [
    "BAD_VALUE",
    "CONFLICT_KEPT",
    "EDIT_CHANNEL",
    "EDIT_KEPT",
    "FIELDS",
    "INPUT_LABEL_LIMIT",
    "INPUT_VALUE_LIMIT",
    "MODAL_TITLE_LIMIT",
    "TOO_LONG_TO_EDIT",
    "EditOutcome",
    "Field",
    "edit_custom_id",
    "edit_modal",
    "edited_brief",
    "parse_edit_custom_id",
    "submit_edit",
    "submitted_values",
    "too_long_to_edit",
]

# Discord's limits for modals (developer docs, "Component Reference"); over any of them the modal is refused.
MODAL_TITLE_LIMIT = 45
INPUT_LABEL_LIMIT = 45
LABEL_DESCRIPTION_LIMIT = 100
INPUT_VALUE_LIMIT = 4000
CUSTOM_ID_LIMIT = 100

EDIT_CHANNEL = "discord"
"""The channel recorded on every version pushed from a Discord modal."""

EDIT_PREFIX = "brief:edit"
MAX_VERSION_DIGITS = CUSTOM_ID_LIMIT - len(EDIT_PREFIX) - MAX_ID_LENGTH - 2
"""With the longest brief id the custom id still fits in 100 characters up to version 99,999,999."""
_EDIT_ID = re.compile(
    rf"{EDIT_PREFIX}:(?P<brief_id>[a-z0-9-]{{1,{MAX_ID_LENGTH}}}):(?P<version>[1-9][0-9]{{0,{MAX_VERSION_DIGITS - 1}}})"
)
_BULLET_MARK = re.compile(r"^\s*[-*\u2022]\s+")
"""A bullet an editor typed before a key point; the brief file adds its own."""


@dataclass(frozen=True)
class Field:
    """One input of the edit modal: custom id, label, optional hint, whether Discord insists on a value, size."""

    key: str
    label: str
    hint: str | None = None
    required: bool = True
    multiline: bool = True
    max_length: int = INPUT_VALUE_LIMIT


# Labels only the Discord form shows; sentences stay in bot.wording.
FIELDS = (
    Field("title", "Title", multiline=False),
    Field("summary", "Bottom line"),
    Field("key_points", "Key points, one a line", required=False),
    Field("status", "Status", "published, draft or embargoed", multiline=False, max_length=20),
    Field("sources", "Sources, one a line", "Title | https://...", required=False),
)
MODAL_TITLE = "Edit: {title}"
REVIEW_BY_KEPT = "published, draft or embargoed. Review by {review_by} is kept."
LABELS = {field.key: field.label.partition(",")[0] for field in FIELDS}
"""Each input's name in a sentence about it: "Key points", not "Key points, one a line"."""

# Sentences the edit replies need (to be moved into bot.wording).
BAD_VALUE = "Not pushed: {label}: {problem}"
EDIT_KEPT = "Your text is attached as {filename}: open /brief-edit again and paste it back in."
CONFLICT_KEPT = "Your edit is attached as {filename}, a brief file based on v{version}, so nothing is lost."
TOO_LONG_TO_EDIT = (
    "{brief_id}: its {label} is longer than a Discord form holds ({limit:,} characters), so it cannot be edited "
    "here without losing text. Edit the brief file (briefbot show {brief_id} --raw) and push it."
)


@dataclass(frozen=True)
class EditOutcome:
    """What a submitted edit did, as the editor is told: a sentence, and their text when nothing was stored."""

    text: str
    attachment: tuple[str, str] | None = None
    """The file name and content handed back to the editor, or None when the edit was pushed."""


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
    """Why a brief cannot be edited in a modal (a field longer than an input holds), or None when it can."""
    for field in FIELDS:
        if len(_current(brief, field.key)) > field.max_length:
            return TOO_LONG_TO_EDIT.format(brief_id=brief.id, label=LABELS[field.key].lower(), limit=field.max_length)
    return None


def edit_modal(version: Version) -> discord.ui.Modal:
    """The modal editing ``version`` of a brief, prefilled with it; check ``too_long_to_edit`` first."""
    brief = version.brief
    if (problem := too_long_to_edit(brief)) is not None:
        # A prefilled value cut to fit would be pushed cut: refuse rather than lose text.
        raise ValueError(problem)
    modal = _FormOnly(
        title=wording.clip(MODAL_TITLE.format(title=" ".join(brief.title.split())), MODAL_TITLE_LIMIT),
        custom_id=edit_custom_id(brief.id, version.number),
    )
    for field in FIELDS:
        hint = field.hint
        if field.key == "status" and brief.review_by is not None:
            hint = REVIEW_BY_KEPT.format(review_by=brief.review_by.isoformat())
        text_input: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            custom_id=field.key,
            style=discord.TextStyle.paragraph if field.multiline else discord.TextStyle.short,
            default=_current(brief, field.key) or None,
            required=field.required,
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


def edited_brief(base: Brief, values: Mapping[str, str], *, editor: str, now: datetime) -> Brief:
    """``base`` as the modal's values change it, checked like a brief file; raises ``BriefError`` naming the field.

    An input Discord did not send, or sent as it was prefilled, leaves its part of the brief exactly as it was:
    the form shows only the key points, so rewriting the body from them would drop what else their section holds
    (a note under them, a point's second line) and redo the bullets. An empty input is empty.
    """
    origin = f"Discord edit of {base.id}"

    def value(key: str) -> str:
        sent = values.get(key)
        return _current(base, key) if sent is None else sent

    def changed(key: str) -> bool:
        return _lines(value(key)) != _lines(_current(base, key))

    sources: list[Source] = []
    lines: list[int] = []
    for number, line in enumerate(value("sources").splitlines(), start=1):
        if not line.strip():
            continue
        title, bar, url = line.rpartition("|")
        if not bar or not title.strip():
            raise BriefError(origin, f"sources (line {number})", "Title | https://...", found=line.strip())
        sources.append(Source(title.strip(), url.strip()))
        lines.append(number)
    status = value("status").strip().lower()
    if status not in {s.value for s in Status}:
        raise BriefError(origin, "status", "one of published, draft, embargoed", found=value("status").strip())
    points = [_BULLET_MARK.sub("", line) for line in value("key_points").splitlines()]
    edited = replace(
        base,
        title=" ".join(value("title").split()) if changed("title") else base.title,
        summary=value("summary").strip() if changed("summary") else base.summary,
        body=with_key_points(base.body, points) if changed("key_points") else base.body,
        status=Status(status),
        sources=tuple(sources) if changed("sources") else base.sources,
        updated=now,
        editor=editor,
    )
    try:
        # Through the brief file checks, so a modal can store nothing a file could not.
        return parse_brief(brief_to_markdown(edited), origin).brief
    except BriefError as error:
        # The file checks count sources from 1 as listed; the editor counts lines of the input.
        where = re.fullmatch(r"sources\[(\d+)\].*", error.field)
        if where is None or not 1 <= int(where[1]) <= len(lines):
            raise
        field = f"sources (line {lines[int(where[1]) - 1]})"
        raise BriefError(error.origin, field, error.expected, found=error.found) from None


def submit_edit(
    newsroom: Newsroom, brief_id: str, based_on: int, values: Mapping[str, str], editor: Asker
) -> EditOutcome:
    """Push an edited brief as a new version by ``editor``, based on ``based_on``; or say why not, keeping the text."""
    try:
        base = newsroom.show(brief_id, editor, based_on).brief
    except UnknownBrief as error:
        return _kept_values(str(error), brief_id, values)
    try:
        brief = edited_brief(base, values, editor=editor.name, now=newsroom.now())
    except BriefError as error:
        label = LABELS.get(error.field.split(" ")[0].split("[")[0].split(".")[0], error.field)
        where = error.field.partition(" ")[2]
        problem = str(error).removeprefix(f"{error.origin}: {error.field}: ")
        return _kept_values(BAD_VALUE.format(label=f"{label} {where}".strip(), problem=problem), brief_id, values)
    try:
        pushed = newsroom.push(brief, editor=editor.name, channel=EDIT_CHANNEL, expected_version=based_on)
    except VersionConflict as conflict:
        # The edit itself is valid: hand it back whole as a brief file, based on the version it started from.
        filename = f"{brief_id}.md"
        kept = CONFLICT_KEPT.format(filename=filename, version=based_on)
        return EditOutcome(f"{conflict}\n{kept}", (filename, brief_to_markdown(brief, version=based_on)))
    return EditOutcome(wording.EDITED.format(brief_id=brief_id, version=pushed.version.number))


def _kept_values(reason: str, brief_id: str, values: Mapping[str, str]) -> EditOutcome:
    """A refused edit, with the submitted values as a text file: one labelled section per input, to paste back."""
    filename = f"{brief_id}-edit.txt"
    sections = [f"{field.label}:\n{values.get(field.key, '')}" for field in FIELDS]
    return EditOutcome(f"{reason}\n{EDIT_KEPT.format(filename=filename)}", (filename, "\n\n".join(sections) + "\n"))


def _lines(text: str) -> list[str]:
    """A form value as compared with what it was prefilled with: Discord may trim it, or end its lines its own way."""
    return [line.rstrip() for line in text.strip().splitlines()]


def _current(brief: Brief, key: str) -> str:
    """A brief's current value for one input of the modal, as the editor sees it there."""
    if key == "key_points":
        return "\n".join(brief.key_points)
    if key == "sources":
        return "\n".join(f"{source.title} | {source.url}" for source in brief.sources)
    if key == "status":
        return brief.status.value
    text: str = getattr(brief, key)
    return text
