"""A pytest plugin: real PostgreSQL servers for the store tests, started once per test session.

The servers are ``bot.postgres.scratch``'s throwaway ones (the load benchmark starts the same): this machine's
binaries (``.ci/run`` installs them when missing), a temporary folder, a free 127.0.0.1 port and a password
(so tests can check it is never shown); without the binaries the PostgreSQL cases are skipped, saying why.
They are stopped and deleted at the end of the session. Each test gets a database of its own.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.brief_store import BriefStore
from bot.errors import SettingsError, StoreUnwritable
from bot.postgres.scratch import ScratchServer

STORE_KINDS = ["memory", "disk", "postgresql"]
"""Every store implementation the shared store tests run over."""

_numbers = itertools.count(1)

PostgresServer = ScratchServer
"""A running server: ``port``, ``password``, ``url(database)``, ``new_database(name)``, ``halt`` and ``resume``."""


def _started(*, durable: bool) -> Iterator[PostgresServer]:
    try:
        server = ScratchServer.start(durable=durable)
    except SettingsError as error:
        pytest.skip(str(error))
    except StoreUnwritable as error:
        pytest.fail(f"the test PostgreSQL server did not start: {error}")
    with server:
        yield server


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server on 127.0.0.1: durability traded for speed (it is never stopped while in use)."""
    yield from _started(durable=False)


@pytest.fixture(scope="session")
def restartable_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own that tests stop and start again (and leave running), durable across it.

    The session's server runs with ``synchronous_commit = off``: it acknowledges a commit before writing its log
    record, so an abrupt stop may lose commits a client was told of, and a test would blame briefbot for the
    server's setting. This one writes each commit's record (to the kernel) before acknowledging it; ``fsync`` stays
    off, since in tests only the server's processes end, never the machine."""
    yield from _started(durable=True)


def new_database(server: PostgresServer) -> str:
    """The URL of a new empty database on ``server``, named for this test process."""
    return server.new_database(f"test_{os.getpid()}_{next(_numbers)}")


@pytest.fixture
def database_url(postgres_server: PostgresServer) -> str:
    """The URL of an empty database of this test's own on the session's server."""
    return new_database(postgres_server)


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
