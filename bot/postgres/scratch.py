"""A throwaway PostgreSQL server for the tests and the benchmarks: started from this machine's binaries, deleted after.

The server binaries are found on the PATH or in Debian's ``/usr/lib/postgresql/<version>/bin`` (``apt-get
install postgresql``). The server runs from a temporary folder on a free 127.0.0.1 port (no unix socket),
with a random password for its ``briefbot`` superuser, as the ``postgres`` user when started by root
(PostgreSQL refuses to run as root), and with durability traded for speed (``fsync = off``): it is for
measuring and testing briefbot, never for keeping briefs. ``ScratchServer.start`` raises ``SettingsError``
when a server cannot be run here at all (no binaries, root with no ``postgres`` user), ``StoreUnwritable``
when one did not start; ``halt`` and ``resume`` stop and start it again on its port and folder (a database
restart), and ``stop`` stops it and deletes its folder.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from bot.errors import SettingsError, StoreUnwritable

__all__ = ["DURABLE", "FAST", "MAX_CONNECTIONS", "ScratchServer", "server_binaries"]

SERVER_USER = "postgres"
"""Who runs the server when it is started by root."""
MAX_CONNECTIONS = 300
"""Enough for many test databases, or several replicas with their pools, at once."""
START_SECONDS = 60

FAST = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
"""Durability traded for speed: for a server that is never stopped abruptly while in use."""
DURABLE = "fsync = off\nsynchronous_commit = on\nfull_page_writes = off\n"
"""A commit is written to the server's log (the WAL, through the kernel) before it is acknowledged, so it survives
the server being stopped abruptly and recovering; not the machine crashing, which fsync would need."""


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


@dataclass(frozen=True)
class ScratchServer:
    """A running throwaway server: where it listens, the password of its ``briefbot`` superuser, and its folder."""

    port: int
    password: str
    home: Path
    binaries: Path
    as_user: tuple[str, ...] = ()

    @classmethod
    def start(cls, *, durable: bool = False) -> ScratchServer:
        """Make a new cluster in a temporary folder and start it; see the module's docstring for what is raised.

        ``durable``: acknowledge a commit only once its log record is written (``DURABLE``), for a server that is
        stopped abruptly while in use; else ``FAST``, which may lose acknowledged commits on such a stop."""
        binaries = server_binaries()
        if binaries is None:
            raise SettingsError(
                "PostgreSQL's server binaries (initdb, pg_ctl) are not installed: apt-get install postgresql"
            )
        as_user: tuple[str, ...] = ()
        owner = None
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise SettingsError(
                    f"running as root, and PostgreSQL refuses to: no {SERVER_USER!r} user to run it as"
                ) from None
            as_user = ("runuser", "-u", SERVER_USER, "--")
        home = Path(tempfile.mkdtemp(prefix="briefbot-postgres-"))
        server = cls(_free_port(), secrets.token_urlsafe(16), home, binaries, as_user)
        (home / "password").write_text(server.password, encoding="utf-8")
        if owner is not None:
            os.chown(home, owner.pw_uid, owner.pw_gid)
            os.chown(home / "password", owner.pw_uid, owner.pw_gid)
        try:
            server._run("initdb", "-D", str(server.data), "-U", "briefbot", "--auth=scram-sha-256",
                        f"--pwfile={home / 'password'}", "-E", "UTF8", "--locale=C")  # fmt: skip
            with (server.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                # No unix socket, and durability traded for speed: nothing in it outlives the run.
                conf.write(f"listen_addresses = '127.0.0.1'\nport = {server.port}\nunix_socket_directories = ''\n")
                conf.write(DURABLE if durable else FAST)
                conf.write(f"max_connections = {MAX_CONNECTIONS}\n")
            server.resume()
        except subprocess.CalledProcessError as error:
            problem = (error.stderr or b"").decode(errors="replace").strip() or f"exit status {error.returncode}"
            shutil.rmtree(home, ignore_errors=True)
            raise StoreUnwritable(f"a throwaway PostgreSQL server in {home}", problem) from None
        return server

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        return self.home / "data"

    @property
    def log(self) -> Path:
        """The server's log file."""
        return self.home / "server.log"

    def url(self, database: str = "postgres") -> str:
        """A connection URL for one database, password included."""
        return f"postgresql://briefbot:{self.password}@127.0.0.1:{self.port}/{database}"

    def postmaster_pid(self) -> int | None:
        """The server's main process id, from its pid file (None once stopped)."""
        try:
            return int((self.data / "postmaster.pid").read_text(encoding="utf-8").split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def new_database(self, name: str) -> str:
        """Create an empty database; its URL."""
        import psycopg  # only the tests and benchmarks that make databases need it

        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.url(name)

    def halt(self, mode: str = "fast") -> None:
        """Stop the server, keeping its folder: ``fast`` ends sessions and writes a checkpoint, ``immediate`` ends
        every process at once (as a crash would; ``resume`` then recovers from the log)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def resume(self) -> None:
        """Start the server on its folder and port, and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(START_SECONDS), "start")

    def stop(self) -> None:
        """Stop the server at once (nothing in it is kept) and delete its folder."""
        subprocess.run(
            [*self.as_user, str(self.binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            cwd=self.home,
            check=False,
        )
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> ScratchServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _run(self, program: str, *arguments: str) -> None:
        subprocess.run(
            [*self.as_user, str(self.binaries / program), *arguments], check=True, capture_output=True, cwd=self.home
        )
