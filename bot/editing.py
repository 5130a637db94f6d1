"""The edit form, the same on every surface: a brief's fields as text an editor changes, and applying them.

Slack's and Discord's modals only map their widgets to these fields. The form
holds the title, the bottom line, the key points (one a line), the status, the
review date (``YYYY-MM-DD``, empty for none) and the sources (one a line,
``Title | https://...``). The body beyond its key points, the tags, aliases
and desk are kept as they are. An edit goes through the brief file checks, so
a form can store nothing a file could not, and a refusal names the form field
it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot import wording
from bot.briefs import Brief, Source, Status, brief_to_markdown, parse_brief, with_key_points
from bot.errors import BriefbotError, BriefError, VersionConflict
from bot.newsroom import Asker, Newsroom
from bot.store import Version

__all__ = ["FIELDS", "FormField", "Submitted", "apply_edit", "form_values", "submit_edit", "too_long_to_edit", "where"]


@dataclass(frozen=True)
class FormField:
    """One field of the edit form: its key, its label, and whether a brief must have a value for it."""

    key: str
    label: str
    required: bool = True


FIELDS = (
    FormField("title", "Title"),
    FormField("summary", "Bottom line"),
    FormField("key_points", "Key points", required=False),
    FormField("status", "Status"),
    FormField("review_by", "Review by", required=False),
    FormField("sources", "Sources", required=False),
)
_LABELS = {field.key: field.label for field in FIELDS}

_BULLET_MARK = re.compile(r"^\s*[-*+\u2022]\s+")
"""A bullet an editor typed before a key point; the brief file adds its own."""
_SOURCE_INDEX = re.compile(r"sources\[(\d+)\].*")


def form_values(brief: Brief) -> dict[str, str]:
    """A brief's current value for each field of the form, as the editor sees it there."""
    return {
        "title": brief.title,
        "summary": brief.summary,
        "key_points": "\n".join(brief.key_points),
        "status": brief.status.value,
        "review_by": brief.review_by.isoformat() if brief.review_by else "",
        "sources": "\n".join(f"{source.title} | {source.url}" for source in brief.sources),
    }


def too_long_to_edit(brief: Brief, platform: str, limit: int, fields: Iterable[str] | None = None) -> str | None:
    """Why ``platform``'s form cannot hold a brief (a field longer than ``limit``: cut, it would be pushed cut).

    ``fields`` are the form fields the platform shows as text inputs (all of them by default). None when the
    brief fits.
    """
    shown = set(fields) if fields is not None else set(_LABELS)
    values = form_values(brief)
    too_long = [
        f"{field.label.lower()} ({len(values[field.key]):,} characters)"
        for field in FIELDS
        if field.key in shown and len(values[field.key]) > limit
    ]
    if not too_long:
        return None
    return wording.TOO_LONG_TO_EDIT.format(
        brief_id=brief.id, platform=platform, limit=limit, fields=", ".join(too_long)
    )


def apply_edit(base: Brief, values: Mapping[str, str], *, editor: str, now: datetime, origin: str) -> Brief:
    """``base`` as the form's values change it, checked like a brief file.

    A field the form did not send, or sent back as it was prefilled (line endings and trailing spaces aside),
    leaves its part of the brief exactly as it was: the form shows only the key points, so rewriting the body
    from them would drop what else their section holds (a note under them, a point's second line) and redo
    the bullets. An empty field is emptied. Raises ``BriefError`` whose field is the form's (``sources (line 3)`` for
    the third line typed), so ``where`` can name it to the editor.
    """
    current = form_values(base)

    def value(key: str) -> str:
        sent = values.get(key)
        return current[key] if sent is None else sent

    def changed(key: str) -> bool:
        return _lines(value(key)) != _lines(current[key])

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
    review = value("review_by").strip()
    try:
        review_by = date.fromisoformat(review) if review else None
    except ValueError:
        raise BriefError(origin, "review_by", "a date as YYYY-MM-DD", found=review) from None
    points = [_BULLET_MARK.sub("", line) for line in value("key_points").splitlines()]
    edited = replace(
        base,
        title=" ".join(value("title").split()) if changed("title") else base.title,
        summary=value("summary").strip() if changed("summary") else base.summary,
        body=with_key_points(base.body, points) if changed("key_points") else base.body,
        status=Status(status),
        review_by=review_by,
        sources=tuple(sources) if changed("sources") else base.sources,
        updated=now,
        editor=editor,
    )
    try:
        return parse_brief(brief_to_markdown(edited), origin).brief
    except BriefError as error:
        # The file checks count sources from 1 as listed; the editor counts the lines typed.
        found = _SOURCE_INDEX.fullmatch(error.field)
        if found is None or not 1 <= int(found[1]) <= len(lines):
            raise
        field = f"sources (line {lines[int(found[1]) - 1]})"
        raise BriefError(error.origin, field, error.expected, found=error.found) from None


@dataclass(frozen=True)
class Submitted:
    """What a submitted edit form did: the version pushed, or why not, which field it is about, and what to keep."""

    version: Version | None = None
    field: str = "title"
    """The form field a refusal is about (the title when it is about the whole brief)."""
    problem: str = ""
    kept: Brief | None = None
    """A valid edit refused because a colleague pushed meanwhile: hand it back so nothing typed is lost."""
    bad_value: bool = False
    """The refusal is about a value the form holds, shown on ``field``; otherwise ``problem`` says all there is."""

    @property
    def reply(self) -> str:
        """What the editor is told: the version pushed, or the problem."""
        if self.version is not None:
            return wording.EDITED.format(brief_id=self.version.brief.id, version=self.version.number)
        return self.problem


def submit_edit(
    newsroom: Newsroom, brief_id: str, based_on: int, values: Mapping[str, str], editor: Asker, *, channel: str
) -> Submitted:
    """Push a submitted edit form as a new version by ``editor``, based on ``based_on``; or say why not.

    Only editors may; a colleague's push since ``based_on`` refuses the edit and hands it back whole.
    """
    if not editor.is_editor:  # a forged submission, or the editor's rights were taken away since the form opened
        return Submitted(problem=wording.EDITORS_ONLY)
    try:
        base = newsroom.show(brief_id, editor, based_on).brief
        brief = apply_edit(base, values, editor=editor.name, now=newsroom.now(), origin=f"edit of {brief_id}")
    except BriefError as error:
        field, problem = where(error)
        return Submitted(field=field, problem=problem, bad_value=True)
    except BriefbotError as error:
        return Submitted(problem=str(error))
    try:
        pushed = newsroom.push(brief, editor=editor.name, channel=channel, expected_version=based_on)
    except VersionConflict as conflict:
        return Submitted(problem=str(conflict), kept=brief)
    except BriefbotError as error:
        return Submitted(problem=str(error))
    return Submitted(version=pushed.version)


def where(error: BriefError) -> tuple[str, str]:
    """The form field a refused edit is about (the title for a field the form does not show), and the problem."""
    key = re.split(r"[ \[.]", error.field, maxsplit=1)[0]
    problem = str(error).removeprefix(f"{error.origin}: {error.field}: ")
    if key not in _LABELS:
        return "title", f"{error.field}: {problem}"
    detail = error.field.partition(" ")[2].strip("()")
    return key, f"{detail}: {problem}" if detail else problem


def _lines(text: str) -> list[str]:
    """Text as lines without trailing spaces or line-ending differences: what a form changes, and what it does not."""
    return [line.rstrip() for line in text.strip().splitlines()]
