"""Hostile input: brief files and request bodies built to crash, stall or bloat briefbot, sent through every door.

What it does
------------
It builds a fixed set of hostile inputs (see ``cases()``: YAML alias bombs, deep nesting, huge
fields, thousands of fields and tags, binary junk, invalid UTF-8, byte-order marks, NUL bytes,
CRLF and CR line ends, front matter without an end, repeated fields, every field with the wrong
type, very long lines, control and bidi characters in ids, dates out of range, numbers Python
will not read, lone surrogates, pathological Markdown, and their JSON twins) and sends each one:

- ``import``: ``briefbot --store S import FILE``, a new process each time, over one store;
- ``push``: ``briefbot --store S push --force FILE`` to the same local store;
- ``put yaml`` / ``put json``: ``PUT /api/briefs/ID?force=true`` as ``text/markdown`` or
  ``application/json`` to a real ``briefbot serve`` started by this script on 127.0.0.1
  (a free port, its own store, one editor's token);
- ``chat edit``: the edit form every chat surface uses (``bot.editing.apply_edit``), in this
  process, with hostile form values.

For each it records the outcome: a clean error (exit 1 with a message, or a 4xx JSON error), an
accept (exit 0 or 2xx), or a crash (a traceback, any other exit status, a 5xx, a timeout, a
dropped connection, or an ERROR line in the server's log while it was handled); the time it took
(for the commands, a whole process start to end); and the peak memory of the process that handled
it (the server's ``VmHWM``, reset before each request through ``/proc/PID/clear_refs``; a command's
``ru_maxrss``). Meanwhile a process of its own asks the server's ``GET /healthz`` every 50 ms;
the slowest answer is reported with the input being sent at the time. The budget is 2 s and
200 MB for each input, and ``/healthz`` under 100 ms throughout. Only 127.0.0.1 is used; every
request and command has a timeout, and the run stops after ``--max-seconds``.

Last, what was accepted is read back (``GET /api/briefs``, ``/api/ask``, each accepted brief and
its history, ``briefbot list --all`` and ``ask``): an accepted input must not break reading.

Run (from the repository root, with briefbot installed in the interpreter's environment)::

    .venv/bin/python bench/hostile.py
    .venv/bin/python bench/hostile.py --only alias --channels "put yaml,put json"
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import httpx

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from hostile_cases import EDIT_CASES, Case, cases  # noqa: E402  (a sibling file, not a package)

from bot.editing import apply_edit  # noqa: E402
from bot.errors import BriefError  # noqa: E402
from bot.newsroom import Asker, Newsroom, sample_briefs_path  # noqa: E402
from bot.store import TinyStore  # noqa: E402

T = TypeVar("T")
HOST = "127.0.0.1"
TOKEN = "hostile-bench-token-0123456789"
EDITOR = "Hostile Bench"
TIME_BUDGET_S = 2.0
MEMORY_BUDGET_MB = 200.0
HEALTHZ_BUDGET_MS = 100.0
HEALTHZ_EVERY_S = 0.05
REQUEST_TIMEOUT_S = 30.0
COMMAND_TIMEOUT_S = 60.0
COMMAND_NICENESS = 10
"""The commands run at a lower priority, so this script's own processes do not take the server's CPU from it."""
DEFAULT_MAX_SECONDS = 1200.0
CHANNELS = ("import", "push", "put yaml", "put json", "chat edit", "read back")
READY = re.compile(r"briefbot serving .* on http://([\d.]+):(\d+)")


@dataclass
class Result:
    """What one input did through one channel."""

    case: str
    channel: str
    outcome: str  # "clean", "accepted" or "crash"
    seconds: float
    memory_mb: float
    detail: str = ""


def _poll_healthz(port: int, stop: EventType, out: Connection) -> None:
    """Ask ``/healthz`` every 50 ms until stopped; in a process of its own, so the sender's work never delays it."""
    polls: list[tuple[float, float, str]] = []
    while not stop.wait(HEALTHZ_EVERY_S):
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
            connection.request("GET", "/healthz")
            answer = str(connection.getresponse().status)
            connection.close()
        except OSError as error:
            answer = repr(error)
        polls.append((started, (time.monotonic() - started) * 1000, answer))
    out.send(polls)


@dataclass
class Health:
    """``/healthz`` answers while inputs were sent: the slowest, how many were slow or failed, and during what."""

    port: int
    sent: list[tuple[float, float, str]] = field(default_factory=list)
    """(start, end, name) of each send, on the monotonic clock the poller shares."""
    polls: list[tuple[float, float, str]] = field(default_factory=list)

    def __enter__(self) -> Health:
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._results, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_poll_healthz, args=(self.port, self._stop, sender), daemon=True)
        self._process.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.polls = self._results.recv()
        self._process.join(timeout=10)

    def send(self, name: str, send: Callable[[], T]) -> T:
        """Run one send, noting when, so a slow answer can name what the server was busy with."""
        started = time.monotonic()
        try:
            return send()
        finally:
            self.sent.append((started, time.monotonic(), name))

    def polls_during(self, channel: str) -> list[tuple[float, str]]:
        """Each poll that overlapped a send through ``channel`` (all of them for "all"): its latency and the send."""
        found = []
        for asked, latency, _ in self.polls:
            answered = asked + latency / 1000
            names = [
                n
                for start, end, n in self.sent
                if start <= answered and asked <= end and channel in ("all", _channel(n))
            ]
            if names:
                found.append((latency, ", ".join(names)))
        return found

    @property
    def failures(self) -> list[str]:
        return [f"/healthz answered {answer}" for _, _, answer in self.polls if answer != "200"]


def _channel(send_name: str) -> str:
    return next(channel for channel in CHANNELS if send_name.startswith(channel))


class Server:
    """``briefbot serve`` on 127.0.0.1 with a free port, its log in a file, its peak memory from /proc."""

    def __init__(self, store: Path, log: Path) -> None:
        env = _clean_env() | {"BRIEFBOT_API_TOKENS": f"{EDITOR}={TOKEN}"}
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [_briefbot(), "--store", str(store), "serve", "--host", HOST, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        found = READY.search(line)
        if found is None:
            raise SystemExit(f"the server did not start: {line!r}; see {log}")
        self.port = int(found[2])

    def reset_peak(self) -> None:
        """Forget the peak memory so far (Linux: writing 5 to clear_refs resets VmHWM)."""
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def peak_mb(self) -> float:
        """The peak resident memory since the last reset, in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        found = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(found[1]) / 1024 if found else float("nan")

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as file:
            file.seek(offset)
            return file.read().decode("utf-8", "replace")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        finally:
            self._log.close()


def _briefbot() -> str:
    return shutil.which("briefbot", path=str(Path(sys.executable).parent)) or "briefbot"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "SLACK_", "DISCORD_"))}


def run_command(store: Path, args: Sequence[str], case: str, channel: str) -> Result:
    """One ``briefbot`` command in a new process: its outcome, wall time and peak memory (ru_maxrss)."""
    env = _clean_env() | {"BRIEFBOT_EDITOR": EDITOR}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [_briefbot(), "--store", str(store), *args],
            stdout=out,
            stderr=err,
            env=env,
            preexec_fn=partial(os.nice, COMMAND_NICENESS),  # this script starts no threads
        )
        deadline = started + COMMAND_TIMEOUT_S
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                return Result(case, channel, "crash", time.perf_counter() - started, usage.ru_maxrss / 1024, "timeout")
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    code = process.returncode
    memory = usage.ru_maxrss / 1024
    if "Traceback" in stderr or code not in (0, 1) or (code == 1 and not stderr.strip()):
        return Result(case, channel, "crash", seconds, memory, f"exit {code}: {stderr.strip()[-300:]}")
    return Result(case, channel, "accepted" if code == 0 else "clean", seconds, memory, stderr.strip()[:200])


def put(client: httpx.Client, server: Server, case: Case, json_body: bool) -> Result:
    """One ``PUT /api/briefs/ID`` of a case's file or JSON body."""
    channel = "put json" if json_body else "put yaml"
    content = case.json if json_body else case.file
    assert content is not None
    kind = "application/json" if json_body else "text/markdown"
    offset = server.log_size()
    server.reset_peak()
    started = time.perf_counter()
    try:
        response = client.put(
            f"/api/briefs/{quote(case.brief_id, safe='')}?force=true",
            content=content,
            headers={"Content-Type": kind, "Authorization": f"Bearer {TOKEN}"},
        )
    except httpx.HTTPError as error:
        return Result(case.name, channel, "crash", time.perf_counter() - started, server.peak_mb(), repr(error))
    seconds = time.perf_counter() - started
    memory = server.peak_mb()
    logged = server.log_since(offset)
    message = _message(response)
    if response.status_code >= 500 or " ERROR " in logged or "Traceback" in logged:
        return Result(case.name, channel, "crash", seconds, memory, f"{response.status_code} {message} {logged[-300:]}")
    if response.status_code < 300:
        return Result(case.name, channel, "accepted", seconds, memory, message)
    if response.status_code >= 400 and message:
        return Result(case.name, channel, "clean", seconds, memory, f"{response.status_code} {message}")
    return Result(case.name, channel, "crash", seconds, memory, f"{response.status_code} with no error message")


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    return str(data.get("error") or data.get("id") or "")[:200] if isinstance(data, dict) else ""


def chat_edit(newsroom: Newsroom, name: str, values: dict[str, str]) -> Result:
    """One edit form with hostile values applied to a sample brief, in this process."""
    base = newsroom.show("kremlin-open-to-putin-trump-meeting", Asker(EDITOR, is_editor=True)).brief
    Path("/proc/self/clear_refs").write_text("5")
    started = time.perf_counter()
    try:
        apply_edit(base, values, editor=EDITOR, now=datetime.now(UTC), origin="chat edit")
        outcome, detail = "accepted", ""
    except BriefError as error:
        outcome, detail = "clean", str(error)[:200]
    except Exception as error:  # a crash is what this script looks for
        outcome, detail = "crash", repr(error)[:300]
    seconds = time.perf_counter() - started
    found = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return Result(name, "chat edit", outcome, seconds, int(found[1]) / 1024 if found else float("nan"), detail)


def read_back(
    client: httpx.Client, server: Server, cli_store: Path, accepted: Sequence[str], health: Health
) -> list[Result]:
    """After the inputs: what was accepted must not break reading. List, ask and each accepted brief's history."""
    checks: list[tuple[str, str]] = [("list", "/api/briefs"), ("ask", "/api/ask?q=hostile%20brief")]
    for brief_id in accepted:
        checks += [(f"show {brief_id}", f"/api/briefs/{quote(brief_id, safe='')}")]
        checks += [(f"history {brief_id}", f"/api/briefs/{quote(brief_id, safe='')}/history")]
    results = []
    for name, path in checks:
        results.append(health.send(f"read back {name}", partial(_read_one, client, server, name, path)))
    for args in (["list", "--all"], ["ask", "hostile brief"]):
        name = " ".join(args)
        results.append(health.send(f"read back {name}", partial(run_command, cli_store, args, name, "read back")))
    return results


def _read_one(client: httpx.Client, server: Server, name: str, path: str) -> Result:
    offset = server.log_size()
    server.reset_peak()
    started = time.perf_counter()
    try:
        response = client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        status, detail = response.status_code, _message(response)
    except httpx.HTTPError as error:
        status, detail = 599, repr(error)
    seconds = time.perf_counter() - started
    logged = server.log_since(offset)
    crashed = status >= 500 or " ERROR " in logged or "Traceback" in logged
    outcome = "crash" if crashed else "accepted" if status < 300 else "clean"
    return Result(name, "read back", outcome, seconds, server.peak_mb(), f"{status} {detail} {logged}")


def report(results: list[Result], health: Health, untried: int) -> int:
    """Print the table and the problems; 1 if anything crashed or went over a budget."""
    header = ("channel", "tried", "clean", "accepted", "crashes", "worst time", "worst memory", "worst /healthz")
    print("\n{:10} {:>6} {:>6} {:>8} {:>7} {:>11} {:>13} {:>15}".format(*header))
    for channel in [*CHANNELS, "all"]:
        rows = [r for r in results if channel in ("all", r.channel)]
        if not rows:
            continue
        counts = {kind: sum(r.outcome == kind for r in rows) for kind in ("clean", "accepted", "crash")}
        polls = health.polls_during(channel)
        print(
            f"{channel:10} {len(rows):6} {counts['clean']:6} {counts['accepted']:8} {counts['crash']:7} "
            f"{max(r.seconds for r in rows):10.2f}s {max(r.memory_mb for r in rows):10.0f} MB "
            f"{max((latency for latency, _ in polls), default=0):12.0f} ms"
        )
    print(f"\n{len({r.case for r in results if r.channel != 'read back'})} distinct inputs; /healthz asked "
          f"{len(health.polls)} times, every {HEALTHZ_EVERY_S * 1000:.0f} ms")  # fmt: skip
    for channel in CHANNELS:
        rows = [r for r in results if r.channel == channel]
        if rows:
            slowest = max(rows, key=lambda r: r.seconds)
            heaviest = max(rows, key=lambda r: r.memory_mb)
            latency, during = max(health.polls_during(channel), default=(0.0, "nothing"))
            print(f"  {channel}: slowest {slowest.case} ({slowest.seconds:.2f} s), heaviest {heaviest.case} "
                  f"({heaviest.memory_mb:.0f} MB), slowest /healthz {latency:.0f} ms during {during}")  # fmt: skip
    accepted = sorted({r.case for r in results if r.outcome == "accepted" and r.channel != "read back"})
    print(f"\naccepted somewhere ({len(accepted)}): {', '.join(accepted)}")
    problems = [r for r in results if r.outcome == "crash"]
    problems += [r for r in results if r.outcome != "crash" and r.memory_mb > MEMORY_BUDGET_MB]
    problems += [r for r in results if r.outcome != "crash" and r.seconds > TIME_BUDGET_S]
    for result in problems:
        print(f"PROBLEM {result.channel} {result.case}: {result.outcome}, {result.seconds:.2f} s, "
              f"{result.memory_mb:.0f} MB: {result.detail}")  # fmt: skip
    slow = [(latency, during) for latency, during in health.polls_during("all") if latency > HEALTHZ_BUDGET_MS]
    for latency, during in slow:
        print(f"PROBLEM /healthz took {latency:.0f} ms during {during}")
    for failure in health.failures[:10]:
        print(f"PROBLEM {failure}")
    if untried:
        print(f"PROBLEM {untried} sends not tried: the run reached --max-seconds")
    return 1 if problems or slow or health.failures or untried else 0


def main() -> None:
    """Send every hostile input through every channel and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", default="", help="only cases whose name contains this")
    parser.add_argument("--channels", default=",".join(CHANNELS), help="comma-separated, from: " + ", ".join(CHANNELS))
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (stores, files, server log)")
    options = parser.parse_args()
    channels = [c.strip() for c in options.channels.split(",") if c.strip()]
    chosen = [case for case in cases() if options.only in case.name]
    edits = [(name, values) for name, values in EDIT_CASES if options.only in name]
    work = Path(tempfile.mkdtemp(prefix="briefbot-hostile-"))
    print(f"{len(chosen)} inputs and {len(edits)} edit forms through {', '.join(channels)}; work folder {work}")
    cli_store, files = work / "cli-store", work / "files"
    files.mkdir()
    warm = files / "warm.md"
    warm.write_bytes(b"---\nid: warm-up\ntitle: Warm up\nsummary: A valid brief.\nupdated: 2026-11-24T08:15:00Z\n---\n")
    run_command(cli_store, ["import", str(warm)], "warm-up", "import")  # the first use imports the samples
    server = Server(work / "serve-store", work / "server.log")
    health = Health(server.port)
    results: list[Result] = []
    sends: list[tuple[str, Callable[[], Result]]] = []
    with health, httpx.Client(base_url=f"http://{HOST}:{server.port}", timeout=REQUEST_TIMEOUT_S) as client:
        for number, case in enumerate(chosen):
            if case.file is not None:
                for channel in ("import", "push"):
                    if channel in channels:
                        path = files / f"{number:03d}-{channel}.md"
                        path.write_bytes(case.file)
                        args = ["import", str(path)] if channel == "import" else ["push", "--force", str(path)]
                        send = partial(run_command, cli_store, args, case.name, channel)
                        sends.append((f"{channel} {case.name}", send))
                if "put yaml" in channels:
                    sends.append((f"put yaml {case.name}", partial(put, client, server, case, json_body=False)))
            if case.json is not None and "put json" in channels:
                sends.append((f"put json {case.name}", partial(put, client, server, case, json_body=True)))
        if "chat edit" in channels and edits:
            newsroom = Newsroom(TinyStore(None), samples=sample_briefs_path())
            sends += [(f"chat edit {name}", partial(chat_edit, newsroom, name, values)) for name, values in edits]
        deadline = time.monotonic() + options.max_seconds
        for name, send in sends:
            if time.monotonic() > deadline:
                break
            results.append(health.send(name, send))
            if len(results) % 50 == 0:
                print(f"  {len(results)} of {len(sends)} sent", file=sys.stderr, flush=True)
        by_name = {case.name: case.brief_id for case in chosen}
        accepted = sorted({by_name[r.case] for r in results if r.outcome == "accepted" and r.case in by_name})
        untried = len(sends) - len(results)
        results += read_back(client, server, cli_store, accepted, health)
    code = server.stop()
    status = report(results, health, untried)
    if code != 0:
        print(f"PROBLEM the server exited {code} on SIGTERM")
        status = 1
    if options.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(status)


if __name__ == "__main__":
    main()
