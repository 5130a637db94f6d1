"""A brief as every surface shows it: its body read once, its key points, and whether there is more to offer.

Slack and Discord render the same view, so "Full brief" follows one rule on
both: it is offered when the body holds more than the key points, or when the
renderer had to cut something to fit its platform's limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.body import BodyLine, key_points, more_than, read_body
from bot.briefs import Brief

__all__ = ["BriefView", "view_of"]


@dataclass(frozen=True)
class BriefView:
    """A brief's parts for renderers: the brief, its body's lines, its key points, and whether the body has more."""

    brief: Brief
    lines: tuple[BodyLine, ...]
    key_points: tuple[str, ...]
    more: bool
    """The body holds more than headings and the key points."""

    def offers_full_brief(self, cut: bool) -> bool:
        """Whether to offer "Full brief": the body has more than the answer shows, or the renderer ``cut`` something."""
        return self.more or cut


def view_of(brief: Brief) -> BriefView:
    """The view of a brief, its body read once."""
    lines = read_body(brief.body)
    points = key_points(lines)
    return BriefView(brief, lines, points, more_than(lines, points))
