"""Gaps as the desk shows them: unanswered questions grouped by what they ask about, and the ones dismissed.

Each question is read as the bot reads it for searching (stems, entity names
folded, typos corrected, function words dropped), then names that stand for one
another in a newsroom's questions (Kremlin, Putin, Moscow) are folded too. Two
questions are one gap when half their terms are the same: "kremlin trump
meeting?" and "putin trump summit" share the Kremlin and Trump, whatever brief
was nearest to each; "trump tariffs on china" shares only Trump and stays apart.
A dismissed gap stays hidden until one of its questions is asked again after
the dismissal. Dismissals are kept in ``desk-dismissed.json`` in the store folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.entities import KINDRED_NAMES
from bot.store import LoggedQuestion
from bot.words import stem

__all__ = ["DISMISSED_FILE", "Dismissals", "GapGroup", "Reader", "group_questions"]

Reader = Callable[[str], Sequence[str]]
"""How a question is read into terms: the newsroom's own reading (``Newsroom.read_questions``)."""

DISMISSED_FILE = "desk-dismissed.json"
SAME_WORDS = 0.5
"""The share of their terms two questions must have in common to be one gap."""


@dataclass(frozen=True)
class GapGroup:
    """One gap: its wordings (most asked first), how often and when last asked."""

    wordings: tuple[str, ...]
    count: int
    last_asked: datetime
    askers: tuple[str, ...] = ()
    """Who asked, most recent first (shown only when the newsroom records who asked)."""

    @property
    def question(self) -> str:
        """The wording asked most often."""
        return self.wordings[0]


KIN = {stem(name.casefold()): "kin" + stem(group[0].casefold()) for group in KINDRED_NAMES for name in group}


def _terms(read: Reader, text: str) -> frozenset[str]:
    return frozenset(KIN.get(term, term) for term in read(text))


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def group_questions(logged: Sequence[LoggedQuestion], read: Reader) -> list[GapGroup]:
    """The logged questions as gaps, most asked first (then most recently asked)."""
    by_wording: dict[str, list[LoggedQuestion]] = {}
    for question in logged:
        by_wording.setdefault(_key(question.text), []).append(question)
    keys = list(by_wording)
    terms = {key: _terms(read, by_wording[key][-1].text) for key in keys}
    parent = {key: key for key in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for i, one in enumerate(keys):
        for other in keys[i + 1 :]:
            shared = terms[one] & terms[other]
            union = terms[one] | terms[other]
            if union and len(shared) / len(union) >= SAME_WORDS:
                parent[root(other)] = root(one)
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(root(key), []).append(key)
    gaps = []
    for members in groups.values():
        members.sort(key=lambda key: (-len(by_wording[key]), key))
        asked = [q for key in members for q in by_wording[key]]
        wordings = tuple(by_wording[key][-1].text for key in members)
        askers = tuple(dict.fromkeys(q.asker for q in sorted(asked, key=lambda q: q.asked_at, reverse=True)))
        gaps.append(GapGroup(wordings, len(asked), max(q.asked_at for q in asked), askers))
    return sorted(gaps, key=lambda gap: (-gap.count, -gap.last_asked.timestamp()))


class Dismissals:
    """Which wordings editors dismissed, and when; a gap asked again since is shown again."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / DISMISSED_FILE if folder is not None else None
        self._memory: dict[str, str] = {}

    def _read(self) -> dict[str, str]:
        if self.path is None:
            return dict(self._memory)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def dismiss(self, wordings: Sequence[str], now: datetime) -> None:
        """Hide the gap with these wordings until one is asked again."""
        data = self._read() | {_key(text): now.isoformat() for text in wordings}
        if self.path is None:
            self._memory = data
            return
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)

    def visible(self, gaps: Sequence[GapGroup]) -> list[GapGroup]:
        """The gaps not dismissed, or asked again since they were."""
        data = self._read()

        def hidden(gap: GapGroup) -> bool:
            times = [data.get(_key(text)) for text in gap.wordings]
            return all(times) and gap.last_asked <= max(datetime.fromisoformat(t) for t in times if t)

        return [gap for gap in gaps if not hidden(gap)]
