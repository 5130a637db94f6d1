"""Search: an in-memory inverted index over briefs, updated one brief at a time.

Ranking is BM25F: each field's term counts are weighted (title and aliases
count more than the body) and length-normalised against a fixed reference
length, so a push re-indexes one brief without touching the others. The best
candidates are then boosted by how much of their title the question covers. A
question only visits the postings of its own terms; words too common to
discriminate only score briefs that rarer words already found.

Each term's postings are kept in descending order of weight (a few briefs
added since the last sort are tracked apart), so a question over long
postings reads them best first and stops as soon as no brief it has not
scored could still reach its best results (the threshold algorithm): the
results are those of scoring every posting, unless the question uses up its
reading budget first.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice, repeat
from operator import add, itemgetter, mul
from typing import Any

from bot.briefs import Brief
from bot.entities import Entities
from bot.instalments import Marker, markers_in, relative_dates
from bot.typos import Corrector, is_swapped_stopword
from bot.words import (
    CHAT_NOISE,
    IRREGULAR_FORMS,
    RECENCY_WORDS,
    STOPWORDS,
    clean_question,
    remember_stems,
    stem,
    without_filler,
    words,
)

__all__ = ["Hit", "Query", "SearchIndex"]

DEFAULT_FIELD_WEIGHTS = {"title": 3.0, "aliases": 3.0, "tags": 2.0, "summary": 1.5, "body": 1.0}
"""How much a term counts in each field of a brief."""

DEFAULT_FIELD_LENGTHS = {"title": 10.0, "aliases": 6.0, "tags": 4.0, "summary": 45.0, "body": 250.0}
"""Reference length of each field, in terms, for length normalisation."""

TITLE_MATCH_WEIGHT = 0.5
"""A brief whose whole title the question covers scores this share more; titles are the editors' distillation."""
RERANK_DEPTH = 20
"""How many of the best BM25F hits the title match may reorder."""

INDEX_FORMAT = 4
"""Bump when what ``put`` stores changes, so snapshots of the old index are rebuilt.

2: postings in descending weight order with their unsorted briefs; no per-brief term and word lists; the
vocabulary's stems. 3: numbers lose their K, M or B (194K as 194). 4: tags read short names in any case."""

BM25_K1 = 2.0
BM25_B = 0.75
MAX_QUERY_TERMS = 32
COMMON_TERM_FRACTION = 0.2
MAX_CANDIDATE_TERM_BRIEFS = 500
"""A term in more than this share of briefs, or in more than this many, only scores briefs that rarer
terms found (unless it is the question's rarest)."""

PRUNE_MIN_POSTINGS = 2_000
"""Questions whose candidate terms have fewer postings than this in all are scored exhaustively: reading
best first only pays once there are many postings to skip."""
PRUNE_CHUNK = 64
"""Postings read from one term between two checks of whether the best results are settled."""
PRUNE_BUDGET = 3_000
"""At most this many postings are read best first for one question, which bounds its time at 100,000 briefs.
Over the speed benchmark's 1,000 questions at 100,000 briefs it makes the top 20 differ from scoring every
posting for 20 questions (the top 5 for 8, the top 1 for one); at 10,000 briefs and on the quality benchmark's
dev questions for none. 6,000 made it 1 question, at 1 to 1.6 ms more search p99."""
UNSORTED_MIN = 64
UNSORTED_SHARE = 32
"""A term's postings are sorted again once more than this many briefs (or this share of them, whichever is
more) were added out of order: until then a question scores those briefs first, one by one."""

TYPO_PENALTY = 0.7
"""A corrected word is a guess: it counts this much of a word the reporter typed right."""


@dataclass(frozen=True)
class Query:
    """A question as search sees it: its terms, and whether it asks for the latest."""

    text: str
    terms: tuple[str, ...]
    wants_recent: bool
    corrections: tuple[tuple[str, str], ...] = ()
    corrected: frozenset[str] = frozenset()
    markers: frozenset[Marker] = frozenset()
    """The months, years, rounds and stages it names, which tell instalments of one story apart."""
    marker_terms: frozenset[str] = frozenset()
    """The terms that name those markers."""
    relative: tuple[tuple[str, int], ...] = ()
    """The months and years it names relative to the day it is asked ("last month": ("month", -1))."""


@dataclass(frozen=True)
class Hit:
    """One brief that matched a query, with its score and how well it covers the query.

    ``coverage`` is the share of the query's term weight the brief contains;
    ``confidence`` is its term score over the best score any brief could get.
    """

    brief_id: str
    score: float
    coverage: float
    confidence: float
    matched: frozenset[str] = frozenset()
    """The query's terms the brief holds."""


class SearchIndex:
    """Weighted postings for every brief's terms, plus the vocabulary used to correct typos."""

    def __init__(
        self,
        field_weights: dict[str, float] | None = None,
        field_lengths: dict[str, float] | None = None,
        entities: Entities | None = None,
    ) -> None:
        self.field_weights = field_weights or DEFAULT_FIELD_WEIGHTS
        self.field_lengths = field_lengths or DEFAULT_FIELD_LENGTHS
        self.entities = entities or Entities()
        self._postings: dict[str, dict[str, float]] = {}
        # Briefs added to a term's postings out of weight order, and the highest weight among them;
        # a term in ``_stale`` has too many of those to track and is wholly sorted again before use.
        self._unsorted: dict[str, set[str]] = {}
        self._unsorted_top: dict[str, float] = {}
        self._stale: set[str] = set()
        self._title_terms: dict[str, frozenset[str]] = {}
        self._idf = _IdfCache(self._postings, self._title_terms)
        self._title_weights: dict[str, float] = {}
        self._vocabulary: Counter[str] = Counter()
        self._corrector = Corrector(self._vocabulary, self.entities.spellings)

    def __len__(self) -> int:
        return len(self._title_terms)

    def __contains__(self, brief_id: object) -> bool:
        return brief_id in self._title_terms

    def export(self) -> dict[str, Any]:
        """The index's state as plain values, for a snapshot that ``restore`` reads back."""
        self.tidy()
        return {
            "signature": self._signature(),
            "postings": self._postings,
            "unsorted": {term: tuple(ids) for term, ids in self._unsorted.items() if ids},
            "title_terms": self._title_terms,
            "vocabulary": dict(self._vocabulary),
            "stems": {word: stem(word) for word in self._vocabulary},
        }

    def restore(self, state: dict[str, Any]) -> bool:
        """Take over an exported state; False (and nothing changed) if it was built with other settings."""
        if state.get("signature") != self._signature():
            return False
        self._postings = state["postings"]
        self._unsorted = {term: set(ids) for term, ids in state["unsorted"].items()}
        self._unsorted_top = {
            term: max(self._postings[term][brief_id] for brief_id in ids) for term, ids in self._unsorted.items()
        }
        self._stale = set()
        self._title_terms = state["title_terms"]
        self._vocabulary = Counter(state["vocabulary"])
        self._corrector = Corrector(self._vocabulary, self.entities.spellings)
        remember_stems(state["stems"])  # re-indexing briefs changed since needs them
        self._idf = _IdfCache(self._postings, self._title_terms)
        self._title_weights = {}
        return True

    def put(self, brief: Brief, replaces: Brief | None = None) -> None:
        """Index a brief; ``replaces`` is the version indexed under its id until now, if any.

        The index keeps no copy of what it indexed, so replacing a brief needs the old version
        to find the terms to take out. Only postings whose weight changed are touched, and only
        the fields whose text changed are cut into words again.
        """
        old_weights: dict[str, float] = {}
        old_words: set[str] = set()
        fields: dict[tuple[str, str], list[str]] = {}
        if brief.id in self._title_terms:
            if replaces is None or replaces.id != brief.id:
                raise ValueError(f"{brief.id} is indexed: pass the version it replaces")
            old_weights, _, old_words = self._terms(replaces, fields)
        self._forget_weights()
        weights, title_terms, doc_words = self._terms(brief, fields)
        self._title_terms[brief.id] = title_terms
        self._drop_postings(brief.id, old_weights.keys() - weights.keys())
        for term, weight in weights.items():
            old = old_weights.get(term)
            if old != weight:
                if old is not None:
                    self._drop_postings(brief.id, (term,))
                self._add_posting(term, brief.id, _saturate(weight))
        self._count_words(doc_words - old_words, old_words - doc_words)

    def remove(self, brief: Brief) -> None:
        """Forget a brief, given the version that was indexed; nothing happens if its id is not indexed."""
        if self._title_terms.pop(brief.id, None) is None:
            return
        self._forget_weights()
        weights, _, old_words = self._terms(brief)
        self._drop_postings(brief.id, weights)
        self._count_words(set(), old_words)

    def _drop_postings(self, brief_id: str, terms: Iterable[str]) -> None:
        for term in terms:
            postings = self._postings.get(term)
            if postings is None or postings.pop(brief_id, None) is None:
                continue
            if not postings:
                del self._postings[term]
                self._unsorted.pop(term, None)
                self._unsorted_top.pop(term, None)
                self._stale.discard(term)
            elif term in self._unsorted:
                self._unsorted[term].discard(brief_id)

    def _count_words(self, added: set[str], removed: set[str]) -> None:
        """Keep the number of briefs using each word, for typo correction."""
        if not added and not removed:
            return
        self._vocabulary.update(added)
        self._vocabulary.subtract(removed)
        for word in removed:
            if self._vocabulary[word] <= 0:
                del self._vocabulary[word]
        self._corrector.changed()

    def tidy(self) -> None:
        """Sort again the postings that too many briefs joined out of order (after a batch of puts)."""
        for term in list(self._stale):
            self._sort(term)

    def analyze(self, question: str) -> Query:
        """Turn a reporter's question into search terms, correcting words the index does not know."""
        text = clean_question(question)
        wants_recent = False
        query_terms: list[str] = []
        corrections: list[tuple[str, str]] = []
        corrected: set[str] = set()
        topic, relative = relative_dates(without_filler(text))
        for word in words(self.entities.fold(topic, typed=True)):
            if word in RECENCY_WORDS:
                wants_recent = True
                continue
            if word in STOPWORDS or word in CHAT_NOISE:
                continue
            term = stem(word)
            if term not in self._postings:
                if is_swapped_stopword(word):
                    continue
                fixed = self._corrector.correct(word)
                if fixed is not None:
                    corrections.append((word, fixed))
                    term = stem(words(self.entities.fold(fixed, typed=True))[0])  # an entity's name reads as its token
                    corrected.add(term)
            if term not in query_terms:
                query_terms.append(term)
            if len(query_terms) == MAX_QUERY_TERMS:
                break
        terms = tuple(query_terms)
        markers = {term: markers_in((term,)) for term in terms}
        return Query(
            text,
            terms,
            wants_recent,
            tuple(corrections),
            frozenset(corrected),
            frozenset().union(*markers.values()),
            frozenset(term for term, found in markers.items() if found),
            relative,
        )

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The ``limit`` best-scoring briefs for ``query``, best first."""
        total = len(self._title_terms)
        if not query.terms or not total:
            return []
        idf = self._idf
        weighted = {term: idf[term] * (TYPO_PENALTY if term in query.corrected else 1.0) for term in query.terms}
        postings = self._postings
        known = sorted((term for term in weighted if term in postings), key=lambda term: len(postings[term]))
        if not known:
            return []
        # Rare terms bring in the candidates; common ones only add to briefs already found,
        # unless the question has nothing rarer (a word no brief uses counts as the rarest).
        rarest = len(postings[known[0]]) if len(known) == len(weighted) else 0
        cut = max(rarest, min(COMMON_TERM_FRACTION * total, MAX_CANDIDATE_TERM_BRIEFS))
        finding = [term for term in known if len(self._postings[term]) <= cut]
        if not finding:
            return []
        depth = max(limit, RERANK_DEPTH)
        if sum(len(self._postings[term]) for term in finding) < PRUNE_MIN_POSTINGS:
            candidates = self._score_all(weighted, finding, known, depth)
        else:
            candidates = self._score_best_first(weighted, finding, known, depth)
        # Months, years, rounds and stages say which instalment, not which story: a brief that does not name them
        # still covers the question (its update date may name the month).
        topic = {term: weight for term, weight in weighted.items() if term not in query.marker_terms} or weighted
        query_weight = sum(topic.values())
        hits = []
        for brief_id, score in candidates:
            matched = [term for term in weighted if brief_id in self._postings.get(term, ())]
            title_share = sum(idf[term] for term in self._title_terms[brief_id] & weighted.keys())
            title_share /= self._title_weight(brief_id)
            hits.append(
                Hit(
                    brief_id,
                    score * (1 + TITLE_MATCH_WEIGHT * title_share),
                    sum(topic.get(term, 0.0) for term in matched) / query_weight,
                    score / (query_weight * (BM25_K1 + 1)),
                    frozenset(matched),
                )
            )
        return heapq.nlargest(limit, hits, key=lambda hit: hit.score)

    def _score_all(
        self, weighted: dict[str, float], finding: list[str], known: list[str], depth: int
    ) -> list[tuple[str, float]]:
        """The ``depth`` best briefs found by the ``finding`` terms, scored over every posting."""
        scores: dict[str, float] = {}
        for term in finding:
            factor = weighted[term]
            for brief_id, gain in self._postings[term].items():
                scores[brief_id] = scores.get(brief_id, 0.0) + factor * gain
        for term in known[len(finding) :]:
            postings = self._postings[term]
            factor = weighted[term]
            if len(scores) < len(postings):
                for brief_id in scores:
                    found = postings.get(brief_id)
                    if found is not None:
                        scores[brief_id] += factor * found
            else:
                for brief_id, gain in postings.items():
                    if brief_id in scores:
                        scores[brief_id] += factor * gain
        # Equal scores are ordered by id, in both ways of scoring, so they return the same briefs.
        best = heapq.nlargest(depth, zip(scores.values(), scores, strict=True))
        return [(brief_id, score) for score, brief_id in best]

    def _score_best_first(
        self, weighted: dict[str, float], finding: list[str], known: list[str], depth: int
    ) -> list[tuple[str, float]]:
        """The best briefs found by the ``finding`` terms, reading their postings best first.

        Every brief read is scored in full. A brief not read yet scores at most the weight at which
        each finding term's reading stands plus the best weight of every other term, so once the
        ``depth``-th best score reaches that bound, no brief left unread can enter the results and
        they are exactly those of ``_score_all``. Reading also stops after ``PRUNE_BUDGET`` postings:
        then a brief that every finding term holds only weakly may be missed.
        """
        for term in known:
            if term in self._stale:
                self._sort(term)
        lookups = [(self._postings[term].get, weighted[term]) for term in known]
        best: list[tuple[float, str]] = []
        seen: set[str] = set()
        readers: list[Iterator[tuple[str, float]]] = [iter(self._postings[term].items()) for term in finding]
        skips = [self._unsorted.get(term, set()) for term in finding]
        factors = [weighted[term] for term in finding]
        bounds = [factor * self._top_weight(term) for factor, term in zip(factors, finding, strict=True)]
        others = sum(weighted[term] * self._top_weight(term) for term in known[len(finding) :])
        # Briefs added out of order are scored first; then the term read last gives its weights itself.
        fresh = list(dict.fromkeys(brief_id for term in finding for brief_id in self._unsorted.get(term, ())))
        reading, read_gains = -1, list[float]()
        budget = PRUNE_BUDGET
        while True:
            seen.update(fresh)
            # A term at a time, adding in the same order as ``_score_all`` so the sums are the same.
            totals = [0.0] * len(fresh)
            for j, (get, factor) in enumerate(lookups):
                gains = read_gains if j == reading else map(get, fresh, repeat(0.0))
                totals = list(map(add, totals, map(mul, repeat(factor), gains)))
            if len(best) < depth:
                best.extend(zip(totals, fresh, strict=True))
                best = heapq.nlargest(depth, best)
                heapq.heapify(best)
            else:
                floor = best[0][0]
                for entry in zip(totals, fresh, strict=True):
                    if entry[0] >= floor and entry > best[0]:
                        heapq.heapreplace(best, entry)
                        floor = best[0][0]
            if len(best) == depth and best[0][0] > others + sum(bounds):
                break
            i = max(range(len(bounds)), key=bounds.__getitem__)
            if bounds[i] <= 0.0 or budget <= 0:
                break
            chunk = list(islice(readers[i], PRUNE_CHUNK))
            budget -= len(chunk)
            skip = skips[i]
            if len(chunk) < PRUNE_CHUNK:
                bounds[i] = 0.0
            else:
                last = next((gain for brief_id, gain in reversed(chunk) if brief_id not in skip), None)
                if last is not None:
                    bounds[i] = factors[i] * last
            chunk = [(brief_id, gain) for brief_id, gain in chunk if brief_id not in skip and brief_id not in seen]
            fresh = [brief_id for brief_id, _ in chunk]
            reading, read_gains = i, [gain for _, gain in chunk]
        return [(brief_id, total) for total, brief_id in sorted(best, reverse=True)]

    def _terms(
        self, brief: Brief, fields: dict[tuple[str, str], list[str]] | None = None
    ) -> tuple[dict[str, float], frozenset[str], set[str]]:
        """A brief's terms with their field-weighted counts, its title's terms, and its words.

        ``fields`` remembers the words of each field text, so that the version replacing a brief
        only cuts again the fields that changed.
        """
        weights: dict[str, float] = defaultdict(float)
        doc_words: set[str] = set()
        title_terms: frozenset[str] = frozenset()
        for name, text in _fields(brief).items():
            field_words = fields.get((name, text)) if fields is not None else None
            if field_words is None:
                folded = self.entities.fold(text, typed=name == "tags")  # tags are typed as names, not prose
                field_words = [word for word in words(folded) if word not in STOPWORDS]
                if fields is not None:
                    fields[name, text] = field_words
            if not field_words:
                continue
            doc_words.update(field_words)
            scale = self.field_weights[name] / (1 - BM25_B + BM25_B * len(field_words) / self.field_lengths[name])
            field_terms = [stem(word) for word in field_words]
            for term in field_terms:
                weights[term] += scale
            if name == "title":
                title_terms = frozenset(field_terms)
        return weights, title_terms, doc_words

    def _add_posting(self, term: str, brief_id: str, gain: float) -> None:
        postings = self._postings.get(term)
        if postings is None:
            self._postings[term] = {brief_id: gain}
            return
        if term in self._stale:
            postings[brief_id] = gain
            return
        unsorted = self._unsorted.get(term)
        last_id, last_gain = next(reversed(postings.items()))
        postings[brief_id] = gain
        if last_gain >= gain and (unsorted is None or last_id not in unsorted):
            return  # still in descending order
        if unsorted is None:
            unsorted = self._unsorted[term] = set()
        unsorted.add(brief_id)
        self._unsorted_top[term] = max(gain, self._unsorted_top.get(term, 0.0))
        if len(unsorted) > max(UNSORTED_MIN, len(postings) // UNSORTED_SHARE):
            self._stale.add(term)
            del self._unsorted[term], self._unsorted_top[term]

    def _sort(self, term: str) -> None:
        self._postings[term] = dict(sorted(self._postings[term].items(), key=itemgetter(1), reverse=True))
        self._stale.discard(term)
        self._unsorted.pop(term, None)
        self._unsorted_top.pop(term, None)

    def _top_weight(self, term: str) -> float:
        """The highest weight in a term's postings (sorted, or with its unsorted briefs tracked)."""
        skip = self._unsorted.get(term, ())
        top = self._unsorted_top.get(term, 0.0)
        for brief_id, gain in self._postings[term].items():
            if brief_id not in skip:
                return max(top, gain)
        return top

    def _signature(self) -> str:
        settings = (INDEX_FORMAT, self.field_weights, self.field_lengths, BM25_K1, BM25_B,
                    sorted(STOPWORDS), sorted(IRREGULAR_FORMS.items()), self.entities.groups)  # fmt: skip
        return hashlib.sha256(repr(settings).encode()).hexdigest()

    def _title_weight(self, brief_id: str) -> float:
        weight = self._title_weights.get(brief_id)
        if weight is None:
            weight = self._title_weights[brief_id] = sum(self._idf[term] for term in self._title_terms[brief_id]) or 1.0
        return weight

    def _forget_weights(self) -> None:
        # Every weight below depends on how many briefs hold each term, which a push changes.
        self._idf.clear()
        self._title_weights.clear()


class _IdfCache(dict[str, float]):
    """Inverse document frequency of each term, worked out on first use until the index changes."""

    def __init__(self, postings: dict[str, dict[str, float]], documents: dict[str, frozenset[str]]) -> None:
        super().__init__()
        self._postings = postings
        self._documents = documents

    def __missing__(self, term: str) -> float:
        df = len(self._postings.get(term, ()))
        total = len(self._documents)
        value = self[term] = math.log(1 + (total - df + 0.5) / (df + 0.5))
        return value


def _saturate(weight: float) -> float:
    return weight * (BM25_K1 + 1) / (weight + BM25_K1)


def _fields(brief: Brief) -> dict[str, str]:
    return {
        "title": brief.title,
        "aliases": " ; ".join(brief.aliases),
        "tags": " ".join(tag.replace("-", " ") for tag in brief.tags),
        "summary": brief.summary,
        "body": brief.body,
    }
