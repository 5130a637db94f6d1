"""Change notification between processes sharing one database: ``LISTEN``/``NOTIFY``, with catching up.

Every push notifies ``briefbot_changes`` with ``brief_id number`` for each version it stored, inside its
transaction, so the notice is sent only when the version is committed. A ``ChangeListener`` holds one
connection of its own, listening on a thread; what it hears waits in memory until the newsroom polls,
which costs nothing when nothing changed. When the connection is lost (a restart of the database, a
dropped link), notices sent meanwhile are lost with it: on reconnecting, the listener asks its
``catch_up`` for the briefs that changed, which compares the table with what the newsroom holds. A catch-up that
fails (the database went away again, or the store's pool has not reconnected yet) is tried again with the next
connection, so the listener never stops listening while its process runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from bot.errors import DatabaseUnavailable

__all__ = ["APPLICATION", "CHANNEL", "ChangeListener"]

log = logging.getLogger("briefbot.store")

CHANNEL = "briefbot_changes"
WAKE_SECONDS = 0.2
"""How often the listening thread looks up from the connection to see whether it is being closed."""
RECONNECT_SECONDS = 1.0
"""How long the listener waits before connecting again after losing the database."""
CONNECT_SECONDS = 5
APPLICATION = "briefbot-listener"
"""The listening connection's name in ``pg_stat_activity``."""


class ChangeListener:
    """Hears which versions other processes stored; on a reconnect, asks ``catch_up`` what was missed."""

    def __init__(self, url: str, catch_up: Callable[[], set[str]]) -> None:
        self._url = url
        self._catch_up = catch_up
        self._lock = threading.Lock()
        self._heard: list[tuple[str, int]] = []
        self._missed: set[str] = set()
        self._closing = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="briefbot-changes", daemon=True)
        self._thread.start()
        self._listening.wait(CONNECT_SECONDS)  # versions stored from now on are heard (a failure is retried)

    def take(self) -> tuple[list[tuple[str, int]], set[str]]:
        """What was heard since the last take (brief id and version number), and ids found missed on reconnecting."""
        if not self._heard and not self._missed:  # the hot path: nothing new
            return [], set()
        with self._lock:
            heard, missed = self._heard, self._missed
            self._heard, self._missed = [], set()
        return heard, missed

    @property
    def connected(self) -> bool:
        """Whether the listener holds a connection to the database now (False while it is lost or reconnecting)."""
        return self._listening.is_set()

    def close(self) -> None:
        """Stop listening and close the connection."""
        self._closing.set()
        self._thread.join()

    def _run(self) -> None:
        reconnecting = False
        while not self._closing.is_set():
            try:
                with psycopg.connect(
                    self._url, autocommit=True, connect_timeout=CONNECT_SECONDS, application_name=APPLICATION
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    if reconnecting:
                        missed = self._catch_up()
                        with self._lock:
                            self._missed |= missed
                        log.info("listening for changes again; %d brief(s) changed meanwhile", len(missed))
                    self._listening.set()
                    while not self._closing.is_set():
                        for notice in connection.notifies(timeout=WAKE_SECONDS):
                            self._hear(notice.payload)
            except (psycopg.Error, DatabaseUnavailable) as error:
                if self._closing.is_set():
                    return
                if not reconnecting or self._listening.is_set():
                    log.warning("lost the database's change notices (%s); reconnecting", type(error).__name__)
                self._listening.clear()
                reconnecting = True
                self._closing.wait(RECONNECT_SECONDS)

    def _hear(self, payload: str) -> None:
        brief_id, _, number = payload.partition(" ")
        if number.isdigit():
            with self._lock:
                self._heard.append((brief_id, int(number)))
