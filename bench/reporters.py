"""Answer quality on reporter-style questions over the sample briefs, by kind of question.

What it measures
----------------
The newsroom is the one the tests use (``tests/conftest.py``): an in-memory store seeded
with ``briefs/`` at the samples' date, 2026-11-25 12:00 UTC. Every question of a set (kind
-> expected brief id or ``none`` -> questions) is asked through ``bot.chat.respond`` as a
reporter in a Slack channel, as a reporter's message reaches the core. Under the kind
``unpublished`` the key may name the draft or embargoed brief the questions are about; the
right reply is still "no brief fits", and the script checks that brief really is hidden.

Two sets, the same kinds: ``public`` (``bench/reporter_questions.yaml``, the one answer rules
are tuned against) and ``holdout`` (``bench/reporter_holdout.yaml``, written apart from it and
never used to tune, only reported: it shows whether gains on the public set are tuned to it).

Figures, per kind and in total (shares of that kind's questions):

- ``right``: the reply a reporter wanted: an answer with the expected brief, or, when no
  brief fits (``none``), "no brief fits".
- ``mislead``: a confident answer with another brief, or any answer where no brief fits.
- ``choices``: choices instead of an answer (``with right``: how many of those offer the
  expected brief among them).
- ``no_match``: "no brief fits" (for a ``none`` question this is the right reply).

It also checks every reply (answer, runners-up, choices, suggestions) for a draft or an
embargoed brief, which must never reach a reporter, and exits 1 if it finds one.

Run (from the repository root)::

    .venv/bin/python bench/reporters.py
    .venv/bin/python bench/reporters.py --show-misses
    .venv/bin/python bench/reporters.py --semantic      # with the semantic layer (briefbot[semantic])
    .venv/bin/python bench/reporters.py --set holdout   # the held-out set (also with --semantic)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.answers import Outcome
from bot.briefs import Status
from bot.chat import ReplyKind, respond
from bot.newsroom import Asker, Newsroom
from bot.semantic import default_embedder
from bot.store import TinyStore

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = REPO / "bench" / "reporter_questions.yaml"
HOLDOUT = REPO / "bench" / "reporter_holdout.yaml"
SETS = {"public": QUESTIONS, "holdout": HOLDOUT}
"""The question sets by name: the public one answer rules are tuned on, and the held-out one that is only reported."""
SAMPLES = REPO / "briefs"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
"""The samples' date (tests/conftest.py NOW): some briefs are fresh, a few stale, one embargoed."""
REPORTER = Asker("reporter")
CHANNEL = "slack:C0NEWSDESK"
NONE = "none"
UNPUBLISHED = "unpublished"
"""The kind whose questions are about a draft or an embargoed brief: "no brief fits" is the right reply."""


@dataclass(frozen=True)
class Asked:
    """One question, the brief it should get (None: no brief fits) and what the bot replied."""

    kind: str
    text: str
    expected: str | None
    outcome: str
    answered: str | None
    offered: tuple[str, ...]

    @property
    def right(self) -> bool:
        if self.expected is None:
            return self.outcome == Outcome.NO_MATCH
        return self.outcome == Outcome.ANSWER and self.answered == self.expected

    @property
    def misleading(self) -> bool:
        return self.outcome == Outcome.ANSWER and self.answered != self.expected


def load_questions(path: Path) -> list[tuple[str, str, str | None]]:
    """(kind, question, expected brief id or None) for every question of the set, in file order."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [
        (kind, text, None if expected == NONE or kind == UNPUBLISHED else expected)
        for kind, by_brief in data.items()
        for expected, texts in by_brief.items()
        for text in texts
    ]
    for kind, text, expected in questions:
        if not isinstance(text, str):
            raise SystemExit(f"{path}: {kind} / {expected}: {text!r} is not one line of text (quote it)")
    return questions


def hidden_subjects(path: Path) -> set[str]:
    """The draft or embargoed briefs the set's ``unpublished`` questions name as their subject."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return set(data.get(UNPUBLISHED, {})) - {NONE}


def ask_all(newsroom: Newsroom, questions: Sequence[tuple[str, str, str | None]]) -> list[Asked]:
    """Ask every question through the chat turn, as a reporter."""
    asked = []
    for kind, text, expected in questions:
        reply = respond(newsroom, text, REPORTER, CHANNEL)
        answer = reply.answer
        if reply.kind is not ReplyKind.ANSWER or answer is None:
            raise SystemExit(f"{text!r} got a {reply.kind.value} reply, not an answer: {reply.text}")
        answered = answer.brief.id if answer.outcome is Outcome.ANSWER and answer.brief else None
        offered = tuple(choice.brief_id for choice in answer.alternatives)
        asked.append(Asked(kind, text, expected, answer.outcome.value, answered, offered))
    return asked


def unpublished_ids(newsroom: Newsroom) -> set[str]:
    """The briefs a reporter must never be shown now: drafts and briefs still under embargo."""
    editor = Asker("bench-editor", is_editor=True)
    reporter_sees = {v.brief.id for v in newsroom.briefs(REPORTER)}
    hidden = {v.brief.id for v in newsroom.briefs(editor)} - reporter_sees
    statuses = {v.brief.status for v in newsroom.briefs(editor) if v.brief.id in hidden}
    if not hidden or not statuses <= {Status.DRAFT, Status.EMBARGOED}:
        raise SystemExit(f"expected the samples to hold drafts or embargoed briefs, found {statuses or 'none'}")
    return hidden


def figures(asked: Sequence[Asked]) -> dict[str, Any]:
    """The shares of one kind's (or every) question."""
    total = len(asked)
    choices = [a for a in asked if a.outcome == Outcome.AMBIGUOUS]
    return {
        "questions": total,
        "right": sum(a.right for a in asked) / total,
        "misleading": sum(a.misleading for a in asked) / total,
        "choices": len(choices) / total,
        "choices_with_right": sum(a.expected in a.offered for a in choices) / total,
        "no_match": sum(a.outcome == Outcome.NO_MATCH for a in asked) / total,
    }


def table(rows: dict[str, dict[str, Any]]) -> str:
    """One line per kind, then the totals."""
    header = ("kind", "n", "right", "mislead", "choices", "with right", "no_match")
    keys = ("right", "misleading", "choices", "choices_with_right", "no_match")
    lines = [header] + [
        (kind, str(figs["questions"]), *(f"{100 * figs[key]:.1f}%" for key in keys)) for kind, figs in rows.items()
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = [_row(line, widths) for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    out.insert(len(out) - 1, out[1])
    return "\n".join(out)


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(
        cell.ljust(width) if i == 0 else cell.rjust(width)
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
    )


def show_misses(asked: Sequence[Asked]) -> None:
    """Every reply that was not the right one, by kind."""
    for item in asked:
        if item.right:
            continue
        got = item.answered if item.outcome == Outcome.ANSWER else f"{item.outcome} {list(item.offered)}"
        print(f"  [{item.kind}] {item.text!r}\n      expected {item.expected or 'no_match'}; got {got}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--set", choices=sorted(SETS), default="public", help="which question set (default public)")
    parser.add_argument("--questions", type=Path, default=None, help="a question set's file, instead of --set")
    parser.add_argument("--show-misses", action="store_true", help="print every question not answered right")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument(
        "--semantic", action="store_true", help="with the semantic layer's default model (needs briefbot[semantic])"
    )
    args = parser.parse_args(argv)

    embedder = default_embedder() if args.semantic else None
    newsroom = Newsroom(TinyStore(None), clock=lambda: NOW, samples=SAMPLES, embedder=embedder)
    hidden = unpublished_ids(newsroom)
    path = args.questions or SETS[args.set]
    questions = load_questions(path)
    unknown = {expected for _, _, expected in questions if expected is not None} - {
        v.brief.id for v in newsroom.briefs(REPORTER)
    }
    if unknown:
        raise SystemExit(f"expected briefs a reporter cannot see: {sorted(unknown)}")
    if not hidden_subjects(path) <= hidden:
        raise SystemExit(
            f"{UNPUBLISHED} questions about briefs a reporter can see: {sorted(hidden_subjects(path) - hidden)}"
        )
    asked = ask_all(newsroom, questions)

    kinds = list(dict.fromkeys(a.kind for a in asked))
    rows = {kind: figures([a for a in asked if a.kind == kind]) for kind in kinds}
    rows["all"] = figures(asked)
    layer = " with the semantic layer" if args.semantic else ", by words only"
    name = path.name if args.questions else f"the {args.set} set, {path.name}"
    print(f"{len(asked)} reporter-style questions ({name}) over {newsroom.seeded} sample briefs")
    print(f"asked as a reporter{layer}")
    print(table(rows))

    leaks = [a for a in asked if hidden & ({a.answered} | set(a.offered))]
    print(f"\ndrafts and embargoed briefs ({', '.join(sorted(hidden))}) in any reply: {len(leaks)}")
    for leak in leaks:
        print(f"  LEAK: {leak.text!r} -> {leak.answered} {list(leak.offered)}")
    if args.show_misses:
        print("\nmisses:")
        show_misses(asked)
    if args.json:
        payload = {
            "benchmark": "reporters",
            "set": str(path.name),
            "questions": len(asked),
            "kinds": rows,
            "leaks": len(leaks),
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
