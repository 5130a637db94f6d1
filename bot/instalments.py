"""Instalments: telling apart briefs on one running story by the month, year, round or stage a question names.

A running story gets a brief per instalment: the Fed's September decision and
its November minutes, a first and a second round of talks, a package proposed
and then adopted. Their words are nearly the same, so the question's markers
decide: a month or year, an ordinal ("second round"), a stage ("proposed",
"approved"). A brief shows its own markers in its title and aliases (the
editors' distillation) and, weakly, by the month and year it was updated. Its
summary often names other instalments for context ("see the November brief"),
so only a year it names there counts, against a question naming another year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from bot.briefs import Brief
from bot.words import stem, words

__all__ = ["Marker", "agreement", "dated", "markers_in", "other_year", "relative_dates"]

_MONTHS = "january february march april may june july august september october november december".split()

_KINDS: dict[str, tuple[str, str]] = {
    # "may" is left out: in a question it is far more often the verb (or Theresa May) than the month.
    **{stem(month): ("month", month) for month in _MONTHS if month != "may"},
    **{stem(word): ("ordinal", word) for word in ("first", "second", "third", "fourth", "fifth")},
    **{stem(word): ("stage", "proposed") for word in ("propose", "unveil")},
    **{stem(word): ("stage", "approved") for word in ("approve", "adopt", "authorize", "authorise", "ratify", "enact")},
    **{stem(word): ("stage", "rejected") for word in ("reject", "veto")},
}
_YEAR = re.compile(r"(?:19|20)\d\d")

TITLE_WEIGHT = 2.0
"""A marker in a brief's title or aliases names its instalment."""
UPDATED_WEIGHT = 0.5
"""The month and year a brief was updated hint at its instalment, for or against."""
_DATED = frozenset({"month", "year"})


@dataclass(frozen=True)
class Marker:
    """One thing that tells instalments apart: its kind (month, year, ordinal, stage) and its value."""

    kind: str
    value: str


def markers_in(terms: Iterable[str]) -> frozenset[Marker]:
    """The markers among search terms (stems)."""
    found = set()
    for term in terms:
        kind = _KINDS.get(term)
        if kind is not None:
            found.add(Marker(*kind))
        elif _YEAR.fullmatch(term):
            found.add(Marker("year", term))
    return frozenset(found)


def agreement(question: frozenset[Marker], brief: Brief) -> tuple[float, bool]:
    """How well a brief's title, aliases and update date agree with the question's markers (above 0 it is the
    instalment asked for, below 0 another one, 0 when the brief does not say), and whether it contradicts one
    kind of them (another month, another round)."""
    own = _brief_markers(brief)
    total, contradicts = 0.0, False
    for kind in {marker.kind for marker in question}:
        asked = {marker for marker in question if marker.kind == kind}
        score = 0.0
        same_kind = {marker for marker in own.title if marker.kind == kind}
        if same_kind:
            score += TITLE_WEIGHT if same_kind & asked else -TITLE_WEIGHT
        if kind in _DATED:
            score += UPDATED_WEIGHT if own.updated & asked else -UPDATED_WEIGHT
        total += score
        contradicts = contradicts or score < 0
    return total, contradicts


def other_year(question: frozenset[Marker], brief: Brief) -> bool:
    """The question names a year, and the brief's text names only other years: it is another year's story."""
    asked = {marker for marker in question if marker.kind == "year"}
    if not asked:
        return False
    own = _brief_markers(brief)
    named = {marker for marker in own.title | own.summary if marker.kind == "year"}
    return bool(named) and not named & asked and not own.updated & asked


_RELATIVE = re.compile(r"\b(last|past|this|next|coming)\s+(month|year)(?:['\u2019]?s)?\b", re.IGNORECASE)
_OFFSETS = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}


def relative_dates(question: str) -> tuple[str, tuple[tuple[str, int], ...]]:
    """The question without "last month", "next year" and the like, and those as (month or year, offset) pairs."""
    found = tuple((match[2].casefold(), _OFFSETS[match[1].casefold()]) for match in _RELATIVE.finditer(question))
    return (_RELATIVE.sub(" ", question), found) if found else (question, ())


def dated(relative: Iterable[tuple[str, int]], now: datetime) -> frozenset[Marker]:
    """The months and years that "last month", "next year" ... name, seen from ``now``."""
    found = set()
    for unit, offset in relative:
        if unit == "year":
            found.add(Marker("year", str(now.year + offset)))
        else:
            year, month = divmod(now.year * 12 + now.month - 1 + offset, 12)
            found |= {Marker("month", _MONTHS[month]), Marker("year", str(year))}
    return frozenset(found)


@dataclass(frozen=True)
class _Named:
    title: frozenset[Marker]
    summary: frozenset[Marker]
    updated: frozenset[Marker]


@lru_cache(maxsize=4096)
def _brief_markers(brief: Brief) -> _Named:
    def named(text: str) -> frozenset[Marker]:
        return markers_in(stem(word) for word in words(text))

    updated = frozenset({Marker("month", _MONTHS[brief.updated.month - 1]), Marker("year", str(brief.updated.year))})
    return _Named(named(" ".join((brief.title, *brief.aliases))), named(brief.summary), updated)
