"""Limits: how many questions one person may ask in a minute, so one runaway script cannot starve a newsroom."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["DEFAULT_QUESTIONS_PER_MINUTE", "RateLimiter"]

DEFAULT_QUESTIONS_PER_MINUTE = 30
"""Far above what a person types; a script asking faster is told to slow down."""

FORGET_AFTER = 10_000
"""Askers remembered before those whose allowance has refilled are forgotten."""


class RateLimiter:
    """A token bucket per asker: ``per_minute`` questions at once, refilled evenly over a minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def __len__(self) -> int:
        """How many askers are remembered."""
        return len(self._buckets)

    def allow(self, key: str) -> bool:
        """Spend one question of ``key``'s allowance; False when it is used up."""
        now = self._clock()
        tokens = self._level(*self._buckets.get(key, (float(self.per_minute), now)), now)
        if len(self._buckets) >= FORGET_AFTER:
            self._forget_refilled(now)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def _level(self, tokens: float, since: float, now: float) -> float:
        """The allowance left at ``now`` of one that was ``tokens`` at ``since``."""
        return min(float(self.per_minute), tokens + (now - since) * self.per_minute / 60.0)

    def _forget_refilled(self, now: float) -> None:
        full = [key for key, bucket in self._buckets.items() if self._level(*bucket, now) >= self.per_minute]
        for key in full:
            del self._buckets[key]
