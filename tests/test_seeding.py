"""Sample briefs reach a store only when a newcomer asks, lists or chats on an empty one, and they are told so."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import SAMPLE_BRIEFS, write_brief
from test_cli import run
from test_serve import running_server

SAMPLE_COUNT = len(list(SAMPLE_BRIEFS.glob("*.md")))
SEEDED_LINE = f"seeded {SAMPLE_COUNT} sample briefs; BRIEFBOT_SEED_SAMPLES=0 to skip"
API = {"BRIEFBOT_API_TOKENS": "Anna Kowalski=seeding-test-token-0123"}


def stored_ids(store: Path) -> set[str]:
    """The ids of every brief in the store folder, read from its shard files."""
    return {path.stem for path in (store / "briefs").glob("*.json")}


def test_import_into_a_new_store_stores_only_the_imported_briefs(tmp_path: Path) -> None:
    """Importing into a new store adds no sample brief and says nothing of samples."""
    store = tmp_path / "store"
    result = run(store, "import", str(write_brief(tmp_path / "in", "harbour-strike")))
    assert result.returncode == 0, result.stderr
    assert "seeded" not in result.stderr
    assert stored_ids(store) == {"harbour-strike"}


def test_push_into_a_new_store_stores_only_the_pushed_briefs(tmp_path: Path) -> None:
    """Pushing into a new store adds no sample brief and says nothing of samples."""
    store = tmp_path / "store"
    result = run(store, "push", str(write_brief(tmp_path / "in", "harbour-strike")))
    assert result.returncode == 0, result.stderr
    assert "seeded" not in result.stderr
    assert stored_ids(store) == {"harbour-strike"}


def test_serve_on_a_new_store_starts_it_empty(tmp_path: Path) -> None:
    """A server started on a new store holds no sample brief."""
    store = tmp_path / "store"
    with running_server(tmp_path, env={"BRIEFBOT_STORE": str(store), **API}):
        pass
    assert (store / "briefs").is_dir()
    assert stored_ids(store) == set()


def test_a_folder_watch_on_a_new_store_stores_only_the_watched_briefs(tmp_path: Path) -> None:
    """``serve --watch`` on a new store pushes the folder's briefs and no sample brief."""
    store = tmp_path / "store"
    folder = tmp_path / "watched"
    write_brief(folder, "harbour-strike")
    env = {"BRIEFBOT_STORE": str(store), **API}
    with running_server(tmp_path, "--watch", str(folder), env=env):
        deadline = time.monotonic() + 30
        while not stored_ids(store) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert stored_ids(store) == {"harbour-strike"}


@pytest.mark.parametrize(
    ("args", "stdin"),
    [(("ask", "latest Kremlin stance on a Trump meeting"), ""), (("list",), ""), (("chat",), "quit\n")],
)
def test_ask_list_and_chat_seed_an_empty_store_and_say_so(tmp_path: Path, args: tuple[str, ...], stdin: str) -> None:
    """On an empty store, ask, list and chat import the sample briefs and print how many, once."""
    store = tmp_path / "store"
    result = run(store, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert SEEDED_LINE in result.stderr.splitlines()
    assert len(stored_ids(store)) == SAMPLE_COUNT
    again = run(store, *args, stdin=stdin)
    assert "seeded" not in again.stderr


def test_seeding_can_be_turned_off_for_ask(tmp_path: Path) -> None:
    """With BRIEFBOT_SEED_SAMPLES=0, asking on an empty store seeds nothing and says nothing of samples."""
    store = tmp_path / "store"
    result = run(store, "ask", "latest Kremlin stance on a Trump meeting", env={"BRIEFBOT_SEED_SAMPLES": "0"})
    assert result.returncode == 0, result.stderr
    assert "seeded" not in result.stderr
    assert stored_ids(store) == set()
