"""One chat turn in the core, and the console that renders it: help, commands and questions alike."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EDITOR, REPORTER

from adapters.console import run_chat
from bot import wording
from bot.chat import ReplyKind, pick, respond
from bot.newsroom import Newsroom

KREMLIN = "kremlin-open-to-putin-trump-meeting"


def chat(newsroom: Newsroom, *lines: str, editor: bool = True) -> list[str]:
    """Type ``lines`` at the console prompt and return what it wrote after each, the banner first."""
    typed = iter(lines)
    written: list[str] = []

    def read(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    run_chat(newsroom, EDITOR if editor else REPORTER, read=read, write=written.append)
    return written


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "?"])
def test_nothing_help_or_a_question_mark_gets_the_help(newsroom: Newsroom, text: str) -> None:
    """An empty turn, `help` or `?` is answered with the help, not searched for."""
    reply = respond(newsroom, text, REPORTER, "test:C1")
    assert (reply.kind, reply.text) == (ReplyKind.HELP, wording.HELP)
    assert newsroom.store.questions() == []


def test_a_question_is_answered_as_a_reporter_sees_briefs_even_for_an_editor(newsroom: Newsroom) -> None:
    """An editor's question never reaches a draft: drafts stay in the editors' tools."""
    draft = next(v.brief for v in newsroom.briefs(EDITOR) if v.brief.status.value == "draft")
    reply = respond(newsroom, draft.title, EDITOR, "test:C1")
    assert reply.kind is ReplyKind.ANSWER
    assert reply.answer is not None
    assert reply.answer.brief is None or reply.answer.brief.id != draft.id


def test_a_briefs_id_alone_answers_that_brief(newsroom: Newsroom) -> None:
    """Typing (or autocompleting) a brief's id answers that very brief."""
    reply = respond(newsroom, KREMLIN, REPORTER, "test:C1")
    assert reply.answer is not None
    assert reply.answer.brief is not None
    assert reply.answer.brief.id == KREMLIN


def test_a_chosen_brief_that_is_gone_says_so(newsroom: Newsroom) -> None:
    """A button naming a brief the reporter may not see (or that never was) gets the "no longer available" notice."""
    assert (pick(newsroom, "no-such-brief", REPORTER).kind, pick(newsroom, "no-such-brief", REPORTER).text) == (
        ReplyKind.NOTICE,
        wording.BRIEF_GONE,
    )


def test_an_unexpected_failure_is_logged_and_apologised_for(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug while answering gives the fixed apology, and its traceback goes to the log."""

    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(newsroom, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="briefbot.chat"):
        reply = respond(newsroom, "kremlin trump meeting", REPORTER, "test:C1")
    assert (reply.kind, reply.text) == (ReplyKind.NOTICE, wording.APOLOGY)
    assert "disk on fire" in caplog.text


def test_the_console_runs_every_chat_command(newsroom: Newsroom) -> None:
    """At the prompt, follow, following, history, unfollow and revert are carried out, not searched for."""
    written = chat(
        newsroom, f"follow {KREMLIN}", "following", f"history {KREMLIN}", f"revert {KREMLIN} 1", f"unfollow {KREMLIN}"
    )
    title = newsroom.show(KREMLIN, REPORTER).brief.title
    assert written[1].strip() == wording.FOLLOWING.format(title=title, brief_id=KREMLIN)
    assert written[2].strip() == f"{wording.FOLLOWS_LIST}\n\u2022 {KREMLIN}"
    assert written[3].startswith(wording.HISTORY.format(title=title, brief_id=KREMLIN))
    assert written[4].strip() == wording.REVERTED.format(brief_id=KREMLIN, number=1, version=2)
    assert written[5].strip() == wording.UNFOLLOWED.format(brief_id=KREMLIN)
    assert newsroom.store.questions() == []


def test_a_reporter_at_the_console_cannot_revert(newsroom: Newsroom) -> None:
    """Reverting is for editors, at the console as in chat."""
    written = chat(newsroom, f"revert {KREMLIN} 1", editor=False)
    assert written[1].strip() == wording.EDITORS_ONLY
    assert len(newsroom.store.history(KREMLIN)) == 1


def test_the_console_answers_questions_and_help_at_the_prompt(newsroom: Newsroom) -> None:
    """A question gets the brief and `help` the help, at the same prompt."""
    written = chat(newsroom, "latest Kremlin stance on a Trump meeting", "help")
    assert newsroom.show(KREMLIN, REPORTER).brief.title in written[1]
    assert written[2].strip() == wording.HELP


def test_ask_with_an_empty_question_prompts_for_one_and_logs_nothing(tmp_path: Path) -> None:
    """`briefbot ask ""` asks for a question instead of saying it logged one (it logs nothing)."""
    briefbot = shutil.which("briefbot", path=str(Path(sys.executable).parent)) or "briefbot"
    store = tmp_path / "store"
    environ = {**os.environ, "BRIEFBOT_SEED_SAMPLES": "0"}
    result = subprocess.run(
        [briefbot, "--store", str(store), "ask", "  "], capture_output=True, text=True, env=environ, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == wording.EMPTY_QUESTION
    assert "logged" not in result.stdout
