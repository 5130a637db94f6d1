"""The shared wording: clipping long text to a platform's limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.wording import clip


def test_short_text_is_left_alone() -> None:
    """Text within the limit comes back unchanged, with no ellipsis."""
    assert clip("Kremlin open to a meeting", 25) == "Kremlin open to a meeting"


def test_long_text_is_cut_at_a_word_boundary_with_an_ellipsis() -> None:
    """Text over the limit is cut after a whole word and ends in an ellipsis."""
    assert clip("Kremlin open to a meeting with Trump", 20) == "Kremlin open to a\u2026"


def test_one_long_word_is_cut_mid_word() -> None:
    """A single word longer than the limit is cut inside the word rather than dropped."""
    assert clip("x" * 50, 10) == "x" * 9 + "\u2026"


@given(st.text(), st.integers(min_value=0, max_value=300))
def test_clipped_text_never_exceeds_the_limit_and_keeps_its_start(text: str, limit: int) -> None:
    """Whatever the text and limit, the result fits and is a prefix of the text plus at most an ellipsis."""
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    assert text.startswith(clipped.removesuffix("\u2026").rstrip())
