"""Limits: how many questions one person may ask in a minute, so one runaway script cannot starve a newsroom."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["DEFAULT_QUESTIONS_PER_MINUTE", "FORGET_AFTER", "RateLimiter"]

DEFAULT_QUESTIONS_PER_MINUTE = 30
"""Far above what a person types; a script asking faster is told to slow down."""

FORGET_AFTER = 10_000
"""Askers remembered at most; past it the one heard from least lately is forgotten. Askers are people in
chat, but on an open API they are client addresses, and anyone can ask from very many of them: the bound
keeps memory and the cost of a question fixed. Only a client that makes room for 10,000 others within its
own refill minute could win back a fresh allowance by it."""


class RateLimiter:
    """A token bucket per asker: ``per_minute`` questions at once, refilled evenly over a minute."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        # Kept in the order askers were last heard from, so the one to forget is always the first.
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        """How many askers are remembered."""
        return len(self._buckets)

    def allow(self, key: str) -> bool:
        """Spend one question of ``key``'s allowance; False when it is used up."""
        now = self._clock()
        tokens = self._level(*self._buckets.pop(key, (float(self.per_minute), now)), now)
        while len(self._buckets) >= FORGET_AFTER:
            self._buckets.popitem(last=False)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def _level(self, tokens: float, since: float, now: float) -> float:
        """The allowance left at ``now`` of one that was ``tokens`` at ``since``."""
        return min(float(self.per_minute), tokens + (now - since) * self.per_minute / 60.0)
