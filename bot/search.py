"""Search: an in-memory inverted index over briefs, updated one brief at a time.

Ranking is BM25F: each field's term counts are weighted (title and aliases
count more than the body) and length-normalised against a fixed reference
length, so a push re-indexes one brief without touching the others. The best
candidates are then boosted by how much of their title the question covers. A
question only visits the postings of its own terms; words too common to
discriminate only score briefs that rarer words already found.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.briefs import Brief
from bot.entities import Entities
from bot.words import CHAT_NOISE, IRREGULAR_FORMS, RECENCY_WORDS, STOPWORDS, clean_question, stem, words

__all__ = ["Hit", "Query", "SearchIndex"]

DEFAULT_FIELD_WEIGHTS = {"title": 3.0, "aliases": 3.0, "tags": 2.0, "summary": 1.5, "body": 1.0}
"""How much a term counts in each field of a brief."""

DEFAULT_FIELD_LENGTHS = {"title": 10.0, "aliases": 6.0, "tags": 4.0, "summary": 45.0, "body": 250.0}
"""Reference length of each field, in terms, for length normalisation."""

TITLE_MATCH_WEIGHT = 0.5
"""A brief whose whole title the question covers scores this share more; titles are the editors' distillation."""
RERANK_DEPTH = 20
"""How many of the best BM25F hits the title match may reorder."""

INDEX_FORMAT = 1
"""Bump when what ``put`` stores changes, so snapshots of the old index are rebuilt."""

BM25_K1 = 2.0
BM25_B = 0.75
MAX_QUERY_TERMS = 32
COMMON_TERM_FRACTION = 0.2
MAX_CANDIDATE_TERM_BRIEFS = 500
"""A term in more than this share of briefs, or in more than this many, only scores briefs that rarer
terms found (unless it is the question's rarest)."""

TYPO_MIN_LENGTH = 4
TYPO_LONG_WORD = 8
"""Words this long may be two edits off a known word; shorter ones only one."""
TYPO_CANDIDATES = 5
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
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)
        self._doc_terms: dict[str, tuple[str, ...]] = {}
        self._doc_words: dict[str, tuple[str, ...]] = {}
        self._title_terms: dict[str, frozenset[str]] = {}
        self._idf = _IdfCache(self._postings, self._doc_terms)
        self._title_weights: dict[str, float] = {}
        self._vocabulary: Counter[str] = Counter()
        self._by_length: dict[int, list[str]] | None = None

    def __len__(self) -> int:
        return len(self._doc_terms)

    def __contains__(self, brief_id: object) -> bool:
        return brief_id in self._doc_terms

    def export(self) -> dict[str, Any]:
        """The index's state as plain values, for a snapshot that ``restore`` reads back."""
        return {
            "signature": self._signature(),
            "postings": dict(self._postings),
            "doc_terms": self._doc_terms,
            "doc_words": self._doc_words,
            "title_terms": self._title_terms,
            "vocabulary": dict(self._vocabulary),
        }

    def restore(self, state: dict[str, Any]) -> bool:
        """Take over an exported state; False (and nothing changed) if it was built with other settings."""
        if state.get("signature") != self._signature():
            return False
        self._postings = defaultdict(dict, state["postings"])
        self._doc_terms = state["doc_terms"]
        self._doc_words = state["doc_words"]
        self._title_terms = state["title_terms"]
        self._vocabulary = Counter(state["vocabulary"])
        self._idf = _IdfCache(self._postings, self._doc_terms)
        self._title_weights = {}
        self._by_length = None
        return True

    def put(self, brief: Brief) -> None:
        """Index a brief, replacing what was indexed under its id."""
        self.remove(brief.id)
        self._forget_weights()
        weights: dict[str, float] = defaultdict(float)
        doc_words: set[str] = set()
        self._title_terms[brief.id] = frozenset()
        for name, text in _fields(brief).items():
            field_words = [word for word in words(self.entities.fold(text)) if word not in STOPWORDS]
            if not field_words:
                continue
            doc_words.update(field_words)
            scale = self.field_weights[name] / (1 - BM25_B + BM25_B * len(field_words) / self.field_lengths[name])
            field_terms = [stem(word) for word in field_words]
            for term in field_terms:
                weights[term] += scale
            if name == "title":
                self._title_terms[brief.id] = frozenset(field_terms)
        for term, weight in weights.items():
            self._postings[term][brief.id] = _saturate(weight)
        self._doc_terms[brief.id] = tuple(weights)
        self._doc_words[brief.id] = tuple(doc_words)
        self._vocabulary.update(doc_words)
        self._by_length = None

    def remove(self, brief_id: str) -> None:
        """Forget a brief; nothing happens if it was not indexed."""
        if brief_id in self._doc_terms:
            self._forget_weights()
        self._title_terms.pop(brief_id, None)
        for term in self._doc_terms.pop(brief_id, ()):
            postings = self._postings[term]
            del postings[brief_id]
            if not postings:
                del self._postings[term]
        old_words = self._doc_words.pop(brief_id, ())
        if old_words:
            self._vocabulary.subtract(old_words)
            for word in old_words:
                if self._vocabulary[word] <= 0:
                    del self._vocabulary[word]
            self._by_length = None

    def analyze(self, question: str) -> Query:
        """Turn a reporter's question into search terms, correcting words the index does not know."""
        text = clean_question(question)
        wants_recent = False
        query_terms: list[str] = []
        corrections: list[tuple[str, str]] = []
        corrected: set[str] = set()
        for word in words(self.entities.fold(text)):
            if word in RECENCY_WORDS:
                wants_recent = True
                continue
            if word in STOPWORDS or word in CHAT_NOISE:
                continue
            term = stem(word)
            if term not in self._postings and len(word) >= TYPO_MIN_LENGTH:
                fixed = self._correct(word)
                if fixed is not None:
                    corrections.append((word, fixed))
                    term = stem(fixed)
                    corrected.add(term)
            if term not in query_terms:
                query_terms.append(term)
            if len(query_terms) == MAX_QUERY_TERMS:
                break
        return Query(text, tuple(query_terms), wants_recent, tuple(corrections), frozenset(corrected))

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The ``limit`` best-scoring briefs for ``query``, best first."""
        total = len(self._doc_terms)
        if not query.terms or not total:
            return []
        idf = self._idf
        weighted = {term: idf[term] * (TYPO_PENALTY if term in query.corrected else 1.0) for term in query.terms}
        scores: dict[str, float] = {}
        by_rarity = sorted(weighted, key=lambda term: len(self._postings.get(term, ())))
        # Rare terms bring in the candidates; common ones only add to briefs already found,
        # unless the question has nothing rarer.
        cut = max(
            len(self._postings.get(by_rarity[0], ())), min(COMMON_TERM_FRACTION * total, MAX_CANDIDATE_TERM_BRIEFS)
        )
        for term in by_rarity:
            postings = self._postings.get(term)
            if not postings:
                continue
            factor = weighted[term]
            if len(postings) <= cut:
                for brief_id, gain in postings.items():
                    scores[brief_id] = scores.get(brief_id, 0.0) + factor * gain
            elif len(scores) < len(postings):
                for brief_id in scores:
                    found = postings.get(brief_id)
                    if found is not None:
                        scores[brief_id] += factor * found
            else:
                for brief_id, gain in postings.items():
                    if brief_id in scores:
                        scores[brief_id] += factor * gain
        candidates = heapq.nlargest(max(limit, RERANK_DEPTH), scores.items(), key=lambda item: item[1])
        query_weight = sum(weighted.values())
        hits = []
        for brief_id, score in candidates:
            matched = [term for term in weighted if brief_id in self._postings.get(term, ())]
            title_share = sum(idf[term] for term in self._title_terms[brief_id] & weighted.keys())
            title_share /= self._title_weight(brief_id)
            hits.append(
                Hit(
                    brief_id,
                    score * (1 + TITLE_MATCH_WEIGHT * title_share),
                    sum(weighted[term] for term in matched) / query_weight,
                    score / (query_weight * (BM25_K1 + 1)),
                )
            )
        return heapq.nlargest(limit, hits, key=lambda hit: hit.score)

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

    def _correct(self, word: str) -> str | None:
        if self._by_length is None:
            self._by_length = defaultdict(list)
            for known in self._vocabulary:
                self._by_length[len(known)].append(known)
        max_edits = 2 if len(word) >= TYPO_LONG_WORD else 1
        candidates = [
            known
            for length in range(len(word) - max_edits, len(word) + max_edits + 1)
            for known in self._by_length.get(length, ())
        ]
        found = process.extract(
            word, candidates, scorer=Levenshtein.distance, score_cutoff=max_edits, limit=TYPO_CANDIDATES
        )
        if not found:
            return None
        # Fewest edits first; among equally close words, the one more briefs use.
        return min(found, key=lambda match: (match[1], -self._vocabulary[match[0]]))[0]


class _IdfCache(dict[str, float]):
    """Inverse document frequency of each term, worked out on first use until the index changes."""

    def __init__(self, postings: dict[str, dict[str, float]], documents: dict[str, tuple[str, ...]]) -> None:
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
