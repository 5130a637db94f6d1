"""The public reporter-style question set in bench/: it names real briefs, and none of its replies leaks a draft."""

from __future__ import annotations

import yaml
from conftest import REPO, REPORTER

from bot.chat import ReplyKind, respond
from bot.newsroom import Newsroom

QUESTIONS = REPO / "bench" / "reporter_questions.yaml"


def _questions() -> list[tuple[str, str, str]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [
        (kind, expected, text)
        for kind, by_brief in data.items()
        for expected, texts in by_brief.items()
        for text in texts
    ]


def test_the_set_expects_only_briefs_a_reporter_can_see(newsroom: Newsroom) -> None:
    """Every expected brief is a published sample brief, and the set has at least 200 questions of every kind."""
    questions = _questions()
    visible = {version.brief.id for version in newsroom.briefs(REPORTER)}
    assert {expected for _, expected, _ in questions} - {"none"} <= visible
    assert all(isinstance(text, str) for _, _, text in questions)
    assert len(questions) >= 200
    assert {kind for kind, _, _ in questions} >= {"typo", "chat", "dated", "language", "out_of_scope", "unpublished"}


def test_no_reply_to_the_set_shows_a_draft_or_an_embargoed_brief(newsroom: Newsroom) -> None:
    """Asked as a reporter, no question of the set gets a draft or embargoed brief as answer, choice or suggestion."""
    hidden = {"sudan-aid-access-talks", "ultra-processed-food-dementia-study"}
    assert hidden.isdisjoint(version.brief.id for version in newsroom.briefs(REPORTER))
    for _, _, text in _questions():
        reply = respond(newsroom, text, REPORTER, "slack:C0NEWSDESK")
        assert reply.kind is ReplyKind.ANSWER
        assert reply.answer is not None
        shown = {choice.brief_id for choice in reply.answer.alternatives}
        if reply.answer.brief is not None:
            shown.add(reply.answer.brief.id)
        assert hidden.isdisjoint(shown), text
