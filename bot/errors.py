"""The one error tree of briefbot's core.

    BriefbotError                 anything the core refuses, with a message fit for a person
    ├── BriefError                one brief file or payload is invalid (names file, field, expectation)
    ├── ImportRejected            an import had bad files, so nothing was stored (holds every BriefError)
    ├── UnknownBrief              no brief with that id (or not visible to the asker)
    ├── VersionConflict           a push was based on a version that is no longer the latest
    ├── StoreDamaged              a file in the store cannot be read (names the file)
    │   └── BriefUnavailable      one brief's file cannot be read: that brief is unavailable, the others are served
    ├── ImportUnfinished          an import was committed but not yet applied: the next start finishes it
    ├── StoreUnwritable           the store cannot be written (disk full, permissions): nothing was stored
    │   └── DatabaseUnavailable   the database cannot be reached (down, restarting): nothing was stored
    ├── RateLimited               one person asked more questions in a minute than the limit
    └── SettingsError             a setting has a value the bot cannot use

Adapters catch ``BriefbotError`` in one place and show its message; anything
else is a bug, logged with its traceback.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from datetime import UTC, datetime

__all__ = [
    "REPAIR_ADVICE",
    "BriefError",
    "BriefUnavailable",
    "BriefbotError",
    "DatabaseUnavailable",
    "ImportRejected",
    "ImportUnfinished",
    "RateLimited",
    "SettingsError",
    "StoreDamaged",
    "StoreUnwritable",
    "UnknownBrief",
    "VersionConflict",
]


REPAIR_ADVICE = (
    "run briefbot check --repair to move the file aside (nothing is deleted), then restore it from a backup "
    "or push the brief again"
)
"""What to do about a brief whose file in the store cannot be read."""


class BriefbotError(Exception):
    """Base of every error the core raises on purpose."""


class BriefError(BriefbotError):
    """A brief file or payload is invalid: says which file, which field and what was expected."""

    def __init__(self, origin: str, field: str, expected: str, *, found: object = None) -> None:
        self.origin = origin
        self.field = field
        self.expected = expected
        self.found = found
        detail = f"{origin}: {field}: expected {expected}"
        if found is not None:
            detail += f", found {_short(found)}"
        super().__init__(detail)


class ImportRejected(BriefbotError):
    """An import (or push) held at least one bad file, so nothing at all was stored."""

    def __init__(self, errors: Sequence[BriefError], *, done: str = "imported") -> None:
        self.errors = tuple(errors)
        count = len(self.errors)
        lines = [f"nothing {done}: {count} bad file{'s' if count != 1 else ''}"]
        lines += [f"  {error}" for error in self.errors]
        super().__init__("\n".join(lines))


class UnknownBrief(BriefbotError):
    """No brief has this id, or it is not visible to whoever asked."""

    def __init__(self, brief_id: str, version: int | None = None) -> None:
        self.brief_id = brief_id
        self.version = version
        what = f"{brief_id!r} v{version}" if version is not None else repr(brief_id)
        super().__init__(f"no brief {what}")


class VersionConflict(BriefbotError):
    """A push expected one latest version but the brief has moved on since."""

    def __init__(
        self,
        brief_id: str,
        expected: int | None,
        current: int,
        current_editor: str | None,
        current_at: datetime | None = None,
    ) -> None:
        self.brief_id = brief_id
        self.expected = expected
        self.current = current
        self.current_editor = current_editor
        self.current_at = current_at
        based_on = f"v{expected}" if expected is not None else "no version (a new brief)"
        if current == 0:
            super().__init__(
                f"{brief_id}: your edit is based on {based_on}, but there is no such brief yet; nothing was stored"
            )
            return
        when = f" at {current_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if current_at else ""
        super().__init__(
            f"{brief_id}: your edit is based on {based_on}, but the latest is "
            f"v{current} by {current_editor}{when}; nothing was stored, merge with v{current} and push again"
        )


class StoreUnwritable(BriefbotError):
    """A write to the store failed (disk full, read-only, permissions); nothing was stored."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        super().__init__(
            f"{path}: cannot be written ({problem}); nothing was stored, and briefbot goes on answering from "
            "what it has. Free some space or fix the folder's permissions, then push again"
        )


class DatabaseUnavailable(StoreUnwritable):
    """The database cannot be reached (stopped, restarting, the link cut): nothing was stored, unless the link was
    lost while the database was committing (``maybe_stored``), when only the database knows.

    Its message is ``bot.wording``'s, fit for anyone; ``wording.database_unavailable(error, detail=True)`` adds
    where and why (the URL without its password, libpq's reason) for logs and the command line.
    """

    def __init__(self, where: str, problem: str, *, maybe_stored: bool = False) -> None:
        self.path = where
        self.problem = problem
        self.maybe_stored = maybe_stored
        BriefbotError.__init__(self, where, problem)

    def __str__(self) -> str:
        from bot import wording  # the wording module reads briefs, which need this module first

        return wording.database_unavailable(self)


class RateLimited(BriefbotError):
    """One asker asked more questions in a minute than the newsroom allows."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        super().__init__(
            f"You're asking faster than I can keep up with (more than {per_minute} questions a minute). "
            "Give it a few seconds and ask again."
        )


class StoreDamaged(BriefbotError):
    """A file in the store cannot be read; it was changed or damaged outside briefbot."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(
            f"{path}: cannot be read ({problem}); run briefbot check --repair to move it aside (nothing is "
            "deleted), then restore it from a backup"
        )


class BriefUnavailable(StoreDamaged):
    """One brief's file cannot be read: that brief is unavailable until it is repaired, and every other is served."""

    def __init__(self, brief_id: str, path: str, problem: str) -> None:
        self.brief_id = brief_id
        self.path = path
        self.problem = problem
        BriefbotError.__init__(
            self,
            f"brief {brief_id!r} is unavailable: its file {path} in the store cannot be read ({problem}); "
            + REPAIR_ADVICE,
        )


class ImportUnfinished(BriefbotError):
    """An import was committed to disk but could not be applied yet; it is finished before the store is next used."""

    def __init__(self, count: int, problem: str) -> None:
        self.count = count
        super().__init__(
            f"the import of {count} brief{'s' if count != 1 else ''} is committed, but could not be applied yet "
            f"({problem}); it is finished when the store is next opened, or by briefbot check --repair"
        )


class SettingsError(BriefbotError):
    """A setting (environment variable or option) has a value the bot cannot use."""


class _ShortRepr(reprlib.Repr):
    """``repr`` that looks at no more of a value than it shows: a few items, two levels, short texts."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel, self.maxdict, self.maxlist, self.maxtuple, self.maxset = 2, 4, 4, 4, 4
        self.maxstring, self.maxother = 80, 80

    def repr_int(self, x: int, level: int) -> str:
        # Python refuses to write an int of more than 4,300 digits; 2**128 has 39.
        return super().repr_int(x, level) if x.bit_length() <= 128 else f"<a number of {x.bit_length():,} bits>"

    def repr_bytes(self, x: bytes, level: int) -> str:
        return repr(x[: self.maxstring]) + ("…" if len(x) > self.maxstring else "")


_REPR = _ShortRepr()


def _short(value: object, limit: int = 60) -> str:
    """A value quoted in an error, cut to ``limit`` characters without ever writing out the whole of it."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
