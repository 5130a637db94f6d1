"""Corruption suite: 42 kinds of damage to a store, and what ``ask``, ``serve`` and ``check`` do about each.

What it does
------------
A pristine store is built with the installed ``briefbot`` command: the sample briefs imported, the
Kremlin brief (the *target*) pushed to v3 (a copy of its v1 shard kept), a channel following it, a
question logged, and a snapshot. For each kind of damage, and for each command, a fresh copy of it is
settled (its snapshot written again, as a copy gives every file a new inode) and damaged, then:

- ``ask``: ``briefbot ask --json -`` with a question about the target and one about another brief
  (the *control*). Each answer is compared (status, brief, version, bottom line, alternatives) with
  the answer before the damage and with the *truth*: the same questions answered from the damaged
  shards alone (snapshot removed, in process). ``same``: both as before. ``reported``: an answer
  changed to what the shards now hold (the target unavailable or gone, an older version) and the
  command warned, naming the file. ``SILENT``: an answer changed without a warning, or to something
  the shards do not hold. ``CRASH``: a traceback, or an exit status other than 0.
- ``serve``: ``briefbot serve`` (the editors' API) on 127.0.0.1, port 0: whether it starts, what
  ``/healthz`` says (``ok``, or ``degraded`` with the unavailable ids) and whether ``/api/ask``
  answers the control question as before. ``OUTAGE`` when it does not start or the control fails.
- ``check``: ``briefbot check``: ``found`` when it exits 1 with a line naming the damaged file,
  ``MISSED`` otherwise; then ``briefbot check --repair`` on that copy: its exit status, and whether
  a check afterwards passes.

The 300 random bit flips are one row: each flip is answered in process (a CLI run each would take
minutes) and checked with ``bot.checking``; ``serve`` meets the first flip. "read-only folder" runs
every command without the right to write (as root, with ``setpriv`` dropping the capabilities that
override file permissions); "full disk" runs them with a 64 KiB limit on file size
(``RLIMIT_FSIZE``), after an import refused partway by the same limit.

Goal: no ``SILENT``, no ``OUTAGE``, no ``CRASH``, no ``MISSED``.

Run (from the repository root, about a minute)::

    .venv/bin/python bench/corruption.py
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from bot.answers import answer_to_json
from bot.checking import check_store
from bot.newsroom import Asker, Newsroom
from bot.store import FOLLOWS_FILE, JOURNAL_FILE, QUESTIONS_FILE, SHARD_DIR, SNAPSHOT_FILE, TinyStore

REPO = Path(__file__).resolve().parents[1]
BRIEFBOT = str(Path(sys.executable).with_name("briefbot"))
TARGET = "kremlin-open-to-putin-trump-meeting"
CONTROL = "fed-rate-outlook-november"
QUESTIONS = ("latest Kremlin stance on a Trump meeting", "Fed minutes split over a December rate cut")
TOKEN = "corruption-suite-token-0123"
SHARD = f"{SHARD_DIR}/{TARGET}.json"
BIT_FLIPS = 300
SEED = 13
FILE_LIMIT = 64 * 1024


@dataclass(frozen=True)
class Damage:
    """One kind of damage: what it is, the file ``check`` must name, how to do it, and how to run the commands."""

    name: str
    where: str
    apply: Callable[[Path, Path], object]
    """Damage the store (first argument); the second is a folder of extras made with the pristine store."""
    env: str = ""
    """"readonly" or "fulldisk": the commands run without the right to write, or with a file size limit."""


# damage, one function each


def cut(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def edit_shard(root: Path, change: Callable[[dict[str, Any]], object]) -> None:
    path = root / SHARD
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["_default"])
    path.write_text(json.dumps(data), encoding="utf-8")


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as file:
        file.write(data)


def rename(root: Path, name: str) -> None:
    (root / SHARD).rename(root / SHARD_DIR / name)


def stray(root: Path, name: str, text: str) -> None:
    (root / SHARD_DIR / name).write_text(text, encoding="utf-8")


def old_temporary(root: Path) -> None:
    path = root / SHARD_DIR / f".{TARGET}.json.x7k2.tmp"
    path.write_bytes((root / SHARD).read_bytes()[:100])
    os.utime(path, (0, 0))


def staged_import(root: Path, extras: Path, *, committed: bool) -> None:
    """What an import of two new briefs killed before (or after) its commit leaves."""
    folder = root / "staging" / "1-1"
    folder.mkdir(parents=True)
    for shard in (extras / "wire").iterdir():
        shutil.copy(shard, folder / shard.name)
    os.utime(folder, (0, 0))
    if committed:
        lines = "".join(json.dumps({"id": p.stem, "version": 1}) + "\n" for p in (extras / "wire").iterdir())
        (folder / "COMMIT").write_text(lines, encoding="utf-8")
        first = sorted(folder.glob("*.json"))[0]
        first.rename(root / SHARD_DIR / first.name)  # killed after moving one shard of two


def edit_snapshot(root: Path) -> None:
    path = root / SNAPSHOT_FILE
    data = path.read_bytes()
    true = b"The Kremlin's stance as of version 3."
    path.write_bytes(data.replace(true, b"EVIL ALTERED TEXT, NOT THE BRIEF!!!!."))


def read_only(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def full_disk_import(root: Path, extras: Path) -> None:
    done = subprocess.run(
        [BRIEFBOT, "--store", str(root), "import", str(extras / "big-import")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=limit_files,
    )
    stored = list((root / SHARD_DIR).glob("import-*.json"))
    if done.returncode != 1 or "nothing was stored" not in done.stderr or stored:
        raise SystemExit(f"the import on a full disk was not refused whole: {done.stderr} {stored}")


DAMAGES = [
    Damage("shard truncated to half", SHARD, lambda r, x: cut(r / SHARD, 0.5)),
    Damage("shard emptied (0 bytes)", SHARD, lambda r, x: (r / SHARD).write_bytes(b"")),
    Damage("shard: last 10 bytes cut", SHARD, lambda r, x: cut(r / SHARD, 1 - 10 / (r / SHARD).stat().st_size)),
    Damage("shard: valid JSON, a list", SHARD, lambda r, x: (r / SHARD).write_text("[1, 2, 3]")),
    Damage("shard: records of the wrong shape", SHARD, lambda r, x: edit_shard(r, lambda t: t.update({"1": [1]}))),
    Damage("shard: a version missing (v2 of 3)", SHARD, lambda r, x: edit_shard(r, lambda t: t.pop("2"))),
    Damage("shard: v3 based on v1", SHARD, lambda r, x: edit_shard(r, lambda t: t["3"].update(parent=1))),
    Damage(
        "shard: another brief copied over it",
        SHARD,
        lambda r, x: shutil.copy(r / SHARD_DIR / f"{CONTROL}.json", r / SHARD),
    ),
    Damage("shard: not UTF-8", SHARD, lambda r, x: (r / SHARD).write_bytes(b"\xff\xfe" + (r / SHARD).read_bytes())),
    Damage("shard: JSON nested 100,000 deep", SHARD, lambda r, x: (r / SHARD).write_text("[" * 100_000)),
    Damage(
        "shard: a 5,000-digit version number",
        SHARD,
        lambda r, x: (r / SHARD).write_text(
            (r / SHARD).read_text().replace('"number":1,', '"number":' + "9" * 5000 + ",")
        ),
    ),
    Damage(
        "shard: a date without a time zone",
        SHARD,
        lambda r, x: edit_shard(r, lambda t: t["3"]["brief"].update(updated="2026-11-24T08:15:00")),
    ),
    Damage(
        "shard: a title that is a number", SHARD, lambda r, x: edit_shard(r, lambda t: t["3"]["brief"].update(title=42))
    ),
    Damage("shard renamed to ID.json.bak", f"{SHARD}.bak", lambda r, x: rename(r, f"{TARGET}.json.bak")),
    Damage(
        "shard renamed in upper case",
        f"{SHARD_DIR}/{TARGET.upper()}.json",
        lambda r, x: rename(r, f"{TARGET.upper()}.json"),
    ),
    Damage(
        "shard renamed to another id", f"{SHARD_DIR}/kremlin-copy.json", lambda r, x: rename(r, "kremlin-copy.json")
    ),
    Damage("shard removed", SHARD, lambda r, x: (r / SHARD).unlink()),
    Damage(
        "shard restored from an older copy (v1 over v3)",
        SHARD,
        lambda r, x: shutil.copy(x / "kremlin-v1.json", r / SHARD),
    ),
    Damage("stray a.bak.json", f"{SHARD_DIR}/a.bak.json", lambda r, x: stray(r, "a.bak.json", "{}")),
    Damage(
        "stray 'Copy of ....json'",
        f"{SHARD_DIR}/Copy of {CONTROL}.json",
        lambda r, x: shutil.copy(r / SHARD_DIR / f"{CONTROL}.json", r / SHARD_DIR / f"Copy of {CONTROL}.json"),
    ),
    Damage("stray UPPER.json", f"{SHARD_DIR}/UPPER.json", lambda r, x: stray(r, "UPPER.json", '{"_default": {}}')),
    Damage(
        "stray folder named like a shard", f"{SHARD_DIR}/old.json", lambda r, x: (r / SHARD_DIR / "old.json").mkdir()
    ),
    Damage(
        "stray symlink to /etc/passwd",
        f"{SHARD_DIR}/passwd.json",
        lambda r, x: (r / SHARD_DIR / "passwd.json").symlink_to("/etc/passwd"),
    ),
    Damage("temporary file left by a crashed write", f"{SHARD_DIR}/.{TARGET}.json", lambda r, x: old_temporary(r)),
    Damage("import killed before its commit", "staging/1-1", lambda r, x: staged_import(r, x, committed=False)),
    Damage(
        "import killed after its commit, half applied", "staging/1-1", lambda r, x: staged_import(r, x, committed=True)
    ),
    Damage("snapshot edited (the target's text)", SNAPSHOT_FILE, lambda r, x: edit_snapshot(r)),
    Damage("snapshot truncated", SNAPSHOT_FILE, lambda r, x: cut(r / SNAPSHOT_FILE, 0.6)),
    Damage("snapshot emptied", SNAPSHOT_FILE, lambda r, x: (r / SNAPSHOT_FILE).write_bytes(b"")),
    Damage(
        "snapshot replaced by garbage", SNAPSHOT_FILE, lambda r, x: (r / SNAPSHOT_FILE).write_bytes(os.urandom(4096))
    ),
    Damage(
        "snapshot from another store (checksum good)",
        SNAPSHOT_FILE,
        lambda r, x: shutil.copy(x / "other-snapshot.bin", r / SNAPSHOT_FILE),
    ),
    Damage(
        "snapshot of an older format",
        SNAPSHOT_FILE,
        lambda r, x: shutil.copy(x / "old-snapshot.bin", r / SNAPSHOT_FILE),
    ),
    Damage(f"{BIT_FLIPS} random bit flips in the snapshot", SNAPSHOT_FILE, lambda r, x: flip(r, random.Random(SEED))),
    Damage("journal cut mid-line", JOURNAL_FILE, lambda r, x: cut(r / JOURNAL_FILE, 0.63)),
    Damage(
        "journal: garbage lines appended",
        JOURNAL_FILE,
        lambda r, x: append(r / JOURNAL_FILE, b"\x00\xff garbage\n[1, 2]\n"),
    ),
    Damage(
        "journal: a line naming 'a.bak'",
        JOURNAL_FILE,
        lambda r, x: append(r / JOURNAL_FILE, b'{"id": "a.bak", "version": 1}\n'),
    ),
    Damage("follows.json cut short", FOLLOWS_FILE, lambda r, x: cut(r / FOLLOWS_FILE, 0.5)),
    Damage(
        "follows.json of the wrong shape",
        FOLLOWS_FILE,
        lambda r, x: (r / FOLLOWS_FILE).write_text('{"_default": {"1": 5}}'),
    ),
    Damage("question log cut mid-line", QUESTIONS_FILE, lambda r, x: cut(r / QUESTIONS_FILE, 0.5)),
    Damage(
        "question log: binary garbage",
        QUESTIONS_FILE,
        lambda r, x: append(r / QUESTIONS_FILE, os.urandom(64).replace(b"\n", b"") + b"\n"),
    ),
    Damage("read-only store folder", ".", lambda r, x: read_only(r), env="readonly"),
    Damage("full disk (an import refused partway)", ".", full_disk_import, env="fulldisk"),
]


def flip(root: Path, rng: random.Random) -> int:
    path = root / SNAPSHOT_FILE
    data = bytearray(path.read_bytes())
    bit = rng.randrange(len(data) * 8)
    data[bit // 8] ^= 1 << (bit % 8)
    path.write_bytes(bytes(data))
    return bit


# running the commands


def limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def command(args: Sequence[str], env: str) -> list[str]:
    if env == "readonly" and os.geteuid() == 0:
        return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *args]
    return list(args)


def run(root: Path, env: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command([BRIEFBOT, "--store", str(root), *args], env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "BRIEFBOT_EDITOR": "Corruption Suite"},
        preexec_fn=limit_files if env == "fulldisk" else None,
    )


def essence(answer: dict[str, Any]) -> tuple[Any, ...]:
    """What a reader is told: the outcome, the brief, its version and bottom line, and the other briefs offered."""
    brief = answer.get("brief") or {}
    offered = tuple(a["id"] for a in answer.get("alternatives", ()))
    return answer["status"], brief.get("id"), brief.get("version"), brief.get("summary"), offered


def ask_in_process(root: Path) -> list[tuple[Any, ...]]:
    room = Newsroom(TinyStore(root))
    return [essence(answer_to_json(room.ask(q, Asker("reporter")))) for q in QUESTIONS]


def ask_cell(root: Path, damage: Damage, before: list[tuple[Any, ...]], truth: list[tuple[Any, ...]]) -> str:
    done = run(root, damage.env, "ask", "--json", "-", stdin="\n".join(QUESTIONS) + "\n")
    if done.returncode != 0 or "Traceback" in done.stderr:
        return f"CRASH (exit {done.returncode})"
    got = [essence(json.loads(line)) for line in done.stdout.splitlines()]
    if got == before:
        return "same, warned" if damage.where.split("/")[-1] in done.stderr else "same"
    warned = any(part in done.stderr for part in (damage.where, TARGET))
    if got != truth or not warned:
        return "SILENT"
    target = got[0]
    if target[1] != TARGET and TARGET not in target[4]:
        return "reported: target not answered" + (", control same" if got[1] == before[1] else "")
    return f"reported: target v{target[2]}" + (", control same" if got[1] == before[1] else "")


def serve_cell(root: Path, damage: Damage, before: list[tuple[Any, ...]], log: Path) -> str:
    env = {**os.environ, "BRIEFBOT_STORE": str(root), "BRIEFBOT_API_TOKENS": f"Suite={TOKEN}"}
    args = command([BRIEFBOT, "serve", "--host", "127.0.0.1", "--port", "0"], damage.env)
    with log.open("w") as stderr, subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, cwd=log.parent,
        preexec_fn=limit_files if damage.env == "fulldisk" else None,
    ) as server:  # fmt: skip
        assert server.stdout is not None
        line = server.stdout.readline()
        try:
            if " on http" not in line:
                return f"OUTAGE: did not start ({log.read_text().strip().splitlines()[-1:]})"
            with httpx.Client(base_url=line.split(" on ", 1)[1].strip(), timeout=10) as client:
                health = client.get("/healthz").json()
                answer = client.get(
                    "/api/ask", params={"q": QUESTIONS[1]}, headers={"Authorization": f"Bearer {TOKEN}"}
                )
            state = health.get("status", "ok")
            if state == "degraded":
                state += " (" + ", ".join(u["id"][:12] + "..." for u in health["unavailable"]) + ")"
            if answer.status_code != 200 or essence(answer.json()) != before[1]:
                return f"OUTAGE: control answered {answer.status_code}"
            return f"up, {state}, control same"
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)


def check_cells(root: Path, damage: Damage) -> tuple[str, str]:
    checked = run(root, damage.env, "check")
    if "Traceback" in checked.stderr:
        return "CRASH", ""
    named = [line for line in checked.stdout.splitlines() if line.startswith(damage.where)]
    found = f"found ({len(checked.stdout.splitlines())} line{'s' if len(checked.stdout.splitlines()) > 1 else ''})"
    found = found if checked.returncode == 1 and named else "MISSED"
    repaired = run(root, damage.env, "check", "--repair")
    if "Traceback" in repaired.stderr:
        return found, "CRASH"
    after = run(root, damage.env, "check")
    state = "healthy" if after.returncode == 0 else "still wrong"
    return found, f"exit {repaired.returncode}, {state}"


# the pristine store


def build(work: Path) -> tuple[Path, Path]:
    pristine, extras = work / "pristine", work / "extras"
    extras.mkdir(parents=True)
    assert run(pristine, "", "import", str(REPO / "briefs")).returncode == 0
    room = Newsroom(TinyStore(pristine))
    shutil.copy(pristine / SHARD, extras / "kremlin-v1.json")
    kremlin = room.show(TARGET, Asker("editor", is_editor=True)).brief
    for n in (2, 3):
        room.push(replace(kremlin, summary=f"The Kremlin's stance as of version {n}."), editor="Anna", channel="cli")
    room.follow(TARGET, "slack:C0123", Asker("editor", is_editor=True))
    room.ask("who won the mayoral race in Springfield", Asker("reporter"))
    room.save_snapshot()
    other = work / "other"
    shutil.copytree(pristine, other)
    other_room = Newsroom(TinyStore(other))
    other_room.push(replace(kremlin, summary="Another store's text."), editor="Ben", channel="cli")
    other_room.save_snapshot()
    shutil.copy(other / SNAPSHOT_FILE, extras / "other-snapshot.bin")
    # The snapshot before it had a checksum: marshal, no header.
    (extras / "old-snapshot.bin").write_bytes(marshal.dumps({"format": 1, "taken_ns": 0, "latest": [], "index": {}}))
    wire = work / "wire-files"
    for n in (1, 2):
        (wire / f"harbour-strike-{n}.md").parent.mkdir(exist_ok=True)
        (wire / f"harbour-strike-{n}.md").write_text(
            f"---\nid: harbour-strike-{n}\ntitle: Harbour strike day {n}\nsummary: Dockers strike.\n"
            "updated: 2026-11-20T10:00:00+00:00\n---\n",
            encoding="utf-8",
        )
    scratch = work / "scratch"
    Newsroom(TinyStore(scratch)).import_paths([wire], editor="Wire")
    shutil.copytree(scratch / SHARD_DIR, extras / "wire")
    big = extras / "big-import"
    big.mkdir()
    for n in range(6):
        body = "## Key points\n" + "- A long key point about the strike.\n" * (2000 if n == 3 else 1)
        (big / f"import-{n}.md").write_text(
            f"---\nid: import-{n}\ntitle: Import {n}\nsummary: A brief.\nupdated: 2026-11-20T10:00:00+00:00\n---\n"
            + body,
            encoding="utf-8",
        )
    return pristine, extras


def fresh(pristine: Path, work: Path, name: str) -> Path:
    """A copy of the pristine store whose snapshot is tied to the copy's own files."""
    copy = work / name
    if copy.exists():
        for path in [copy, *copy.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(copy)
    shutil.copytree(pristine, copy, symlinks=True)
    Newsroom(TinyStore(copy)).save_snapshot()
    return copy


def bit_flip_row(pristine: Path, work: Path, before: list[tuple[Any, ...]]) -> tuple[str, str]:
    """In process: the answers and the check for every flip."""
    rng = random.Random(SEED)
    copy = fresh(pristine, work, "flips")
    intact = (copy / SNAPSHOT_FILE).read_bytes()
    changed = found = crashed = 0
    for _ in range(BIT_FLIPS):
        (copy / SNAPSHOT_FILE).write_bytes(intact)
        flip(copy, rng)
        try:
            changed += ask_in_process_without_saving(copy) != before
            found += any(f.path == SNAPSHOT_FILE for f in check_store(copy).findings)
        except Exception:
            crashed += 1
    ask = f"same x{BIT_FLIPS - changed - crashed}" + (f", SILENT x{changed}" if changed else "")
    ask += f", CRASH x{crashed}" if crashed else ""
    return ask, f"found {found} of {BIT_FLIPS}" if found == BIT_FLIPS else f"MISSED {BIT_FLIPS - found}"


def ask_in_process_without_saving(root: Path) -> list[tuple[Any, ...]]:
    saved = TinyStore.save_snapshot
    TinyStore.save_snapshot = lambda *args: None  # type: ignore[method-assign]  # each start meets the flip
    try:
        return ask_in_process(root)
    finally:
        TinyStore.save_snapshot = saved  # type: ignore[method-assign]


def main() -> int:
    logging.disable(logging.CRITICAL)  # the in-process newsrooms' warnings; the commands' own are read from stderr
    work = Path(tempfile.mkdtemp(prefix="briefbot-corruption-"))
    pristine, extras = build(work)
    before = ask_in_process(fresh(pristine, work, "before"))
    rows = []
    for number, damage in enumerate(DAMAGES, start=1):
        print(f"  [{number}/{len(DAMAGES)}] {damage.name}", file=sys.stderr, flush=True)
        copies = {}
        for use in ("truth", "ask", "serve", "check"):
            copies[use] = fresh(pristine, work, use)
            damage.apply(copies[use], extras)
        (copies["truth"] / SNAPSHOT_FILE).unlink(missing_ok=True)
        truth = before if damage.env else ask_in_process(copies["truth"])
        if damage.name.startswith(f"{BIT_FLIPS} "):
            ask, check = bit_flip_row(pristine, work, before)
            repair = check_cells(copies["check"], damage)[1]
        else:
            ask = ask_cell(copies["ask"], damage, before, truth)
            check, repair = check_cells(copies["check"], damage)
        serve = serve_cell(copies["serve"], damage, before, work / "serve.log")
        rows.append((number, damage.name, ask, serve, check, repair))
    shutil.rmtree(work, ignore_errors=True)
    print("| # | damage | ask | serve (start, /healthz, control ask) | check | check --repair, then check |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    cells = [cell for row in rows for cell in row[2:]]
    bad = {word: sum(word in cell for cell in cells) for word in ("SILENT", "OUTAGE", "CRASH", "MISSED")}
    healthy = sum("healthy" in row[5] for row in rows)
    print(
        f"\n{len(rows)} kinds of damage: {bad['SILENT']} silent changes, {bad['OUTAGE']} outages, {bad['CRASH']} "
        f"crashes, {bad['MISSED']} missed by check; --repair left {healthy} of {len(rows)} stores healthy "
        "(the read-only and full-disk stores cannot be until the folder is writable)"
    )
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
