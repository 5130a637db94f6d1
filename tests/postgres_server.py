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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1, started for this test session and stopped after it."""
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam(_SERVER_USER)
        except KeyError:
            pytest.skip(f"running as root, and PostgreSQL refuses to: no {_SERVER_USER!r} user to run it as")
        as_user = ["runuser", "-u", _SERVER_USER, "--"]
    home = Path(tempfile.mkdtemp(prefix="briefbot-postgres-"))
    data, password, port = home / "data", secrets.token_urlsafe(16), _free_port()
    (home / "password").write_text(password, encoding="utf-8")
    if owner is not None:
        os.chown(home, owner.pw_uid, owner.pw_gid)
        os.chown(home / "password", owner.pw_uid, owner.pw_gid)

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, cwd=home)

    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", "briefbot", "--auth=scram-sha-256",
            f"--pwfile={home / 'password'}", "-E", "UTF8", "--locale=C")  # fmt: skip
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            # A throwaway server: no unix socket, and durability traded for speed (the server is never killed).
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = ''\n")
            conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\n")
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(home / "server.log"), "-w", "-t", "60", "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(home, ignore_errors=True)
        pytest.fail(f"the test PostgreSQL server did not start: {error.stderr.decode(errors='replace')}")
    try:
        yield PostgresServer(port, password)
    finally:
        subprocess.run(
            [*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            cwd=home,
        )
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def database_url(postgres_server: PostgresServer) -> str:
    """The URL of an empty database of this test's own on the session's server."""
    name = f"test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(postgres_server.url(), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}".encode())
    return postgres_server.url(name)


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
