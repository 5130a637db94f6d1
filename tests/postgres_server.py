"""A pytest plugin: a real PostgreSQL server for the store tests, started once per test session.

The server is ``bot.postgres.scratch``'s throwaway one (the load benchmark starts the same): this machine's
binaries (``.ci/run`` installs them when missing), a temporary folder, a free 127.0.0.1 port and a password
(so tests can check it is never shown); without the binaries the PostgreSQL cases are skipped, saying why.
It is stopped at the end of the session. Each test gets a database of its own.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bot.brief_store import BriefStore
from bot.errors import SettingsError, StoreUnwritable
from bot.postgres.scratch import ScratchServer

STORE_KINDS = ["memory", "disk", "postgresql"]
"""Every store implementation the shared store tests run over."""

_numbers = itertools.count(1)

PostgresServer = ScratchServer
"""A running server: ``port``, ``password`` and ``url(database)``."""


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1, started for this test session and stopped after it."""
    try:
        server = ScratchServer.start()
    except SettingsError as error:
        pytest.skip(str(error))
    except StoreUnwritable as error:
        pytest.fail(f"the test PostgreSQL server did not start: {error}")
    with server:
        yield server


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
