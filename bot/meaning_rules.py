"""How meaning answers a question: search's hits reordered by it, choices when words and meaning disagree, and a
question the words refused answered by meaning alone when one brief clearly fits.

``fuse`` multiplies each hit's score by ``exp(FUSION_WEIGHT * (similarity - best similarity))``, so the lexical
layer's coverage and confidence, which decide whether a brief fits at all, are untouched. A question the
lexical layer refused for want of words (not as out of scope) is answered by meaning only when one visible brief
is close in meaning, clearly closer than any other (``RESCUE_SIMILARITY``, ``RESCUE_MARGIN``) and, when the
words found any brief, the one they ranked first; a question mostly in another language (``FOREIGN_SHARE``) needs
no agreement from its few words, but its own bars (``FOREIGN_SIMILARITY``, ``FOREIGN_MARGIN``). When the words
would answer but another close hit is nearer in meaning (``DOUBT_MARGIN``, ``DOUBT_RATIO``), the reply is choices.
Only briefs the asker may see are ever candidates: the caller filters them before they reach this module.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from bot.answers import MAX_CHOICES, Answer, Choice, Outcome, answer_with, decide, out_of_scope
from bot.search import Hit, Query
from bot.semantic import Meanings
from bot.store import Version

__all__ = ["decide_by_meaning", "disagree", "fuse", "in_another_language", "rescue"]

FUSION_WEIGHT = 12.5
"""How strongly meaning reorders search's hits: a hit whose similarity is 0.05 below the best one's keeps
exp(-0.05 * FUSION_WEIGHT) of its lexical score. On AllSides dev, 10 -> 12.5 gave +0.5 points answered right for
+0.2 misleading; 15 and 20 cost more misleading per point gained and took false no_match over 5%."""

RESCUE_SIMILARITY = 0.88
"""A question no brief fits by its words is answered by meaning only when the nearest visible brief is at least
this similar (cosine)..."""
RESCUE_MARGIN = 0.01
"""... and at least this much more similar than the next one (0.03 -> 0.01: +0.3 points answered right on dev,
false no_match -0.4, misleading +0.2; reporters' other-language questions 31% -> 38%, no out-of-scope one answered).
A lower ``RESCUE_SIMILARITY`` (0.86, 0.85) answered three more out-of-scope reporters' questions: kept at 0.88."""

DOUBT_MARGIN = 0.005
"""Words and meaning disagree when another of the words' hits is at least this much nearer the question in meaning
than the brief they would answer with..."""
DOUBT_RATIO = 0.8
"""... and that hit's fused score is at least this share of the answer's: then the reply is choices, not an answer."""

FOREIGN_SHARE = 0.5
"""A question at most this share of whose terms are words of the briefs it found (as typed, not corrected) is taken
as asked in another language: the words cannot answer it, so meaning decides alone, without their agreement..."""
FOREIGN_SIMILARITY = 0.84
"""... when the nearest visible brief is at least this similar (reporters' other-language questions sit at 0.83 to
0.91 with the right brief; their out-of-scope questions with as few known words under 0.82) ..."""
FOREIGN_MARGIN = 0.01
"""... and at least this much nearer than the next: other languages 38% -> 69% right among reporters' questions,
no out-of-scope one answered; AllSides dev (English headlines) unchanged but for one question."""

RESCUE_DEPTH = 5
"""How many briefs nearest in meaning are read for a rescue (the nearest visible one is among them, or none is)."""


def decide_by_meaning(
    meanings: Meanings,
    query: Query,
    ranked: Sequence[tuple[Hit, Version]],
    now: datetime,
    latest: Mapping[str, Version],
    visible: Callable[[str], bool],
) -> Answer:
    """The reply by words reordered by meaning, or by meaning alone when no brief fits the words but one the asker
    may see (``visible``) clearly fits the meaning. ``ranked`` holds only hits the asker may see."""
    if not query.text.strip():
        return decide(query, ranked, now)
    versions = {hit.brief_id: version for hit, version in ranked}
    question = meanings.question(query.text)
    similarities = meanings.similarities(question, versions)
    fused = fuse([hit for hit, _ in ranked], similarities)
    answer = decide(query, [(hit, versions[hit.brief_id]) for hit in fused], now)
    if answer.outcome is Outcome.ANSWER:
        if query.wants_recent:
            return answer  # the latest is picked by date, not by meaning
        return _choices(answer, fused, versions) if disagree(fused, similarities) else answer
    if answer.outcome is not Outcome.NO_MATCH:
        return answer
    words_best = fused[0].brief_id if fused else None
    if words_best is not None and out_of_scope(query, versions[words_best].brief, now):
        return answer  # refused on purpose: another year's story, or one word of a name
    if in_another_language(query, fused):
        found = rescue(meanings.nearest(question, RESCUE_DEPTH), visible, foreign=True)
    else:
        found = rescue(meanings.nearest(question, RESCUE_DEPTH), visible, words_best)
    if found is None:
        return answer
    return answer_with(latest[found], query.text, now, corrections=query.corrections)


def fuse(hits: Sequence[Hit], similarities: dict[str, float]) -> list[Hit]:
    """Search's hits reordered by meaning: each score scaled by how far its similarity is below the best one's."""
    if not similarities:
        return list(hits)
    best = max(similarities.values())
    fused = [
        replace(hit, score=hit.score * math.exp(FUSION_WEIGHT * (similarities.get(hit.brief_id, best) - best)))
        for hit in hits
    ]
    return sorted(fused, key=lambda hit: -hit.score)


def disagree(fused: Sequence[Hit], similarities: Mapping[str, float]) -> bool:
    """Whether meaning clearly prefers another close hit to the one the fused ranking puts first."""
    if not fused or fused[0].brief_id not in similarities:
        return False
    top = fused[0]
    nearer = [
        hit
        for hit in fused[1:]
        if similarities.get(hit.brief_id, -1.0) >= similarities[top.brief_id] + DOUBT_MARGIN
        and hit.score >= top.score * DOUBT_RATIO
    ]
    return bool(nearer)


def _choices(answer: Answer, fused: Sequence[Hit], versions: Mapping[str, Version]) -> Answer:
    """The answer turned into choices among the fused ranking's first briefs, when it picked the first one."""
    if answer.brief is None or answer.brief.id != fused[0].brief_id:
        return answer  # picked as the latest or as the instalment the question names: the words decided
    briefs = [(hit, versions[hit.brief_id].brief) for hit in fused[:MAX_CHOICES]]
    choices = tuple(Choice(hit.brief_id, b.title, hit.score, b.updated, b.desk) for hit, b in briefs)
    return replace(answer, outcome=Outcome.AMBIGUOUS, brief=None, freshness=None, alternatives=choices)


def in_another_language(query: Query, hits: Sequence[Hit]) -> bool:
    """Whether few of the question's words (``FOREIGN_SHARE``) are words of the briefs, as typed: a question asked
    in another language than the briefs', which words cannot answer."""
    if not query.terms:
        return False
    known = frozenset().union(*(hit.matched for hit in hits)) - query.corrected
    return sum(term in known for term in query.terms) <= FOREIGN_SHARE * len(query.terms)


def rescue(
    nearest: Sequence[tuple[str, float]],
    visible: Callable[[str], bool],
    words_best: str | None = None,
    *,
    foreign: bool = False,
) -> str | None:
    """The brief a refused question clearly means, among the nearest the asker may see; None when none is clear.

    When the question's words found briefs at all, the nearest in meaning must be the one they ranked first:
    meaning and words must agree. A question in another language (``foreign``) has its own bars and no words to
    agree with."""
    seen = [(brief_id, similarity) for brief_id, similarity in nearest if visible(brief_id)]
    least, margin = (FOREIGN_SIMILARITY, FOREIGN_MARGIN) if foreign else (RESCUE_SIMILARITY, RESCUE_MARGIN)
    if not seen or seen[0][1] < least:
        return None
    if words_best is not None and seen[0][0] != words_best:
        return None
    if len(seen) > 1 and seen[0][1] - seen[1][1] < margin:
        return None
    return seen[0][0]
