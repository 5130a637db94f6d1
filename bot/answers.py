"""Answers: what the bot says to a question, as structured parts every surface renders its own way.

``decide`` turns ranked hits into one of three outcomes: an answer, a set of
choices too close to call, or an honest "no brief fits" with the nearest
briefs. Its thresholds are named constants so the benchmarks can tune them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.briefs import Brief, Source
from bot.instalments import Marker, agreement, dated, other_year
from bot.records import Version
from bot.scope import only_in_a_name
from bot.search import Hit, Query

__all__ = ["Answer", "Choice", "Freshness", "Outcome", "answer_to_json", "answer_with", "decide", "out_of_scope"]

MIN_CONFIDENCE = 0.18
"""Below this share of the best possible score, no brief fits (set for at most 5% false no-match on dev)."""

MIN_STRENGTH = 0.4
"""The words a brief matches must match strongly (in its title, aliases or summary, or often),
not in passing: below this share of the best possible score for the matched words, no brief fits."""

SHORT_QUESTION_TERMS = 4
SHORT_QUESTION_COVERAGE = 0.5
"""A reporter's short question (this many terms or fewer) must be at least half matched: costs 0.2 points of
accuracy on the headline benchmark, where 3% of questions are this short, and stops a brief answering
"Brazil election runoff results" on the word "election" alone."""

AMBIGUITY_RATIO = 0.9
"""When the runner-up scores at least this share of the best, the two are too close to call."""

RECENCY_WINDOW = 0.75
"""When a question asks for the latest, briefs scoring this share of the best compete on recency."""

INSTALMENT_WINDOW = 0.75
"""When a question names a month, year, round or stage, briefs scoring this share of the best are the instalments
its markers choose between."""

ALTERNATIVE_RATIO = 0.4
"""Runners-up scoring below this share of the answer's score are not worth showing."""

MAX_ALTERNATIVES = 3
MAX_CHOICES = 3


class Outcome(StrEnum):
    """The three kinds of reply."""

    ANSWER = "answer"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"


@dataclass(frozen=True)
class Choice:
    """A brief offered as an alternative, a choice, or a suggestion."""

    brief_id: str
    title: str
    score: float
    updated: datetime
    desk: str | None = None


@dataclass(frozen=True)
class Freshness:
    """Where an answer comes from: which version, when it was updated, by whom, who pushed it, whether it is stale."""

    version: int
    updated: datetime
    byline: str | None
    """Who the brief says wrote it (its ``editor`` field): anyone pushing may write any name here."""
    pushed_by: str
    """Who pushed this version, as briefbot recorded it: an API token's name, a chat user, the CLI's ``--as``."""
    desk: str | None
    stale: bool
    review_by: date | None


@dataclass(frozen=True)
class Answer:
    """The reply to one question: the brief's parts, where they come from, and what else fits."""

    query: str
    outcome: Outcome
    asked_at: datetime
    brief: Brief | None = None
    freshness: Freshness | None = None
    score: float = 0.0
    alternatives: tuple[Choice, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()

    @property
    def headline(self) -> str | None:
        """The brief's title."""
        return self.brief.title if self.brief else None

    @property
    def bottom_line(self) -> str | None:
        """The brief's summary."""
        return self.brief.summary if self.brief else None

    @property
    def key_points(self) -> tuple[str, ...]:
        """The brief's key points."""
        return self.brief.key_points if self.brief else ()

    @property
    def sources(self) -> tuple[Source, ...]:
        """The brief's sources."""
        return self.brief.sources if self.brief else ()


def decide(query: Query, ranked: Sequence[tuple[Hit, Version]], now: datetime) -> Answer:
    """Choose the reply from hits the asker may see, best first."""
    markers = query.markers | dated(query.relative, now)
    elsewhere: set[str] = set()  # other instalments of the story than the one the question names
    if markers and ranked:
        ranked, elsewhere = _instalments(query, markers, ranked)
    choices = tuple(_choice(hit, version) for hit, version in ranked)
    if not ranked or not _fits(ranked[0][0], query) or _out_of_scope(query, markers, ranked[0][1].brief):
        return Answer(
            query.text, Outcome.NO_MATCH, now, alternatives=choices[:MAX_ALTERNATIVES], corrections=query.corrections
        )
    best_score = ranked[0][0].score
    pick = 0
    if query.wants_recent:
        close = [
            i
            for i, (hit, _) in enumerate(ranked)
            if hit.score >= best_score * RECENCY_WINDOW and hit.brief_id not in elsewhere
        ]
        pick = max(close, key=lambda i: ranked[i][1].brief.updated)
    elif (
        len(ranked) > 1
        and ranked[1][0].brief_id not in elsewhere
        and ranked[1][0].score >= best_score * AMBIGUITY_RATIO
    ):
        return Answer(
            query.text,
            Outcome.AMBIGUOUS,
            now,
            score=best_score,
            alternatives=choices[:MAX_CHOICES],
            corrections=query.corrections,
        )
    hit, version = ranked[pick]
    others = tuple(c for i, c in enumerate(choices) if i != pick and c.score >= hit.score * ALTERNATIVE_RATIO)
    return answer_with(version, query.text, now, hit.score, others[:MAX_ALTERNATIVES], query.corrections)


def answer_with(
    version: Version,
    query: str,
    now: datetime,
    score: float = 0.0,
    alternatives: tuple[Choice, ...] = (),
    corrections: tuple[tuple[str, str], ...] = (),
) -> Answer:
    """An answer carrying one brief version, with where it comes from and how fresh it is."""
    brief = version.brief
    freshness = Freshness(
        version=version.number,
        updated=brief.updated,
        byline=brief.editor,
        pushed_by=version.editor,
        desk=brief.desk,
        stale=brief.stale_at(now),
        review_by=brief.review_by,
    )
    return Answer(query, Outcome.ANSWER, now, brief, freshness, score, alternatives, corrections)


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """The answer as one JSON-ready object (the shape of ``briefbot ask --json``)."""
    brief = None
    if answer.brief is not None and answer.freshness is not None:
        brief = {
            "id": answer.brief.id,
            "title": answer.brief.title,
            "version": answer.freshness.version,
            "updated": answer.brief.updated.isoformat(),
            "editor": answer.freshness.byline,
            "pushed_by": answer.freshness.pushed_by,
            "stale": answer.freshness.stale,
            "status": answer.brief.status.value,
            "embargo_until": answer.brief.embargo_until.isoformat() if answer.brief.embargo_until else None,
            "summary": answer.brief.summary,
            "key_points": list(answer.key_points),
            "sources": [{"title": s.title, "url": s.url} for s in answer.sources],
        }
    return {
        "query": answer.query,
        "status": answer.outcome.value,
        "brief": brief,
        "score": round(answer.score, 4),
        "alternatives": [{"id": c.brief_id, "title": c.title, "score": round(c.score, 4)} for c in answer.alternatives],
        "corrections": [{"from": wrong, "to": right} for wrong, right in answer.corrections],
    }


def _instalments(
    query: Query, markers: frozenset[Marker], ranked: Sequence[tuple[Hit, Version]]
) -> tuple[Sequence[tuple[Hit, Version]], set[str]]:
    """The hits with the instalments of the best one's story that best agree with the question's markers first and
    the other instalments after every other hit; and the ids of those other instalments."""
    best, story = ranked[0][0].score, _story_terms(ranked[0][0], query)
    close = [
        i
        for i, (hit, _) in enumerate(ranked)
        if hit.score >= best * INSTALMENT_WINDOW and _story_terms(hit, query) == story
    ]
    if len(close) < 2:
        return ranked, set()
    agreements = {i: agreement(markers, ranked[i][1].brief) for i in close}
    marks = {i: mark for i, (mark, _) in agreements.items()}
    top = max(marks.values())
    if all(mark == top for mark in marks.values()) or not any(against for _, against in agreements.values()):
        return ranked, set()  # no instalment of the story is shown to be another one
    leaders = [ranked[i] for i in close if marks[i] == top]
    others = [ranked[i] for i in close if marks[i] != top]
    return [*leaders, *(hit for i, hit in enumerate(ranked) if i not in marks), *others], {
        h.brief_id for h, _ in others
    }


def out_of_scope(query: Query, brief: Brief, now: datetime) -> bool:
    """The brief tells another story than the short question asks about (another year, or one word of a name)."""
    return _out_of_scope(query, query.markers | dated(query.relative, now), brief)


def _out_of_scope(query: Query, markers: frozenset[Marker], brief: Brief) -> bool:
    """A reporter's short question names a year the brief does not (another year's story), or is one word the brief
    only uses inside a longer name ("sea" for the Black Sea)."""
    if len(query.terms) == 1 and only_in_a_name(query.terms[0], brief):
        return True
    return len(query.terms) <= SHORT_QUESTION_TERMS and other_year(markers, brief)


def _story_terms(hit: Hit, query: Query) -> frozenset[str]:
    """The question's terms a brief holds, other than its markers: briefs holding the same ones tell the same story
    as far as the question goes, and differ only by instalment."""
    return hit.matched - query.marker_terms


def _fits(hit: Hit, query: Query) -> bool:
    if len(query.terms) <= SHORT_QUESTION_TERMS and hit.coverage < SHORT_QUESTION_COVERAGE:
        return False
    return hit.confidence >= MIN_CONFIDENCE and hit.confidence >= MIN_STRENGTH * hit.coverage


def _choice(hit: Hit, version: Version) -> Choice:
    return Choice(hit.brief_id, version.brief.title, hit.score, version.brief.updated, version.brief.desk)
