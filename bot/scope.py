"""Scope: whether a brief is about the word a one-word question names, or only uses it inside a longer name.

"sea" finds the brief on Black Sea grain talks, "fleet" the one on sanctions
against the shadow fleet, "shower" the one on the Geminid meteor shower: each
brief uses the word, but only as part of a name. A reporter who types the
word alone is not asking for that story, so the brief is suggested, not
answered.
"""

from __future__ import annotations

from bot.briefs import Brief
from bot.words import STOPWORDS, stem, words

__all__ = ["only_in_a_name"]

NAME_USES = 2
"""A word used once after another word may be a name or a phrase ("found corrosion"); used twice or more, always
after the same word, it is part of a name."""


def only_in_a_name(term: str, brief: Brief) -> bool:
    """Whether the brief's title, aliases and summary use ``term`` more than once, each time after the same word."""
    if any(stem(word) == term for tag in brief.tags for word in words(tag)):
        return False  # the editors say the brief is about it
    before: list[str] = []
    for text in (brief.title, *brief.aliases, brief.summary):
        previous = ""
        for word in words(text):
            if stem(word) == term:
                if not previous or previous in STOPWORDS:
                    return False
                before.append(previous)
            previous = word
    return len(before) >= NAME_USES and len(set(before)) == 1
