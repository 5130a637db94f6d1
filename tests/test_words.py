"""Reading chat as reporters type it: links, filler and the words a question is cut into."""

from __future__ import annotations

import pytest
from conftest import REPORTER

from bot.newsroom import Newsroom
from bot.search import SearchIndex
from bot.words import clean_question, words


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "https://news.example/politics/2026/11/council-budget-vote-delayed thx",
            "politics council budget vote delayed thx",
        ),
        (
            "<https://www.reuters.com/world/kremlin-open-to-meeting-trump-2026-11-24/|reuters> ?",
            "world kremlin open to meeting trump 2026 reuters ?",
        ),
        ("see www.example.com/story/flu-season_starts-early.html", "see flu season starts early"),
        ("https://apnews.com/article/eu-sanctions-package-8c1d2e3f4a5b6c7d", "eu sanctions package"),
    ],
)
def test_a_pasted_link_is_read_by_the_words_of_its_path(typed: str, read: str) -> None:
    """A link counts by the words of its path; its host, dates, ids, file extension and query string do not."""
    assert clean_question(typed) == read


def test_a_link_with_no_words_in_its_path_leaves_nothing_behind() -> None:
    """A link to a front page or an id adds no words to the question."""
    assert (
        clean_question("fed rates https://example.com/news?id=1 https://x.example/ https://t.co/a1B2c3D4e5")
        == "fed rates"
    )


def test_a_number_with_a_magnitude_is_read_as_the_number() -> None:
    """ "194K jobs" and "$850B" are the 194 and 850 a brief spells out as 194,000 and $850 billion."""
    assert words("US adds 194K jobs; $850B stimulus, 1.9tn plan") == [
        "us",
        "adds",
        "194",
        "jobs",
        "850",
        "stimulus",
        "1",
        "9",
        "plan",
    ]


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("can u send the brief on the riverton budget vote asap", "riverton budget vote"),
        ("@here chip tariffs brief?? need it for the 3pm", "chip tariffs"),
        ("sorry to bug u, quick q: fyi bridge closure brief pls", "bridge closure"),
        ("need the fed minutes rn", "fed minutes"),
        ("can someone send me what's our line on the eu sanctions package? thx", "eu sanctions package"),
    ],
)
def test_chat_filler_is_not_part_of_the_question(typed: str, topic: str) -> None:
    """What reporters wrap a request in ("can u send", "asap", "need it for the 3pm") leaves only its topic."""
    index = SearchIndex()
    assert index.analyze(typed).terms == index.analyze(topic).terms


def test_filler_does_not_push_a_short_question_under_the_coverage_rule(newsroom: Newsroom) -> None:
    """ "chip tariffs", wrapped in chat, still gets the chip tariffs brief."""
    answer = newsroom.ask("@here chip tariffs brief?? need it for the 3pm", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "trump-tariffs-semiconductor-imports"
