"""Whether a process reaches its database now, and connections from its pool waited for accordingly.

A pool waits for a connection as long as a busy pool may need (``CONNECT_SECONDS``), which is right while the
database answers and wrong while it is gone: every push, and every question that logs itself or reads a change,
would then wait that long, on the event loop for some. So once the database is found gone, by the change
listener losing its connection or by an operation failing to reach it, operations wait only a moment until one
succeeds again; and a wait is taken in slices, so one begun just before the database went away ends soon after.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

__all__ = ["CONNECT_SECONDS", "RECONNECT_GIVE_UP_SECONDS", "UNREACHABLE_WAIT_SECONDS", "Reach"]

CONNECT_SECONDS = 10.0
"""How long an operation waits for one of the pool's connections while the database is reachable (a busy pool)."""
UNREACHABLE_WAIT_SECONDS = 0.05
"""How long it waits while the database is known to be gone: a push is refused, and a question's log line dropped,
after this; a connection made again meanwhile (the database is back) is still used. At 0.25 s, questions asked
during a restart took 0.5 s at the median (tests/test_db_restart.py); at 0.05 s, about 50 ms."""
SLICE_SECONDS = 0.5
"""A wait for a connection looks up this often to see whether the database was found gone meanwhile."""
RECONNECT_GIVE_UP_SECONDS = 5.0
"""The pool's reconnecting backs off exponentially; given to the pool, it starts afresh after this, so a database
back after a long outage is used again within seconds of the next request, not after the backoff's minutes."""

Connection = psycopg.Connection[tuple[Any, ...]]


class Reach:
    """Connections from ``pool``, waited for briefly while the database is known to be gone; ``connected`` tells
    whether the change listener holds its own connection."""

    def __init__(self, pool: ConnectionPool[Connection], connected: Callable[[], bool]) -> None:
        self._pool = pool
        self._connected = connected
        self.lost = False
        """Whether the last operation failed to reach the database."""

    @property
    def wait(self) -> float:
        """How long an operation waits for a connection now."""
        return UNREACHABLE_WAIT_SECONDS if self.lost or not self._connected() else CONNECT_SECONDS

    @contextlib.contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection of the pool for one operation, committed when the block ends (rolled back on an error);
        ``psycopg.OperationalError`` (``PoolTimeout`` among them) when the database cannot be reached."""
        started = time.monotonic()
        while True:
            try:
                connection = self._pool.getconn(min(SLICE_SECONDS, self.wait))
                break
            except PoolTimeout:
                if time.monotonic() - started >= self.wait:
                    self.lost = True
                    raise
        try:
            with connection:
                yield connection
        except psycopg.OperationalError:
            self.lost = True
            raise
        finally:
            self._pool.putconn(connection)
        self.lost = False
