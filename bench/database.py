"""The PostgreSQL side of ``bench/load.py --database``: the database, its briefs, its CPU use, and replicas' starts.

``--database temp`` starts a throwaway server with this machine's binaries (``bot.postgres.scratch``, the one the
tests start) and deletes it after the run; ``--database postgresql://...`` uses that database, which must hold no
brief (the run stores the benchmark's briefs and pushes into it, so give it an empty one each time). Either way it is
filled with the latest version of every brief of the TinyDB store the single replica serves, in one push, so both
serve the same briefs. The password is never printed (``redacted``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import BriefbotError
from bot.postgres import is_database_url, redacted
from bot.postgres.scratch import ScratchServer
from bot.postgres.store import PgStore
from bot.store import TinyStore

TEMP = "temp"
"""``--database temp``: a throwaway server started for the run."""
FILL_EDITOR = "load benchmark"


@dataclass(frozen=True)
class Database:
    """The database the replicas share: its URL (with the password), how to name it, and the throwaway server."""

    url: str
    scratch: ScratchServer | None

    @property
    def shown(self) -> str:
        """The URL without its password, or what the throwaway server is."""
        if self.scratch is not None:
            return f"a throwaway PostgreSQL server on 127.0.0.1:{self.scratch.port} ({self.scratch.binaries})"
        return redacted(self.url)

    def cpu_seconds(self) -> float | None:
        """CPU time the throwaway server's processes have used (None for a database given by URL): the postmaster
        and its children, counted for the children alive at each reading (a replica's connections live for the run)."""
        if self.scratch is None:
            return None
        main = self.scratch.postmaster_pid()
        if main is None:
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(entry.name) == main or int(fields[1]) == main:
                total += int(fields[11]) + int(fields[12])
        return total / ticks


@contextmanager
def opened(spec: str) -> Iterator[Database]:
    """The database ``--database`` names: a throwaway server (stopped and deleted after), or the URL given."""
    if spec != TEMP and not is_database_url(spec):
        raise SystemExit(f"--database: expected {TEMP!r} or postgresql://user:password@host/db, got {redacted(spec)}")
    if spec != TEMP:
        yield Database(spec, None)
        return
    try:
        scratch = ScratchServer.start()
    except BriefbotError as error:
        raise SystemExit(f"--database {TEMP}: {error}") from None
    with scratch:
        yield Database(scratch.url(), scratch)


def fill(database: Database, folder: Path) -> tuple[int, float]:
    """Store the latest version of every brief in the TinyDB store at ``folder``; how many, and the seconds taken."""
    started = time.perf_counter()
    briefs = [version.brief for version in TinyStore(folder).latest()]
    try:
        store = PgStore(database.url)
    except BriefbotError as error:
        raise SystemExit(f"--database: {error}") from None
    try:
        if not store.is_empty():
            raise SystemExit(
                f"--database: {database.shown} already holds briefs; the benchmark stores its own and pushes to them, "
                "so give it an empty database (or --database temp)"
            )
        store.push_many(briefs, editor=FILL_EDITOR, channel="bench", now=datetime.now(UTC))
    finally:
        store.close()
    return len(briefs), time.perf_counter() - started


def read_every_brief(url: str, *, ahead: bool = True) -> tuple[int, float]:
    """What a replica's start reads from the database, timed alone: open the store and take in every brief's latest
    version as ``Holdings.load`` does (ids, then each one taken in, read ahead a page at a time); with ``ahead`` False,
    one query per brief instead (``get``, as a start read before reading ahead). How many, and the seconds taken."""
    started = time.perf_counter()
    store = PgStore(url)
    try:
        take = store.take_in if ahead else store.get
        count = sum(1 for brief_id in store.ids() if take(brief_id))
    finally:
        store.close()
    return count, time.perf_counter() - started
