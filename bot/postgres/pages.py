"""Reading the latest versions a page at a time while a newsroom starts on PostgreSQL.

A newsroom starts by listing the briefs (``ids``) and taking in each one in that order (``take_in``). With no
snapshot to start from, one query per brief would make a start of 10,000 briefs 10,000 round trips; instead,
taking in the next listed brief reads the latest versions of it and the following listed briefs, ``READ_AHEAD``
in all, in one query, and the next ``take_in`` calls are answered from that page. A version read ahead may be a
moment older than one read on its own would be: a push committed in that moment is heard like any other (its
notice, or catching up from the table, names a version newer than the one taken in), so the newsroom reads the
brief again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["READ_AHEAD", "ReadAhead"]

READ_AHEAD = 500
"""Briefs whose latest versions one query reads: 10,000 briefs are 20 queries, not 10,000. A page holds that many
records at once (a few MiB, as most briefs are a few KiB)."""

Records = dict[str, dict[str, Any]]


class ReadAhead:
    """A listing of the briefs, and the records read ahead from it: taking in the next listed brief reads a page."""

    def __init__(self, listed: list[str]) -> None:
        self._listed = listed
        self._next = 0
        """Where in the listing the next page begins."""
        self._page: Records = {}

    def take(self, brief_id: str, read: Callable[[Sequence[str]], Records]) -> dict[str, Any] | None:
        """The latest version's record of ``brief_id`` read ahead, reading the next page with ``read`` when it is the
        next listed brief; None when it was not read ahead (the caller reads it alone)."""
        if brief_id not in self._page and self._next < len(self._listed) and self._listed[self._next] == brief_id:
            page = self._listed[self._next : self._next + READ_AHEAD]
            self._page = read(page)
            self._next += len(page)  # after the read: a page that could not be read is tried again
        return self._page.pop(brief_id, None)
