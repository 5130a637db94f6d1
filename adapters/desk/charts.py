"""The overview's pictures, as shapes the templates draw as inline SVG: no script, no library, no request.

Each chart is a list of rectangles with a CSS class for its colour and a text
label, in a fixed ``viewBox`` that the browser scales to the page's width, and
a one-sentence summary that screen readers read instead of the picture.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.answers import Outcome
from bot.outcomes import Recorded

__all__ = ["DAYS", "OUTCOME_NAMES", "Bar", "Chart", "bar_chart", "chart_start", "daily_chart"]

DAYS = 30
WIDTH = 600
ROW = 28
LABEL_WIDTH = 230
DAILY_HEIGHT = 180
OUTCOME_NAMES = {Outcome.ANSWER: "answered", Outcome.AMBIGUOUS: "choices", Outcome.NO_MATCH: "no match"}


@dataclass(frozen=True)
class Bar:
    """One rectangle: where, how big, its colour class, and what it says (its tooltip and label)."""

    x: float
    y: float
    width: float
    height: float
    css: str
    label: str
    text: str = ""
    """Words drawn beside the bar (a row's name and count); empty for the daily chart's bars."""


@dataclass(frozen=True)
class Chart:
    """A chart's size, shapes and what it shows in one sentence."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    summary: str
    ticks: tuple[tuple[float, str], ...] = ()
    """Labels along the bottom: (x, text)."""


def bar_chart(rows: Sequence[tuple[str, int, str]], what: str) -> Chart:
    """Horizontal bars, one a row of (label, count, colour class), longest the full width."""
    biggest = max((count for _, count, _ in rows), default=0) or 1
    bars = []
    for place, (label, count, css) in enumerate(rows):
        width = (WIDTH - LABEL_WIDTH - 40) * count / biggest
        bars.append(Bar(LABEL_WIDTH, place * ROW + 4, max(width, 1.0), ROW - 8, css, f"{label}: {count}", label))
    summary = f"{what}: " + ("; ".join(f"{label} {count}" for label, count, _ in rows) if rows else "none")
    return Chart(WIDTH, max(len(rows), 1) * ROW, tuple(bars), summary)


def daily_chart(recorded: Sequence[Recorded], today: date) -> Chart:
    """Questions a day over the last ``DAYS`` days, each day's bar split by outcome."""
    first = today - timedelta(days=DAYS - 1)
    counts: Counter[tuple[date, Outcome]] = Counter()
    for entry in recorded:
        day = entry.asked_at.date()
        if first <= day <= today:
            counts[day, entry.outcome] += 1
    days = [first + timedelta(days=n) for n in range(DAYS)]
    totals = {day: sum(counts[day, outcome] for outcome in Outcome) for day in days}
    biggest = max(totals.values(), default=0) or 1
    slot = WIDTH / DAYS
    plot = DAILY_HEIGHT - 20
    bars = []
    for n, day in enumerate(days):
        bottom = float(plot)
        for outcome in (Outcome.ANSWER, Outcome.AMBIGUOUS, Outcome.NO_MATCH):
            count = counts[day, outcome]
            if not count:
                continue
            height = plot * count / biggest
            bottom -= height
            label = f"{day:%d %b}: {count} {OUTCOME_NAMES[outcome]}"
            bars.append(Bar(n * slot + 2, bottom, slot - 4, height, f"outcome-{outcome.value}", label))
    ticks = tuple((n * slot + slot / 2, f"{day:%d %b}") for n, day in enumerate(days) if (DAYS - 1 - n) % 7 == 0)
    overall = Counter(entry.outcome for entry in recorded if first <= entry.asked_at.date() <= today)
    summary = (
        f"Questions a day over the last {DAYS} days: {sum(overall.values())} in all, "
        + ", ".join(f"{overall[outcome]} {OUTCOME_NAMES[outcome]}" for outcome in Outcome)
        + f"; the busiest day had {max(totals.values(), default=0)}."
    )
    return Chart(WIDTH, DAILY_HEIGHT, tuple(bars), summary, ticks)


def chart_start(now: datetime) -> datetime:
    """The start of the daily chart's first day, in ``now``'s time zone: where to read the outcome log from."""
    return datetime.combine(now.date() - timedelta(days=DAYS - 1), time.min, tzinfo=now.tzinfo)
