"""The store on PostgreSQL, for several briefbot processes sharing one database (``BRIEFBOT_DATABASE_URL``).

``PgStore`` (in ``bot.postgres.store``) needs psycopg, installed with ``briefbot[postgres]``; this package's
top only holds what the rest of briefbot may use without it, so a TinyDB user never imports psycopg.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["SCHEMES", "is_database_url", "problem", "redacted"]

SCHEMES = ("postgresql", "postgres")


def is_database_url(text: str) -> bool:
    """Whether ``text`` is a PostgreSQL connection URL (``postgresql://user:pass@host:port/db``)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme in SCHEMES and bool(parts.netloc or parts.path.strip("/"))


def redacted(url: str) -> str:
    """The URL with any password replaced by ``***``, fit for logs and messages."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # a malformed port raises here rather than later
    except ValueError:
        return "the database URL (not shown: it cannot be read, and may hold a password)"
    if parts.password is None:
        return url if "password" not in parts.query else urlunsplit(parts._replace(query="…"))
    user, _, host = parts.netloc.rpartition("@")
    name = user.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{name}:***@{host}", query="…" if "password" in parts.query else ""))


def problem(error: Exception) -> str:
    """What went wrong with the database, in libpq's words (which name the host and user, never the password)."""
    if type(error).__name__ == "PoolTimeout":  # psycopg_pool's own words name no reason
        return "no connection to it could be made in time"
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
