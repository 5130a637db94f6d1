"""A pytest plugin: a real PostgreSQL server for the store tests, started once per test session.

The server binaries are found on the PATH or in Debian's ``/usr/lib/postgresql/<version>/bin``
(``.ci/run`` installs them when missing); without them the PostgreSQL cases are skipped, saying why.
The server runs from a temporary folder on a free 127.0.0.1 port, with a password (so tests can check it
is never shown), as an unprivileged user when the tests run as root (PostgreSQL refuses to run as root),
and is stopped at the end of the session. Each test gets a database of its own.
"""

from __future__ import annotations

import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from bot.brief_store import BriefStore

STORE_KINDS = ["memory", "disk", "postgresql"]
"""Every store implementation the shared store tests run over."""

_SERVER_USER = "postgres"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class PostgresServer:
    """A running server: where it listens, and the password of its ``briefbot`` superuser."""

    port: int
    password: str

    def url(self, database: str = "postgres") -> str:
        """A connection URL for one database, password included."""
        return f"postgresql://briefbot:{self.password}@127.0.0.1:{self.port}/{database}"


def server_binaries() -> Path | None:
    """The folder holding ``pg_ctl`` and ``initdb``, newest version first; None when not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return candidates[-1].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


FAST = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
"""Durability traded for speed: for a server that is never stopped abruptly while in use."""
DURABLE = "fsync = off\nsynchronous_commit = on\nfull_page_writes = off\n"
"""A commit is written to the server's log (the WAL, through the kernel) before it is acknowledged, so it survives
the server being stopped abruptly and recovering; not the machine crashing, which fsync would need."""


class Cluster:
    """A server's data folder, started and stopped as its unprivileged owner; the same port across restarts."""

    def __init__(self, settings: str = FAST) -> None:
        binaries = server_binaries()
        if binaries is None:
            pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
        self._binaries = binaries
        self._as_user: list[str] = []
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(_SERVER_USER)
            except KeyError:
                pytest.skip(f"running as root, and PostgreSQL refuses to: no {_SERVER_USER!r} user to run it as")
            self._as_user = ["runuser", "-u", _SERVER_USER, "--"]
        self.home = Path(tempfile.mkdtemp(prefix="briefbot-postgres-"))
        self.data = self.home / "data"
        self.server = PostgresServer(_free_port(), secrets.token_urlsafe(16))
        (self.home / "password").write_text(self.server.password, encoding="utf-8")
        if owner is not None:
            os.chown(self.home, owner.pw_uid, owner.pw_gid)
            os.chown(self.home / "password", owner.pw_uid, owner.pw_gid)
        try:
            self._run("initdb", "-D", str(self.data), "-U", "briefbot", "--auth=scram-sha-256",
                      f"--pwfile={self.home / 'password'}", "-E", "UTF8", "--locale=C")  # fmt: skip
            with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.server.port}\nunix_socket_directories = ''\n")
                conf.write(settings + "max_connections = 300\n")
            self.start()
        except subprocess.CalledProcessError as error:
            self.remove()
            pytest.fail(f"the test PostgreSQL server did not start: {error.stderr.decode(errors='replace')}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.home / "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` ends sessions and writes a checkpoint, ``immediate`` ends every process at once
        (as a crash would; the next start recovers from the log)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        subprocess.run(
            [*self._as_user, str(self._binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            cwd=self.home,
        )
        shutil.rmtree(self.home, ignore_errors=True)

    def new_database(self) -> str:
        """The URL of a new empty database on this server."""
        name = f"test_{os.getpid()}_{next(_numbers)}"
        with psycopg.connect(self.server.url(), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}".encode())
        return self.server.url(name)

    def _run(self, program: str, *arguments: str) -> None:
        subprocess.run([*self._as_user, str(self._binaries / program), *arguments], check=True, capture_output=True,
                       cwd=self.home)  # fmt: skip


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL server on 127.0.0.1, started for this test session and removed after it.

    A throwaway server: no unix socket, and durability traded for speed (it is never stopped while in use)."""
    cluster = Cluster(FAST)
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="session")
def restartable_cluster() -> Iterator[Cluster]:
    """A PostgreSQL server of its own that tests stop and start again (and leave running), durable across it.

    The session's server runs with ``synchronous_commit = off``: it acknowledges a commit before writing its log
    record, so an abrupt stop may lose commits a client was told of, and a test would blame briefbot for the
    server's setting. This one writes each commit's record (to the kernel) before acknowledging it; ``fsync`` stays
    off, since in tests only the server's processes end, never the machine."""
    cluster = Cluster(DURABLE)
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="session")
def postgres_server(postgres_cluster: Cluster) -> PostgresServer:
    """Where the session's PostgreSQL server listens, and its superuser's password."""
    return postgres_cluster.server


@pytest.fixture
def database_url(postgres_cluster: Cluster) -> str:
    """The URL of an empty database of this test's own on the session's server."""
    return postgres_cluster.new_database()


def open_store(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> BriefStore:
    """A fresh store of one kind, closed when the test ends."""
    from bot.store import TinyStore

    if kind == "memory":
        return TinyStore(None)
    if kind == "disk":
        return TinyStore(tmp_path / "store")
    from bot.postgres.store import PgStore

    store = PgStore(request.getfixturevalue("database_url"))
    request.addfinalizer(store.close)
    return store
