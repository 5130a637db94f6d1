"""Gaps as the desk shows them: unanswered questions grouped by what they ask about, and the ones dismissed.

Each question is read as the bot reads it for searching (stems, entity names
folded, typos corrected, function words dropped), then names that stand for one
another in a newsroom's questions (Kremlin, Putin, Moscow) are folded too. Two
questions are one gap when half their terms are the same: "kremlin trump
meeting?" and "putin trump summit" share the Kremlin and Trump, whatever brief
was nearest to each; "trump tariffs on china" shares only Trump and stays apart.
A dismissed gap stays hidden until one of its questions is asked again after
the dismissal. Dismissals are kept by the store (``BriefStore.dismissed``): in
``desk-dismissed.json`` in a store folder, in the database for every replica on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.brief_store import Dismissed
from bot.entities import KINDRED_NAMES
from bot.store import LoggedQuestion
from bot.words import stem

__all__ = ["Dismissals", "GapGroup", "Reader", "group_questions"]

Reader = Callable[[str], Sequence[str]]
"""How a question is read into terms: the newsroom's own reading (``Newsroom.read_questions``)."""

SAME_WORDS = 0.5
"""The share of their terms two questions must have in common to be one gap."""


@dataclass(frozen=True)
class GapGroup:
    """One gap: its wordings (most asked first), how often and when last asked."""

    wordings: tuple[str, ...]
    count: int
    last_asked: datetime
    askers: tuple[str, ...] = ()
    """Who asked, most recent first (shown only when the newsroom records who asked)."""

    @property
    def question(self) -> str:
        """The wording asked most often."""
        return self.wordings[0]


KIN = {stem(name.casefold()): "kin" + stem(group[0].casefold()) for group in KINDRED_NAMES for name in group}


def _terms(read: Reader, text: str) -> frozenset[str]:
    return frozenset(KIN.get(term, term) for term in read(text))


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def group_questions(logged: Sequence[LoggedQuestion], read: Reader) -> list[GapGroup]:
    """The logged questions as gaps, most asked first (then most recently asked)."""
    by_wording: dict[str, list[LoggedQuestion]] = {}
    for question in logged:
        by_wording.setdefault(_key(question.text), []).append(question)
    keys = list(by_wording)
    terms = {key: _terms(read, by_wording[key][-1].text) for key in keys}
    parent = {key: key for key in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for i, one in enumerate(keys):
        for other in keys[i + 1 :]:
            shared = terms[one] & terms[other]
            union = terms[one] | terms[other]
            if union and len(shared) / len(union) >= SAME_WORDS:
                parent[root(other)] = root(one)
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(root(key), []).append(key)
    gaps = []
    for members in groups.values():
        members.sort(key=lambda key: (-len(by_wording[key]), key))
        asked = [q for key in members for q in by_wording[key]]
        wordings = tuple(by_wording[key][-1].text for key in members)
        askers = tuple(dict.fromkeys(q.asker for q in sorted(asked, key=lambda q: q.asked_at, reverse=True)))
        gaps.append(GapGroup(wordings, len(asked), max(q.asked_at for q in asked), askers))
    return sorted(gaps, key=lambda gap: (-gap.count, -gap.last_asked.timestamp()))


class Dismissals:
    """Which wordings editors dismissed, and when; a gap asked again since is shown again."""

    def __init__(self, dismissed: Dismissed) -> None:
        self.dismissed = dismissed

    def dismiss(self, wordings: Sequence[str], now: datetime) -> None:
        """Hide the gap with these wordings until one is asked again."""
        self.dismissed.add({_key(text) for text in wordings}, now)

    def visible(self, gaps: Sequence[GapGroup]) -> list[GapGroup]:
        """The gaps not dismissed, or asked again since they were."""
        held = self.dismissed.read()

        def hidden(gap: GapGroup) -> bool:
            times = [held.get(_key(text)) for text in gap.wordings]
            return all(times) and gap.last_asked <= max(t for t in times if t)

        return [gap for gap in gaps if not hidden(gap)]
