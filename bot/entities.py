"""Entities: names that mean the same thing to a reporter (EU and European Union, GOP and Republicans).

Before indexing a brief or reading a question, every name of a group is folded
into one token, so "European Union sanctions" finds a brief that says "EU
sanctions". Names in capitals (EU, US, GOP) and short ones (Fed) only match as
written, so the pronoun "us" is not the United States. Editors extend the built-in groups
with a YAML file: a list of groups, each a list of names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from bot.errors import BriefError
from bot.words import STOPWORDS

__all__ = ["DEFAULT_ENTITIES", "KINDRED_NAMES", "Entities", "load_entities"]

DEFAULT_ENTITIES: tuple[tuple[str, ...], ...] = (
    ("European Union", "EU"),
    ("United States", "US", "USA", "U.S.", "America", "American", "Americans"),
    ("United Kingdom", "UK", "U.K.", "Britain", "British"),
    ("United Nations", "UN", "U.N."),
    ("Republicans", "Republican", "GOP"),
    ("Democrats", "Democrat", "Democratic", "Dems"),
    ("coronavirus", "COVID", "COVID-19", "Covid", "Covid-19"),
    ("Supreme Court", "SCOTUS"),
    ("Federal Reserve", "Fed"),
    ("Russia", "Russian", "Russians"),
    ("Ukraine", "Ukrainian", "Ukrainians"),
    ("China", "Chinese"),
    ("Israel", "Israeli", "Israelis"),
    ("Iran", "Iranian", "Iranians"),
    ("Mexico", "Mexican", "Mexicans"),
    ("Afghanistan", "Afghan", "Afghans"),
    ("Palestinians", "Palestinian"),
    ("Germany", "German", "Germans"),
    ("France", "French"),
    ("Japan", "Japanese"),
    ("North Korea", "North Korean", "Pyongyang"),
    ("Justice Department", "Department of Justice", "DOJ"),
    ("Congressional Budget Office", "CBO"),
)
"""Groups every newsroom shares; the first name of each group names it."""

KINDRED_NAMES: tuple[tuple[str, ...], ...] = (
    ("Kremlin", "Putin", "Moscow"),
    ("Pentagon", "DoD"),
    ("Vatican", "Pope"),
)
"""Names that stand for one another when editors group the questions nobody had a brief for ("kremlin trump
meeting?" and "putin trump summit" are one gap), but not when searching: a reporter asking about Putin's health
does not want every brief that names Moscow. One-word names only, matched as the core reads them (stemmed)."""


EXACT_CASE_LENGTH = 3
"""Names this short (Fed, UN) only match as written in a brief's text: "fed up" is not the Federal Reserve."""

COMMON_WORDS = frozenset(STOPWORDS | {"un"})
"""Names that, typed in any case, are also everyday words (us, who, the French and Spanish "un"): these only
match as written, in questions too."""


class Entities:
    """Folds every name of each group into one token, in briefs and in questions alike."""

    def __init__(self, groups: Iterable[Sequence[str]] = DEFAULT_ENTITIES) -> None:
        self.groups = tuple(tuple(group) for group in groups)
        self._token: dict[str, str] = {}
        self.spellings: dict[str, str] = {}
        """One-word names matched in any case, lower-cased, with their group's token: what typos may be corrected to."""
        exact: list[str] = []
        folded: list[str] = []
        typed: list[str] = []
        for group in self.groups:
            token = "entity" + re.sub(r"[^a-z0-9]", "", group[0].casefold())
            for name in group:
                if name.isupper() or "." in name or len(name) <= EXACT_CASE_LENGTH:
                    self._token[name] = token
                    exact.append(name)
                    if name.casefold() not in COMMON_WORDS:
                        self._token.setdefault(name.casefold(), token)
                        typed.append(name)
                        if name.isalpha():
                            self.spellings[name.casefold()] = token
                else:
                    self._token[name.casefold()] = token
                    folded.append(name)
                    if name.isalpha():
                        self.spellings[name.casefold()] = token
        self._exact = _alternation(exact, flags=0)
        self._folded = _alternation(folded, flags=re.IGNORECASE)
        self._typed = _alternation(typed, flags=re.IGNORECASE, not_before=r"(?!\s+up\b)")

    def fold(self, text: str, *, typed: bool = False) -> str:
        """``text`` with every entity name replaced by its group's token.

        ``typed`` text (a question, a brief's tags) is not prose: there short names count in any case as well,
        "fed" and "gop" as the Fed and the GOP, unless they are everyday words ("us", "who") or "fed up".
        """
        if self._exact is not None:
            text = self._exact.sub(lambda match: self._token[match.group()], text)
        if self._folded is not None:
            text = self._folded.sub(lambda match: self._token[match.group().casefold()], text)
        if typed and self._typed is not None:
            text = self._typed.sub(lambda match: self._token[match.group().casefold()], text)
        return text


def load_entities(path: Path) -> Entities:
    """The built-in groups plus an editors' YAML file of more (a list of lists of names)."""
    origin = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise BriefError(origin, "file", f"a readable UTF-8 YAML file ({error})") from None
    except yaml.YAMLError as error:
        raise BriefError(origin, "file", f"valid YAML ({error})") from None
    expected = "a list of groups, each a list of two or more names, e.g. [[Kremlin, Moscow], [NATO, alliance]]"
    if not isinstance(data, list):
        raise BriefError(origin, "groups", expected, found=data)
    for number, group in enumerate(data, start=1):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(n, str) and n.strip() for n in group):
            raise BriefError(origin, f"group {number}", expected, found=group)
    return Entities(DEFAULT_ENTITIES + tuple(tuple(name.strip() for name in group) for group in data))


def _alternation(names: list[str], *, flags: int, not_before: str = "") -> re.Pattern[str] | None:
    if not names:
        return None
    longest_first = sorted(set(names), key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in longest_first)
    return re.compile(r"(?<![\w.])(?:" + alternatives + r")(?![\w])" + not_before, flags)
