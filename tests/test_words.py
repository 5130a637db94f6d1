"""Reading chat as reporters type it: links, filler and the words a question is cut into."""

from __future__ import annotations

import pytest

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
