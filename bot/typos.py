"""Typos: the word a reporter meant, among the words the briefs use.

A word no brief uses is compared with the known words of about its length by
optimal string alignment distance, so two swapped letters ("sacntions",
"kremiln") are one edit, as a reporter's fingers make them. A doubled letter
typed at the wrong place ("tarrifs") is one edit too. Numbers are never
corrected: 2027 is not a typo for 2026.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.words import STOPWORDS

__all__ = ["Corrector", "is_swapped_stopword"]

TYPO_MIN_LENGTH = 4
TYPO_LONG_WORD = 8
"""Words this long may be two edits off a known word; shorter ones only one."""
TYPO_CANDIDATES = 5


class Corrector:
    """Finds the known word closest to a misspelt one; the vocabulary (word -> briefs using it) is the index's."""

    def __init__(self, vocabulary: Counter[str]) -> None:
        self.vocabulary = vocabulary
        self._by_length: dict[int, list[str]] | None = None

    def changed(self) -> None:
        """The vocabulary changed: group its words by length again before the next correction."""
        self._by_length = None

    def correct(self, word: str) -> str | None:
        """The known word ``word`` was most likely meant as, or None when none is close enough."""
        if len(word) < TYPO_MIN_LENGTH or any(ch.isdigit() for ch in word):
            return None
        if self._by_length is None:
            self._by_length = defaultdict(list)
            for known in self.vocabulary:
                if not any(ch.isdigit() for ch in known):
                    self._by_length[len(known)].append(known)
        max_edits = 2 if len(word) >= TYPO_LONG_WORD else 1
        candidates = [
            known
            for length in range(len(word) - max_edits, len(word) + max_edits + 1)
            for known in self._by_length.get(length, ())
        ]
        found = [
            (known, distance)
            for known, distance, _ in process.extract(
                word, candidates, scorer=OSA.distance, score_cutoff=max_edits, limit=TYPO_CANDIDATES
            )
        ]
        found += [(known, 1) for known in _moved_doubles(word) if known in self.vocabulary]
        if not found:
            return None
        # Fewest edits first; among equally close words, the one more briefs use.
        return min(found, key=lambda match: (match[1], -self.vocabulary[match[0]]))[0]


def is_swapped_stopword(word: str) -> bool:
    """A function word typed with two letters swapped ("teh", "adn"), which carries no topic either."""
    return word not in STOPWORDS and any(swapped in STOPWORDS for swapped in _swaps(word))


def _swaps(word: str) -> Iterator[str]:
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _moved_doubles(word: str) -> Iterator[str]:
    """``word`` with a doubled letter made single and another letter doubled: "tarrifs" -> "tariffs"."""
    for i in range(len(word) - 1):
        if word[i] == word[i + 1]:
            single = word[:i] + word[i + 1 :]
            for j in range(len(single)):
                if j not in (i - 1, i):
                    yield single[: j + 1] + single[j] + single[j + 1 :]
