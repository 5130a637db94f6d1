"""Watching a folder: changed brief files go live, bad ones are reported and skipped, the last good version stays."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from conftest import REPORTER, eventually, write_brief

from adapters.watching import FILE_CHANNEL, WATCH_EDITOR, push_file, watch_folder
from bot.newsroom import Newsroom


def test_a_brief_file_is_pushed_as_a_new_version_by_the_folder_watch(newsroom: Newsroom, tmp_path: Path) -> None:
    """A good file is stored through the file channel, pushed by the folder watch: its byline is not who pushed."""
    path = write_brief(tmp_path, "harbour-strike", editor="Sofia Brandt")
    assert push_file(newsroom, path) is True
    version = newsroom.show("harbour-strike", REPORTER)
    assert (version.number, version.editor, version.channel) == (1, WATCH_EDITOR, FILE_CHANNEL)
    assert version.brief.editor == "Sofia Brandt"
    assert push_file(newsroom, path) is True
    assert newsroom.show("harbour-strike", REPORTER).number == 1  # unchanged content makes no version


def test_a_bad_file_is_reported_and_the_last_good_version_stays(
    newsroom: Newsroom, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file broken by an edit is logged with its error and skipped; reporters still get the good version."""
    path = write_brief(tmp_path, "harbour-strike", title="Dockers strike")
    push_file(newsroom, path)
    path.write_text(path.read_text(encoding="utf-8").replace("updated: 2026", "updated: yesterday 2026"), "utf-8")
    assert push_file(newsroom, path) is False
    assert f"skipped {path}" in caplog.text
    assert "updated: expected an ISO 8601 date and time" in caplog.text
    assert newsroom.show("harbour-strike", REPORTER).brief.title == "Dockers strike"


async def test_the_watch_pushes_files_as_they_change_until_stopped(
    newsroom: Newsroom, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Files already there are pushed at start; a changed file goes live; a bad one is skipped; stop ends it."""
    caplog.set_level(logging.INFO)
    folder = tmp_path / "briefs"
    write_brief(folder, "harbour-strike", title="Dockers strike")
    stop = asyncio.Event()
    watching = asyncio.create_task(watch_folder(newsroom, folder, stop))
    await eventually(lambda: "harbour-strike" in {v.brief.id for v in newsroom.briefs(REPORTER)})
    assert newsroom.show("harbour-strike", REPORTER).number == 1
    await asyncio.sleep(0.3)  # the watcher is listening once its first batch has been handled
    write_brief(folder, "harbour-strike", title="Dockers strike ends")
    await eventually(lambda: newsroom.show("harbour-strike", REPORTER).number == 2)
    assert newsroom.show("harbour-strike", REPORTER).brief.title == "Dockers strike ends"
    (folder / "broken.md").write_text("no front matter at all", encoding="utf-8")
    await eventually(lambda: "broken.md" in caplog.text)
    assert "skipped" in caplog.text
    assert newsroom.show("harbour-strike", REPORTER).number == 2
    stop.set()
    await asyncio.wait_for(watching, timeout=10)
