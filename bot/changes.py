"""Changes: what one version of a brief changed from another, as followers and the history are told it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.briefs import Brief, with_key_points
from bot.store import Version

__all__ = ["Changes", "VersionChange", "compare", "with_changes"]

FIELDS = (
    ("title", "title"),
    ("summary", "bottom line"),
    ("status", "status"),
    ("embargo_until", "embargo"),
    ("review_by", "review date"),
    ("desk", "desk"),
    ("sources", "sources"),
    ("tags", "tags"),
    ("aliases", "aliases"),
)
"""Brief fields compared, with the name editors know them by; key points and the rest of the body are compared apart."""


@dataclass(frozen=True)
class Changes:
    """The fields a new version changed, and the key points it added and removed."""

    fields: tuple[str, ...]
    points_added: tuple[str, ...]
    points_removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.fields or self.points_added or self.points_removed)


def compare(old: Brief | None, new: Brief) -> Changes:
    """What ``new`` changed from ``old`` (just "new brief" when there is no old version)."""
    if old is None:
        return Changes(("new brief",), (), ())
    fields = [name for attribute, name in FIELDS if getattr(old, attribute) != getattr(new, attribute)]
    old_list, new_list = old.key_points, new.key_points  # each read from its body once
    old_points, new_points = set(old_list), set(new_list)
    added = tuple(p for p in new_list if p not in old_points)
    removed = tuple(p for p in old_list if p not in new_points)
    if old_list != new_list and not added and not removed:
        fields.append("key point order")
    if _without_key_points(old) != _without_key_points(new):
        fields.append("body")
    return Changes(tuple(fields), added, removed)


@dataclass(frozen=True)
class VersionChange:
    """One version in a brief's history and what it changed from the version it is compared with."""

    version: Version
    compared_with: int | None
    """Its parent, or the latest version before that the reader may see; None when there is none (a new brief)."""
    changes: Changes


def with_changes(versions: Sequence[Version]) -> list[VersionChange]:
    """Each of a brief's versions (oldest first, as one reader may see them) with what it changed from its parent.

    A parent the reader may not see (a draft) is passed over for the latest earlier version they may see,
    so a reporter's history never tells what a draft said.
    """
    seen: dict[int, Version] = {}
    entries = []
    for version in versions:
        earlier = [number for number in seen if version.parent is not None and number <= version.parent]
        base = seen[max(earlier)] if earlier else None
        changes = compare(base.brief if base else None, version.brief)
        entries.append(VersionChange(version, base.number if base else None, changes))
        seen[version.number] = version
    return entries


def _without_key_points(brief: Brief) -> str:
    """The body with its key points section emptied, so only changes elsewhere in the body show."""
    return with_key_points(brief.body, ())
