"""Wording: every sentence the bot says to people, in one place, shared by all surfaces."""

from __future__ import annotations

from datetime import datetime

import humanize

from bot.answers import Answer, Freshness

__all__ = [
    "ALTERNATIVES",
    "AMBIGUOUS",
    "APOLOGY",
    "EMPTY_QUESTION",
    "HELP",
    "NO_MATCH",
    "NO_MATCH_SUGGESTIONS",
    "clip",
    "freshness_line",
    "stale_warning",
]

HELP = (
    "Ask me about a story and I answer with the newsroom's brief on it: the bottom line, key points, "
    "sources, and who updated it when.\n"
    'Examples: "latest Kremlin stance on a Trump meeting", "what\'s our line on the EU sanctions?"'
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
