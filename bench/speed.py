"""Speed and memory of briefbot at 1,000 to 100,000 generated briefs, against SQLite FTS5.

What it measures, for each size N (``--sizes``, default 1000,10000,100000)
--------------------------------------------------------------------------
The briefs are generated, not real: a seeded generator writes titles of 8-14 words,
summaries of 40-70 words and bodies of 150-300 words with a "## Key points" bullet list,
from a fixed vocabulary of about 400 named entities (people, countries, organisations,
drawn with Zipf-like frequencies so that hundreds or thousands of briefs share "Trump",
"Kremlin", ...) and 3,000 ordinary words (Zipf-like), with function words mixed in. Brief
``i`` depends only on the seed and ``i``, so the 1,000 briefs are the first 1,000 of the
10,000. No external data is read.

A fixed, seeded mix of 1,000 questions per size: short keyword questions about random
briefs (50%), the same with one typo (15%), "latest ..." questions (15%) and questions
with no answer (20%, words no brief uses, sometimes next to a common entity).

- ``build s``: in memory. ``TinyStore(None).push_many`` of all N briefs, then
  ``Newsroom(store)``, which reads every latest version and indexes it (store and index
  seconds are also reported apart in the JSON).
- ``ask p50/p99``: ``Newsroom.ask`` on that in-memory newsroom, ``time.perf_counter``
  around each of the 1,000 questions, in ms.
- ``fts build s`` and ``fts p50/p99``: SQLite FTS5 in memory over title, summary,
  aliases and body (default tokenizer), ``bm25()`` top 10, query = the question's
  alphanumeric tokens, quoted and OR-ed; ``x p50``/``x p99`` = briefbot / FTS5.
- ``import s``: on disk. The N briefs are written as brief files (exactly what
  ``brief_to_markdown`` writes; not timed) and imported into
  an empty on-disk ``TinyStore`` with ``Newsroom.import_paths`` once. Timed for information:
  every brief becomes one shard file, written atomically with an fsync of the file and of
  the folder, so the import is bound by two fsyncs per brief plus YAML parsing.
- ``push p50/p99``: 200 ``Newsroom.push`` calls of modified briefs (new summary sentence,
  ``updated`` one hour later) on that on-disk newsroom, in ms.
- ``cold s``: wall time from just before spawning a fresh ``python -c`` to its first answer:
  it imports briefbot, opens the on-disk store with ``Newsroom(TinyStore(path))`` as the bot
  does and answers one question. The store is in the state the steps above left it: N briefs
  imported, then 200 pushes (so if the store keeps an index snapshot, the open loads it and
  re-reads the 200 briefs pushed since; without one it reads every shard and re-indexes).
  The page cache is warm (the store was just written). ``cold MiB`` is that subprocess's
  peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``), covering the whole open-and-answer.

Run (from the repository root)::

    .venv/bin/python bench/speed.py --sizes 1000,10000
    .venv/bin/python bench/speed.py --json /tmp/speed.json   # all three sizes
    .venv/bin/python bench/speed.py --sizes 1000 --semantic model    # with the semantic layer (briefbot[semantic])
    .venv/bin/python bench/speed.py --sizes 10000 --semantic bulk    # seeded vectors for the bulk loads, see below

With ``--semantic`` every newsroom (in memory, on disk, the cold start) embeds with the default model; with
``bulk``, batches of briefs get seeded random vectors instead (``BenchEmbedder``), so ``build s`` and ``import s``
leave out the embedding of N briefs (measure it with ``model`` at a smaller size); with ``import``, only the
in-memory build gets seeded vectors and the import embeds every brief with the model. Questions and pushes are
always embedded by the model; each push changes the brief's bottom line at its start, so its meaning text changes
and the push embeds it (``push embedded`` counts them), and the cold start counts the briefs it embeds. As the
``briefbot`` command does, the bench has the model's OpenMP threads spin only briefly before they sleep and numpy use
one BLAS thread (``adapters.config.THREAD_DEFAULTS``), unless the environment says otherwise. Each size prints the
load average before and after it: the machine's other work slows every figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import hashlib
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from adapters.config import settle_threads
from bot.answers import Outcome
from bot.briefs import Brief, brief_to_markdown
from bot.newsroom import Asker, Newsroom
from bot.store import TinyStore

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = 20261124
DEFAULT_SIZES = (1_000, 10_000, 100_000)
QUESTIONS = 1_000
COMMON_RANKS = 100
"""Keyword questions use at least one title word outside the 100 most frequent words and 20 entities."""
PUSHES = 200
RANK_DEPTH = 10
CLOCK = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
BASE_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
ASKER = Asker("bench")
T = TypeVar("T")

# the vocabulary

REAL_ENTITIES = (
    "Trump",
    "Kremlin",
    "Putin",
    "Biden",
    "Russia",
    "Ukraine",
    "China",
    "NATO",
    "European Union",
    "Congress",
    "White House",
    "Federal Reserve",
    "Senate",
    "Zelensky",
    "Moscow",
    "Washington",
    "Beijing",
    "Pentagon",
    "Donald Trump",
    "Vladimir Putin",
    "Iran",
    "Israel",
    "Gaza",
    "Hamas",
    "United Nations",
    "Supreme Court",
    "Republicans",
    "Democrats",
    "Kyiv",
    "Brussels",
    "Xi Jinping",
    "Peskov",
    "Lavrov",
    "Germany",
    "France",
    "Britain",
    "Macron",
    "Scholz",
    "Starmer",
    "Japan",
    "India",
    "Modi",
    "Turkey",
    "Erdogan",
    "Taiwan",
    "North Korea",
    "Saudi Arabia",
    "OPEC",
    "IMF",
    "World Bank",
    "ECB",
    "Lagarde",
    "Powell",
    "Musk",
    "Tesla",
    "Nvidia",
    "Apple",
    "Google",
    "Microsoft",
    "Amazon",
    "OpenAI",
    "Sudan",
    "Mexico",
    "Canada",
    "Brazil",
    "Lula",
    "Venezuela",
    "Poland",
    "Hungary",
    "Orban",
    "Netanyahu",
    "Harris",
    "Vance",
    "Rubio",
    "Hegseth",
    "Pope Leo",
)

NEWS_WORDS = """
government election vote voters campaign sanctions talks meeting summit deal agreement ceasefire war
troops missile attack strike drone border migrants asylum tariffs trade exports imports inflation prices
rates interest economy recession growth jobs unemployment wages budget deficit debt spending taxes bill
law court ruling judge appeal trial verdict indictment investigation probe inquiry report hearing testimony
minister president prime chancellor spokesman official officials lawmakers senators governor mayor council
party coalition opposition protest protesters police arrest charges prison security intelligence spy
energy oil gas pipeline grain exports climate emissions heat flood storm hurricane wildfire drought
vaccine virus outbreak hospital health patients doctors study research scientists data privacy platform
chips semiconductors artificial intelligence technology company shares markets investors bank banks
lending bonds currency dollar euro rouble yuan crypto bitcoin regulators regulation rules ban approval
license merger takeover layoffs strike union workers contract pay pension schools students teachers
university funding grant aid humanitarian refugees famine access corridor shipping port ships navy
nuclear weapons arms control treaty inspectors enrichment reactor plant power grid outage blackout
bridge road rail airport flights airline crash accident fire explosion earthquake rescue victims death
toll casualties injured hostages release exchange prisoners negotiators mediators envoy ambassador embassy
visit trip statement warning threat response reaction criticism support backing pressure demands
proposal plan package measures steps delay deadline vote results poll survey ratings approval lead
candidate nominee primary debate rally speech interview leak documents emails memo audit fraud bribery
corruption scandal resignation dismissal appointment cabinet reshuffle leadership succession crisis
""".split()

_ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "br",
    "cr",
    "dr",
    "st",
    "tr",
    "pl",
    "gr",
    "sh",
    "ch",
    "fl",
    "sl",
    "sp",
    "th",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io")
_CODAS = ("", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "rt", "ng")
_NO_MATCH_ONSETS = ("zq", "xv", "qz", "jx", "vq")
"""Letter pairs the generator never writes, so words built from them are in no brief."""

FUNCTION_WORDS = "the of and to in on for with that by as at from is was has have will after over its".split()
QUESTION_PREFIXES = ("", "", "", "what's our line on ", "anything on ", "do we have a brief on ", "@briefbot ")

OutcomeCounts = dict[str, int]


def _pseudo_word(rng: random.Random, syllables: int, onsets: Sequence[str] = _ONSETS) -> str:
    return "".join(rng.choice(onsets) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))


@dataclass(frozen=True)
class Vocabulary:
    """Entities and ordinary words, each with Zipf-like cumulative weights for ``random.choices``."""

    entities: tuple[str, ...]
    entity_weights: tuple[float, ...]
    words: tuple[str, ...]
    word_weights: tuple[float, ...]


def _zipf_cumulative(count: int, exponent: float) -> tuple[float, ...]:
    total = 0.0
    cumulative = []
    for rank in range(1, count + 1):
        total += 1 / rank**exponent
        cumulative.append(total)
    return tuple(cumulative)


def make_vocabulary(seed: int = SEED) -> Vocabulary:
    """About 400 entities (80 real names first, so they are the most frequent) and 3,000 ordinary words."""
    rng = random.Random(seed)
    seen: set[str] = {w.lower() for w in FUNCTION_WORDS}
    synthetic_entities: list[str] = []
    while len(synthetic_entities) < 320:
        kind = rng.random()
        if kind < 0.5:
            name = f"{_pseudo_word(rng, 2).title()} {_pseudo_word(rng, 2).title()}"
        elif kind < 0.7:
            name = _pseudo_word(rng, 3).title() + rng.choice(("ia", "stan", "land", ""))
        else:
            name = f"{_pseudo_word(rng, 2).title()} {rng.choice(('Group', 'Party', 'Institute', 'Bank', 'Union'))}"
        if name.lower() not in seen:
            seen.add(name.lower())
            synthetic_entities.append(name)
    words = [w for w in dict.fromkeys(NEWS_WORDS) if w not in seen]
    seen.update(words)
    while len(words) < 3_000:
        word = _pseudo_word(rng, rng.choice((1, 2, 2, 3)))
        if len(word) >= 3 and word not in seen:
            seen.add(word)
            words.append(word)
    # shuffle so real and pseudo words mix across the frequency ranks, but keep the first 60 real ones common
    tail = words[60:]
    rng.shuffle(tail)
    words = words[:60] + tail
    entities = list(REAL_ENTITIES) + synthetic_entities
    return Vocabulary(
        tuple(entities), _zipf_cumulative(len(entities), 0.9), tuple(words), _zipf_cumulative(len(words), 1.0)
    )


# the briefs


def _words(
    rng: random.Random, vocab: Vocabulary, topic: Sequence[str], entities: Sequence[str], count: int
) -> list[str]:
    """Exactly ``count`` words: function words, the brief's topic words and entities, and Zipf background."""
    background = rng.choices(vocab.words, cum_weights=vocab.word_weights, k=count)
    out: list[str] = []
    for word in background:
        roll = rng.random()
        if roll < 0.30:
            out.append(rng.choice(FUNCTION_WORDS))
        elif roll < 0.48:
            out.append(rng.choice(topic))
        elif roll < 0.56:
            out.extend(rng.choice(entities).split())
        else:
            out.append(word)
        if len(out) >= count:
            break
    return out[:count]


def _sentences(rng: random.Random, words: list[str], parts: int) -> list[str]:
    """Cut ``words`` into ``parts`` capitalised sentences."""
    cuts = sorted(rng.sample(range(3, len(words) - 2), k=parts - 1)) if parts > 1 and len(words) > 8 else []
    pieces = [words[a:b] for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
    return [" ".join(piece)[:1].upper() + " ".join(piece)[1:] + "." for piece in pieces if piece]


def make_brief(vocab: Vocabulary, index: int, seed: int = SEED) -> Brief:
    """Brief ``index``: the same for a given seed, whatever the size of the run."""
    rng = random.Random(seed * 1_000_003 + index)
    entities = list(dict.fromkeys(rng.choices(vocab.entities, cum_weights=vocab.entity_weights, k=rng.randint(1, 3))))
    topic = list(dict.fromkeys(rng.choices(vocab.words, cum_weights=vocab.word_weights, k=12)))[:5]
    topic += [rng.choice(vocab.words[200:]) for _ in range(2)]  # a couple of rarer words make briefs findable

    title_length = rng.randint(8, 14)
    title_words = [*entities[0].split(), *rng.sample(topic, k=3)]
    title_words += _words(rng, vocab, topic, entities, max(title_length - len(title_words), 0))
    title = " ".join(w if w[0].isupper() else w.capitalize() for w in title_words[:title_length])

    summary = " ".join(_sentences(rng, _words(rng, vocab, topic, entities, rng.randint(40, 70)), rng.randint(2, 3)))

    body_length = rng.randint(150, 300)
    point_count = rng.randint(3, 5)
    points = [
        " ".join(_sentences(rng, _words(rng, vocab, topic, entities, rng.randint(10, 18)), 1))
        for _ in range(point_count)
    ]
    rest = max(body_length - sum(len(p.split()) for p in points), 40)
    lead_length = rng.randint(20, min(60, rest))
    lead = " ".join(_sentences(rng, _words(rng, vocab, topic, entities, lead_length), 2))
    body = lead + "\n\n## Key points\n" + "\n".join(f"- {p}" for p in points)
    if rest - lead_length >= 10:
        background = _words(rng, vocab, topic, entities, rest - lead_length)
        body += "\n\n## Background\n" + " ".join(_sentences(rng, background, max(1, len(background) // 20)))

    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-").split("-")[:4])
    updated = BASE_UPDATED + timedelta(minutes=rng.randrange(365 * 24 * 60))
    aliases = tuple(rng.sample(entities, k=1)) if rng.random() < 0.3 else ()
    tags = tuple(sorted({re.sub(r"[^a-z0-9]+", "-", e.lower()) for e in entities[:2]}))
    return Brief(
        id=f"g{index:06d}-{slug}", title=title, summary=summary, updated=updated, body=body, tags=tags, aliases=aliases
    )


# the questions


@dataclass(frozen=True)
class Question:
    """One generated question, its kind and the brief it was written from (None: no answer)."""

    text: str
    kind: str
    target: str | None


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word) - 1)
    edit = rng.random()
    if edit < 0.35:
        return word[:i] + word[i + 1 :]
    if edit < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]


def make_questions(vocab: Vocabulary, briefs: Sequence[Brief], seed: int = SEED) -> list[Question]:
    """1,000 questions in a fixed mix: keyword, typo, latest, no answer."""
    rng = random.Random(seed + 7)
    questions = []
    function_words = set(FUNCTION_WORDS)
    common = {w.lower() for w in vocab.words[:COMMON_RANKS]} | {
        w.lower() for e in vocab.entities[:20] for w in e.split()
    }
    for n in range(QUESTIONS):
        roll = n % 20  # a fixed mix: 10 keyword, 3 typo, 3 latest, 4 no-answer in every 20
        if roll >= 16:
            unknown = [_pseudo_word(rng, 2, _NO_MATCH_ONSETS) for _ in range(rng.randint(1, 2))]
            words = unknown + ([rng.choice(vocab.entities[:20])] if rng.random() < 0.5 else [])
            rng.shuffle(words)
            questions.append(Question(rng.choice(QUESTION_PREFIXES) + " ".join(words), "no answer", None))
            continue
        brief = briefs[rng.randrange(len(briefs))]
        content = list(dict.fromkeys(w for w in brief.title.split() if w.lower() not in function_words))
        distinctive = [w for w in content if w.lower() not in common]
        words = rng.sample(distinctive, k=min(len(distinctive), rng.randint(1, 2)))
        others = [w for w in content if w not in words]
        words += rng.sample(others, k=min(len(others), rng.randint(1, 2)))
        rng.shuffle(words)
        words = [w.lower() if rng.random() < 0.7 else w for w in words]
        if roll >= 13:
            questions.append(
                Question(rng.choice(("latest on ", "latest ", "any update on ")) + " ".join(words), "latest", brief.id)
            )
            continue
        kind = "keyword"
        if roll >= 10:
            long_words = [i for i, w in enumerate(words) if len(w) >= 5]
            if long_words:
                i = rng.choice(long_words)
                words[i] = _typo(rng, words[i])
                kind = "typo"
        questions.append(Question(rng.choice(QUESTION_PREFIXES) + " ".join(words), kind, brief.id))
    return questions


# measuring


def percentile(values: Sequence[float], pct: int) -> float:
    """The ``pct`` percentile (inclusive method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def timed_ms(call: Callable[[T], object], items: Sequence[T]) -> list[float]:
    """Call ``call`` on each item, returning each call's wall time in ms."""
    out = []
    for item in items:
        start = time.perf_counter()
        call(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


_TOKEN = re.compile(r"[^\W_]+")


class Fts5:
    """SQLite FTS5 in memory over the same briefs: bm25() top 10 of the OR-ed question tokens."""

    def __init__(self, briefs: Sequence[Brief]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, aliases, body)")
        self.db.executemany(
            "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
            ((b.id, b.title, b.summary, " ".join(b.aliases), b.body) for b in briefs),
        )
        self.db.commit()

    def search(self, text: str) -> list[tuple[str, float]]:
        tokens = list(dict.fromkeys(_TOKEN.findall(text.casefold())))
        if not tokens:
            return []
        match = " OR ".join(f'"{token}"' for token in tokens)
        return self.db.execute(
            "SELECT id, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, RANK_DEPTH)
        ).fetchall()


COLD_START = """
import json, resource, sys, time
started = time.time()
from pathlib import Path
from bot.newsroom import Asker, Newsroom
from bot.store import TinyStore
imported = time.time()
embedder = None
if sys.argv[3:] == ["semantic"]:
    from bot.semantic import E5Embedder
    class Counted(E5Embedder):
        embedded = 0
        def embed(self, texts, *, query):
            Counted.embedded += 0 if query else len(texts)
            return super().embed(texts, query=query)
    embedder = Counted()
newsroom = Newsroom(TinyStore(Path(sys.argv[1])), embedder=embedder)
opened = time.time()
embedded = embedder.embedded if embedder else 0
answer = newsroom.ask(sys.argv[2], Asker("bench"))
answered = time.time()
print(json.dumps({"started": started, "imported": imported, "opened": opened, "answered": answered,
                  "embedded": embedded, "outcome": answer.outcome.value,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def code_fingerprint() -> str:
    """A short hash of bot/*.py, so figures from different code states are not compared by mistake."""
    digest = hashlib.sha1()
    for path in sorted((REPO_ROOT / "bot").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def cold_start(store: Path, question: str, semantic: bool = False) -> dict[str, float | str]:
    """Spawn a fresh interpreter that opens the on-disk store and answers one question."""
    fingerprint = code_fingerprint()  # the subprocess imports bot/ afresh: note which code it ran
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONDONTWRITEBYTECODE="1")
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-c", COLD_START, str(store), question, *(["semantic"] if semantic else [])],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    exited = time.time()
    child = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "cold_start_s": child["answered"] - spawned,
        "interpreter_s": child["started"] - spawned,
        "import_s": child["imported"] - child["started"],
        "open_store_s": child["opened"] - child["imported"],
        "first_ask_s": child["answered"] - child["opened"],
        "process_total_s": exited - spawned,
        "peak_rss_mib": child["maxrss_kib"] / 1024,
        "outcome": child["outcome"],
        "briefs_embedded": child["embedded"],
        "bot_code_sha1": fingerprint,
    }


def _log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class BenchEmbedder:
    """The default model, except that with ``bulk`` a batch of briefs (an import, a first read) gets seeded
    random vectors instead: embedding 10,000 generated briefs twice would take most of an hour on two cores.
    Questions and pushes (one brief at a time) always go through the model."""

    def __init__(self, bulk: bool) -> None:
        from bot.semantic import E5Embedder

        self.model = E5Embedder()
        self.name = self.model.name
        self.bulk = bulk
        self.seeded = 0
        self.embedded = 0
        """Briefs (not questions) embedded by the model."""

    def embed(self, texts: Sequence[str], *, query: bool) -> Sequence[Sequence[float]]:
        """The model's vectors, or seeded ones for a batch of briefs with ``bulk``."""
        if query or not self.bulk or len(texts) == 1:
            self.embedded += 0 if query else len(texts)
            return self.model.embed(texts, query=query)
        self.seeded += len(texts)
        return [[random.Random(f"{SEED} {text}").gauss(0, 1) for _ in range(384)] for text in texts]


def run_size(size: int, vocab: Vocabulary, semantic: str = "") -> dict[str, Any]:
    """Every figure for one store size; ``semantic`` is "", "model", "bulk" or "import" (see ``BenchEmbedder``)."""
    out: dict[str, Any] = {"size": size, "semantic": semantic, "load_before": os.getloadavg()}
    embedder = BenchEmbedder(semantic in {"bulk", "import"}) if semantic else None
    start = time.perf_counter()
    briefs = [make_brief(vocab, i) for i in range(size)]
    out["generate_s"] = time.perf_counter() - start
    questions = make_questions(vocab, briefs)
    out["avg_words"] = {
        field: statistics.fmean(len(getattr(b, field).split()) for b in briefs)
        for field in ("title", "summary", "body")
    }
    _log(f"{size}: generated in {out['generate_s']:.1f} s")

    # in memory: build, then ask
    start = time.perf_counter()
    store = TinyStore(None)
    store.push_many(briefs, editor="bench", channel="bench", now=CLOCK)
    stored = time.perf_counter()
    newsroom = Newsroom(store, clock=lambda: CLOCK, embedder=embedder)
    indexed = time.perf_counter()
    out["build_store_s"] = stored - start
    out["build_index_s"] = indexed - stored
    out["build_s"] = indexed - start
    _log(f"{size}: in-memory newsroom built in {out['build_s']:.1f} s")
    newsroom.ask("warm up", ASKER)
    answers = []
    ask_ms = []
    for question in questions:
        begin = time.perf_counter()
        answers.append(newsroom.ask(question.text, ASKER))
        ask_ms.append((time.perf_counter() - begin) * 1000)
    out["ask_p50_ms"] = percentile(ask_ms, 50)
    out["ask_p99_ms"] = percentile(ask_ms, 99)
    out["ask_max_ms"] = max(ask_ms)
    out["outcomes_by_kind"] = _outcomes(questions, answers)
    del newsroom, store, answers
    gc.collect()
    _log(f"{size}: asked {len(questions)} questions")

    # FTS5
    start = time.perf_counter()
    fts = Fts5(briefs)
    out["fts_build_s"] = time.perf_counter() - start
    fts_ms = timed_ms(fts.search, [q.text for q in questions])
    out["fts_p50_ms"] = percentile(fts_ms, 50)
    out["fts_p99_ms"] = percentile(fts_ms, 99)
    out["ratio_build"] = out["build_s"] / out["fts_build_s"]
    out["ratio_p50"] = out["ask_p50_ms"] / out["fts_p50_ms"]
    out["ratio_p99"] = out["ask_p99_ms"] / out["fts_p99_ms"]
    fts.db.close()
    del fts
    _log(f"{size}: FTS5 done")

    # on disk: import once, push, cold start
    with tempfile.TemporaryDirectory(prefix="briefbot-speed-") as tmp:
        files = Path(tmp) / "brief-files"
        files.mkdir()
        start = time.perf_counter()
        for brief in briefs:
            (files / f"{brief.id}.md").write_text(brief_to_markdown(brief), encoding="utf-8")
        out["write_files_s"] = time.perf_counter() - start
        store_path = Path(tmp) / "store"
        if embedder is not None and semantic == "import":
            embedder.bulk = False
        disk = Newsroom(TinyStore(store_path), clock=lambda: CLOCK, embedder=embedder)
        embedded = embedder.embedded if embedder else 0
        start = time.perf_counter()
        report = disk.import_paths([files], editor="bench", channel="bench")
        out["import_s"] = time.perf_counter() - start
        if len(report.pushed) != size:
            raise SystemExit(f"import stored {len(report.pushed)} of {size} briefs")
        out["import_embedded"] = (embedder.embedded - embedded) if embedder else 0
        _log(f"{size}: imported {size} brief files into the on-disk store in {out['import_s']:.1f} s")
        rng = random.Random(SEED + size)
        picks = [briefs[rng.randrange(size)] for _ in range(PUSHES)]
        edits = [
            dataclasses.replace(
                b, summary=f"Edit {n}: figures revised. {b.summary}", updated=b.updated + timedelta(hours=1 + n)
            )
            for n, b in enumerate(picks)
        ]
        embedded = embedder.embedded if embedder else 0
        push_ms = timed_ms(functools.partial(disk.push, editor="bench", channel="bench"), edits)
        out["push_embedded"] = (embedder.embedded - embedded) if embedder else 0
        out["push_p50_ms"] = percentile(push_ms, 50)
        out["push_p99_ms"] = percentile(push_ms, 99)
        del disk
        gc.collect()
        _log(f"{size}: {PUSHES} pushes done; cold start...")
        first = next(q for q in questions if q.kind == "keyword")
        out["cold"] = cold_start(store_path, first.text, bool(semantic))
    out["seeded_vectors"] = embedder.seeded if embedder else 0
    out["load_after"] = os.getloadavg()
    _log(f"{size}: done")
    return out


def _outcomes(questions: Sequence[Question], answers: Sequence[Any]) -> dict[str, dict[str, int]]:
    """Per question kind: how many got each outcome, and how many named their source brief anywhere."""
    table: dict[str, dict[str, int]] = {}
    for question, answer in zip(questions, answers, strict=True):
        row = table.setdefault(
            question.kind, {"questions": 0, "answer": 0, "ambiguous": 0, "no_match": 0, "source_brief_answered": 0}
        )
        row["questions"] += 1
        row[answer.outcome.value] += 1
        if answer.outcome is Outcome.ANSWER and answer.brief is not None and answer.brief.id == question.target:
            row["source_brief_answered"] += 1
    return table


# output


def _fmt(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def tables(rows: Sequence[dict[str, Any]]) -> str:
    """Two tables, rows = size: in memory (with FTS5) and on disk."""
    memory = [
        ("size", lambda r: f"{r['size']:,}"),
        ("build s", lambda r: _fmt(r["build_s"])),
        ("ask p50 ms", lambda r: _fmt(r["ask_p50_ms"])),
        ("ask p99 ms", lambda r: _fmt(r["ask_p99_ms"])),
        ("fts build s", lambda r: _fmt(r["fts_build_s"])),
        ("fts p50 ms", lambda r: _fmt(r["fts_p50_ms"])),
        ("fts p99 ms", lambda r: _fmt(r["fts_p99_ms"])),
        ("x build", lambda r: _fmt(r["ratio_build"])),
        ("x p50", lambda r: _fmt(r["ratio_p50"])),
        ("x p99", lambda r: _fmt(r["ratio_p99"])),
    ]
    disk = [
        ("size", lambda r: f"{r['size']:,}"),
        ("import s", lambda r: _fmt(r["import_s"])),
        ("push p50 ms", lambda r: _fmt(r["push_p50_ms"])),
        ("push p99 ms", lambda r: _fmt(r["push_p99_ms"])),
        ("cold s", lambda r: _fmt(r["cold"]["cold_start_s"])),
        ("(open store s)", lambda r: _fmt(r["cold"]["open_store_s"])),
        ("cold MiB", lambda r: _fmt(r["cold"]["peak_rss_mib"])),
    ]
    return (
        _table("in memory: Newsroom over TinyStore(None), vs SQLite FTS5 in memory (x = briefbot / FTS5)", memory, rows)
        + "\n\n"
        + _table("on disk: TinyStore(folder)", disk, rows)
    )


def _table(
    title: str, columns: Sequence[tuple[str, Callable[[dict[str, Any]], str]]], rows: Sequence[dict[str, Any]]
) -> str:
    lines = [[name for name, _ in columns]] + [[cell(row) for _, cell in columns] for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    rendered = ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    rendered.insert(1, "  ".join("-" * w for w in widths))
    return title + "\n" + "\n".join(rendered)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated store sizes (default 1000,10000,100000)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    parser.add_argument(
        "--semantic",
        choices=("model", "bulk", "import"),
        default="",
        help="with the semantic layer (briefbot[semantic]): every text through the model, or seeded vectors for "
        "batches of briefs (bulk: questions and pushes still through the model; import figures then exclude it), "
        "or for the in-memory build only (import)",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: expected comma-separated whole numbers, e.g. 1000,10000")
    if not args.sizes or min(args.sizes) < 1:
        parser.error("--sizes: every size must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settle_threads()  # as the briefbot command does
    fingerprint = code_fingerprint()
    vocab = make_vocabulary()
    rows = []
    for size in args.sizes:
        rows.append(run_size(size, vocab, args.semantic))
        gc.collect()
    print(
        f"bot/*.py sha1 {fingerprint}; GOMP_SPINCOUNT={os.environ['GOMP_SPINCOUNT']}, "
        f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}"
    )
    print(tables(rows))
    print(
        "\nbuild = TinyStore(None).push_many + Newsroom(store) (reads and indexes every brief); "
        "ask over that in-memory newsroom."
    )
    print(
        "import = Newsroom.import_paths of N brief files into an empty on-disk store (one shard file per brief, "
        "each fsynced with its folder)."
    )
    print(
        "cold = fresh `python -c`: spawn -> import -> Newsroom(TinyStore(path)) -> first answer; MiB = its ru_maxrss."
    )
    for row in rows:
        kinds = ", ".join(
            f"{kind} {c['answer']}/{c['ambiguous']}/{c['no_match']} (source {c['source_brief_answered']})"
            for kind, c in row["outcomes_by_kind"].items()
        )
        print(f"{row['size']:,}: outcomes answer/ambiguous/no_match by kind: {kinds}")
        before, after = row["load_before"], row["load_after"]
        print(
            f"{row['size']:,}: load average {before[0]:.2f} {before[1]:.2f} before, {after[0]:.2f} {after[1]:.2f} after"
        )
        if row["semantic"]:
            print(
                f"{row['size']:,}: briefs embedded by the model: import {row['import_embedded']:,}, "
                f"pushes {row['push_embedded']} of {PUSHES}, cold start {row['cold']['briefs_embedded']}"
            )
        if row["cold"]["bot_code_sha1"] != fingerprint:
            print(
                f"{row['size']:,}: WARNING bot/ changed during the run: the cold start ran bot/*.py sha1 "
                f"{row['cold']['bot_code_sha1']}, not {fingerprint}"
            )
    if args.json:
        payload = {
            "benchmark": "speed",
            "seed": SEED,
            "questions": QUESTIONS,
            "pushes": PUSHES,
            "python": sys.version.split()[0],
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
            "bot_code_sha1": fingerprint,
            "sizes": rows,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
