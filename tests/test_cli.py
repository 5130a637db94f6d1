"""The briefbot command end to end: the installed console script against real store folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_brief

BRIEFBOT = shutil.which("briefbot", path=str(Path(sys.executable).parent)) or "briefbot"


def run(
    store: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the briefbot command on ``store`` and capture what it prints."""
    environ = {**os.environ, "BRIEFBOT_EDITOR": "Test Editor", **(env or {})}
    return subprocess.run(
        [BRIEFBOT, "--store", str(store), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=False,
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


def test_ask_answers_the_kremlin_question_from_the_samples(store: Path) -> None:
    """On a fresh store the samples are imported and the Kremlin question gets the Kremlin brief."""
    result = run(store, "ask", "latest Kremlin stance on a Trump meeting")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Kremlin says it remains open to a Putin-Trump meeting"
    assert lines[1].startswith("v1 · updated ")
    assert "by Anna Kowalski (pushed by briefbot samples), World desk" in lines[1]
    assert "Bottom line: " in result.stdout
    assert "Key points:" in result.stdout
    assert "http://en.kremlin.ru/events/president/news" in result.stdout


def test_ask_json_prints_one_object_with_the_documented_fields(store: Path) -> None:
    """--json prints one JSON object with query, status, brief, alternatives and score."""
    result = run(store, "ask", "--json", "latest Kremlin stance on a Trump meeting")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["query"] == "latest Kremlin stance on a Trump meeting"
    assert data["status"] == "answer"
    assert data["brief"]["id"] == "kremlin-open-to-putin-trump-meeting"
    assert data["brief"]["version"] == 1
    assert data["brief"]["updated"] == "2026-11-24T08:15:00+00:00"
    assert {"id", "title", "score"} <= set(data["alternatives"][0])
    assert data["score"] > 0


def test_ask_json_reads_one_question_per_stdin_line(store: Path) -> None:
    """`ask --json -` answers every stdin line with one JSON line, in order."""
    questions = ["latest Kremlin stance on a Trump meeting", "mars rover landing", "fed rates"]
    result = run(store, "ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["query"] for a in answers] == questions
    assert [a["status"] for a in answers] == ["answer", "no_match", "ambiguous"]


def test_import_prints_what_was_added_updated_and_unchanged(store: Path, tmp_path: Path) -> None:
    """Import reports each brief as added, updated (naming the previous editor) or unchanged."""
    folder = tmp_path / "in"
    write_brief(folder, "harbour-strike", title="Harbour workers strike")
    env = {"BRIEFBOT_SEED_SAMPLES": "0"}
    assert run(store, "import", str(folder), env=env).stdout == "added     harbour-strike v1\n"
    write_brief(folder, "harbour-strike", title="Harbour workers end strike")
    assert run(store, "--as", "Second Editor", "import", str(folder), env=env).stdout == (
        "updated   harbour-strike v1 -> v2 (v1 was by Test Editor)\n"
    )
    assert run(store, "import", str(folder), env=env).stdout == "unchanged harbour-strike v2\n"
    history = run(store, "history", "harbour-strike", env=env).stdout.splitlines()
    assert len(history) == 4
    assert "Test Editor via cli (new, published)  Harbour workers strike" in history[0]
    assert "Second Editor via cli (from v1, published)  Harbour workers end strike" in history[2]


def test_a_bad_file_fails_the_whole_import_with_a_clear_message(store: Path, tmp_path: Path) -> None:
    """One bad file: exit status 1, the file and field named on stderr, and nothing stored."""
    folder = tmp_path / "in"
    write_brief(folder, "good-one")
    write_brief(folder, "bad-one", updated="yesterday")
    result = run(store, "import", str(folder), env={"BRIEFBOT_SEED_SAMPLES": "0"})
    assert result.returncode == 1
    assert "nothing imported: 1 bad file" in result.stderr
    assert f"{folder / 'bad-one.md'}: updated: expected an ISO 8601 date and time" in result.stderr
    assert run(store, "list", "--all", env={"BRIEFBOT_SEED_SAMPLES": "0"}).stdout == ""


def test_list_show_and_gaps(store: Path) -> None:
    """list hides drafts unless --all, show prints a brief or its raw file, gaps lists unanswered questions."""
    listed = run(store, "list").stdout
    assert "kremlin-open-to-putin-trump-meeting" in listed
    assert "sudan-aid-access-talks" not in listed
    assert "sudan-aid-access-talks" in run(store, "list", "--all").stdout
    shown = run(store, "show", "kremlin-open-to-putin-trump-meeting").stdout
    assert shown.startswith(
        "Kremlin says it remains open to a Putin-Trump meeting  [kremlin-open-to-putin-trump-meeting v1"
    )
    raw = run(store, "show", "--raw", "kremlin-open-to-putin-trump-meeting").stdout
    assert raw.startswith("---\nid: kremlin-open-to-putin-trump-meeting\n")
    run(store, "ask", "mars rover landing")
    run(store, "ask", "mars rover landing")
    assert "   2x  1 asker   last " in run(store, "gaps").stdout


def test_unknown_ids_and_usage_errors_exit_non_zero(store: Path) -> None:
    """An unknown id exits 1 with a clear message; a missing argument is a usage error (exit 2)."""
    unknown = run(store, "show", "no-such-brief")
    assert unknown.returncode == 1
    assert unknown.stderr == "briefbot: no brief 'no-such-brief'\n"
    assert run(store, "ask").returncode == 2
    assert run(store, "history", "../../etc/passwd").returncode == 1


def test_a_bad_setting_is_reported_clearly(store: Path) -> None:
    """A setting with a value the bot cannot use exits 1 naming the setting."""
    result = run(store, "list", env={"BRIEFBOT_SEED_SAMPLES": "maybe"})
    assert result.returncode == 1
    assert "BRIEFBOT_SEED_SAMPLES: expected one of" in result.stderr


def test_chat_answers_questions_typed_at_the_prompt(store: Path) -> None:
    """The console adapter answers each line and stops at quit."""
    result = run(store, "chat", stdin="latest Kremlin stance on a Trump meeting\nhelp\nquit\nnever read\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("brief> ") == 3
    assert "Kremlin says it remains open to a Putin-Trump meeting" in result.stdout
    assert "never read" not in result.stdout


def test_the_store_location_comes_from_the_environment(tmp_path: Path) -> None:
    """Without --store, BRIEFBOT_STORE names the store folder."""
    environ = {**os.environ, "BRIEFBOT_STORE": str(tmp_path / "env-store")}
    result = subprocess.run([BRIEFBOT, "list"], capture_output=True, text=True, env=environ, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env-store" / "briefs" / "kremlin-open-to-putin-trump-meeting.json").is_file()


def test_list_says_why_it_lists_nothing(store: Path, tmp_path: Path) -> None:
    """An empty listing says whether the store is empty or every brief in it is hidden from reporters."""
    quiet = {"BRIEFBOT_SEED_SAMPLES": "0"}
    empty = run(store, "list", env=quiet)
    assert (empty.returncode, empty.stdout) == (0, "")
    assert "no briefs in this store yet; add some with briefbot import FOLDER" in empty.stderr
    write_brief(tmp_path / "in", "quiet-draft", status="draft")
    assert run(store, "import", str(tmp_path / "in"), env=quiet).returncode == 0
    hidden = run(store, "list", env=quiet)
    assert hidden.stdout == ""
    assert "no brief a reporter may see: 1 draft or embargoed; briefbot list --all shows them" in hidden.stderr
    assert "quiet-draft" in run(store, "list", "--all", env=quiet).stdout


def test_store_warnings_name_briefbot(store: Path) -> None:
    """A warning about the store folder reaches the terminal as briefbot's, once, with its level."""
    (store / "briefs").mkdir(parents=True)
    (store / "briefs" / "notes.txt").write_text("not a brief", encoding="utf-8")
    result = run(store, "list", env={"BRIEFBOT_SEED_SAMPLES": "0"})
    warnings = [line for line in result.stderr.splitlines() if "notes.txt" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("briefbot: briefs/notes.txt in the store is not a brief's file")
