"""What a newsroom tells whoever watches it work: each question's outcome and time, each push and conflict.

The core only counts and times; turning that into metrics (Prometheus, in ``adapters.metrics``) is an
adapter's job, so ``bot/`` imports no metrics library. An observer must be quick and must not raise: it is
called on the answering path.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Observer"]


class Observer(Protocol):
    """Told what the newsroom did, as it does it (from any thread)."""

    def asked(self, outcome: str, seconds: float) -> None:
        """A question was answered with ``outcome`` (answer, ambiguous, no_match) in ``seconds``."""
        ...

    def limited(self) -> None:
        """A question was refused: its asker had asked too many this minute."""
        ...

    def pushed(self, changed: bool) -> None:
        """A push stored a new version (``changed``) or found the brief identical to its latest version."""
        ...

    def conflicted(self) -> None:
        """A push was refused: it was based on a version that is no longer the latest."""
        ...
