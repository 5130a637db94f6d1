"""The reporter-style question sets in bench/, public and held out: they name real briefs, no reply leaks a draft."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import EDITOR, REPO, REPORTER

from bot.briefs import Status
from bot.chat import ReplyKind, respond
from bot.newsroom import Newsroom

QUESTIONS = REPO / "bench" / "reporter_questions.yaml"
HOLDOUT = REPO / "bench" / "reporter_holdout.yaml"
SETS = {QUESTIONS: 200, HOLDOUT: 150}
"""Each set and the fewest questions it must hold."""
KINDS = {
    "keyword",
    "question",
    "paraphrase",
    "alias",
    "typo",
    "chat",
    "lowercase",
    "latest",
    "dated",
    "language",
    "out_of_scope",
    "unpublished",
}
HIDDEN = {"sudan-aid-access-talks", "ultra-processed-food-dementia-study"}


def _questions(path: Path) -> list[tuple[str, str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (kind, expected, text)
        for kind, by_brief in data.items()
        for expected, texts in by_brief.items()
        for text in texts
    ]


@pytest.mark.parametrize("path", list(SETS), ids=lambda path: path.stem)
def test_the_set_expects_only_briefs_a_reporter_can_see(newsroom: Newsroom, path: Path) -> None:
    """Every expected brief is a published sample brief, and the set has enough questions, of every kind."""
    questions = _questions(path)
    visible = {version.brief.id for version in newsroom.briefs(REPORTER)}
    answerable = [(kind, expected) for kind, expected, _ in questions if kind != "unpublished"]
    assert {expected for _, expected in answerable} - {"none"} <= visible
    assert all(isinstance(text, str) for _, _, text in questions)
    assert len(questions) >= SETS[path]
    assert {kind for kind, _, _ in questions} >= KINDS


@pytest.mark.parametrize("path", list(SETS), ids=lambda path: path.stem)
def test_unpublished_questions_are_about_briefs_a_reporter_cannot_see(newsroom: Newsroom, path: Path) -> None:
    """A question of the unpublished kind names `none` or a draft or embargoed brief that is hidden from a reporter."""
    visible = {version.brief.id for version in newsroom.briefs(REPORTER)}
    status = {version.brief.id: version.brief.status for version in newsroom.briefs(EDITOR)}
    subjects = {expected for kind, expected, _ in _questions(path) if kind == "unpublished"} - {"none"}
    assert subjects.isdisjoint(visible)
    assert all(status[subject] in {Status.DRAFT, Status.EMBARGOED} for subject in subjects)


def test_the_held_out_set_asks_about_every_hidden_brief(newsroom: Newsroom) -> None:
    """The held-out set asks about both the draft and the embargoed sample brief, by name of the brief."""
    subjects = {expected for kind, expected, _ in _questions(HOLDOUT) if kind == "unpublished"}
    statuses = {version.brief.status for version in newsroom.briefs(EDITOR) if version.brief.id in subjects}
    assert subjects == HIDDEN
    assert statuses == {Status.DRAFT, Status.EMBARGOED}


def test_the_held_out_set_shares_no_question_with_the_public_set() -> None:
    """No question of the held-out set is a question of the public set, whatever its case or spacing."""
    public = {" ".join(text.casefold().split()) for _, _, text in _questions(QUESTIONS)}
    assert public.isdisjoint(" ".join(text.casefold().split()) for _, _, text in _questions(HOLDOUT))


@pytest.mark.parametrize("path", list(SETS), ids=lambda path: path.stem)
def test_no_reply_to_the_set_shows_a_draft_or_an_embargoed_brief(newsroom: Newsroom, path: Path) -> None:
    """Asked as a reporter, no question of the set gets a draft or embargoed brief as answer, choice or suggestion."""
    assert HIDDEN.isdisjoint(version.brief.id for version in newsroom.briefs(REPORTER))
    for _, _, text in _questions(path):
        reply = respond(newsroom, text, REPORTER, "slack:C0NEWSDESK")
        assert reply.kind is ReplyKind.ANSWER
        assert reply.answer is not None
        shown = {choice.brief_id for choice in reply.answer.alternatives}
        if reply.answer.brief is not None:
            shown.add(reply.answer.brief.id)
        assert HIDDEN.isdisjoint(shown), text


def test_the_benchmark_scores_the_held_out_set_by_kind(tmp_path: Path) -> None:
    """bench/reporters.py --set holdout asks every held-out question and reports each kind, with no leak."""
    out = tmp_path / "holdout.json"
    run = [sys.executable, str(REPO / "bench" / "reporters.py"), "--set", "holdout", "--json", str(out)]
    done = subprocess.run(run, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "the holdout set, reporter_holdout.yaml" in done.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["set"] == "reporter_holdout.yaml"
    assert figures["questions"] == len(_questions(HOLDOUT))
    assert set(figures["kinds"]) == KINDS | {"all"}
    assert figures["leaks"] == 0
