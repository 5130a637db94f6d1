"""Hostile and odd input: questions and brief files never crash the core, they get an answer or a clear error."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPORTER, SAMPLE_BRIEFS, Clock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers import Outcome
from bot.briefs import ID_PATTERN, parse_brief
from bot.errors import BriefError
from bot.newsroom import Newsroom
from bot.store import TinyStore

_ROOM = Newsroom(TinyStore(None), clock=Clock(), samples=SAMPLE_BRIEFS)


@pytest.mark.parametrize(
    "question",
    [
        "",
        " " * 10_000,
        "Kremlin " * 12_500,
        "a" * 100_000,
        "\x00\x07\x1b[31mKremlin\x1b[0m Trump\u0000 meeting",
        "\u200b\u200f\u202eKremlin\u202c Trump\u200d meeting\ufeff",
        "Кремль Трамп встреча",
        "克里姆林宫 特朗普 会晤",
        "🇷🇺🤝🇺🇸" * 1_000,
        "<" * 5_000 + "@" * 5_000,
        "http://" + "x" * 50_000,
        ":" + "a" * 40 + ":" + "x:" * 20_000,
        "<!channel> <!here> <@U123> <#C123> <https://evil.example|bank> @everyone",
    ],
)
def test_odd_questions_get_a_prompt_answer(question: str) -> None:
    """Empty, huge, control-character, right-to-left, foreign-script and markup-laden questions get an answer."""
    answer = _ROOM.ask(question, REPORTER)
    assert answer.outcome in set(Outcome)
    if not question.strip() or question.startswith(("<", "http", ":")):
        assert answer.outcome is Outcome.NO_MATCH  # nothing to search for once the chat noise is gone


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_question_gets_an_answer_not_an_exception(question: str) -> None:
    """Whatever a reporter types, ask returns one of the three outcomes."""
    assert _ROOM.ask(question, REPORTER).outcome in set(Outcome)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_file_text_parses_or_is_refused_with_a_brief_error(text: str) -> None:
    """Any text given as a brief file either parses or raises BriefError naming the file, never anything else."""
    _parses_or_is_refused_clearly(text)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "title", "summary", "updated", "tags", "aliases", "status", "review_by",
                         "embargo_until", "sources", "editor", "desk"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=30), st.lists(st.text(max_size=10), max_size=3),
                  st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2)),
    )
)  # fmt: skip
def test_any_front_matter_values_parse_or_are_refused_clearly(fields: dict[str, object]) -> None:
    """Front matter with any mix of wrongly typed values is refused with a BriefError, never a crash."""
    _parses_or_is_refused_clearly("---\n" + yaml.safe_dump(fields) + "---\nbody\n")


def _parses_or_is_refused_clearly(text: str) -> None:
    refusal = None
    try:
        loaded = parse_brief(text, "odd.md")
    except BriefError as error:
        refusal = str(error)
    if refusal is None:
        assert ID_PATTERN.fullmatch(loaded.brief.id)
        assert loaded.brief.updated.utcoffset() is not None
    else:
        assert refusal.startswith("odd.md: ")
