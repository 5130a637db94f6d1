"""The command line tells editors plainly what it did and what it could not do, in one line, never a traceback."""

from __future__ import annotations

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
