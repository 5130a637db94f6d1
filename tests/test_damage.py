"""One bad file never stops the bot: stray files are ignored, a damaged brief is unavailable, every other is served."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from conftest import EDITOR, REPORTER, SAMPLE_BRIEFS, Clock
from test_cli import run
from test_serve import running_server

from bot.errors import BriefUnavailable
from bot.newsroom import Newsroom
from bot.store import SHARD_DIR, TinyStore

KREMLIN = "kremlin-open-to-putin-trump-meeting"
FED = "fed-rate-outlook-november"
TOKEN = "damage-editor-token-0123"
STRAYS = {"a.bak.json": "{}", "Copy of fed-rate-outlook-november.json": "[]", "UPPER.json": '{"_default": {}}'}
DAMAGE = {
    "truncated": lambda text: text[: len(text) // 2],
    "emptied": lambda text: "",
    "a list, not a history": lambda text: "[1, 2, 3]",
    "records of the wrong shape": lambda text: '{"_default": {"1": {"title": "no version here"}}}',
    "a version missing": lambda text: text.replace('"number":1,', '"number":2,', 1),
    "not UTF-8": lambda text: "\udcff" + text,
}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store on disk holding the sample briefs, imported by the command."""
    store = tmp_path / "store"
    assert run(store, "import", str(SAMPLE_BRIEFS)).returncode == 0
    return store


def _damage(store: Path, brief_id: str, how: str) -> Path:
    shard = store / SHARD_DIR / f"{brief_id}.json"
    damaged = DAMAGE[how](shard.read_text(encoding="utf-8"))
    shard.write_bytes(damaged.encode("utf-8", errors="surrogateescape"))
    return shard


def test_stray_files_in_the_shard_folder_are_ignored_with_one_warning_each(store: Path) -> None:
    """Files that are not shards (a backup, a copy, an upper-case name) are ignored, each named once in a warning."""
    for name, text in STRAYS.items():
        (store / SHARD_DIR / name).write_text(text, encoding="utf-8")
    for command in (["ask", "Fed rate outlook"], ["list"], ["show", FED]):
        result = run(store, *command)
        assert result.returncode == 0, result.stderr
        assert "Fed" in result.stdout
        for name in STRAYS:
            assert result.stderr.count(f"briefs/{name} in the store is not a brief's file") == 1, result.stderr
        assert "Traceback" not in result.stderr
    assert len(run(store, "list").stdout.splitlines()) == len(list(SAMPLE_BRIEFS.glob("*.md"))) - 2  # drafts


@pytest.mark.parametrize("how", DAMAGE)
def test_a_damaged_shard_makes_only_its_brief_unavailable(store: Path, how: str) -> None:
    """A damaged shard leaves every other brief answered; asking for it by id says which file, what is wrong, what
    to do."""
    _damage(store, KREMLIN, how)
    fed = run(store, "ask", "--json", "Fed minutes split over a December rate cut")
    assert fed.returncode == 0, fed.stderr
    assert json.loads(fed.stdout)["brief"]["id"] == FED
    assert f"brief '{KREMLIN}' is unavailable: its file briefs/{KREMLIN}.json in the store cannot be read" in fed.stderr
    kremlin = run(store, "ask", "--json", "latest Kremlin stance on a Trump meeting")
    assert kremlin.returncode == 0, kremlin.stderr
    answer = json.loads(kremlin.stdout)
    assert KREMLIN not in {(answer["brief"] or {}).get("id"), *(a["id"] for a in answer["alternatives"])}
    for command in ("show", "history"):
        shown = run(store, command, KREMLIN)
        assert shown.returncode == 1
        assert shown.stderr.splitlines()[-1].startswith(f"briefbot: brief '{KREMLIN}' is unavailable: its file ")
        assert "run briefbot check --repair" in shown.stderr
        assert "Traceback" not in shown.stderr
    listed = run(store, "list").stdout
    assert FED in listed
    assert KREMLIN not in listed


def test_a_damaged_shard_is_logged_and_its_brief_is_unavailable_in_the_newsroom(
    store: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """The newsroom logs a damaged shard once, at error level, and lists it among the unavailable briefs."""
    _damage(store, KREMLIN, "truncated")
    with caplog.at_level(logging.ERROR, logger="briefbot.newsroom"):
        room = Newsroom(TinyStore(store), clock=clock)
        room.ask("latest Kremlin stance on a Trump meeting", REPORTER)
    assert [record.levelname for record in caplog.records] == ["ERROR"]
    assert f"briefs/{KREMLIN}.json" in caplog.records[0].getMessage()
    assert list(room.unavailable()) == [KREMLIN]
    with pytest.raises(BriefUnavailable):
        room.show(KREMLIN, EDITOR)
    assert len(room.briefs(EDITOR)) == len(list(SAMPLE_BRIEFS.glob("*.md"))) - 1


def test_a_brief_pushed_again_after_its_damaged_shard_was_moved_aside_is_available(
    store: Path, clock: Clock, tmp_path: Path
) -> None:
    """Once the damaged shard is moved aside, pushing the brief again makes it available and answered."""
    shard = _damage(store, KREMLIN, "emptied")
    room = Newsroom(TinyStore(store), clock=clock)
    assert KREMLIN in room.unavailable()
    shard.rename(tmp_path / "aside.json")
    brief = Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS).show(KREMLIN, EDITOR).brief
    room.push(brief, editor="Anna", channel="cli", expected_version=0)
    assert room.unavailable() == {}
    answer = room.ask("latest Kremlin stance on a Trump meeting", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == KREMLIN


def test_a_server_with_a_damaged_brief_serves_the_others_and_says_degraded(store: Path) -> None:
    """``serve`` starts despite a damaged shard and a stray file, answers, and ``/healthz`` says degraded, naming it."""
    _damage(store, KREMLIN, "truncated")
    (store / SHARD_DIR / "a.bak.json").write_text("{}", encoding="utf-8")
    env = {"BRIEFBOT_STORE": str(store), "BRIEFBOT_API_TOKENS": f"Damage Editor={TOKEN}"}
    with (
        running_server(store.parent, env=env) as (url, _),
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10) as client,
    ):
        health = client.get("/healthz")
        assert health.status_code == 200
        body = health.json()
        assert (body["ok"], body["status"]) == (True, "degraded")
        assert [(u["id"], u["file"]) for u in body["unavailable"]] == [(KREMLIN, f"briefs/{KREMLIN}.json")]
        assert "briefbot check --repair" in body["unavailable"][0]["fix"]
        answer = client.get("/api/ask", params={"q": "Fed minutes split over a December rate cut"}).json()
        assert answer["brief"]["id"] == FED
        refused = client.get(f"/api/briefs/{KREMLIN}")
        assert refused.status_code == 503
        assert "is unavailable" in refused.json()["error"]
    log = (store.parent / "serve.log").read_text()
    assert log.count("briefs/a.bak.json in the store is not a brief's file") == 1
    assert f"brief '{KREMLIN}' is unavailable" in log


def test_a_journal_cut_short_while_running_still_lets_a_newsroom_see_what_others_write(
    store: Path, clock: Clock
) -> None:
    """When the change journal is cut short under a running newsroom, it looks at the shards and misses no push."""
    running = Newsroom(TinyStore(store), clock=clock)
    (store / "changes.jsonl").write_bytes(b"")
    other = Newsroom(TinyStore(store), clock=clock)
    brief = other.show(FED, EDITOR).brief
    other.push(replace(brief, summary="A new bottom line."), editor="Ben", channel="api")
    assert running.show(FED, REPORTER).brief.summary == "A new bottom line."  # read from disk: the truth
    answer = running.ask("Fed minutes split over a December rate cut", REPORTER)
    assert answer.brief is not None
    assert answer.brief.summary == "A new bottom line."
