"""One holder at a time among replicas: a PostgreSQL session advisory lock, on a connection of its own.

Discord allows one gateway connection per bot token, so of several replicas one holds the ``discord`` lease and
connects; the others stand by. The lock belongs to the holder's database session, so the database lets go of it
when that session ends: at once when the holder stops or is killed (its socket closes), and after TCP keepalives
give up (about 11 s) when its machine vanishes. A standby asks for the lock every ``TRY_SECONDS``,
so it takes over within about 15 s of a holder's death, inside the 30 s the bot allows. A holder checks its
connection as often and lets go (disconnects) when it is lost: when the database ends the holder's session while
the holder lives (a restart of the database, an administrator), both may be connected for up to ``TRY_SECONDS``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable

import psycopg

__all__ = ["TRY_SECONDS", "Lease"]

log = logging.getLogger("briefbot.lease")

TRY_SECONDS = 2.0
"""How often a standby asks for the lock, and a holder checks its connection still holds it."""
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 5, 2, 3
"""TCP keepalives on the lease's connection, set on both ends: a peer that vanished is given up after 5 + 3 x 2 s."""
USER_TIMEOUT_MS = 6000
"""A holder cut off from the database sees its check fail within this (libpq's ``tcp_user_timeout``)."""
CONNECT_SECONDS = 5
APPLICATION = "briefbot-lease"
"""The lease connection's name in ``pg_stat_activity``."""


def lock_key(name: str) -> int:
    """The advisory lock's 64-bit key for a lease name, the same in every process."""
    return int.from_bytes(
        hashlib.blake2b(f"briefbot lease {name}".encode(), digest_size=8).digest(), "big", signed=True
    )


class Lease:
    """Holds the lease ``name`` whenever no other process does; ``on_change(held)`` is called, on the lease's own
    thread, each time it is taken or lost."""

    def __init__(
        self,
        url: str,
        name: str,
        on_change: Callable[[bool], None] = lambda held: None,
        try_seconds: float = TRY_SECONDS,
    ) -> None:
        self.name = name
        self._url = url
        self._key = lock_key(name)
        self._on_change = on_change
        self._try_seconds = try_seconds
        self._held = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"briefbot-lease-{name}", daemon=True)
        self._thread.start()

    @property
    def held(self) -> bool:
        """Whether this process holds the lease now."""
        return self._held.is_set()

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds to hold the lease; whether it is held."""
        return self._held.wait(timeout)

    def close(self) -> None:
        """Let go of the lease (closing its connection) and stop asking for it."""
        self._closing.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._closing.is_set():
            try:
                with psycopg.connect(
                    self._url,
                    autocommit=True,
                    connect_timeout=CONNECT_SECONDS,
                    application_name=APPLICATION,
                    tcp_user_timeout=USER_TIMEOUT_MS,
                    keepalives=1,
                    keepalives_idle=KEEPALIVE_IDLE,
                    keepalives_interval=KEEPALIVE_INTERVAL,
                    keepalives_count=KEEPALIVE_COUNT,
                ) as connection:
                    self._hold_or_stand_by(connection)
            except psycopg.Error as error:
                if not self._closing.is_set():
                    log.warning("the %s lease's connection failed (%s)", self.name, type(error).__name__)
            finally:
                self._set(held=False)
            self._closing.wait(self._try_seconds)

    def _hold_or_stand_by(self, connection: psycopg.Connection[tuple[object, ...]]) -> None:
        # The same keepalives on the database's side, so it ends the session (letting go of the lock) when the
        # holder's machine vanishes; on a Unix socket they are ignored, and the session ends with the socket.
        for setting, value in (
            ("tcp_keepalives_idle", KEEPALIVE_IDLE),
            ("tcp_keepalives_interval", KEEPALIVE_INTERVAL),
            ("tcp_keepalives_count", KEEPALIVE_COUNT),
        ):
            connection.execute("SELECT set_config(%s, %s, false)", (setting, str(value)))
        while not self._closing.is_set():
            if self.held:
                connection.execute("SELECT 1")  # still connected, so still holding it
            else:
                row = connection.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)).fetchone()
                if row is not None and row[0] is True:
                    self._set(held=True)
            self._closing.wait(self._try_seconds)

    def _set(self, *, held: bool) -> None:
        if held == self.held:
            return
        if held:
            self._held.set()
        else:
            self._held.clear()
        log.info("%s the %s lease", "took" if held else "let go of", self.name)
        try:
            self._on_change(held)
        except Exception:
            log.exception("acting on the %s lease failed", self.name)
