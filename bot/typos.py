"""Typos: the word a reporter meant, among the words the briefs use and the names of the entities they name.

A word no brief uses is compared with the known words of about its length by
optimal string alignment distance, so two swapped letters ("sacntions",
"kremiln") are one edit, as a reporter's fingers make them. A doubled letter
typed at the wrong place ("tarrifs") is one edit too. Numbers are never
corrected: 2027 is not a typo for 2026. Entity names are indexed as their
group's token, so the corrector also knows them as spelt ("Ukriane" is
corrected to "ukraine", which then reads as the Ukraine token).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping

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

    def __init__(self, vocabulary: Counter[str], spellings: Mapping[str, str]) -> None:
        self.vocabulary = vocabulary
        self.spellings = spellings
        """Entity names as spelt -> the token the index holds them as."""
        self._by_length: dict[int, list[str]] | None = None
        self._uses: dict[str, int] = {}

    def changed(self) -> None:
        """The vocabulary changed: group its words by length again before the next correction."""
        self._by_length = None

    def correct(self, word: str) -> str | None:
        """The known word ``word`` was most likely meant as, or None when none is close enough."""
        if len(word) < TYPO_MIN_LENGTH or any(ch.isdigit() for ch in word):
            return None
        by_length = self._by_length if self._by_length is not None else self._group()
        max_edits = 2 if len(word) >= TYPO_LONG_WORD else 1
        candidates = [
            known
            for length in range(len(word) - max_edits, len(word) + max_edits + 1)
            for known in by_length.get(length, ())
        ]
        found = [
            (known, distance)
            for known, distance, _ in process.extract(
                word, candidates, scorer=OSA.distance, score_cutoff=max_edits, limit=TYPO_CANDIDATES
            )
        ]
        found += [(known, 1) for known in _moved_doubles(word) if known in self._uses]
        if not found:
            return None
        # Fewest edits first; among equally close words, the one more briefs use.
        return min(found, key=lambda match: (match[1], -self._uses[match[0]]))[0]

    def _group(self) -> dict[int, list[str]]:
        """Every known word and entity spelling with how many briefs use it, grouped by length."""
        self._uses = {known: count for known, count in self.vocabulary.items() if not any(c.isdigit() for c in known)}
        for name, token in self.spellings.items():
            if token in self.vocabulary:
                self._uses[name] = max(self._uses.get(name, 0), self.vocabulary[token])
        self._by_length = defaultdict(list)
        for known in self._uses:
            self._by_length[len(known)].append(known)
        return self._by_length


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
