"""What ``briefbot migrate`` and ``briefbot check`` print for a PostgreSQL database.

The database is only ever named by its redacted URL: the password is never printed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.errors import SettingsError
from bot.postgres import is_database_url, redacted

__all__ = ["report_check", "report_migrate"]

Echo = Callable[..., None]


def _psycopg_needed() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise SettingsError(
            "PostgreSQL needs psycopg, which is not installed: pip install 'briefbot[postgres]'"
        ) from None


def report_migrate(root: Path, url: str, echo: Echo) -> bool:
    """Copy the store folder into the database, compare them, and say so; whether the database holds it all."""
    if not is_database_url(url):
        # The value is not shown: a mistyped URL still holds the password.
        raise SettingsError("--to: expected a PostgreSQL URL, postgresql://user:password@host:5432/database")
    _psycopg_needed()
    from bot.postgres.copying import copy_folder

    where = redacted(url)
    copied = copy_folder(root, url)
    for brief in copied.briefs:
        if brief.outcome == "ahead":
            echo(
                f"ahead     {brief.brief_id}: the database is at v{brief.database}, the folder at v{brief.folder}; "
                "the folder's versions are its first ones, and nothing was overwritten"
            )
        elif brief.outcome == "diverged":
            echo(
                f"diverged  {brief.brief_id}: {brief.problem} between the folder (v{brief.folder}) and the database "
                f"(v{brief.database}); nothing was overwritten: compare them with briefbot history and push the "
                "right text",
                err=True,
            )
        elif brief.outcome == "unreadable":
            echo(f"unreadable {brief.brief_id}: {brief.problem}; briefbot check --repair, then migrate again", err=True)
        elif brief.added:
            echo(f"copied    {brief.brief_id} v{brief.folder - brief.added + 1}-v{brief.folder}")
    already = sum(1 for brief in copied.briefs if brief.outcome == "copied" and not brief.added)
    echo(
        f"copied {copied.versions_added} version(s), {copied.follows_added} follow(s) and "
        f"{copied.questions_added} logged question(s) from {root} to {where}"
        + (f"; {already} brief(s) were already there" if already else "")
    )
    echo(
        f"copied {copied.outcomes_added} question outcome(s) and {copied.dismissed_added} dismissed gap(s) "
        "for the editors' desk"
    )
    for difference in copied.differences:
        echo(f"differs   {difference}", err=True)
    versions = sum(brief.folder for brief in copied.briefs)
    if copied.complete:
        echo(
            f"compared: the database holds all {len(copied.briefs)} brief(s) ({versions} version(s)), "
            f"{copied.follows} follow(s) and {copied.questions} logged question(s) of the folder, and the latest "
            f"version of every brief; and its {copied.outcomes} question outcome(s) and {copied.dismissed} "
            "dismissed gap(s)"
        )
        return True
    echo(f"briefbot: the database does not hold everything the folder at {root} does (see above)", err=True)
    return False


def report_check(url: str, echo: Echo) -> bool:
    """Check the database and say what was found; whether it is healthy."""
    _psycopg_needed()
    from bot.postgres.checking import check_database

    checked = check_database(url)
    where = redacted(url)
    for finding in checked.findings:
        echo(finding)
    if checked.findings:
        count = len(checked.findings)
        echo(
            f"briefbot: {count} problem{'s' if count != 1 else ''} in the database at {where}; a brief's damaged "
            "versions are restored from a backup (pg_dump)",
            err=True,
        )
        return False
    echo(
        f"the database at {where} is healthy: schema at migration {checked.schema}, "
        f"{checked.briefs} brief(s), {checked.versions} version(s), each numbered from v1 without a gap"
    )
    return True
