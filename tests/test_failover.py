"""Discord's one gateway connection among replicas: the lease, its holder's death, a standby taking over."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
from conftest import eventually, within
from test_replicas import TAKEOVER_SECONDS, Recorder
from test_serve import running_server

from adapters.standby import OneReplica
from bot.postgres.lease import TRY_SECONDS, Lease, lock_key
from bot.postgres.store import PgStore

TOKEN = "anna-token-0123456789"


def test_a_standby_takes_the_discord_lease_when_the_holders_connection_dies(database_url: str) -> None:
    """Of two replicas one holds the lease; when its connection dies, it lets go and the other holds it in time."""
    changes: list[tuple[str, bool]] = []
    a = Lease(database_url, "discord", lambda held: changes.append(("a", held)), try_seconds=0.2)
    assert a.wait(10)
    b = Lease(database_url, "discord", lambda held: changes.append(("b", held)), try_seconds=0.2)
    try:
        time.sleep(1.0)  # several tries by the standby
        assert (a.held, b.held) == (True, False)
        with psycopg.connect(database_url, autocommit=True) as admin:
            (pid,) = admin.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = %s",
                (lock_key("discord") & 0xFFFFFFFF,),
            ).fetchone() or (None,)
            assert pid is not None
            died = time.monotonic()
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert b.wait(TAKEOVER_SECONDS)
        print(f"\nthe standby held the lease {time.monotonic() - died:.2f} s after the holder's connection died")
        # The old holder finds its connection gone at its next check, lets go, and stands by.
        assert within(lambda: ("a", False) in changes, 5)
        assert sorted(changes) == [("a", False), ("a", True), ("b", True)]
        assert not a.held
    finally:
        a.close()
        b.close()


async def test_one_replica_runs_discord_and_a_standby_takes_over_when_it_stops(database_url: str) -> None:
    """Of two replicas one runs the Discord surface; when it stops, the standby starts its own within the bound."""
    made: list[Recorder] = []

    def make() -> Recorder:
        made.append(Recorder("discord"))
        return made[-1]

    a = OneReplica("discord", make, database_url, try_seconds=0.2)
    b = OneReplica("discord", make, database_url, try_seconds=0.2)
    try:
        await a.start()
        await eventually(lambda: a.ready)
        await b.start()
        await asyncio.sleep(1.0)  # several tries by the standby
        assert (a.ready, b.ready, [r.running for r in made]) == (True, False, [True])
        assert (a.holds_connection, b.holds_connection) == (True, False)  # what each one's /healthz says
        stopped = time.monotonic()
        await a.stop()
        await eventually(lambda: b.ready, TAKEOVER_SECONDS)
        print(f"\nthe standby ran Discord {time.monotonic() - stopped:.2f} s after the holder stopped")
        assert [r.running for r in made] == [False, True]
        assert b.holds_connection
    finally:
        await a.stop()
        await b.stop()


def test_a_standby_takes_the_lease_when_the_holder_is_killed(database_url: str) -> None:
    """A replica killed with SIGKILL while holding the Discord lease loses it, and a standby holds it in time."""
    code = (
        "import os, time; from bot.postgres.lease import Lease; "
        "lease = Lease(os.environ['LEASE_URL'], 'discord', try_seconds=0.2); "
        "assert lease.wait(10); print('held', flush=True); time.sleep(120)"
    )
    standby = None
    with subprocess.Popen(
        [sys.executable, "-c", code], env={**os.environ, "LEASE_URL": database_url}, stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "held"
            standby = Lease(database_url, "discord", try_seconds=TRY_SECONDS)
            time.sleep(2 * TRY_SECONDS)
            assert not standby.held
            killed = time.monotonic()
            holder.send_signal(signal.SIGKILL)
            assert standby.wait(TAKEOVER_SECONDS)
            print(f"\nthe standby held the lease {time.monotonic() - killed:.2f} s after the holder was killed")
        finally:
            holder.kill()
            if standby is not None:
                standby.close()


def _put(url: str, fields: dict[str, str], based_on: int | None) -> int:
    """PUT a brief as JSON through a replica's API; the version it acknowledged."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    if based_on is not None:
        headers["If-Match"] = f'"{based_on}"'
    request = urllib.request.Request(url, data=json.dumps(fields).encode(), headers=headers, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as response:
        version: int = json.load(response)["version"]
        return version


def test_every_push_a_killed_replica_acknowledged_is_stored_and_answered_by_the_other(
    database_url: str, tmp_path: Path
) -> None:
    """A replica killed with SIGKILL during a stream of pushes: each version it acknowledged is in the database and
    the other replica serves the last of them."""
    env = {"BRIEFBOT_DATABASE_URL": database_url, "BRIEFBOT_API_TOKENS": f"Anna={TOKEN}"}
    for replica in ("a", "b"):
        (tmp_path / replica).mkdir()
    with running_server(tmp_path / "a", env=env) as (a, process), running_server(tmp_path / "b", env=env) as (b, _):
        acknowledged: list[int] = []
        threading.Timer(1.0, process.send_signal, (signal.SIGKILL,)).start()
        fields = {"id": "harbour-strike", "title": "Dockers strike", "updated": "2026-11-25T09:00:00+00:00"}
        with contextlib.suppress(OSError):  # the connection refused or cut by the kill ends the stream
            while len(acknowledged) < 10_000:
                based_on = acknowledged[-1] if acknowledged else None
                n = len(acknowledged) + 1
                acknowledged.append(_put(f"{a}/api/briefs/harbour-strike", fields | {"summary": f"Day {n}."}, based_on))
        assert process.wait(timeout=10) == -signal.SIGKILL
        print(f"\n{len(acknowledged)} pushes acknowledged before the kill")
        assert acknowledged == list(range(1, len(acknowledged) + 1))
        store = PgStore(database_url)
        try:
            stored = [v.number for v in store.history("harbour-strike")]
        finally:
            store.close()
        assert stored[: len(acknowledged)] == acknowledged
        assert len(stored) - len(acknowledged) <= 1  # at most the one in flight, stored but never acknowledged
        request = urllib.request.Request(f"{b}/api/briefs/harbour-strike", headers={"Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["version"] == stored[-1]
