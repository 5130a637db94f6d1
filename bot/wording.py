"""Wording: every sentence the bot says to people, in one place, shared by all surfaces."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

import humanize

from bot.answers import Answer, Choice, Freshness
from bot.briefs import Brief, Status
from bot.changes import Changes
from bot.errors import DatabaseUnavailable

__all__ = [
    "ALREADY_FOLLOWING",
    "ALTERNATIVES",
    "AMBIGUOUS",
    "APOLOGY",
    "BAD_VALUE",
    "BOTTOM_LINE",
    "BRIEF_GONE",
    "CHOICE_LABEL_LIMIT",
    "CONFLICT_KEPT",
    "DATABASE_LOST_MIDWAY",
    "DATABASE_UNAVAILABLE",
    "EDITED",
    "EDITORS_ONLY",
    "EDIT_KEPT",
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
    "choice_labels",
    "clip",
    "database_unavailable",
    "describe_changes",
    "freshness_line",
    "hidden_note",
    "moment",
    "nothing_listed",
    "seeded",
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
DATABASE_UNAVAILABLE = (
    "The database cannot be reached just now, so nothing was stored. Questions are still answered from what "
    "briefbot holds; try again in a few seconds."
)
DATABASE_LOST_MIDWAY = (
    "The database went away while this was being stored, so it may or may not be stored: check the brief's "
    "latest version before trying again."
)
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
BAD_VALUE = "Not pushed: {label}: {problem}"
"""A submitted edit form refused for one of its values: ``label`` names the form field."""
EDIT_KEPT = "Your text is attached as {filename}: open /brief-edit again and paste it back in."
"""After a refusal, on a platform whose form closes when submitted: the editor's text comes back as a file."""
CONFLICT_KEPT = "Your edit is attached as {filename}, a brief file based on v{version}, so nothing is lost."
"""After a colleague's push, on a platform whose form closes when submitted: the edit comes back as a brief file."""
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


HIDDEN_DRAFT = "draft: not shown to reporters"
HIDDEN_EMBARGO = "embargoed until {until}: not shown to reporters before then"
HIDDEN_EMBARGO_OPEN = "embargoed with no end date: not shown to reporters"


def moment(when: datetime) -> str:
    """A time as editors read it, to the minute with its zone: "2027-01-15 05:00 UTC", "2026-11-25 09:30 +02:00"."""
    offset = when.utcoffset()
    if offset is None:
        return f"{when:%Y-%m-%d %H:%M}"
    if not offset:
        return f"{when:%Y-%m-%d %H:%M} UTC"
    zone = f"{when:%z}"
    return f"{when:%Y-%m-%d %H:%M} {zone[:3]}:{zone[3:5]}"


def hidden_note(brief: Brief, now: datetime) -> str | None:
    """Why reporters do not see this brief at ``now`` (a draft, or embargoed until when), or None when they do."""
    if brief.visible_at(now):
        return None
    if brief.status is Status.EMBARGOED:
        if brief.embargo_until is None:
            return HIDDEN_EMBARGO_OPEN
        return HIDDEN_EMBARGO.format(until=moment(brief.embargo_until))
    return HIDDEN_DRAFT


def seeded(count: int) -> str:
    """The notice that sample briefs were put into an empty store, and how to stop it."""
    return f"seeded {count} sample brief{'s' if count != 1 else ''}; BRIEFBOT_SEED_SAMPLES=0 to skip"


def nothing_listed(hidden: int) -> str:
    """Why ``list`` printed no brief: the store is empty, or every brief in it is a draft or under embargo."""
    if hidden:
        return f"no brief a reporter may see: {hidden} draft or embargoed; briefbot list --all shows them"
    return "no briefs in this store yet; add some with briefbot import FOLDER or briefbot push FILE"


CHOICE_LABEL_LIMIT = 75
"""A choice's button label: Slack's limit (Discord's is 80), so both platforms offer the same buttons."""


def choice_labels(
    choices: Sequence[Choice], limit: int | None = None, measure: Callable[[str], int] = len
) -> list[str]:
    """How each choice is named on a button or in a list: its title, told apart where titles look alike.

    Titles that read the same once cut to ``limit`` (or in full, with no limit) get the day the brief was
    updated and its desk, e.g. "Fed holds rates (16 Sep 2026, Economy desk)"; if that still repeats, its
    id too. The title is cut, never the details, so that ``measure`` (how a platform counts a label) stays
    within ``limit``.
    """
    titles = [" ".join(choice.title.split()) for choice in choices]
    details = [""] * len(choices)
    for describe in (_when_and_desk, _when_desk_and_id):
        labels = [_fitted(title, detail, limit, measure) for title, detail in zip(titles, details, strict=True)]
        seen = Counter(label.casefold() for label in labels)
        details = [
            describe(choice) if seen[label.casefold()] > 1 else detail
            for choice, label, detail in zip(choices, labels, details, strict=True)
        ]
    return [_fitted(title, detail, limit, measure) for title, detail in zip(titles, details, strict=True)]


def _when_and_desk(choice: Choice) -> str:
    day = f"{choice.updated.day} {choice.updated:%b %Y}"
    return f" ({', '.join(part for part in (day, _desk(choice.desk)) if part)})"


def _when_desk_and_id(choice: Choice) -> str:
    return _when_and_desk(choice).removesuffix(")") + f", {choice.brief_id})"


def _fitted(title: str, detail: str, limit: int | None, measure: Callable[[str], int]) -> str:
    """The title cut so that title and detail together measure at most ``limit``."""
    if limit is None:
        return title + detail
    for room in range(limit - len(detail), 0, -1):
        label = clip(title, room) + detail
        if measure(label) <= limit:
            return label
    return clip(title + detail, limit)  # the details alone fill the label


def database_unavailable(error: DatabaseUnavailable, *, detail: bool = False) -> str:
    """What a person is told when the database cannot be reached; ``detail`` adds where and why (the URL without
    its password, and libpq's reason) for whoever runs briefbot at the command line."""
    text = DATABASE_LOST_MIDWAY if error.maybe_stored else DATABASE_UNAVAILABLE
    return f"{text} ({error.path}: {error.problem})" if detail else text


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
    """The provenance line under every answer, e.g. "v3 · updated 3 hours ago by Anna Kowalski, World desk".

    The byline is the brief's say; who pushed it is briefbot's record. Where they differ both are shown
    ("by Anna Kowalski (pushed by desk-bot)"), so nobody can put words under a colleague's name unseen.
    """
    age = _age(freshness.updated, now)
    who = freshness.byline or freshness.pushed_by
    if freshness.byline and freshness.pushed_by and _person(freshness.byline) != _person(freshness.pushed_by):
        who += f" (pushed by {freshness.pushed_by})"
    by = ", ".join(part for part in (who, _desk(freshness.desk)) if part)
    return f"v{freshness.version} \u00b7 updated {age}" + (f" by {by}" if by else "")


def stale_warning(answer: Answer) -> str | None:
    """The warning shown on a brief past its review date, or None when it is fresh."""
    freshness = answer.freshness
    if freshness is None or not freshness.stale:
        return None
    return STALE.format(review_by=freshness.review_by, who=_desk(freshness.desk) or "desk")


def _person(name: str) -> str:
    return " ".join(name.casefold().split())


def _age(updated: datetime, now: datetime) -> str:
    """How long ago, in words; the time as written when too far off to count (stored before dates were checked)."""
    try:
        return humanize.naturaltime(now - updated)
    except OverflowError:
        return f"on {updated.isoformat()}"


def _desk(desk: str | None) -> str | None:
    if not desk:
        return None
    return desk if desk.lower().endswith("desk") else f"{desk} desk"
