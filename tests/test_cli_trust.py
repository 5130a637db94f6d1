"""The command line tells editors plainly what it did and what it could not do, in one line, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import write_brief
from test_cli import run


@pytest.mark.parametrize("where", ["a-file", "a-file/store"])
def test_a_store_that_is_not_a_folder_is_one_clear_line(tmp_path: Path, where: str) -> None:
    """``--store`` naming a file (or a path under one) exits 1 with one line saying the store must be a folder."""
    (tmp_path / "a-file").write_text("not a store\n", encoding="utf-8")
    store = tmp_path / where
    result = run(store, "list")
    assert result.returncode == 1
    assert result.stderr == (
        f"briefbot: the store {store} cannot be opened (Not a directory): "
        "it must be a folder briefbot can read and write\n"
    )


def test_a_store_file_the_system_refuses_is_one_clear_line(tmp_path: Path) -> None:
    """A push into a store whose lock cannot be taken (its lock file is a folder) names the file, in one line."""
    store = tmp_path / "store"
    path = write_brief(tmp_path / "in", "harbour-strike")
    assert run(store, "push", str(path)).returncode == 0
    (store / ".lock").unlink()
    (store / ".lock").mkdir()
    path.write_text(path.read_text(encoding="utf-8").replace("Title of", "New title of"), encoding="utf-8")
    result = run(store, "push", str(path))
    assert result.returncode == 1
    assert result.stderr == f"briefbot: {store / '.lock'}: Is a directory\n"


HIDDEN_DRAFT = "draft: not shown to reporters"
HIDDEN_EMBARGO = "embargoed until 2999-01-15 05:00 UTC: not shown to reporters before then"


@pytest.fixture
def hidden_store(tmp_path: Path) -> Path:
    """A store with a draft (its v2; v1 was published) and a brief embargoed until 2999."""
    store, folder = tmp_path / "store", tmp_path / "in"
    write_brief(folder, "harbour-strike", title="Harbour workers strike")
    assert run(store, "import", str(folder)).returncode == 0
    write_brief(folder, "harbour-strike", title="Harbour workers strike", status="draft")
    write_brief(
        folder, "rail-merger", title="Rail merger", status="embargoed", embargo_until="2999-01-15T05:00:00+00:00"
    )
    assert run(store, "import", str(folder)).returncode == 0
    return store


def test_an_editors_answer_says_when_reporters_do_not_see_the_brief(hidden_store: Path) -> None:
    """``ask --drafts`` marks a draft or embargoed answer under its provenance line, and its JSON gives the status."""
    draft = run(hidden_store, "ask", "--drafts", "harbour workers strike").stdout.splitlines()
    assert (draft[0], draft[2]) == ("Harbour workers strike", f"[{HIDDEN_DRAFT}]")
    embargoed = run(hidden_store, "ask", "--drafts", "rail merger").stdout.splitlines()
    assert (embargoed[0], embargoed[2]) == ("Rail merger", f"[{HIDDEN_EMBARGO}]")
    data = json.loads(run(hidden_store, "ask", "--drafts", "--json", "rail merger").stdout)
    assert (data["brief"]["status"], data["brief"]["embargo_until"]) == ("embargoed", "2999-01-15T05:00:00+00:00")


def test_show_and_history_say_when_reporters_do_not_see_a_version(hidden_store: Path) -> None:
    """``show`` marks a draft or embargoed brief in its first line, ``history`` each hidden version."""
    draft = run(hidden_store, "show", "harbour-strike").stdout.splitlines()[0]
    assert draft == f"Harbour workers strike  [harbour-strike v2, {HIDDEN_DRAFT}]"
    embargoed = run(hidden_store, "show", "rail-merger").stdout.splitlines()[0]
    assert embargoed == f"Rail merger  [rail-merger v1, {HIDDEN_EMBARGO}]"
    history = run(hidden_store, "history", "harbour-strike").stdout.splitlines()
    assert "(new, published)  Harbour workers strike" in history[0]
    assert f"(from v1, {HIDDEN_DRAFT})  Harbour workers strike" in history[2]
    assert f"  [{HIDDEN_DRAFT}]" in run(hidden_store, "list", "--all").stdout


def test_show_prints_times_to_the_minute_with_their_zone(tmp_path: Path) -> None:
    """``show`` prints when a brief was updated (in its own zone) and pushed (in UTC) to the minute, no microseconds."""
    store = tmp_path / "store"
    path = write_brief(tmp_path / "in", "harbour-strike", updated="2026-11-20T10:00:00.123456+02:00")
    assert run(store, "import", str(path)).returncode == 0
    lines = run(store, "show", "harbour-strike").stdout.splitlines()
    assert lines[1] == "updated 2026-11-20 10:00 +02:00 by Test Editor"
    assert re.fullmatch(r"pushed \d{4}-\d\d-\d\d \d\d:\d\d UTC by Test Editor via cli", lines[2]), lines[2]


def test_a_push_with_a_bad_file_says_nothing_was_pushed(tmp_path: Path) -> None:
    """One bad file among those pushed: exit 1, "nothing pushed" with the file and field, and nothing stored."""
    store = tmp_path / "store"
    good = write_brief(tmp_path / "in", "harbour-strike")
    bad = write_brief(tmp_path / "in", "rail-merger", updated="yesterday")
    result = run(store, "push", str(good), str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "briefbot: nothing pushed: 1 bad file"
    assert f"{bad}: updated: expected an ISO 8601 date and time" in result.stderr
    assert run(store, "list", "--all", env={"BRIEFBOT_SEED_SAMPLES": "0"}).stdout == ""


def test_a_file_named_twice_is_pushed_or_imported_once(tmp_path: Path) -> None:
    """The same file named twice, or named and inside a folder also named, is one file, not its own duplicate."""
    store, folder = tmp_path / "store", tmp_path / "in"
    path = write_brief(folder, "harbour-strike")
    pushed = run(store, "push", str(path), str(folder / "." / path.name))
    assert pushed.returncode == 0, pushed.stderr
    assert pushed.stdout == "added     harbour-strike v1\n"
    path.write_text(path.read_text(encoding="utf-8").replace("Title of", "New title of"), encoding="utf-8")
    imported = run(store, "import", str(folder), str(path))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "updated   harbour-strike v1 -> v2 (v1 was by Test Editor)\n"


@pytest.mark.parametrize("address", ["127.0.0.1:9", "localhost:9", "ftp://127.0.0.1:9"])
def test_a_server_address_without_http_is_a_usage_error(tmp_path: Path, address: str) -> None:
    """``push --to`` with an address lacking http:// or https:// exits 2 saying to add it, and sends nothing."""
    path = write_brief(tmp_path / "in", "harbour-strike")
    result = run(tmp_path / "store", "push", str(path), "--to", address, "--token", "editor-token-0123456789")
    assert result.returncode == 2
    assert f"--to {address}: give the server's address with http:// or https://" in result.stderr
    assert "cannot be reached" not in result.stderr
