"""Recent ids: what a surface has already answered, so a delivery repeated by the platform gets no second reply."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["RecentIds"]


class RecentIds:
    """The last ``size`` ids seen (and, with ``max_age``, only those seen within that many seconds)."""

    def __init__(self, size: int, max_age: float | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._size = size
        self._max_age = max_age
        self._clock = clock
        self._seen: OrderedDict[Hashable, float] = OrderedDict()

    def first_time(self, item: Hashable) -> bool:
        """Remember ``item``; True if it was not already remembered."""
        now = self._clock()
        if self._max_age is not None:
            while self._seen and next(iter(self._seen.values())) < now - self._max_age:
                self._seen.popitem(last=False)
        if item in self._seen:
            return False
        self._seen[item] = now
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True
