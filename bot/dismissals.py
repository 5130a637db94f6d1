"""The gaps editors dismissed on the desk: each wording (as ``adapters.desk.gaps`` keys it) and when.

The store keeps them (``BriefStore.dismissed``): a TinyDB store in ``desk-dismissed.json`` in its folder
(``DismissalFile``, in memory without a folder), PostgreSQL in its ``dismissed`` table, shared by every
replica. A wording dismissed again keeps the later time.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

from bot.errors import StoreUnwritable

__all__ = ["DISMISSED_FILE", "DismissalFile"]

DISMISSED_FILE = "desk-dismissed.json"


class DismissalFile:
    """Dismissed wordings in ``desk-dismissed.json`` in a store folder (or in memory, for tests)."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / DISMISSED_FILE if folder is not None else None
        self._memory: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def add(self, wordings: Collection[str], at: datetime) -> None:
        """Record that ``wordings`` were dismissed at ``at`` (a wording dismissed later keeps the later time)."""
        with self._lock:
            held = self._read()
            for wording in wordings:
                held[wording] = max(at, held.get(wording, at))
            if self.path is None:
                self._memory = held
                return
            text = json.dumps({wording: when.isoformat() for wording, when in held.items()}, ensure_ascii=False)
            temporary = self.path.with_suffix(".tmp")
            try:
                temporary.write_text(text, encoding="utf-8")
                os.replace(temporary, self.path)
            except OSError as error:
                raise StoreUnwritable(DISMISSED_FILE, error.strerror or str(error)) from None

    def read(self) -> dict[str, datetime]:
        """Every dismissed wording and when it was dismissed; a damaged file or entry counts as none."""
        with self._lock:
            return self._read()

    def _read(self) -> dict[str, datetime]:
        if self.path is None:
            return dict(self._memory)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        held = {}
        for wording, when in data.items():
            try:
                held[str(wording)] = datetime.fromisoformat(str(when))
            except ValueError:
                continue
        return held
