"""Load on a running ``briefbot serve``: sustained requests per second, latency and errors, with an editor pushing.

What it measures
----------------
The real server, ``briefbot serve slack`` (the Slack HTTP endpoint and the editors' API), is
started as a separate process on 127.0.0.1 with a free port, over a store holding the sample
briefs (seeded on first open, as for a new user) and ``--briefs`` generated ones (default
10,000, from ``bench/speed.py``'s generator and seed). The store is built before the server
starts and ends with a snapshot; the server runs on a copy of it, whose files the snapshot does
not name (a snapshot is tied to its shards' inodes), so it indexes afresh as it starts, and its
start time is that of a start without a snapshot. Its Slack Web API is a loopback
stand-in run by this script (``auth.test`` and a generic ``{"ok": true}``: a slash command is
answered in its ack, so nothing else is called). Building the store takes a while, so it is kept
under the temporary folder, keyed by the generator's seed, the size and a hash of ``bot/*.py``,
``bench/speed.py`` and the sample briefs, and copied afresh for every run (``--rebuild`` builds it
again).

This process then drives the server over HTTP, from one asyncio event loop:

- Requests at a fixed rate for ``--seconds`` (default 10) per step, at each of ``--rates``
  (default 50,200,500 per second). The schedule is open loop: request ``i`` of a step is due at
  ``start + i / rate`` and is sent then, whether or not earlier ones have returned, and its
  latency is measured from when it was due to when its whole response was read. A server (or a
  client) that falls behind therefore shows in the latency instead of quietly lowering the rate
  (no coordinated omission). A step sends exactly ``rate * seconds`` requests, each with a
  5-second timeout, over at most 256 connections (keep-alive).
- Each request is, at random with a fixed seed, half and half: a ``/brief QUESTION`` slash command
  to ``/slack/events``, form-encoded and signed as Slack signs it (``v0:timestamp:body``,
  HMAC-SHA256 under the signing secret), from one of 200 reporters; or ``GET /api/ask?q=QUESTION``
  with an editor's bearer token. The questions are ``bench/speed.py``'s fixed mix over the
  generated briefs (keywords 50%, typos 15%, "latest" 15%, no answer 20%), except every 10th,
  which is a check question about a sample brief (see below).
- Meanwhile an editor pushes an update of one brief (the Kremlin sample brief: a new sentence in
  its bottom line, ``updated`` now) every second through ``PUT /api/briefs/{id}`` with
  ``If-Match`` set to the version it last got back, and counts each push's status and latency.

Reported per step: the requests answered 2xx per second (``ok/s``: 2xx answers divided by the
longer of ``--seconds`` and the time from the step's start to its last answer), p50 / p99 / max
latency in ms over the 2xx answers, errors by kind (HTTP status, timeout, connection error), the
checks, the pushes made, refused and their p50 / p99, how late this client sent its requests
(``lag p99``: if it is large the load generator itself fell behind, and the latencies, which
include that lag, are pessimistic), and the server's CPU use, the share of the time its event
loop was ready to run but waiting for a CPU (``cpu wait``: other processes had them; on a shared
machine this is where its figures lose), and its resident memory (from ``/proc``, on Linux).

A rate is *held* when p99 < 100 ms, nothing failed (no error, no wrong answer) and ``ok/s`` is at
least 95% of the rate. The highest rate held is found by a short bisection (``--search-probes``,
default 3, each a step of ``--seconds``) between the highest step held and the lowest one not
held; 0 probes reports the steps alone. Both are said in the output. After each step the script
waits (at least 1 s, at most 60 s) until the server's CPU use falls under 15% of a core, so
requests from an overloaded step that the client gave up on, and that the server is still
answering, do not slow the next one.

Several replicas on PostgreSQL
------------------------------
With ``--database temp`` (a throwaway PostgreSQL server started from this machine's binaries, as the tests start
it, and deleted after) or ``--database postgresql://...`` (an empty database), the run above on one replica over the
TinyDB store is followed, in the same run, by the same steps and search against ``--replicas`` (default 2)
``briefbot serve slack`` processes on 127.0.0.1 sharing the database, each with a folder of its own for its
question outcomes. The database is first filled with the latest version of every brief of the same store, so both
serve the same briefs. Requests and pushes go to the replicas in turn (round-robin), as a load balancer deals them.
After each acknowledged push, every other replica is asked the pushed brief's check question, one question after
another (not counted in the step's figures), until it answers with the pushed version: the time from the
acknowledgement to that answer is the push-to-everywhere lag (``everywhere p50 / p99``; a replica still behind
after 30 s is a problem). A check question about the pushed brief must show the version its replica acknowledged,
or one another replica acknowledged at least a second before it was sent. The database server's CPU use is shown
when it is the throwaway one. ``--starts N`` measures starts instead of load: a replica started N times on the
database (and, beside it, on the TinyDB store: the first start indexes the copied store afresh, later ones start from
the snapshot it wrote), timed to the line saying it serves, and opening
the store on the database and taking in every brief's latest version, alone, read ahead a page at a time and
(as starts did before) with one query per brief.

Correctness, checked while loading
----------------------------------
- Every 10th request is a question whose answer is known (for example "Kremlin open to
  Putin-Trump meeting" must be answered with the Kremlin brief): the slash command's reply must
  carry that brief's title as its header, ``/api/ask`` must answer with that brief's id, and
  the answer about the brief being pushed must show at least the version that the last
  acknowledged push returned before the question was sent. The checks are asked once on the idle
  server first (by both routes), then 100 questions from the mix are sent one at a time to warm it up.
- Every push must be answered 2xx; any other answer is listed as a problem. A push with no answer
  (a timeout, under overload) is followed by a read of the brief's version, as an editor would do
  before trying again, and the output says whether it was stored all the same.
- At the end every server must answer ``GET /healthz``, and exit 0 on SIGTERM; its log is
  scanned for errors. Any failure is listed under "problems" and the script exits 1.

Run (from the repository root, with briefbot installed in the interpreter's environment)::

    .venv/bin/python bench/load.py                        # 50, 200 and 500 per second, 10 s each
    .venv/bin/python bench/load.py --rates 20,50 --seconds 3 --search-probes 0
    .venv/bin/python bench/load.py --json /tmp/load.json
    .venv/bin/python bench/load.py --database temp        # then two replicas on a throwaway PostgreSQL server
    .venv/bin/python bench/load.py --database temp --starts 3 --briefs 10000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import hmac
import importlib.util
import itertools
import json
import math
import os
import platform
import random
import re
import secrets
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bot.briefs import Brief, brief_to_markdown, load_brief_files
from bot.holdings import SNAPSHOT_REFRESH
from bot.newsroom import Newsroom, sample_briefs_path
from bot.postgres import redacted
from bot.store import TinyStore

BENCH_DIR = Path(__file__).resolve().parent


def _import_bench(name: str) -> ModuleType:
    """``bench/NAME.py`` (``bench/`` is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH_DIR / f"{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {BENCH_DIR / name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while they are defined
    spec.loader.exec_module(module)
    return module


speed = _import_bench("speed")
"""For its brief and question generators."""


def bench_database() -> ModuleType:
    """``bench/database.py``, imported only with ``--database`` (it needs ``briefbot[postgres]``)."""
    return sys.modules.get("bench_database") or _import_bench("database")


# what is run

DEFAULT_BRIEFS = 10_000
DEFAULT_RATES = (50, 200, 500)
DEFAULT_SECONDS = 10.0
DEFAULT_SEARCH_PROBES = 3
P99_TARGET_MS = 100.0
"""A rate is held when its p99 latency is under this (and nothing failed)."""
HELD_SHARE = 0.95
"""... and at least this share of the rate was answered 2xx per second."""
SEARCH_RESOLUTION_RPS = 25
"""The search stops when the held and not-held rates are this close."""
SEARCH_STEP_RPS = 10
DEFAULT_REPLICAS = 2
"""Replicas on the database with ``--database``."""
"""Search probes are at multiples of this rate."""
SLASH_SHARE = 0.5
"""The share of requests that are slash commands; the rest are ``GET /api/ask``."""
CHECK_EVERY = 10
"""Every this many requests, a check question with a known answer."""
REPORTERS = 200
"""Slash commands come from this many different Slack users."""
PUSH_INTERVAL_S = 1.0
PROMISE_S = 1.0
"""With several replicas, a push acknowledged by one is answered by every other within this: a check question sent
to another replica must show it from then on (on the replica that took the push, at once)."""
EVERYWHERE_TIMEOUT_S = 30.0
EVERYWHERE_RETRY_S = 0.05
"""A replica that has not answered with a pushed version this long after its acknowledgement is a problem."""
REQUEST_TIMEOUT_S = 5.0
MAX_CONNECTIONS = 256
WARM_UP_REQUESTS = 100
"""Requests from the mix sent one at a time before the first step, not counted (the checks are asked first)."""
STEP_LEAD_S = 0.2
"""A step's first request is due this long after the step is set up."""
SETTLE_S = 1.0
"""The least pause between steps."""
IDLE_CPU_PCT = 15.0
IDLE_WINDOW_S = 0.5
SETTLE_MAX_S = 60.0
"""After a step, wait (up to this long) until the server uses under 15% of a CPU over half a second: after an
overload it is still answering requests this client gave up on, which would slow the next step."""
SERVER_START_TIMEOUT_S = 120.0
SERVER_STOP_TIMEOUT_S = 15.0
LOG_LINES_SHOWN = 5

# the server's settings and the stand-in's answers

HOST = "127.0.0.1"
EVENTS_PATH = "/slack/events"
TEAM = "T111"
CHANNEL = "C0LOAD"
AUTH_TEST = {"ok": True, "user_id": "UBOT", "bot_id": "BBOT", "team_id": TEAM}
EDITOR = "Load Editor"
GENERATED_EDITOR = "load benchmark"
READY = "briefbot serving "
SERVER_VARIABLE_PREFIXES = ("BRIEFBOT_", "SLACK_", "DISCORD_")
"""Settings from this shell that could change what is served (Socket Mode, another store) are not passed on."""

PUSHED_BRIEF = "kremlin-open-to-putin-trump-meeting"
CHECKS = (
    ("Kremlin open to Putin-Trump meeting", PUSHED_BRIEF),
    ("Fed holds rates September", "fed-holds-rates-september"),
    ("Riverton bridge closure", "riverton-main-street-bridge-closure"),
    ("Geminid meteor shower", "geminids-meteor-shower-2026"),
    ("hush money appeal", "trump-hush-money-appeal-hearing"),
    ("Black Sea grain talks Istanbul", "ukraine-grain-corridor-talks"),
    ("solar eclipse 2027", "total-solar-eclipse-august-2027"),
    ("Bank of Russia key rate", "russia-central-bank-rate-decision"),
)
"""Questions and the sample brief each must be answered with, among the sample and generated briefs."""
PROVENANCE_VERSION = re.compile(r"\bv(\d+) ·")

CACHE_DIR = "briefbot-load-cache"
CACHE_READY = "complete"


def _log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# the store


def cached_store(size: int, rebuild: bool) -> Path:
    """A folder with ``store/`` (samples + ``size`` generated briefs, snapshot written) and ``questions.json``."""
    root = Path(tempfile.gettempdir()) / CACHE_DIR
    prefix = f"seed{speed.SEED}-briefs{size}-"
    entry = root / f"{prefix}{_store_fingerprint()}"
    if (entry / CACHE_READY).exists() and not rebuild:
        _log(f"reusing the store built earlier in {entry}")
        return entry
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(f"{prefix}*"):  # built by other code, or left half-built
        shutil.rmtree(stale, ignore_errors=True)
    partial = root / f"{entry.name}.partial-{os.getpid()}"
    _build(partial, size)
    (partial / CACHE_READY).write_text("", encoding="utf-8")
    partial.rename(entry)
    return entry


def _samples() -> Path:
    samples = sample_briefs_path()
    if samples is None:
        raise SystemExit("the sample briefs (briefs/) were not found: install briefbot from this checkout")
    return samples


def _store_fingerprint() -> str:
    """A short hash of what the store is made from: bot/*.py, the generator in bench/speed.py, the sample briefs."""
    digest = hashlib.sha1(speed.code_fingerprint().encode())
    for path in [BENCH_DIR / "speed.py", *sorted(_samples().glob("*.md"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _build(folder: Path, size: int) -> None:
    samples = _samples()
    started = time.perf_counter()
    vocab = speed.make_vocabulary()
    briefs = [speed.make_brief(vocab, i) for i in range(size)]
    questions = speed.make_questions(vocab, briefs)
    folder.mkdir(parents=True)
    (folder / "questions.json").write_text(
        json.dumps([{"text": q.text, "kind": q.kind} for q in questions]), encoding="utf-8"
    )
    _log(f"generated {size:,} briefs and {len(questions):,} questions in {time.perf_counter() - started:.1f} s")
    store_path = folder / "store"
    started = time.perf_counter()
    Newsroom(TinyStore(store_path), samples=samples)  # the first open seeds the samples, as the server's would
    TinyStore(store_path).push_many(briefs, editor=GENERATED_EDITOR, channel="bench", now=datetime.now(UTC))
    _log(f"stored {size:,} briefs on disk in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    Newsroom(TinyStore(store_path))  # reads the shards written since the samples' snapshot, then snapshots them all
    snapshot = TinyStore(store_path).load_snapshot()
    if snapshot is None or len(snapshot.changed) > SNAPSHOT_REFRESH:
        raise SystemExit(f"the store in {store_path} has no usable snapshot after it was built")
    _log(f"indexed and wrote the snapshot in {time.perf_counter() - started:.1f} s")


# the Slack stand-in and the server


async def start_slack_standin() -> tuple[web.AppRunner, str, Counter[str]]:
    """Slack's Web API on 127.0.0.1: ``auth.test`` and ``{"ok": true}`` for anything else; counts the calls."""
    calls: Counter[str] = Counter()

    async def answer(request: web.Request) -> web.Response:
        calls[request.path] += 1
        return web.json_response(AUTH_TEST if request.path == "/api/auth.test" else {"ok": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://{HOST}:{port}", calls


def briefbot_command() -> str:
    """The installed ``briefbot`` console script next to this interpreter."""
    found = shutil.which("briefbot", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit(f"briefbot is not installed next to {sys.executable}: pip install -e . first")
    return found


class Server:
    """``briefbot serve slack`` as a child process, with its log in a file."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path, base: str, ready_s: float) -> None:
        self.process = process
        self.log = log
        self.base = base
        self.ready_s = ready_s
        self._ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self._drain: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, env: dict[str, str], workdir: Path, name: str = "serve") -> Server:
        log = workdir / f"{name}.log"
        command = [briefbot_command(), "serve", "slack", "--host", HOST, "--port", "0"]
        started = time.perf_counter()
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                *command, stdout=asyncio.subprocess.PIPE, stderr=stderr, env=env, cwd=workdir
            )
        assert process.stdout is not None
        try:
            line = (await asyncio.wait_for(process.stdout.readline(), SERVER_START_TIMEOUT_S)).decode()
        except TimeoutError:
            line = ""
        if not line.startswith(READY):
            if process.returncode is None:
                process.kill()
            await process.wait()
            raise SystemExit(
                f"the server did not start ({shlex.join(command)}, exit status {process.returncode}); "
                f"it printed {line!r} and logged:\n{_tail(log, 40)}"
            )
        server = cls(process, log, line.split(" on ", 1)[1].strip(), time.perf_counter() - started)
        server._drain = asyncio.create_task(server._keep_reading())
        return server

    async def _keep_reading(self) -> None:
        """Read whatever else it prints, so a full pipe never blocks it."""
        assert self.process.stdout is not None
        with self.log.with_suffix(".out").open("ab") as out:
            while line := await self.process.stdout.readline():
                out.write(line)

    def running(self) -> bool:
        return self.process.returncode is None

    def cpu_seconds(self) -> float | None:
        """User and system CPU time the server has used so far (Linux only)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / self._ticks

    def rss_mib(self) -> float | None:
        """The server's resident memory now (Linux only)."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            return None
        return None

    async def stop(self) -> int | None:
        """SIGTERM, then its exit status (None if it had to be killed)."""
        if self.running():
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), SERVER_STOP_TIMEOUT_S)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            return None
        if self._drain is not None:
            await self._drain
        return code

    def logged_errors(self) -> list[str]:
        """Lines of its log at ERROR or above, and tracebacks."""
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return [line for line in lines if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")]


def runqueue_wait_s(pid: int) -> float | None:
    """Seconds a process's main thread has spent ready to run but waiting for a CPU (Linux only)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def _share(before: float | None, after: float | None, wall: float) -> float | None:
    """``after - before`` as a percentage of ``wall``, or None when either is unknown."""
    return None if before is None or after is None else 100 * (after - before) / wall


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def server_environment(
    store: Path, slack_api: str, editor_token: str, signing_secret: str, database_url: str | None = None
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(SERVER_VARIABLE_PREFIXES)}
    return (
        env
        | ({"BRIEFBOT_DATABASE_URL": database_url} if database_url else {})
        | {
            "BRIEFBOT_STORE": str(store),
            "BRIEFBOT_API_TOKENS": f"{EDITOR}={editor_token}",
            # The load comes from few askers (one editor's token asks half the questions): the per-person limit
            # would answer most of them with a polite refusal, so it is lifted to measure the server itself.
            "BRIEFBOT_RATE_LIMIT": "0",
            "SLACK_BOT_TOKEN": "xoxb-load-benchmark",
            "SLACK_SIGNING_SECRET": signing_secret,
            "SLACK_API_URL": slack_api + "/api/",
            "PYTHONUNBUFFERED": "1",
        }
    )


# the load


@dataclass(frozen=True)
class Planned:
    """One request: a slash command or an API question, and the brief it must be answered with, if a check."""

    kind: str
    question: str
    user: str
    expect: str | None = None


@dataclass
class Tally:
    """What one step saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"slash": [], "api": []})
    errors: Counter[str] = field(default_factory=Counter)
    lags: list[float] = field(default_factory=list)
    checks: int = 0
    wrong: list[str] = field(default_factory=list)
    last_done: float = 0.0
    pushes: int = 0
    push_ms: list[float] = field(default_factory=list)
    push_errors: Counter[str] = field(default_factory=Counter)
    push_problems: list[str] = field(default_factory=list)
    """Pushes the server refused (any answer but 2xx)."""
    push_notes: list[str] = field(default_factory=list)
    """Pushes with no answer (timeouts, connection errors) and whether they were stored all the same."""
    everywhere_ms: list[float] = field(default_factory=list)
    """With several replicas: from each acknowledged push to each other replica answering with its version."""
    everywhere_problems: list[str] = field(default_factory=list)


def make_plan(rate: float, seconds: float, questions: Sequence[str], seed: int) -> list[Planned]:
    """The step's requests in order: a fixed, seeded mix."""
    rng = random.Random(seed)
    plan = []
    for i in range(round(rate * seconds)):
        kind = "slash" if rng.random() < SLASH_SHARE else "api"
        user = f"U{rng.randrange(REPORTERS):05d}"
        if i % CHECK_EVERY == CHECK_EVERY - 1:
            question, expect = CHECKS[(i // CHECK_EVERY) % len(CHECKS)]
            plan.append(Planned(kind, question, user, expect))
        else:
            plan.append(Planned(kind, rng.choice(questions), user))
    return plan


def percentile(values: Sequence[float], pct: int) -> float | None:
    return speed.percentile(sorted(values), pct) if values else None


class Driver:
    """Sends the load and the editor's pushes, and checks the answers."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        servers: Sequence[Server],
        standin: str,
        editor_token: str,
        signing_secret: str,
        briefs: dict[str, Brief],
        other_cpu: Callable[[], float | None] = lambda: None,
    ) -> None:
        self.session = session
        self.servers = list(servers)
        """The replicas, taking requests and pushes in turn (round-robin), as a load balancer deals them."""
        self.other_cpu = other_cpu
        """CPU seconds used so far by what else serves them (the database's server), if known."""
        self._turns = itertools.count()
        self._push_turns = itertools.count()
        self._triggers = itertools.count(1)
        self._trigger_base = secrets.randbelow(10**9)
        self.acks: list[tuple[float, int, int]] = []
        """Every acknowledged push: when (loop time), the version, and which replica acknowledged it."""
        self._following: list[asyncio.Task[None]] = []
        self.standin = standin
        self.auth = {"Authorization": f"Bearer {editor_token}"}
        self.signing_secret = signing_secret.encode()
        self.briefs = briefs
        self.version = 0
        """The pushed brief's version as the editor last got it back."""
        self.pushes = 0
        self.unanswered: int | None = None
        """The version a push that got no answer was based on, until the editor has looked again."""

    async def current_version(self) -> int:
        """The pushed brief's latest version, from its ``ETag``."""
        # Read from the store (the database, with replicas), as an editor's client would before trying again.
        url = f"{self.servers[0].base}/api/briefs/{PUSHED_BRIEF}"
        async with self.session.get(url, headers=self.auth) as response:
            if response.status != 200:
                raise SystemExit(f"GET /api/briefs/{PUSHED_BRIEF}: HTTP {response.status}: {await response.text()}")
            return int(response.headers["ETag"].strip('"'))

    async def _look_again(self, tally: Tally) -> bool:
        """After a push with no answer, read the version the editor is now on, as they would; whether it worked."""
        if self.unanswered is None:
            return True
        try:
            current = await self.current_version()
        except (TimeoutError, aiohttp.ClientError) as error:
            tally.push_notes.append(f"reading the version after a push with no answer failed: {type(error).__name__}")
            return False
        stored = f"stored all the same (now v{current})" if current > self.unanswered else "not stored"
        tally.push_notes.append(f"a push on v{self.unanswered} got no answer; it was {stored}")
        self.version, self.unanswered = current, None
        return True

    async def warm_up(self, questions: Sequence[str]) -> Tally:
        """Every check question once by each route on each replica, then questions from the mix, one at a time, on
        the idle replicas."""
        self.version = await self.current_version()
        self.acks = [(-math.inf, self.version, -1)]  # the version stored before the run: every replica must show it
        tally = Tally()
        loop = asyncio.get_running_loop()
        for kind in ("slash", "api"):
            for question, expect in CHECKS:
                for _ in self.servers:
                    await self._send(Planned(kind, question, "U00000", expect), loop.time(), tally)
        for planned in make_plan(WARM_UP_REQUESTS, 1, questions, speed.SEED):
            await self._send(planned, loop.time(), tally)
        return tally

    async def step(self, rate: float, seconds: float, plan: Sequence[Planned]) -> dict[str, Any]:
        """Send ``plan`` open loop at ``rate`` per second while the editor pushes; the step's figures."""
        loop = asyncio.get_running_loop()
        tally = Tally()
        pids = [*(server.process.pid for server in self.servers), os.getpid()]
        cpu_before, own_before, other_before = self.cpu_seconds(), time.process_time(), self.other_cpu()
        waits_before = [runqueue_wait_s(pid) for pid in pids]
        start = loop.time() + STEP_LEAD_S
        editor = asyncio.create_task(self._edit(start, seconds, tally))
        sent = []
        for i, planned in enumerate(plan):
            due = start + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            sent.append(asyncio.create_task(self._send(planned, due, tally)))
        await asyncio.gather(*sent, editor)
        wall = loop.time() - start
        cpu_after, own_after, other_after = self.cpu_seconds(), time.process_time(), self.other_cpu()
        waits = [_share(before, runqueue_wait_s(pid), wall) for before, pid in zip(waits_before, pids, strict=True)]
        await asyncio.gather(*self._following)  # the other replicas' answers to the last pushes, after the timing
        self._following.clear()
        ok = [ms for kind in tally.latencies.values() for ms in kind]
        elapsed = max(seconds, tally.last_done - start)
        return {
            "rate": rate,
            "seconds": seconds,
            "requests": len(plan),
            "ok": len(ok),
            "ok_per_s": len(ok) / elapsed,
            "p50_ms": percentile(ok, 50),
            "p99_ms": percentile(ok, 99),
            "max_ms": max(ok, default=None),
            "by_kind": {
                kind: {"ok": len(values), "p50_ms": percentile(values, 50), "p99_ms": percentile(values, 99)}
                for kind, values in tally.latencies.items()
            },
            "errors": dict(tally.errors),
            "checks": tally.checks,
            "wrong_answers": tally.wrong,
            "pushes": tally.pushes,
            "pushes_ok": len(tally.push_ms),
            "push_ms": tally.push_ms,
            "push_p50_ms": percentile(tally.push_ms, 50),
            "push_p99_ms": percentile(tally.push_ms, 99),
            "push_errors": dict(tally.push_errors),
            "push_problems": tally.push_problems,
            "push_notes": tally.push_notes,
            "everywhere_ms": tally.everywhere_ms,
            "everywhere_p50_ms": percentile(tally.everywhere_ms, 50),
            "everywhere_p99_ms": percentile(tally.everywhere_ms, 99),
            "everywhere_problems": tally.everywhere_problems,
            "lag_p99_ms": percentile(tally.lags, 99),
            "server_cpu_pct": _share(cpu_before, cpu_after, wall),
            "server_cpu_wait_pct": None if None in waits[:-1] else sum(w or 0.0 for w in waits[:-1]),
            "database_cpu_pct": _share(other_before, other_after, wall),
            "client_cpu_pct": _share(own_before, own_after, wall),
            "client_cpu_wait_pct": waits[-1],
            "server_rss_mib": max((rss for server in self.servers if (rss := server.rss_mib())), default=None),
        }

    def cpu_seconds(self) -> float | None:
        """CPU time every replica has used so far (Linux only)."""
        seconds = [server.cpu_seconds() for server in self.servers]
        return None if None in seconds else sum(s or 0.0 for s in seconds)

    def _at_least(self, replica: int, now: float) -> int:
        """The version of the pushed brief a replica must answer with now: the latest acknowledged by it, or by any
        replica at least ``PROMISE_S`` ago (a push reaches every replica within that)."""
        return max((v for at, v, by in self.acks if by == replica or at <= now - PROMISE_S), default=0)

    async def _send(self, planned: Planned, due: float, tally: Tally) -> None:
        loop = asyncio.get_running_loop()
        tally.lags.append((loop.time() - due) * 1000)
        turn = next(self._turns) % len(self.servers)
        base = self.servers[turn].base
        # acknowledged before this was sent (by this replica, or by another long enough ago)
        at_least = self._at_least(turn, loop.time()) if planned.expect == PUSHED_BRIEF else None
        try:
            if planned.kind == "slash":
                body = self._slash_body(planned)
                stamp = str(int(time.time()))
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": self._signature(stamp, body),
                }
                request = self.session.post(base + EVENTS_PATH, data=body.encode(), headers=headers)
            else:
                request = self.session.get(base + "/api/ask", params={"q": planned.question}, headers=self.auth)
            async with request as response:
                status, payload = response.status, await response.read()
        except TimeoutError:
            tally.errors["timeout"] += 1
            return
        except aiohttp.ClientError as error:
            tally.errors[type(error).__name__] += 1
            return
        done = loop.time()
        if not 200 <= status < 300:
            tally.errors[f"HTTP {status}"] += 1
            return
        tally.latencies[planned.kind].append((done - due) * 1000)
        tally.last_done = max(tally.last_done, done)
        if planned.expect is not None:
            tally.checks += 1
            wrong = self._check(planned, payload, at_least)
            if wrong is not None:
                tally.wrong.append(wrong)

    def _signature(self, timestamp: str, body: str) -> str:
        """Slack's request signature: HMAC-SHA256 of ``v0:timestamp:body`` under the signing secret."""
        digest = hmac.new(self.signing_secret, f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def _slash_body(self, planned: Planned) -> str:
        return urlencode(
            {
                "token": "unused",
                "team_id": TEAM,
                "team_domain": "newsroom",
                "channel_id": CHANNEL,
                "channel_name": "news-desk",
                "user_id": planned.user,
                "user_name": planned.user.lower(),
                "command": "/brief",
                "text": planned.question,
                "api_app_id": "A0LOAD",
                "response_url": f"{self.standin}/commands/{TEAM}/{planned.user}",
                # each command its own, as Slack's are: a trigger id seen before is a replay, acknowledged unanswered
                "trigger_id": f"{next(self._triggers)}.{self._trigger_base}.load",
            }
        )

    def _check(self, planned: Planned, payload: bytes, at_least: int | None) -> str | None:
        """Why the answer to a check question is wrong, or None."""
        assert planned.expect is not None
        where = f"{planned.kind} {planned.question!r}"
        try:
            data = json.loads(payload)
        except ValueError:
            return f"{where}: not JSON: {payload[:100]!r}"
        version: int | None = None
        if planned.kind == "slash":
            blocks = data.get("blocks") or [{}]
            title = (blocks[0].get("text") or {}).get("text")
            if title != self.briefs[planned.expect].title:
                return f"{where}: answered {title!r}, not {self.briefs[planned.expect].title!r}"
            for block in blocks:
                for element in block.get("elements", []) if block.get("type") == "context" else []:
                    found = PROVENANCE_VERSION.search(element.get("text", ""))
                    version = int(found.group(1)) if found and version is None else version
        else:
            brief = data.get("brief") or {}
            if data.get("status") != "answer" or brief.get("id") != planned.expect:
                return f"{where}: answered {data.get('status')} {brief.get('id')!r}, not {planned.expect!r}"
            version = brief.get("version")
        if at_least is not None and (version is None or version < at_least):
            return f"{where}: showed v{version} after a push of v{at_least} had been acknowledged"
        return None

    async def _edit(self, start: float, seconds: float, tally: Tally) -> None:
        """One push of the pushed brief every second of the step."""
        loop = asyncio.get_running_loop()
        for k in range(int(seconds / PUSH_INTERVAL_S)):
            due = start + (k + 0.5) * PUSH_INTERVAL_S
            if (delay := due - loop.time()) > 0:
                await asyncio.sleep(delay)
            if await self._look_again(tally):
                await self._push(due, tally)
        await self._look_again(tally)

    async def _push(self, due: float, tally: Tally) -> None:
        loop = asyncio.get_running_loop()
        self.pushes += 1
        tally.pushes += 1
        base = self.briefs[PUSHED_BRIEF]
        edited = dataclasses.replace(
            base,
            summary=f"{base.summary} Update {self.pushes}: the desk is checking a new statement.",
            updated=datetime.now(UTC).replace(microsecond=0),
        )
        headers = {**self.auth, "Content-Type": "text/markdown; charset=utf-8", "If-Match": f'"{self.version}"'}
        turn = next(self._push_turns) % len(self.servers)
        url = f"{self.servers[turn].base}/api/briefs/{PUSHED_BRIEF}"
        try:
            async with self.session.put(url, data=brief_to_markdown(edited).encode(), headers=headers) as response:
                status, payload = response.status, await response.read()
        except (TimeoutError, aiohttp.ClientError) as error:
            kind = "timeout" if isinstance(error, TimeoutError) else type(error).__name__
            tally.push_errors[kind] += 1
            self.unanswered = self.version
            return
        if status in (200, 201):
            acked = loop.time()
            tally.push_ms.append((acked - due) * 1000)
            self.version = int(json.loads(payload)["version"])
            self.acks.append((acked, self.version, turn))
            for other in range(len(self.servers)):
                if other != turn:
                    self._following.append(asyncio.create_task(self._everywhere(other, self.version, acked, tally)))
            return
        tally.push_errors[f"HTTP {status}"] += 1
        tally.push_problems.append(f"push {self.pushes} (on v{self.version}): HTTP {status}: {payload[:200]!r}")
        if status == 412:
            self.version = int(json.loads(payload)["current_version"])

    async def _everywhere(self, replica: int, version: int, acked: float, tally: Tally) -> None:
        """Ask another replica about the pushed brief, one question after another, until it answers with ``version``;
        the time from the push's acknowledgement to that answer is the push-to-everywhere lag."""
        loop = asyncio.get_running_loop()
        question = next(question for question, brief_id in CHECKS if brief_id == PUSHED_BRIEF)
        url = f"{self.servers[replica].base}/api/ask"
        seen: int | None = None
        while loop.time() - acked < EVERYWHERE_TIMEOUT_S:
            try:
                async with self.session.get(url, params={"q": question}, headers=self.auth) as response:
                    data = await response.json() if response.status == 200 else {}
            except (TimeoutError, aiohttp.ClientError, ValueError):
                await asyncio.sleep(EVERYWHERE_RETRY_S)
                continue
            seen = (data.get("brief") or {}).get("version")
            if isinstance(seen, int) and seen >= version:
                tally.everywhere_ms.append((loop.time() - acked) * 1000)
                return
        tally.everywhere_problems.append(
            f"replica {replica + 1} still answered v{seen} {EVERYWHERE_TIMEOUT_S:g} s after v{version} was acknowledged"
        )

    async def settle(self) -> float:
        """Wait until the replicas are idle (see ``SETTLE_MAX_S``); the seconds waited."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.sleep(SETTLE_S)
        while loop.time() - start < SETTLE_MAX_S:
            before = self.cpu_seconds()
            await asyncio.sleep(IDLE_WINDOW_S)
            after = self.cpu_seconds()
            limit = IDLE_CPU_PCT * len(self.servers)
            if before is None or after is None or 100 * (after - before) / IDLE_WINDOW_S < limit:
                break
        return loop.time() - start

    async def healthz(self) -> str | None:
        """Why a replica's ``/healthz`` failed, or None."""
        for number, server in enumerate(self.servers, 1):
            name = f"replica {number}'s /healthz" if len(self.servers) > 1 else "/healthz"
            try:
                async with self.session.get(server.base + "/healthz") as response:
                    data = await response.json()
                    if response.status != 200 or data.get("ok") is not True:
                        return f"{name} answered HTTP {response.status}: {data}"
            except (TimeoutError, aiohttp.ClientError, ValueError) as error:
                return f"{name} failed: {type(error).__name__}: {error}"
        return None


def held(step: dict[str, Any]) -> bool:
    """p99 under the target, nothing failed, and (almost) the whole rate answered."""
    return (
        step["p99_ms"] is not None
        and step["p99_ms"] < P99_TARGET_MS
        and not step["errors"]
        and not step["wrong_answers"]
        and not step["everywhere_problems"]
        and step["ok_per_s"] >= HELD_SHARE * step["rate"]
    )


async def run(args: argparse.Namespace, cache: Path, workdir: Path, database: Any) -> list[dict[str, Any]]:
    """One replica on the TinyDB store, then (with ``--database``) the replicas on PostgreSQL; each one's figures."""
    questions = [q["text"] for q in json.loads((cache / "questions.json").read_text(encoding="utf-8"))]
    briefs = {item.brief.id: item.brief for item in load_brief_files([_samples()])}
    store = copy_store(cache, workdir)
    setups: list[tuple[str, int, Any]] = [("TinyDB", 1, None)]
    if database is not None:
        count, seconds = bench_database().fill(database, store)  # before the TinyDB replica pushes to the store
        _log(f"stored the latest version of {count:,} briefs in {database.shown} in {seconds:.1f} s")
        setups.append(("PostgreSQL", args.replicas, database))
    return [
        await run_setup(args, name, replicas, db, store, workdir, questions, briefs) for name, replicas, db in setups
    ]


def copy_store(cache: Path, workdir: Path) -> Path:
    """A copy of the cached store to serve (and push to)."""
    started = time.perf_counter()
    store = workdir / "store"
    # A snapshot names its shards' files (inode and change time included), which a copy changes: the first start
    # on the copy indexes every brief afresh and writes a snapshot of its own, which later starts use.
    shutil.copytree(cache / "store", store)
    _log(f"copied the store in {time.perf_counter() - started:.1f} s")
    return store


def replica_environments(
    name: str, replicas: int, database: Any, store: Path, workdir: Path, standin_url: str, token: str, secret: str
) -> list[dict[str, str]]:
    """Each replica's settings: the TinyDB store folder, or the database and a folder of its own for its outcomes."""
    if database is None:
        return [server_environment(store, standin_url, token, secret)]
    folders = [workdir / f"{name.lower()}-{number}" for number in range(1, replicas + 1)]
    return [server_environment(folder, standin_url, token, secret, database.url) for folder in folders]


async def start_servers(environments: Sequence[dict[str, str]], workdir: Path, name: str) -> list[Server]:
    """Start every replica at once, as a deploy would; if one fails, stop the others and say why."""
    tasks = [Server.start(env, workdir, f"{name.lower()}-{n}") for n, env in enumerate(environments, 1)]
    started = await asyncio.gather(*tasks, return_exceptions=True)
    servers = [server for server in started if isinstance(server, Server)]
    for failure in started:
        if isinstance(failure, BaseException):
            for server in servers:
                await server.stop()
            raise failure
    return servers


async def run_setup(
    args: argparse.Namespace,
    name: str,
    replicas: int,
    database: Any,
    store: Path,
    workdir: Path,
    questions: Sequence[str],
    briefs: dict[str, Brief],
) -> dict[str, Any]:
    """Start the stand-in and the replicas, load them step by step, stop them; every figure."""
    out: dict[str, Any] = {"setup": name, "replicas": replicas, "database": database.shown if database else None}
    out |= {"samples": len(briefs), "steps": [], "search": [], "problems": [], "push_notes": []}
    editor_token = secrets.token_urlsafe(24)
    signing_secret = secrets.token_hex(16)
    standin, standin_url, standin_calls = await start_slack_standin()
    try:
        environments = replica_environments(
            name, replicas, database, store, workdir, standin_url, editor_token, signing_secret
        )
        servers = await start_servers(environments, workdir, name)
        try:
            await load(args, out, servers, database, standin_url, editor_token, signing_secret, briefs, questions)
        finally:
            out["exit_status"] = [await server.stop() for server in servers]
    finally:
        await standin.cleanup()
    out["slack_api_calls"] = dict(standin_calls)
    out["server_log_errors"] = [line for server in servers for line in server.logged_errors()]
    for row in [*out["steps"], *out["search"]]:
        where = f"{name} {row['label']} {row['rate']:g}/s"
        out["problems"] += [f"{where}: {wrong}" for wrong in row["wrong_answers"]]
        out["problems"] += [f"{where}: {problem}" for problem in row["push_problems"]]
        out["problems"] += [f"{where}: {problem}" for problem in row["everywhere_problems"]]
        out["push_notes"] += [f"{where}: {note}" for note in row["push_notes"]]
        out["problems"] += [f"{where}: {kind} x{n}" for kind, n in row["errors"].items() if kind.startswith("HTTP 5")]
    if out["healthz"] is not None:
        out["problems"].append(f"{name}: {out['healthz']}")
    if any(status != 0 for status in out["exit_status"]):
        out["problems"].append(
            f"{name}: a server exited {out['exit_status']} on SIGTERM, not 0 (None: killed after a wait)"
        )
    if out["server_log_errors"]:
        out["problems"].append(f"{name}: the servers logged {len(out['server_log_errors'])} error lines")
    return out


async def load(
    args: argparse.Namespace,
    out: dict[str, Any],
    servers: Sequence[Server],
    database: Any,
    standin_url: str,
    editor_token: str,
    signing_secret: str,
    briefs: dict[str, Brief],
    questions: Sequence[str],
) -> None:
    """Warm the replicas up, run the steps and the search, and ask ``/healthz``; the figures go into ``out``."""
    out["server_ready_s"] = [server.ready_s for server in servers]
    out["server_rss_at_start_mib"] = [server.rss_mib() for server in servers]
    for server in servers:
        _log(f"{out['setup']}: server ready at {server.base} in {server.ready_s:.1f} s")
    connector = aiohttp.TCPConnector(limit=MAX_CONNECTIONS)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        other_cpu = database.cpu_seconds if database is not None else lambda: None
        driver = Driver(session, servers, standin_url, editor_token, signing_secret, briefs, other_cpu)
        warm = await driver.warm_up(questions)
        out["warm_up"] = {"checks": warm.checks, "errors": dict(warm.errors), "wrong_answers": warm.wrong}
        out["problems"] += [f"{out['setup']}, idle: {w}" for w in warm.wrong]
        out["problems"] += [f"{out['setup']}, idle: {kind} x{n}" for kind, n in warm.errors.items()]

        async def one(rate: float, label: str) -> dict[str, Any]:
            plan = make_plan(rate, args.seconds, questions, speed.SEED + round(rate))
            _log(f"{out['setup']}: {label} {rate:g}/s for {args.seconds:g} s ({len(plan)} requests)...")
            row = await driver.step(rate, args.seconds, plan) | {"label": label}
            row["held"] = held(row)
            p99 = "-" if row["p99_ms"] is None else f"{row['p99_ms']:.1f}"
            _log(f"  {row['ok_per_s']:.0f} ok/s, p99 {p99} ms, errors {row['errors'] or 0}, held {row['held']}")
            for server in servers:
                if not server.running():
                    raise SystemExit(f"a server exited ({server.process.returncode}):\n{_tail(server.log, 40)}")
            row["settle_s"] = await driver.settle()
            return row

        for rate in args.rates:
            out["steps"].append(await one(rate, "step"))
        out |= await search(out["steps"], args.search_probes, one)
        out["healthz"] = await driver.healthz()
        out["pushes_total"] = driver.pushes
        out["pushed_version"] = driver.version


async def search(
    steps: Sequence[dict[str, Any]], probes: int, one: Callable[[float, str], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """The highest rate held: bisection between the highest step held and the lowest step above it not held."""
    ordered = sorted(steps, key=lambda row: row["rate"])
    failed = next((row["rate"] for row in ordered if not row["held"]), None)
    low = max((row["rate"] for row in ordered if row["held"] and (failed is None or row["rate"] < failed)), default=0)
    rows: list[dict[str, Any]] = []
    if failed is None:
        return {"search": rows, "highest_held_rps": low, "highest_held_how": "every step held; none higher was tried"}
    high = failed
    while len(rows) < probes and high - low > SEARCH_RESOLUTION_RPS:
        middle = max(SEARCH_STEP_RPS, round((low + high) / 2 / SEARCH_STEP_RPS) * SEARCH_STEP_RPS)
        if not low < middle < high:
            break
        row = await one(middle, "search")
        rows.append(row)
        if row["held"]:
            low = middle
        else:
            high = middle
    how = f"bisection, {len(rows)} probe(s) of the step length" if rows else "the steps alone"
    return {"search": rows, "highest_held_rps": low, "lowest_not_held_rps": high, "highest_held_how": how}


# output


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "0"


def table(rows: Sequence[dict[str, Any]]) -> str:
    columns = [
        ("run", lambda r: r["label"]),
        ("rate/s", lambda r: f"{r['rate']:g}"),
        ("requests", lambda r: str(r["requests"])),
        ("ok/s", lambda r: f"{r['ok_per_s']:.1f}"),
        ("p50 ms", lambda r: _ms(r["p50_ms"])),
        ("p99 ms", lambda r: _ms(r["p99_ms"])),
        ("max ms", lambda r: _ms(r["max_ms"])),
        ("errors", lambda r: _counts(r["errors"])),
        ("checks ok", lambda r: f"{r['checks'] - len(r['wrong_answers'])}/{r['checks']}"),
        ("pushes ok", lambda r: f"{r['pushes_ok']}/{r['pushes']}"),
        ("push p50", lambda r: _ms(r["push_p50_ms"])),
        ("push p99", lambda r: _ms(r["push_p99_ms"])),
        ("everywhere p50", lambda r: _ms(r["everywhere_p50_ms"])),
        ("everywhere p99", lambda r: _ms(r["everywhere_p99_ms"])),
        ("lag p99", lambda r: _ms(r["lag_p99_ms"])),
        ("server cpu", lambda r: _pct(r["server_cpu_pct"])),
        ("cpu wait", lambda r: _pct(r["server_cpu_wait_pct"])),
        ("db cpu", lambda r: _pct(r["database_cpu_pct"])),
        ("held", lambda r: "yes" if r["held"] else "no"),
    ]
    # the push-to-everywhere lag with one replica, and the database's CPU without a throwaway server, are not known
    unknown = {
        name for name in ("everywhere p50", "everywhere p99", "db cpu") if all(_row_lacks(r, name) for r in rows)
    }
    columns = [column for column in columns if column[0] not in unknown]
    lines = [[name for name, _ in columns]] + [[cell(row) for _, cell in columns] for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    rendered = ["  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    rendered.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(rendered)


def _row_lacks(row: dict[str, Any], column: str) -> bool:
    key = {"everywhere p50": "everywhere_p50_ms", "everywhere p99": "everywhere_p99_ms", "db cpu": "database_cpu_pct"}
    return row[key[column]] is None


def report(out: dict[str, Any]) -> str:
    rows = [*out["steps"], *out["search"]]
    replicas = "one replica" if out["replicas"] == 1 else f"{out['replicas']} replicas"
    where = out["database"] or "the store folder, as by default"
    lines = [
        f"== {out['setup']}: {replicas} of briefbot serve slack, on {where} ==",
        table(rows),
        "",
        "ok/s: 2xx answers per second; p50/p99/max: ms from when each request was due to its whole answer (2xx only);",
        f"push p50/p99: ms per PUT /api/briefs/{PUSHED_BRIEF} (one a second, to the replicas in turn); lag p99: ms "
        "this client sent late.",
        *(
            [
                "everywhere p50/p99: ms from a push's acknowledgement by one replica to the other replica answering "
                "with that version (asked one question after another until it did)."
            ]
            if out["replicas"] > 1
            else []
        ),
        "by route, p50/p99 ms: "
        + "; ".join(
            f"{row['label']} {row['rate']:g}/s slash {_ms(row['by_kind']['slash']['p50_ms'])}/"
            f"{_ms(row['by_kind']['slash']['p99_ms'])} api {_ms(row['by_kind']['api']['p50_ms'])}/"
            f"{_ms(row['by_kind']['api']['p99_ms'])}"
            for row in rows
        ),
        "server cpu: its CPU time over the run's wall time (replicas added up); cpu wait: the time its event loop was "
        "ready to run but waiting for a CPU (another process had it); db cpu: the PostgreSQL server's processes.",
        "this client's CPU (and cpu wait): "
        + ", ".join(
            f"{row['rate']:g}/s {row['client_cpu_pct']:.0f}% ({_pct(row['client_cpu_wait_pct'])})" for row in rows
        )
        + "; server RSS MiB after each run: "
        + ", ".join(f"{row['rate']:g}/s {row['server_rss_mib']:.0f}" for row in rows if row["server_rss_mib"]),
        "",
        f"highest rate held with p99 < {P99_TARGET_MS:g} ms, no errors and >= {HELD_SHARE:.0%} of the rate answered: "
        f"{out['highest_held_rps']:g}/s ({out['highest_held_how']}"
        + (f"; not held at {out['lowest_not_held_rps']:g}/s)" if "lowest_not_held_rps" in out else ")"),
        f"servers ready in {', '.join(f'{s:.1f}' for s in out['server_ready_s'])} s"
        + (
            " (the first start on a copy of the store: indexed afresh)"
            if out["database"] is None
            else " (from the database)"
        ),
        f"pushes: {out['pushes_total']} made, the brief ended at v{out['pushed_version']}; "
        f"/healthz at the end: {out['healthz'] or 'ok'}; exit status on SIGTERM: {out['exit_status']}",
        *([f"pushes with no answer ({len(out['push_notes'])}):"] if out["push_notes"] else []),
        *(f"  {note}" for note in out["push_notes"]),
        f"server log: {len(out['server_log_errors'])} error lines",
        *(f"  {line}" for line in out["server_log_errors"][:LOG_LINES_SHOWN]),
    ]
    return "\n".join(lines)


def summary(results: Sequence[dict[str, Any]]) -> str:
    """The figures side by side, and every problem."""
    lines = ["", f"side by side (push and everywhere: over the steps held with p99 < {P99_TARGET_MS:g} ms, else all):"]
    for out in results:
        rows = [row for row in [*out["steps"], *out["search"]] if row["held"]] or [*out["steps"], *out["search"]]
        pushes = [ms for row in rows for ms in row["push_ms"]]
        everywhere = [ms for row in rows for ms in row["everywhere_ms"]]
        spread = f", push to everywhere p50 {_ms(percentile(everywhere, 50))} / p99 {_ms(percentile(everywhere, 99))} "
        lines.append(
            f"  {out['setup']} x{out['replicas']}: held {out['highest_held_rps']:g}/s; push p50 "
            f"{_ms(percentile(pushes, 50))} / p99 {_ms(percentile(pushes, 99))} ms ({len(pushes)} pushes)"
            + (f"{spread}ms ({len(everywhere)})" if out["replicas"] > 1 else "")
        )
    problems = [problem for out in results for problem in out["problems"]]
    if problems:
        lines += ["", f"problems ({len(problems)}):", *(f"  {p}" for p in problems[:20])]
    else:
        lines += ["", "problems: none (every check answered right, every push 2xx, healthy, exit 0)"]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--rates", default=",".join(map(str, DEFAULT_RATES)), help="requests per second, comma-separated"
    )
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS, help="length of each step (default 10)")
    parser.add_argument("--briefs", type=int, default=DEFAULT_BRIEFS, help="generated briefs besides the samples")
    parser.add_argument(
        "--search-probes",
        type=int,
        default=DEFAULT_SEARCH_PROBES,
        help="extra steps to narrow down the highest rate held (default 3; 0: the steps alone)",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="also run --replicas replicas on PostgreSQL, after the one on TinyDB: 'temp' (a throwaway server from "
        "this machine's binaries) or postgresql://user:password@host/db (an empty database)",
    )
    parser.add_argument(
        "--replicas", type=int, default=DEFAULT_REPLICAS, help="replicas on the database (default 2; needs --database)"
    )
    parser.add_argument(
        "--starts",
        type=int,
        default=0,
        help="instead of the load: start a replica on the database this many times and time it (needs --database)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the store again instead of reusing it")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    try:
        args.rates = sorted({float(r) for r in args.rates.split(",") if r.strip()})
    except ValueError:
        parser.error("--rates: expected comma-separated numbers, e.g. 50,200,500")
    if not args.rates or min(args.rates) <= 0:
        parser.error("--rates: every rate must be above 0")
    if args.seconds < PUSH_INTERVAL_S:
        parser.error(f"--seconds: at least {PUSH_INTERVAL_S:g}")
    if args.briefs < 0 or args.search_probes < 0 or args.starts < 0:
        parser.error("--briefs, --search-probes and --starts: 0 or more")
    if args.replicas < 1:
        parser.error("--replicas: 1 or more")
    if args.database is None and (args.starts or args.replicas != DEFAULT_REPLICAS):
        parser.error("--replicas and --starts: they run on a database; add --database temp (or a URL)")
    return args


def shown_command(argv: Sequence[str] | None) -> str:
    """The command as run, with a database URL's password hidden."""
    words = list(sys.argv if argv is None else [__file__, *argv])
    for i, word in enumerate(words):
        if word.startswith("--database="):
            words[i] = "--database=" + redacted(word.split("=", 1)[1])
        elif i > 0 and words[i - 1] == "--database":
            words[i] = redacted(word)
    return shlex.join([sys.executable, *words])


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command = shown_command(argv)
    load_before = os.getloadavg()
    cache = cached_store(args.briefs, args.rebuild)
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="briefbot-load-")))
        database = None if args.database is None else stack.enter_context(bench_database().opened(args.database))
        if args.starts:
            return starts(args, cache, tmp, database, command, load_before)
        results = asyncio.run(run(args, cache, tmp, database))
    facts = {
        "command": command,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "aiohttp": aiohttp.__version__,
        "bot_code_sha1": speed.code_fingerprint(),
        "seed": speed.SEED,
        "briefs": f"{results[0]['samples']} samples + {args.briefs:,} generated",
        "load average (1, 5, 15 min) before": " ".join(f"{x:.2f}" for x in load_before),
        "load average after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    print("\n".join(f"{key}: {value}" for key, value in facts.items()))
    print("loopback only; the load generator, every replica and the database share this machine's CPUs\n")
    print("\n\n".join(report(out) for out in results))
    print(summary(results))
    if args.json:
        payload = {"benchmark": "load", **facts, "p99_target_ms": P99_TARGET_MS}
        payload |= results[0] if len(results) == 1 else {"setups": results}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 1 if any(out["problems"] for out in results) else 0


async def time_starts(times: int, store: Path, workdir: Path, database: Any) -> dict[str, list[float]]:
    """Each start's seconds to serving, on the database and on the TinyDB store; the database read alone."""
    standin, standin_url, _ = await start_slack_standin()
    token, secret = secrets.token_urlsafe(24), secrets.token_hex(16)
    ready: dict[str, list[float]] = {"PostgreSQL": [], "TinyDB": [], "read": [], "one by one": []}
    try:
        for n in range(1, times + 1):
            on_database = server_environment(workdir / f"start-{n}", standin_url, token, secret, database.url)
            on_folder = server_environment(store, standin_url, token, secret)
            for key, env in (("PostgreSQL", on_database), ("TinyDB", on_folder)):
                server = await Server.start(env, workdir, f"start-{key.lower()}-{n}")
                if await server.stop() != 0:
                    raise SystemExit(f"a replica did not exit 0 on SIGTERM:\n{_tail(server.log, 40)}")
                ready[key].append(server.ready_s)
            ready["read"].append(bench_database().read_every_brief(database.url)[1])
            ready["one by one"].append(bench_database().read_every_brief(database.url, ahead=False)[1])
            _log(f"start {n}: " + ", ".join(f"{key} {values[-1]:.2f} s" for key, values in ready.items()))
    finally:
        await standin.cleanup()
    return ready


def starts(
    args: argparse.Namespace, cache: Path, workdir: Path, database: Any, command: str, load_before: tuple[float, ...]
) -> int:
    """``--starts N``: a replica started N times on the database filled with the briefs (and, beside it, on the
    TinyDB store from its snapshot), timed to the line saying it serves; and the database read alone, N times."""
    store = copy_store(cache, workdir)
    count, seconds = bench_database().fill(database, store)
    _log(f"stored the latest version of {count:,} briefs in {database.shown} in {seconds:.1f} s")
    ready = asyncio.run(time_starts(args.starts, store, workdir, database))
    print(f"command: {command}")
    print(f"briefs: {count:,} in {database.shown}; cpus: {os.cpu_count()}; python {sys.version.split()[0]}")
    print(f"load average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_before)}; after: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    what = {
        "PostgreSQL": "a replica on the database, from its start to serving",
        "TinyDB": "a replica on the TinyDB store, to serving (the first indexes the copy afresh, later ones start from "
        "its snapshot)",
        "read": "opening the store on the database and taking in every brief's latest version, alone",
        "one by one": "the same with one query per brief (as a start read them before reading ahead)",
    }
    for key, values in ready.items():
        print(f"{what[key]}: median {statistics.median(values):.2f} s ({', '.join(f'{v:.2f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
