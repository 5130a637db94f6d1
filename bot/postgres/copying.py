"""``briefbot migrate``: a TinyDB store folder copied into PostgreSQL, safely run again, then compared.

Each brief is copied in a transaction of its own, under the same per-brief advisory lock a push takes, so
a briefbot already serving from the database can go on pushing meanwhile. What the database already holds
is never overwritten: a brief whose versions there begin with the folder's gets only the versions it lacks
(none, the second time); one that is further along in the database is reported and left as it is; one
whose versions differ from the folder's is reported as diverged and left for an editor to settle. Follows
are added when missing. A logged question is copied unless the database already holds as many questions
with the same text, asker, time and suggestions, so running the copy twice adds nothing; the desk's question
outcomes likewise (the same time, outcome, brief and asker), so the folders of several replicas that each
kept their own may all be copied. A dismissed gap is added, or moved on to the folder's later time.

After copying, the two are compared: for every brief the folder holds, the database's first versions must
be the folder's, and the latest version the folder's latest (or a later one); every follow and every
logged question, question outcome and dismissal of the folder must be in the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bot.errors import DatabaseUnavailable, SettingsError, StoreDamaged
from bot.follows import Follows
from bot.outcomes import OUTCOMES_FILE, Recorded
from bot.postgres import problem, redacted
from bot.postgres.listener import CHANNEL
from bot.postgres.migrations import migrate
from bot.question_log import LoggedQuestion, QuestionLog
from bot.records import Version, version_from_record, version_to_record
from bot.shards import SHARD_DIR
from bot.store import TinyStore

__all__ = ["BriefCopy", "Copied", "copy_folder"]

CONNECT_SECONDS = 10
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class BriefCopy:
    """What copying did with one brief: ``copied`` (versions added, maybe 0), ``ahead``, ``diverged`` or
    ``unreadable``, with the folder's and the database's latest version numbers."""

    brief_id: str
    outcome: str
    added: int = 0
    folder: int = 0
    database: int = 0
    problem: str = ""


@dataclass(frozen=True)
class Copied:
    """The whole copy: each brief's outcome, the follows and questions added, what the comparison found, and the
    desk's question outcomes and dismissed gaps added (of how many in the folder)."""

    briefs: tuple[BriefCopy, ...]
    follows_added: int
    follows: int
    questions_added: int
    questions: int
    differences: tuple[str, ...] = field(default=())
    outcomes_added: int = 0
    outcomes: int = 0
    dismissed_added: int = 0
    dismissed: int = 0

    @property
    def versions_added(self) -> int:
        """How many versions this run stored."""
        return sum(brief.added for brief in self.briefs)

    @property
    def complete(self) -> bool:
        """Whether the database now holds everything the folder does."""
        return not self.differences and all(b.outcome in ("copied", "ahead") for b in self.briefs)


def copy_folder(root: Path, url: str) -> Copied:
    """Copy the store folder at ``root`` into the database at ``url`` (its schema made or upgraded first)."""
    # A replica's folder from before the desk's outcomes were kept in the database holds only its outcomes.
    if not (root / SHARD_DIR).is_dir() and not (root / OUTCOMES_FILE).is_file():
        raise SettingsError(f"there is no store at {root} to copy: name it with --store or BRIEFBOT_STORE")
    folder = TinyStore(root)
    try:
        with psycopg.connect(url, connect_timeout=CONNECT_SECONDS) as connection:
            migrate(connection)
            briefs = tuple(_copy_brief(connection, folder, brief_id) for brief_id in folder.ids())
            follows = Follows(root).pairs()
            follows_added = _copy_follows(connection, follows)
            questions = QuestionLog(root).read()
            questions_added = _copy_questions(connection, questions)
            differences = _compare(connection, folder, briefs, follows, questions)
            outcomes = folder.outcomes.since(EARLIEST)
            outcomes_added = _copy_outcomes(connection, outcomes)
            dismissed = folder.dismissed.read()
            dismissed_added = _copy_dismissed(connection, dismissed)
            differences += _compare_desk(connection, outcomes, dismissed)
    except psycopg.OperationalError as error:
        raise DatabaseUnavailable(redacted(url), problem(error)) from None
    return Copied(
        briefs,
        follows_added,
        len(follows),
        questions_added,
        len(questions),
        differences,
        outcomes_added,
        len(outcomes),
        dismissed_added,
        len(dismissed),
    )


def _copy_brief(connection: psycopg.Connection[Any], folder: TinyStore, brief_id: str) -> BriefCopy:
    try:
        versions = folder.history(brief_id)
    except StoreDamaged as error:
        return BriefCopy(brief_id, "unreadable", problem=error.problem)
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (brief_id,))
        held = _held(connection, brief_id)
        latest = len(versions)
        for mine, theirs in zip(versions, held, strict=False):
            if mine != theirs:
                return BriefCopy(
                    brief_id, "diverged", folder=latest, database=len(held), problem=f"v{mine.number} differs"
                )
        if len(held) > latest:
            return BriefCopy(brief_id, "ahead", folder=latest, database=len(held))
        missing = versions[len(held) :]
        if missing:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO versions (brief_id, number, record) VALUES (%s, %s, %s)",
                    [(brief_id, v.number, Jsonb(version_to_record(v))) for v in missing],
                )
            # Briefbots already serving from the database take the copied versions in, as after a push.
            connection.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{brief_id} {latest}"))
        return BriefCopy(brief_id, "copied", added=len(missing), folder=latest, database=latest)


def _held(connection: psycopg.Connection[Any], brief_id: str) -> list[Version]:
    rows = connection.execute("SELECT record FROM versions WHERE brief_id = %s ORDER BY number", (brief_id,)).fetchall()
    return [version_from_record(row[0]) for row in rows]


def _copy_follows(connection: psycopg.Connection[Any], follows: Sequence[tuple[str, str]]) -> int:
    added = 0
    with connection.transaction():
        for brief_id, channel in follows:
            cursor = connection.execute(
                "INSERT INTO follows (brief_id, channel) VALUES (%s, %s) ON CONFLICT DO NOTHING", (brief_id, channel)
            )
            added += cursor.rowcount
    return added


def _question_key(question: LoggedQuestion) -> tuple[Any, ...]:
    offset = question.asked_at.utcoffset() or timedelta(0)
    return (question.text, question.asker, question.asked_at, int(offset.total_seconds()), question.suggestions)


def _held_questions(connection: psycopg.Connection[Any]) -> Counter[tuple[Any, ...]]:
    rows = connection.execute("SELECT text, asker, asked_at, asked_at_offset, suggestions FROM questions ORDER BY id")
    return Counter((text, asker, at, offset, tuple(suggestions)) for text, asker, at, offset, suggestions in rows)


def _copy_questions(connection: psycopg.Connection[Any], questions: Sequence[LoggedQuestion]) -> int:
    with connection.transaction():
        # One copy at a time: two runs together must not both find a question missing.
        connection.execute("LOCK TABLE questions IN SHARE ROW EXCLUSIVE MODE")
        missing = _not_held((_question_key(question) for question in questions), _held_questions(connection))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO questions (text, asker, asked_at, asked_at_offset, suggestions) "
                "VALUES (%s, %s, %s, %s, %s)",
                [(text, asker, at, offset, list(suggestions)) for text, asker, at, offset, suggestions in missing],
            )
    return len(missing)


def _compare(
    connection: psycopg.Connection[Any],
    folder: TinyStore,
    briefs: Sequence[BriefCopy],
    follows: Sequence[tuple[str, str]],
    questions: Sequence[LoggedQuestion],
) -> tuple[str, ...]:
    """What the database lacks of the folder, read afresh from both after copying."""
    differences = []
    for brief in briefs:
        if brief.outcome not in ("copied", "ahead"):
            continue
        mine, theirs = folder.history(brief.brief_id), _held(connection, brief.brief_id)
        if theirs[: len(mine)] != mine:
            differences.append(f"{brief.brief_id}: the database's versions are not the folder's v1 to v{len(mine)}")
        elif brief.outcome == "copied" and theirs[-1] != mine[-1]:
            differences.append(f"{brief.brief_id}: the latest version differs")
    held_follows = set(connection.execute("SELECT brief_id, channel FROM follows").fetchall())
    lacking = [pair for pair in follows if pair not in held_follows]
    if lacking:
        differences.append(f"{len(lacking)} follow(s) of the folder are not in the database")
    held = _held_questions(connection)
    wanted = Counter(_question_key(question) for question in questions)
    short = sum(max(0, count - held[key]) for key, count in wanted.items())
    if short:
        differences.append(f"{short} logged question(s) of the folder are not in the database")
    return tuple(differences)


def _outcome_key(entry: Recorded) -> tuple[Any, ...]:
    offset = entry.asked_at.utcoffset() or timedelta(0)
    return (entry.asked_at, int(offset.total_seconds()), entry.outcome.value, entry.brief_id, entry.asker)


def _held_outcomes(connection: psycopg.Connection[Any], outcomes: Sequence[Recorded]) -> Counter[tuple[Any, ...]]:
    """The database's outcomes over the time the folder's span (the rest cannot match them)."""
    if not outcomes:
        return Counter()
    rows = connection.execute(
        "SELECT asked_at, asked_at_offset, outcome, brief_id, asker FROM outcomes WHERE asked_at BETWEEN %s AND %s",
        (min(e.asked_at for e in outcomes), max(e.asked_at for e in outcomes)),
    )
    return Counter(tuple(row) for row in rows)


def _copy_outcomes(connection: psycopg.Connection[Any], outcomes: Sequence[Recorded]) -> int:
    with connection.transaction():
        connection.execute("LOCK TABLE outcomes IN SHARE ROW EXCLUSIVE MODE")  # one copy at a time, as questions
        missing = _not_held((_outcome_key(entry) for entry in outcomes), _held_outcomes(connection, outcomes))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO outcomes (asked_at, asked_at_offset, outcome, brief_id, asker) "
                "VALUES (%s, %s, %s, %s, %s)",
                missing,
            )
    return len(missing)


def _held_dismissed(connection: psycopg.Connection[Any]) -> dict[str, datetime]:
    return dict(connection.execute("SELECT wording, dismissed_at FROM dismissed").fetchall())


def _copy_dismissed(connection: psycopg.Connection[Any], dismissed: dict[str, datetime]) -> int:
    with connection.transaction():
        held = _held_dismissed(connection)
        later = [(wording, at) for wording, at in dismissed.items() if wording not in held or held[wording] < at]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO dismissed (wording, dismissed_at) VALUES (%s, %s) ON CONFLICT (wording) "
                "DO UPDATE SET dismissed_at = greatest(dismissed.dismissed_at, EXCLUDED.dismissed_at)",
                later,
            )
    return len(later)


def _compare_desk(
    connection: psycopg.Connection[Any], outcomes: Sequence[Recorded], dismissed: dict[str, datetime]
) -> tuple[str, ...]:
    """What the database lacks of the folder's question outcomes and dismissed gaps."""
    differences = []
    held = _held_outcomes(connection, outcomes)
    wanted = Counter(_outcome_key(entry) for entry in outcomes)
    short = sum(max(0, count - held[key]) for key, count in wanted.items())
    if short:
        differences.append(f"{short} question outcome(s) of the folder are not in the database")
    held_dismissed = _held_dismissed(connection)
    lacking = [w for w, at in dismissed.items() if w not in held_dismissed or held_dismissed[w] < at]
    if lacking:
        differences.append(f"{len(lacking)} dismissed gap(s) of the folder are not in the database")
    return tuple(differences)


def _not_held(keys: Iterable[tuple[Any, ...]], held: Counter[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The keys ``held`` lacks, in order, counting repeats: a key twice in ``keys`` and once in ``held`` is one."""
    missing = []
    for key in keys:
        if held[key] > 0:
            held[key] -= 1
        else:
            missing.append(key)
    return missing
