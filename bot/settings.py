"""Settings: everything configurable, read once at the entry point into one frozen object.

The core never reads the environment itself; entry points call
``Settings.from_environ`` with the process environment and pass the result inward.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.errors import SettingsError
from bot.limits import DEFAULT_QUESTIONS_PER_MINUTE

__all__ = ["Settings", "default_store_path"]

STORE_VARIABLE = "BRIEFBOT_STORE"
SEED_VARIABLE = "BRIEFBOT_SEED_SAMPLES"
EDITOR_VARIABLE = "BRIEFBOT_EDITOR"
ENTITIES_VARIABLE = "BRIEFBOT_ENTITIES"
RATE_LIMIT_VARIABLE = "BRIEFBOT_RATE_LIMIT"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    """briefbot's configuration."""

    store: Path
    seed_samples: bool = True
    editor: str | None = None
    entities: Path | None = None
    rate_limit: int = DEFAULT_QUESTIONS_PER_MINUTE
    """Questions one person may ask a minute in chat and over the API (0: no limit)."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], *, store: Path | None = None) -> Settings:
        """Settings from environment variables; ``store`` (from ``--store``) wins over the environment."""
        return cls(
            store=store or Path(environ.get(STORE_VARIABLE) or default_store_path(environ)).expanduser(),
            seed_samples=_flag(environ, SEED_VARIABLE, default=True),
            editor=environ.get(EDITOR_VARIABLE) or None,
            entities=Path(environ[ENTITIES_VARIABLE]).expanduser() if environ.get(ENTITIES_VARIABLE) else None,
            rate_limit=_count(environ, RATE_LIMIT_VARIABLE, default=DEFAULT_QUESTIONS_PER_MINUTE),
        )


def default_store_path(environ: Mapping[str, str]) -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/briefbot`` or ``~/.local/share/briefbot``."""
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base) / "briefbot"


def _count(environ: Mapping[str, str], name: str, *, default: int) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise SettingsError(f"{name}: expected a whole number (0 for no limit), found {value!r}")
    return int(value)


def _flag(environ: Mapping[str, str], name: str, *, default: bool) -> bool:
    value = environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{name}: expected one of {', '.join(sorted(_TRUE | _FALSE))}, found {value!r}")
