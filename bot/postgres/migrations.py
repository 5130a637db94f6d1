"""The database's schema, made and upgraded by briefbot itself: numbered migrations, checked at every start.

Each migration runs once, in order, in one transaction with its number recorded in ``briefbot_migrations``;
an advisory lock keeps two processes starting together from both applying it. A database upgraded by a
newer briefbot is refused, not used, as this one does not know its schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import SettingsError

if TYPE_CHECKING:
    import psycopg

__all__ = ["MIGRATIONS", "migrate"]

MIGRATION_LOCK = 0x62726566  # "bref": the advisory lock held while the schema is checked and upgraded

MIGRATIONS: tuple[str, ...] = (
    # 1: versions (one row each; the primary key is the unique (brief, version) pair), follows, questions
    """
    CREATE TABLE versions (
        brief_id text NOT NULL,
        number integer NOT NULL CHECK (number > 0),
        record jsonb NOT NULL,
        PRIMARY KEY (brief_id, number)
    );
    CREATE TABLE follows (
        brief_id text NOT NULL,
        channel text NOT NULL,
        PRIMARY KEY (brief_id, channel)
    );
    CREATE INDEX follows_by_channel ON follows (channel, brief_id);
    CREATE TABLE questions (
        id bigserial PRIMARY KEY,
        text text NOT NULL,
        asker text NOT NULL,
        asked_at timestamptz NOT NULL,
        asked_at_offset integer NOT NULL,
        suggestions text[] NOT NULL DEFAULT '{}'
    );
    """,
    # 2: what several replicas do once between them: ids already answered (a platform's retries), and the outbox
    # of follow messages, each claimed and posted by one replica
    """
    CREATE TABLE answered (
        kind text NOT NULL,
        id text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE INDEX answered_by_expiry ON answered (expires_at);
    CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        brief_id text NOT NULL,
        number integer NOT NULL,
        follower text NOT NULL,
        platform text NOT NULL,
        text text NOT NULL,
        put_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        UNIQUE (brief_id, number, follower)
    );
    CREATE INDEX outbox_waiting ON outbox (platform, id) WHERE sent_at IS NULL;
    """,
    # 3: what the editors' desk records, shared by every replica: each question's outcome, and the gaps dismissed
    """
    CREATE TABLE outcomes (
        id bigserial PRIMARY KEY,
        asked_at timestamptz NOT NULL,
        asked_at_offset integer NOT NULL,
        outcome text NOT NULL,
        brief_id text,
        asker text
    );
    CREATE INDEX outcomes_by_time ON outcomes (asked_at);
    CREATE TABLE dismissed (
        wording text PRIMARY KEY,
        dismissed_at timestamptz NOT NULL
    );
    """,
    # 4: follow messages no replica posted within ``bot.postgres.once.EXPIRES_SECONDS`` are marked given up
    """
    ALTER TABLE outbox ADD COLUMN expired_at timestamptz;
    CREATE INDEX outbox_expired ON outbox (expired_at) WHERE expired_at IS NOT NULL;
    """,
)
"""Every migration, oldest first: migration n is ``MIGRATIONS[n - 1]``. Add new ones at the end; never edit one."""


def migrate(connection: psycopg.Connection[tuple[object, ...]]) -> list[int]:
    """Bring the schema up to date; the numbers of the migrations applied now (none when it already was)."""
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        connection.execute(
            "CREATE TABLE IF NOT EXISTS briefbot_migrations "
            "(number integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = connection.execute("SELECT coalesce(max(number), 0) FROM briefbot_migrations").fetchone()
        done = int(row[0]) if row else 0  # type: ignore[call-overload]
        if done > len(MIGRATIONS):
            raise SettingsError(
                f"the database's schema is at migration {done}, newer than this briefbot knows "
                f"({len(MIGRATIONS)}): upgrade briefbot before using this database"
            )
        applied = []
        for number in range(done + 1, len(MIGRATIONS) + 1):
            connection.execute(MIGRATIONS[number - 1].encode())  # several statements: no parameters
            connection.execute("INSERT INTO briefbot_migrations (number) VALUES (%s)", (number,))
            applied.append(number)
        return applied
