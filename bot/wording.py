"""Wording: every sentence the bot says to people, in one place, shared by all surfaces."""

from __future__ import annotations

from datetime import datetime

import humanize

from bot.answers import Answer, Freshness
from bot.changes import Changes

__all__ = [
    "ALREADY_FOLLOWING",
    "ALTERNATIVES",
    "AMBIGUOUS",
    "APOLOGY",
    "BOTTOM_LINE",
    "BRIEF_GONE",
    "EDITED",
    "EDITORS_ONLY",
    "EMPTY_QUESTION",
    "FOLLOWING",
    "FOLLOWS_LIST",
    "FOLLOWS_NONE",
    "FULL_BRIEF_LABEL",
    "FULL_BRIEF_REST",
    "HELP",
    "HISTORY",
    "KEY_POINTS",
    "NOT_FOLLOWING",
    "NO_MATCH",
    "NO_MATCH_SUGGESTIONS",
    "REVERTED",
    "SHARED_BY",
    "SHARE_LABEL",
    "SOURCES",
    "TOO_LONG_TO_EDIT",
    "UNFOLLOWED",
    "UPDATED",
    "clip",
    "describe_changes",
    "freshness_line",
    "stale_warning",
    "update_line",
]

HELP = (
    "Ask me about a story and I answer with the newsroom's brief on it: the bottom line, key points, "
    "sources, and who updated it when.\n"
    'Examples: "latest Kremlin stance on a Trump meeting", "what\'s our line on the EU sanctions?"\n'
    "Also: follow ID, unfollow ID, following (this channel's follows), history ID; editors: revert ID VERSION."
)
EMPTY_QUESTION = 'Ask me about a story, e.g. "latest Kremlin stance on a Trump meeting".'
NO_MATCH = "We have no brief that fits \u201c{query}\u201d. I've logged the question so the editors see it's missing."
NO_MATCH_SUGGESTIONS = "Nearest briefs:"
AMBIGUOUS = "More than one brief fits \u201c{query}\u201d. Which did you mean?"
ALTERNATIVES = "Also relevant:"
APOLOGY = "Sorry, something went wrong on our side and I couldn't answer. The error has been logged."
STALE = "\u26a0 Past its review date ({review_by}): check with the {who} before relying on it."


ELLIPSIS = "\u2026"


def clip(text: str, limit: int) -> str:
    """The text cut to at most ``limit`` characters, at a word boundary where one is near, ending in an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


BOTTOM_LINE = "Bottom line:"
KEY_POINTS = "Key points"
SOURCES = "Sources"
SHARE_LABEL = "Share in channel"
FULL_BRIEF_LABEL = "Full brief"
SHARED_BY = "Shared by {name}"
BRIEF_GONE = "That brief is no longer available. Ask again to get the current one."
UPDATED = "Updated: {title} (v{version}{desk}) - {what}"
FOLLOWING = "This channel now follows \u201c{title}\u201d ({brief_id}): each new version will be announced here."
ALREADY_FOLLOWING = "This channel already follows \u201c{title}\u201d ({brief_id})."
UNFOLLOWED = "This channel no longer follows {brief_id}."
NOT_FOLLOWING = "This channel was not following {brief_id}."
FOLLOWS_NONE = "This channel follows no briefs. Follow one with: follow ID"
FOLLOWS_LIST = "This channel follows:"
HISTORY = "History of \u201c{title}\u201d ({brief_id}), oldest first:"
EDITORS_ONLY = "Only editors can change briefs. Ask your desk's editor, or see `history` for who updated it."
REVERTED = "Reverted {brief_id} to the content of v{number}: it is now v{version}."
EDITED = "Pushed {brief_id} v{version}."
TOO_LONG_TO_EDIT = (
    "{brief_id} cannot be edited in a {platform} form without losing text. Too long for a form field "
    "({limit:,} characters): {fields}. Edit the brief file instead: `briefbot show {brief_id} --raw > "
    "{brief_id}.md`, then `briefbot push {brief_id}.md`."
)
"""``fields`` names each field too long with its length, e.g. "key points (3,412 characters)"."""
FULL_BRIEF_REST = (
    "The rest is too long for {platform}: see the whole brief with `briefbot show {brief_id}` "
    "or GET /api/briefs/{brief_id}."
)
"""The last line of a "Full brief" that hit the platform's limit on messages."""


def describe_changes(changes: Changes) -> str:
    """What changed, in one line: "bottom line and sources changed; key point added: ...; removed: ..."."""
    parts = []
    if changes.fields:
        names = list(changes.fields)
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(joined if changes.fields == ("new brief",) else f"{joined} changed")
    for label, points in (("added", changes.points_added), ("removed", changes.points_removed)):
        if points:
            plural = "s" if len(points) > 1 else ""
            parts.append(f"key point{plural} {label}: " + "; ".join(f"\u201c{p}\u201d" for p in points))
    return "; ".join(parts) or "no visible change"


def update_line(title: str, version: int, desk: str | None, changes: Changes) -> str:
    """The message a following channel gets, e.g. "Updated: Fed holds rates (v4, Economy desk) - summary changed"."""
    desk_name = _desk(desk)
    return UPDATED.format(
        title=title, version=version, desk=f", {desk_name}" if desk_name else "", what=describe_changes(changes)
    )


def freshness_line(freshness: Freshness, now: datetime) -> str:
    """The provenance line under every answer, e.g. "v3 · updated 3 hours ago by Anna Kowalski, World desk"."""
    age = humanize.naturaltime(now - freshness.updated)
    by = ", ".join(part for part in (freshness.updated_by, _desk(freshness.desk)) if part)
    return f"v{freshness.version} \u00b7 updated {age}" + (f" by {by}" if by else "")


def stale_warning(answer: Answer) -> str | None:
    """The warning shown on a brief past its review date, or None when it is fresh."""
    freshness = answer.freshness
    if freshness is None or not freshness.stale:
        return None
    return STALE.format(review_by=freshness.review_by, who=_desk(freshness.desk) or "desk")


def _desk(desk: str | None) -> str | None:
    if not desk:
        return None
    return desk if desk.lower().endswith("desk") else f"{desk} desk"
