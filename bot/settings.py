"""Settings: what the core is configured with, one frozen object made at the entry point and passed inward.

The core never reads the environment itself: ``adapters.config`` reads every
setting, from its one table of variables, and hands the core this part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.limits import DEFAULT_QUESTIONS_PER_MINUTE
from bot.outcomes import DEFAULT_RETENTION_DAYS

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    """briefbot's configuration."""

    store: Path
    """The store folder; unused with ``database_url``, which keeps everything (question outcomes too)."""
    database_url: str | None = field(default=None, repr=False)
    """A PostgreSQL URL: the store is kept there, not in the folder. Never shown, as it may hold a password."""
    seed_samples: bool = True
    editor: str | None = None
    entities: Path | None = None
    rate_limit: int = DEFAULT_QUESTIONS_PER_MINUTE
    """Questions one person may ask a minute in chat and over the API (0: no limit)."""
    outcome_retention_days: int = DEFAULT_RETENTION_DAYS
    """How many days each question's outcome is kept for the editors' desk."""
    outcome_askers: bool = False
    """Whether each question's outcome is recorded with who asked, and the desk shows who asked a gap."""
    semantic: bool = False
    """Reorder answers by meaning with the default sentence-embedding model (``bot.semantic``)."""
