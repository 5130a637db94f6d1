"""A stored version of a brief, and the plain record a shard keeps it as, checked before it is trusted.

A shard is a file anyone can edit, restore or damage, so a history read from one is checked whole
(its shape, every value's type, dates with a time zone, versions numbered 1, 2, 3 ... each based on the
one before) before any version is made from it: a bad shard is one clear problem, never a traceback
somewhere later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.briefs import Brief, Source, Status

__all__ = ["Version", "ordered_history", "version_from_record", "version_to_record"]


@dataclass(frozen=True)
class Version:
    """One stored version of a brief: its content and who pushed it, when, from what, and how."""

    brief: Brief
    number: int
    editor: str
    """Who pushed it, as the surface knew them (an API token's name, a chat user, the CLI's ``--as``); never
    taken from the brief, whose own ``editor`` is only its byline."""
    pushed_at: datetime
    parent: int | None
    channel: str


def version_to_record(version: Version) -> dict[str, Any]:
    """The plain values a shard and a snapshot keep for one version."""
    brief = version.brief
    return {
        "number": version.number,
        "editor": version.editor,
        "pushed_at": version.pushed_at.isoformat(),
        "parent": version.parent,
        "channel": version.channel,
        "brief": {
            "id": brief.id,
            "title": brief.title,
            "summary": brief.summary,
            "updated": brief.updated.isoformat(),
            "body": brief.body,
            "tags": list(brief.tags),
            "aliases": list(brief.aliases),
            "status": brief.status.value,
            "embargo_until": brief.embargo_until.isoformat() if brief.embargo_until else None,
            "review_by": brief.review_by.isoformat() if brief.review_by else None,
            "editor": brief.editor,
            "desk": brief.desk,
            "sources": [{"title": s.title, "url": s.url} for s in brief.sources],
        },
    }


def version_from_record(record: dict[str, Any]) -> Version:
    """The version a record holds; the record must have passed ``ordered_history``."""
    data = record["brief"]
    brief = Brief(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        updated=datetime.fromisoformat(data["updated"]),
        body=data["body"],
        tags=tuple(data["tags"]),
        aliases=tuple(data["aliases"]),
        status=Status(data["status"]),
        embargo_until=datetime.fromisoformat(data["embargo_until"]) if data["embargo_until"] else None,
        review_by=date.fromisoformat(data["review_by"]) if data["review_by"] else None,
        editor=data["editor"],
        desk=data["desk"],
        sources=tuple(Source(s["title"], s["url"]) for s in data["sources"]),
    )
    return Version(
        brief,
        record["number"],
        record["editor"],
        datetime.fromisoformat(record["pushed_at"]),
        record["parent"],
        record["channel"],
    )


def ordered_history(records: list[Any], brief_id: str) -> list[dict[str, Any]]:
    """A brief's records oldest first, each checked; ``ValueError`` says what is wrong when one cannot be trusted."""
    if not records:
        raise ValueError("it holds no versions")
    for record in records:
        problem = _record_problem(record, brief_id)
        if problem is not None:
            raise ValueError(problem)
    ordered: list[dict[str, Any]] = sorted(records, key=lambda record: record["number"])
    for position, record in enumerate(ordered, start=1):
        if record["number"] != position:
            raise ValueError(f"its versions are not numbered 1 to {len(ordered)} (v{position} is missing)")
        if record["parent"] != (position - 1 or None):
            raise ValueError(f"v{position} is based on v{record['parent']}, not on the version before it")
    return ordered


def _record_problem(record: object, brief_id: str) -> str | None:
    if not isinstance(record, dict):
        return "a version is not a record"
    problem = _fields_problem(record, _VERSION_FIELDS)
    if problem is not None:
        return f"a version's {problem}"
    brief = record["brief"]
    if not isinstance(brief, dict):
        return f"v{record['number']}: brief: not a brief"
    problem = _fields_problem(brief, _BRIEF_FIELDS)
    if problem is not None:
        return f"v{record['number']}: brief: {problem}"
    if brief["id"] != brief_id:
        return f"v{record['number']} holds brief {brief['id'][:80]!r}, not {brief_id!r}"
    return None


def _fields_problem(values: dict[str, Any], fields: dict[str, Callable[[Any], bool]]) -> str | None:
    for name, valid in fields.items():
        if name not in values:
            return f"{name} is missing"
        if not valid(values[name]):
            return f"{name} has a value of the wrong kind"
    return None


def _aware(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _day(value: object) -> bool:
    try:
        return isinstance(value, str) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def _strs(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _source(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("title"), str) and isinstance(value.get("url"), str)


def _number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _optional(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda value: value is None or check(value)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


_VERSION_FIELDS: dict[str, Callable[[Any], bool]] = {
    "number": _number,
    "editor": _is_str,
    "pushed_at": _aware,
    "parent": _optional(_number),
    "channel": _is_str,
    "brief": lambda value: True,  # checked field by field next
}
_BRIEF_FIELDS: dict[str, Callable[[Any], bool]] = {
    "id": _is_str,
    "title": _is_str,
    "summary": _is_str,
    "updated": _aware,
    "body": _is_str,
    "tags": _strs,
    "aliases": _strs,
    "status": lambda value: value in {status.value for status in Status},
    "embargo_until": _optional(_aware),
    "review_by": _optional(_day),
    "editor": _optional(_is_str),
    "desk": _optional(_is_str),
    "sources": lambda value: isinstance(value, list) and all(_source(item) for item in value),
}
