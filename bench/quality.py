"""Answer quality of briefbot on the allsides-roundups evaluation set, against two simple baselines.

What it measures
----------------
The store is every in-store brief of the evaluation set (``briefs_dev.jsonl`` and
``briefs_test.jsonl``; ``heldout_briefs.jsonl`` is never loaded). Each brief goes through
the real path: it is written as a brief file (id, title, summary, ``updated`` = the
story's date or 2021-01-01T00:00:00+00:00 when it has none; no body, so the media-bias
``coverage_note`` stays out), imported with ``Newsroom.import_paths`` into a temporary
on-disk ``TinyStore``, and asked with ``Newsroom.ask``. The questions are the outlet
headlines of ``queries_{split}.jsonl``; ``expected_story_ids == []`` means no brief
should be offered.

Figures, per system:

- ``top1``: share of answerable questions whose first-ranked brief is an expected one (the same
  depth-10 ranking as ``top5``, so every system is ranked the same way, before any abstention).
- ``answered``: share of answerable questions answered outright (outcome ``answer``) with an
  expected brief; an ambiguous reply or a no-match does not count.
- ``top5`` and ``MRR@10``: rank of the first expected brief in a depth-10 ranking. For
  briefbot this ranking is the first 10 of ``SearchIndex.search(analyze(question),
  SEARCH_DEPTH)``, the same call ``ask`` makes, before its answer/ambiguous/no-match
  decision (a second call after the timed ``ask``; not timed).
- ``reply@4`` (briefbot only): an expected brief is anywhere in the reply: the answer plus
  its runners-up, the choices of an ambiguous reply, or the suggestions of a no-match.
- ``falseNM``: share of answerable questions that got ``no_match``.
- ``ambig``: share of answerable questions that got ``ambiguous``.
- ``NM|unans``: share of unanswerable questions that got ``no_match``.
- ``acc``: overall accuracy. Answerable: right brief answered, or an ambiguous reply
  offering a right brief among its first 3 choices. Unanswerable: ``no_match`` or
  ``ambiguous``.
- ``mislead``: share of all questions given a confident wrong answer: outcome ``answer``
  with a brief that is not expected, or any ``answer`` to an unanswerable question.
- ``choices``: share of all questions that got ``ambiguous`` (choices instead of an answer).
- ``p50``/``p99``: latency per question in ms (``time.perf_counter`` around ``ask``, or
  around the baseline's query). A briefbot ``no_match`` also appends the question to the
  store's question log (one fsync), which is part of ``ask``.

Baselines, over the same briefs in the same run:

- ``fts5``: SQLite FTS5 in memory (default ``unicode61`` tokenizer, no stemming), columns
  title, summary, aliases, body (the last two are empty here), ranked by ``bm25()`` with
  equal column weights; the query is the question's lower-cased alphanumeric tokens,
  each quoted, OR-ed; top 10.
- ``rapidfuzz``: ``rapidfuzz.process.extract`` over titles with the default ``WRatio``
  scorer, query and titles lower-cased and stripped with ``rapidfuzz.utils.default_process``;
  top 10.

A baseline answers its top hit, or abstains (``no_match``) when its top score is below a
threshold. The threshold is picked to maximise overall accuracy on the dev questions
(the same first ``--limit`` dev questions when ``--limit`` is given) and applied to the
reported split; a baseline is never ``ambiguous``. With ``--split dev`` the thresholds are
tuned on the very questions reported, which flatters the baselines.

Licence: the evaluation data is for internal evaluation only. It is read at run time from
``--data`` and nothing of it is written into the repository; the temporary brief files and
store live in the system temp folder and are deleted at exit. ``--json`` writes figures
only (write it outside the repository anyway).

Run (from the repository root)::

    .venv/bin/python bench/quality.py                    # test split
    .venv/bin/python bench/quality.py --split dev --show-errors 40
    .venv/bin/python bench/quality.py --split dev --limit 500 --json /tmp/q.json
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import hashlib
import itertools
import json
import math
import pickle
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from rapidfuzz import fuzz, process, utils

import bot.answers
import bot.instalments
import bot.meaning_rules
import bot.newsroom
import bot.search
import bot.semantic
import bot.typos
from bot.answers import Outcome
from bot.caps import MAX_SUMMARY_CHARS
from bot.newsroom import Asker, Newsroom
from bot.semantic import Embedder
from bot.store import TinyStore

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "allsides-roundups"
UNDATED = "2021-01-01T00:00:00+00:00"
CLOCK = datetime(2021, 10, 20, tzinfo=UTC)
"""The question time: after every dated story, so all briefs are visible and recency is comparable."""
RANK_DEPTH = 10
AMBIGUOUS_CREDIT = 3
"""An ambiguous reply counts as right for an answerable question if a right brief is among this many choices."""
ERROR_SEED = 20211019

_TOKEN = re.compile(r"[^\W_]+")

NO_MATCH = Outcome.NO_MATCH.value
ANSWER = Outcome.ANSWER.value
AMBIGUOUS = Outcome.AMBIGUOUS.value


@dataclass(frozen=True)
class StoryBrief:
    """One in-store brief of the evaluation set, as the store receives it."""

    id: str
    title: str
    summary: str
    updated: str


@dataclass(frozen=True)
class Question:
    """One headline query and the briefs that answer it (none: no brief should be offered)."""

    text: str
    expected: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.expected)


@dataclass(frozen=True)
class Result:
    """What one system did with one question."""

    outcome: str
    answered: str | None
    """The brief id given as the answer (outcome ``answer``)."""
    offered: tuple[str, ...]
    """The choices of an ambiguous reply; for briefbot, everything the reply names."""
    ranked: tuple[str, ...]
    """The depth-10 ranking used for top-5 and MRR."""
    top_score: float | None
    latency_ms: float
    detail: str = ""
    """For briefbot: the top index hit's figures (score, coverage, ...), shown with errors."""


# loading


def load_briefs(data: Path) -> list[StoryBrief]:
    """Every in-store brief (dev and test files), never the held-out ones."""
    briefs = []
    for name in ("briefs_dev.jsonl", "briefs_test.jsonl"):
        for row in _jsonl(data / name):
            if row.get("in_store") is False:
                continue
            summary = _within_cap(row["summary"])
            briefs.append(StoryBrief(row["story_id"], row["title"], summary, row.get("date") or UNDATED))
    return briefs


def _within_cap(summary: str) -> str:
    """A summary the store accepts: one longer than ``MAX_SUMMARY_CHARS`` is cut after its last whole sentence
    (or word) within the cap; ``main`` says how many were."""
    if len(summary) <= MAX_SUMMARY_CHARS:
        return summary
    head = summary[:MAX_SUMMARY_CHARS]
    end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    return head[: end + 1] if end > 0 else head.rsplit(" ", 1)[0]


def load_questions(data: Path, split: str, limit: int | None) -> list[Question]:
    """The questions of one split, in file order, the first ``limit`` of them if given."""
    rows = _jsonl(data / f"queries_{split}.jsonl")
    questions = [Question(row["query"], tuple(row["expected_story_ids"])) for row in rows]
    return questions[:limit] if limit else questions


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# briefbot


class CachedEmbedder:
    """The default model with its vectors kept in a file, so tuning runs embed each text once (never for timings)."""

    def __init__(self, path: Path) -> None:
        from bot.semantic import E5Embedder

        self.model = E5Embedder()
        self.name = self.model.name
        self.path = path
        self.cache: dict[tuple[bool, str], Any] = pickle.loads(path.read_bytes()) if path.is_file() else {}

    def embed(self, texts: Sequence[str], *, query: bool) -> Sequence[Sequence[float]]:
        """The texts' vectors, from the file when known."""
        missing = [t for t in dict.fromkeys(texts) if (query, t) not in self.cache]
        if missing:
            for text, row in zip(missing, self.model.embed(missing, query=query), strict=True):
                self.cache[(query, text)] = row
        return [self.cache[(query, t)] for t in texts]

    def save(self) -> None:
        """Write the vectors to the file."""
        self.path.write_bytes(pickle.dumps(self.cache))


def build_newsroom(briefs: Sequence[StoryBrief], workdir: Path, embedder: Embedder | None = None) -> Newsroom:
    """Write the briefs as brief files and import them into an on-disk store, as an editor would."""
    folder = workdir / "brief-files"
    folder.mkdir()
    for brief in briefs:
        front = yaml.safe_dump(
            {"id": brief.id, "title": brief.title, "summary": brief.summary, "updated": brief.updated},
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
        (folder / f"{brief.id}.md").write_text(f"---\n{front}---\n", encoding="utf-8")
    newsroom = Newsroom(TinyStore(workdir / "store"), clock=lambda: CLOCK, embedder=embedder)
    report = newsroom.import_paths([folder], editor="bench", channel="bench")
    if len(report.pushed) != len(briefs):
        raise SystemExit(f"import stored {len(report.pushed)} of {len(briefs)} briefs")
    return newsroom


def ask_briefbot(newsroom: Newsroom, question: Question) -> Result:
    """Ask through ``Newsroom.ask`` (timed), then fetch the depth-10 ranking (not timed)."""
    asker = Asker("bench")
    start = time.perf_counter()
    answer = newsroom.ask(question.text, asker)
    latency = (time.perf_counter() - start) * 1000
    index = newsroom._index
    depth = max(RANK_DEPTH, getattr(bot.newsroom, "SEARCH_DEPTH", RANK_DEPTH))  # the same call ask makes
    hits = index.search(index.analyze(question.text), depth)[:RANK_DEPTH]
    ranked = tuple(hit.brief_id for hit in hits)
    detail = (
        ", ".join(
            f"{f.name} {getattr(hits[0], f.name):.2f}"
            for f in dataclasses.fields(hits[0])
            if isinstance(getattr(hits[0], f.name), float)
        )
        if hits
        else "no hits"
    )
    alternatives = tuple(choice.brief_id for choice in answer.alternatives)
    answered = answer.brief.id if answer.outcome is Outcome.ANSWER and answer.brief is not None else None
    offered = ((answered,) if answered else ()) + alternatives
    return Result(answer.outcome.value, answered, offered, ranked, answer.score, latency, detail)


# baselines


def question_tokens(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens, each once, in order."""
    return list(dict.fromkeys(_TOKEN.findall(text.casefold())))


class Fts5Baseline:
    """SQLite FTS5 in memory, bm25() over title, summary, aliases and body."""

    name = "fts5"

    def __init__(self, briefs: Sequence[StoryBrief]) -> None:
        self._db = sqlite3.connect(":memory:")
        self._db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, aliases, body)")
        self._db.executemany("INSERT INTO docs VALUES (?, ?, ?, '', '')", [(b.id, b.title, b.summary) for b in briefs])
        self._db.commit()

    def search(self, text: str) -> list[tuple[str, float]]:
        tokens = question_tokens(text)
        if not tokens:
            return []
        match = " OR ".join(f'"{token}"' for token in tokens)
        rows = self._db.execute(
            "SELECT id, -bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, RANK_DEPTH)
        ).fetchall()
        return [(row[0], float(row[1])) for row in rows]


class FuzzyTitleBaseline:
    """rapidfuzz ``process.extract`` (WRatio) over pre-processed titles."""

    name = "rapidfuzz"

    def __init__(self, briefs: Sequence[StoryBrief]) -> None:
        self._ids = [b.id for b in briefs]
        self._titles = [utils.default_process(b.title) for b in briefs]

    def search(self, text: str) -> list[tuple[str, float]]:
        found = process.extract(
            utils.default_process(text), self._titles, scorer=fuzz.WRatio, processor=None, limit=RANK_DEPTH
        )
        return [(self._ids[index], float(score)) for _, score, index in found]


def run_baseline(search: Callable[[str], list[tuple[str, float]]], questions: Sequence[Question]) -> list[Result]:
    """Rank every question (timed); the abstention threshold is applied later."""
    results = []
    for question in questions:
        start = time.perf_counter()
        hits = search(question.text)
        latency = (time.perf_counter() - start) * 1000
        ranked = tuple(brief_id for brief_id, _ in hits)
        top = hits[0][1] if hits else None
        results.append(Result(ANSWER if hits else NO_MATCH, ranked[0] if hits else None, (), ranked, top, latency))
    return results


def apply_threshold(results: Sequence[Result], threshold: float) -> list[Result]:
    """Abstain where the top score is below ``threshold``."""
    return [
        r
        if r.top_score is not None and r.top_score >= threshold
        else Result(NO_MATCH, None, (), r.ranked, r.top_score, r.latency_ms)
        for r in results
    ]


def best_threshold(questions: Sequence[Question], results: Sequence[Result]) -> float:
    """The abstention threshold that maximises overall accuracy on these (dev) questions.

    Candidates are -inf (never abstain), the midpoints between consecutive distinct top
    scores, and +inf (always abstain); ties go to the lowest threshold.
    """
    scored = [
        (r.top_score, q.answerable and r.ranked[0] in q.expected, q.answerable)
        for q, r in zip(questions, results, strict=True)
        if r.top_score is not None
    ]
    unscored_unanswerable = sum(
        1 for q, r in zip(questions, results, strict=True) if r.top_score is None and not q.answerable
    )
    scores = sorted({s for s, _, _ in scored})
    candidates = [-math.inf] + [(a + b) / 2 for a, b in itertools.pairwise(scores)] + [math.inf]
    ordered = sorted(scored, key=lambda item: item[0])
    keys = [s for s, _, _ in ordered]
    # suffix sums: right answers at or above position i; unanswerable below position i
    right_above = [0] * (len(ordered) + 1)
    for i in range(len(ordered) - 1, -1, -1):
        right_above[i] = right_above[i + 1] + ordered[i][1]
    unanswerable_below = [0] * (len(ordered) + 1)
    for i, (_, _, answerable) in enumerate(ordered):
        unanswerable_below[i + 1] = unanswerable_below[i] + (not answerable)
    best, best_correct = -math.inf, -1
    for threshold in candidates:
        cut = bisect.bisect_left(keys, threshold)
        correct = right_above[cut] + unanswerable_below[cut] + unscored_unanswerable
        if correct > best_correct:
            best, best_correct = threshold, correct
    return best


# scoring


def is_correct(question: Question, result: Result) -> bool:
    """The overall-accuracy rule."""
    if not question.answerable:
        return result.outcome in (NO_MATCH, AMBIGUOUS)
    if result.outcome == ANSWER:
        return result.answered in question.expected
    if result.outcome == AMBIGUOUS:
        return any(brief_id in question.expected for brief_id in result.offered[:AMBIGUOUS_CREDIT])
    return False


def expected_rank(question: Question, ranked: Sequence[str]) -> int | None:
    """1-based rank of the first expected brief in ``ranked``, or None."""
    return next((i for i, brief_id in enumerate(ranked, start=1) if brief_id in question.expected), None)


def figures(questions: Sequence[Question], results: Sequence[Result], *, reply: bool) -> dict[str, Any]:
    """The reported figures for one system on one split."""
    pairs = list(zip(questions, results, strict=True))
    answerable = [(q, r) for q, r in pairs if q.answerable]
    unanswerable = [(q, r) for q, r in pairs if not q.answerable]
    ranks = [expected_rank(q, r.ranked[:RANK_DEPTH]) for q, r in answerable]
    latencies = [r.latency_ms for r in results]
    out: dict[str, Any] = {
        "questions": len(pairs),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "top1": _share(sum(rank == 1 for rank in ranks), len(answerable)),
        "answered": _share(
            sum(r.outcome == ANSWER and r.answered in q.expected for q, r in answerable), len(answerable)
        ),
        "top5": _share(sum(rank is not None and rank <= 5 for rank in ranks), len(answerable)),
        "mrr10": _share(sum(1 / rank for rank in ranks if rank is not None), len(answerable)),
        "reply_hit": (
            _share(sum(any(b in q.expected for b in r.offered) for q, r in answerable), len(answerable))
            if reply
            else None
        ),
        "false_no_match": _share(sum(r.outcome == NO_MATCH for _, r in answerable), len(answerable)),
        "ambiguous_answerable": _share(sum(r.outcome == AMBIGUOUS for _, r in answerable), len(answerable)),
        "wrong_answer_answerable": _share(
            sum(r.outcome == ANSWER and r.answered not in q.expected for q, r in answerable), len(answerable)
        ),
        "no_match_unanswerable": _share(sum(r.outcome == NO_MATCH for _, r in unanswerable), len(unanswerable)),
        "ambiguous_unanswerable": _share(sum(r.outcome == AMBIGUOUS for _, r in unanswerable), len(unanswerable)),
        "accuracy": _share(sum(is_correct(q, r) for q, r in pairs), len(pairs)),
        "misleading": _share(sum(r.outcome == ANSWER and r.answered not in q.expected for q, r in pairs), len(pairs)),
        "choices": _share(sum(r.outcome == AMBIGUOUS for r in results), len(pairs)),
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p99_ms": _percentile(latencies, 99),
    }
    if reply:
        out["ambiguous_right_first"] = _share(
            sum(
                r.outcome == AMBIGUOUS and r.offered[:1] == r.ranked[:1] and rank == 1
                for (q, r), rank in zip(answerable, ranks, strict=True)
            ),
            len(answerable),
        )
        out["latency_p50_ms_by_outcome"] = {
            outcome: _percentile([r.latency_ms for r in results if r.outcome == outcome], 50)
            for outcome in (ANSWER, AMBIGUOUS, NO_MATCH)
        }
    return out


def _share(count: float, total: int) -> float | None:
    return count / total if total else None


def _percentile(values: Sequence[float], pct: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# output

COLUMNS = (
    ("answered", "answered", "pct"),
    ("accuracy", "acc", "pct"),
    ("misleading", "mislead", "pct"),
    ("choices", "choices", "pct"),
    ("false_no_match", "falseNM", "pct"),
    ("no_match_unanswerable", "NM|unans", "pct"),
    ("latency_p50_ms", "p50 ms", "ms"),
    ("latency_p99_ms", "p99 ms", "ms"),
    ("top1", "top1", "pct"),
    ("top5", "top5", "pct"),
    ("mrr10", "MRR@10", "num"),
    ("reply_hit", "reply@4", "pct"),
    ("ambiguous_answerable", "ambig", "pct"),
)


def table(rows: dict[str, dict[str, Any]]) -> str:
    """Rows = systems, columns = figures."""
    header = ["system", *(label for _, label, _ in COLUMNS)]
    lines = [header]
    for system, figs in rows.items():
        lines.append([system, *(_cell(figs.get(key), kind) for key, _, kind in COLUMNS)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = [
        "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line))
        for line in lines
    ]
    rendered.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(rendered)


def _cell(value: float | None, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "ms":
        return f"{value:.2f}" if value < 10 else f"{value:.1f}"
    return f"{value:.3f}"


def tuning_constants() -> dict[str, Any]:
    """The search and decision constants in force, recorded with the figures."""

    def constants(module: ModuleType) -> dict[str, Any]:
        return {
            name: value
            for name, value in vars(module).items()
            if name.isupper() and isinstance(value, int | float | dict)
        }

    return {
        "bot.search": constants(bot.search),
        "bot.typos": constants(bot.typos),
        "bot.answers": constants(bot.answers),
        "bot.instalments": constants(bot.instalments),
        "bot.newsroom": constants(bot.newsroom),
        "bot.semantic": constants(bot.semantic),
        "bot.meaning_rules": constants(bot.meaning_rules),
    }


def code_fingerprint() -> str:
    """A short hash of bot/*.py, so figures from different code states are not compared by mistake."""
    digest = hashlib.sha1()
    for path in sorted((Path(bot.search.__file__).parent).glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def error_kind(question: Question, result: Result) -> str | None:
    """Which way briefbot went wrong on a question, or None when it was right."""
    if is_correct(question, result):
        return None
    if not question.answerable:
        return "answered an unanswerable question"
    if result.outcome == NO_MATCH:
        return "false no_match (answerable)"
    if result.outcome == AMBIGUOUS:
        return "ambiguous without a right choice in the first 3"
    return "wrong brief answered"


def show_errors(questions: Sequence[Question], results: Sequence[Result], titles: dict[str, str], count: int) -> None:
    """Print ``count`` wrong replies, shared evenly over the kinds of failure (a seeded sample of each)."""
    by_kind: dict[str, list[tuple[Question, Result]]] = {}
    for question, result in zip(questions, results, strict=True):
        kind = error_kind(question, result)
        if kind is not None:
            by_kind.setdefault(kind, []).append((question, result))
    total = sum(len(items) for items in by_kind.values())
    print(f"\nbriefbot errors: {total} of {len(questions)} questions")
    for kind, items in sorted(by_kind.items(), key=lambda pair: -len(pair[1])):
        print(f"  {len(items):5d}  {kind}")
    rng = random.Random(ERROR_SEED)
    for items in by_kind.values():
        rng.shuffle(items)
    quota = dict.fromkeys(by_kind, 0)
    while sum(quota.values()) < min(count, total):  # round robin, so rare kinds of failure are seen too
        for kind, items in by_kind.items():
            if quota[kind] < len(items) and sum(quota.values()) < count:
                quota[kind] += 1
    for kind, items in sorted(by_kind.items(), key=lambda pair: -len(pair[1])):
        shown = items[: quota[kind]]
        if not shown:
            continue
        print(f"\n== {kind} ({len(shown)} of {len(items)})")
        for question, result in shown:
            expected = " | ".join(titles.get(b, "?") for b in question.expected) or "(no brief: should be no_match)"
            rank = expected_rank(question, result.ranked) if question.answerable else None
            if result.outcome == ANSWER and result.answered:
                got = titles.get(result.answered, "?")
            elif result.outcome == AMBIGUOUS:
                got = "choices: " + " | ".join(titles.get(b, "?") for b in result.offered[:AMBIGUOUS_CREDIT])
            else:
                got = "no_match; suggested: " + " | ".join(titles.get(b, "?") for b in result.offered)
            print(f"  Q: {question.text}")
            print(f"     expected: {expected}" + (f"  [index rank {rank or '>10'}]" if question.answerable else ""))
            print(f"     got ({result.outcome}; top hit {result.detail}): {got}")


# main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help=f"evaluation set folder (default {DEFAULT_DATA})"
    )
    parser.add_argument("--split", choices=("dev", "test"), default="test", help="questions to report (default test)")
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="only the first N questions (and N dev questions for the baselines' thresholds)",
    )
    parser.add_argument(
        "--skip-baselines", action="store_true", help="only briefbot (faster when iterating on its tuning)"
    )
    parser.add_argument(
        "--semantic", action="store_true", help="also briefbot with its semantic layer (needs briefbot[semantic])"
    )
    parser.add_argument(
        "--embed-cache",
        type=Path,
        default=None,
        help="with --semantic: keep vectors in this file across runs (for tuning; its latencies are not the model's)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument(
        "--show-errors", type=int, default=0, metavar="N", help="print N wrong briefbot replies (dev split only)"
    )
    args = parser.parse_args(argv)
    if args.show_errors and args.split != "dev":
        parser.error("--show-errors only works with --split dev: looking at test errors would leak into tuning")
    if args.limit is not None and args.limit <= 0:
        parser.error("--limit must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    data: Path = args.data
    if not (data / "queries_dev.jsonl").is_file():
        print(f"quality: evaluation data not found at {data}; nothing to measure (pass --data to point at it).")
        return 0

    fingerprint = code_fingerprint()  # the code as imported, before anyone edits it mid-run
    briefs = load_briefs(data)
    cut = sum(
        len(row["summary"]) > MAX_SUMMARY_CHARS
        for name in ("briefs_dev.jsonl", "briefs_test.jsonl")
        for row in _jsonl(data / name)
        if row.get("in_store") is not False
    )
    if cut:
        print(f"{cut} summaries longer than the store's cap of {MAX_SUMMARY_CHARS:,} characters cut at a sentence end")
    titles = {b.id: b.title for b in briefs}
    questions = load_questions(data, args.split, args.limit)
    dev = questions if args.split == "dev" else load_questions(data, "dev", args.limit)
    print(
        f"store: {len(briefs)} briefs; {args.split}: {len(questions)} questions "
        f"({sum(q.answerable for q in questions)} answerable)" + (f" [--limit {args.limit}]" if args.limit else "")
    )

    rows: dict[str, dict[str, Any]] = {}
    thresholds: dict[str, float] = {}
    systems: dict[str, Embedder | None] = {"briefbot": None}
    if args.semantic:
        from bot.semantic import E5Embedder

        systems["briefbot+meaning"] = CachedEmbedder(args.embed_cache) if args.embed_cache else E5Embedder()
    build_s = 0.0
    for system, embedder in systems.items():
        with tempfile.TemporaryDirectory(prefix="briefbot-quality-") as tmp:
            start = time.perf_counter()
            newsroom = build_newsroom(briefs, Path(tmp), embedder)
            build_s = time.perf_counter() - start
            print(f"{system}: wrote and imported {len(briefs)} brief files into an on-disk store in {build_s:.1f} s")
            results = [ask_briefbot(newsroom, q) for q in questions]
            rows[system] = figures(questions, results, reply=True)
            errors_from = results
        if isinstance(embedder, CachedEmbedder):
            embedder.save()

    baselines: tuple[Fts5Baseline | FuzzyTitleBaseline, ...] = (
        () if args.skip_baselines else (Fts5Baseline(briefs), FuzzyTitleBaseline(briefs))
    )
    for baseline in baselines:
        dev_raw = run_baseline(baseline.search, dev)
        raw = dev_raw if dev is questions else run_baseline(baseline.search, questions)
        threshold = best_threshold(dev, dev_raw)
        thresholds[baseline.name] = threshold
        rows[baseline.name] = figures(questions, apply_threshold(raw, threshold), reply=False)

    print(f"\n{args.split} split: {len(questions)} questions (bot/*.py sha1 {fingerprint})")
    print(table(rows))
    print(
        "\ntop5/MRR@10 for briefbot: first 10 of SearchIndex.search(analyze(q), SEARCH_DEPTH), the ranking ask "
        "decides on (before hiding briefs the asker may not see; all are published here)."
    )
    print("reply@4: an expected brief anywhere in the reply (answer + runners-up, choices, or suggestions).")
    if thresholds:
        print(
            "baseline abstention thresholds (tuned on dev"
            + (f", first {args.limit}" if args.limit else "")
            + "): "
            + ", ".join(f"{name} top score < {value:.3g}" for name, value in thresholds.items())
        )
    print(
        "briefbot choices where its first choice was the right brief: "
        f"{_cell(rows[system]['ambiguous_right_first'], 'pct')} of answerable questions"
    )
    by_outcome = rows[system]["latency_p50_ms_by_outcome"]
    print(
        "briefbot ask p50 by outcome (ms): "
        + ", ".join(f"{k} {v:.2f}" if v is not None else f"{k} -" for k, v in by_outcome.items())
    )

    if args.show_errors:
        show_errors(questions, errors_from, titles, args.show_errors)

    if args.json:
        payload = {
            "benchmark": "quality",
            "split": args.split,
            "limit": args.limit,
            "store_briefs": len(briefs),
            "store_build_seconds": build_s,
            "ranking_for_top5_mrr": (
                "briefbot: first 10 of SearchIndex.search(analyze(question), SEARCH_DEPTH); baselines: their top 10"
            ),
            "baseline_thresholds": thresholds,
            "systems": rows,
            "tuning": tuning_constants(),
            "bot_code_sha1": fingerprint,
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
