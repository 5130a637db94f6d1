"""Search: an in-memory inverted index over briefs, updated one brief at a time.

Ranking is BM25F: each field's term counts are weighted (title and aliases
count more than the body) and length-normalised against a fixed reference
length, so a push re-indexes one brief without touching the others. Adjacent
term pairs ("eu sanction", "trump meet") in the title, aliases and summary are
indexed as phrases and add to the score of briefs that use the question's own
phrasing. A question only visits the postings of its own terms; words too
common to discriminate only score briefs that rarer words already found.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.briefs import Brief
from bot.words import CHAT_NOISE, RECENCY_WORDS, STOPWORDS, clean_question, stem, terms, words

__all__ = ["Hit", "Query", "SearchIndex"]

DEFAULT_FIELD_WEIGHTS = {"title": 3.0, "aliases": 3.0, "tags": 2.0, "summary": 1.5, "body": 1.0}
"""How much a term counts in each field of a brief."""

DEFAULT_FIELD_LENGTHS = {"title": 10.0, "aliases": 6.0, "tags": 4.0, "summary": 45.0, "body": 250.0}
"""Reference length of each field, in terms, for length normalisation."""

PHRASE_FIELDS = ("title", "aliases", "summary")
PHRASE_WEIGHT = 0.5
"""How much a matching adjacent pair of terms counts, relative to a single term."""

BM25_K1 = 1.2
BM25_B = 0.75
MAX_QUERY_TERMS = 32
COMMON_TERM_FRACTION = 0.2
"""A term in more than this share of briefs only scores briefs found through rarer terms."""

TYPO_MIN_LENGTH = 4
TYPO_LONG_WORD = 8
"""Words this long may be two edits off a known word; shorter ones only one."""
TYPO_CANDIDATES = 5
TYPO_PENALTY = 0.7
"""A corrected word is a guess: it counts this much of a word the reporter typed right."""


@dataclass(frozen=True)
class Query:
    """A question as search sees it: its terms and phrases, and whether it asks for the latest."""

    text: str
    terms: tuple[str, ...]
    wants_recent: bool
    corrections: tuple[tuple[str, str], ...] = ()
    corrected: frozenset[str] = frozenset()
    phrases: tuple[str, ...] = ()


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
    """Weighted postings for every brief's terms and phrases, plus the vocabulary used to correct typos."""

    def __init__(
        self,
        field_weights: dict[str, float] | None = None,
        field_lengths: dict[str, float] | None = None,
    ) -> None:
        self.field_weights = field_weights or DEFAULT_FIELD_WEIGHTS
        self.field_lengths = field_lengths or DEFAULT_FIELD_LENGTHS
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)
        self._doc_terms: dict[str, tuple[str, ...]] = {}
        self._doc_words: dict[str, tuple[str, ...]] = {}
        self._vocabulary: Counter[str] = Counter()
        self._by_length: dict[int, list[str]] | None = None

    def __len__(self) -> int:
        return len(self._doc_terms)

    def __contains__(self, brief_id: object) -> bool:
        return brief_id in self._doc_terms

    def put(self, brief: Brief) -> None:
        """Index a brief, replacing what was indexed under its id."""
        self.remove(brief.id)
        weights: dict[str, float] = defaultdict(float)
        doc_words: set[str] = set()
        for name, segments in _fields(brief).items():
            segment_terms = [terms(segment) for segment in segments]
            length = sum(len(found) for found in segment_terms)
            if not length:
                continue
            scale = self.field_weights[name] / (1 - BM25_B + BM25_B * length / self.field_lengths[name])
            for found in segment_terms:
                for term in found:
                    weights[term] += scale
                if name in PHRASE_FIELDS:
                    for phrase in _phrases(found):
                        weights[phrase] += scale * PHRASE_WEIGHT
            doc_words.update(w for segment in segments for w in words(segment) if w not in STOPWORDS)
        for term, weight in weights.items():
            self._postings[term][brief.id] = weight
        self._doc_terms[brief.id] = tuple(weights)
        self._doc_words[brief.id] = tuple(doc_words)
        self._vocabulary.update(doc_words)
        self._by_length = None

    def remove(self, brief_id: str) -> None:
        """Forget a brief; nothing happens if it was not indexed."""
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
        sequence: list[str] = []
        corrections: list[tuple[str, str]] = []
        corrected: set[str] = set()
        for word in words(text):
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
            sequence.append(term)
            if term not in query_terms:
                query_terms.append(term)
            if len(query_terms) == MAX_QUERY_TERMS:
                break
        phrases = tuple(dict.fromkeys(_phrases(sequence)))
        return Query(text, tuple(query_terms), wants_recent, tuple(corrections), frozenset(corrected), phrases)

    def search(self, query: Query, limit: int) -> list[Hit]:
        """The ``limit`` best-scoring briefs for ``query``, best first."""
        total = len(self._doc_terms)
        if not query.terms or not total:
            return []
        weighted = [
            (term, self._idf(term, total) * (TYPO_PENALTY if term in query.corrected else 1.0)) for term in query.terms
        ]
        query_weight = sum(idf for _, idf in weighted)
        scores: dict[str, float] = {}
        matched: dict[str, float] = {}
        common_cut = COMMON_TERM_FRACTION * total
        has_rare = any(len(self._postings.get(term, ())) <= common_cut for term in query.terms)
        # Rare terms first, so common ones only need to score the briefs already found.
        for term, idf in sorted(weighted, key=lambda pair: len(self._postings.get(pair[0], ()))):
            postings = self._postings.get(term)
            if not postings:
                continue
            only_found = has_rare and len(postings) > common_cut
            for brief_id, weight in postings.items():
                if only_found and brief_id not in scores:
                    continue
                scores[brief_id] = scores.get(brief_id, 0.0) + idf * _saturate(weight)
                matched[brief_id] = matched.get(brief_id, 0.0) + idf
        best_possible = query_weight * (BM25_K1 + 1)
        confidence = {brief_id: score / best_possible for brief_id, score in scores.items()}
        for phrase in query.phrases:
            postings = self._postings.get(phrase)
            if not postings:
                continue
            idf = self._idf(phrase, total)
            for brief_id, weight in postings.items():
                if brief_id in scores:
                    scores[brief_id] += idf * _saturate(weight)
        best = heapq.nlargest(limit, scores.items(), key=lambda item: item[1])
        return [
            Hit(brief_id, score, matched[brief_id] / query_weight, confidence[brief_id]) for brief_id, score in best
        ]

    def _idf(self, term: str, total: int) -> float:
        df = len(self._postings.get(term, ()))
        return math.log(1 + (total - df + 0.5) / (df + 0.5))

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


def _saturate(weight: float) -> float:
    return weight * (BM25_K1 + 1) / (weight + BM25_K1)


def _phrases(sequence: list[str]) -> list[str]:
    return [f"{first} {second}" for first, second in itertools.pairwise(sequence) if first != second]


def _fields(brief: Brief) -> dict[str, list[str]]:
    return {
        "title": [brief.title],
        "aliases": list(brief.aliases),
        "tags": [tag.replace("-", " ") for tag in brief.tags],
        "summary": [brief.summary],
        "body": [brief.body],
    }
