"""The questions nobody had a brief for: an append-only log of JSON lines in the store, or a list in memory."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.disk import append_line
from bot.errors import StoreUnwritable

__all__ = ["QUESTIONS_FILE", "LoggedQuestion", "QuestionLog", "question_from_line"]

QUESTIONS_FILE = "questions.jsonl"


@dataclass(frozen=True)
class LoggedQuestion:
    """A question the bot could not answer, kept so editors can see what is missing."""

    text: str
    asker: str
    asked_at: datetime
    suggestions: tuple[str, ...] = ()


class QuestionLog:
    """The unanswered questions of one store."""

    def __init__(self, root: Path | None) -> None:
        self._path = root / QUESTIONS_FILE if root is not None else None
        self._memory: list[LoggedQuestion] = []

    def append(self, question: LoggedQuestion) -> None:
        """Add a question at the end of the log."""
        if self._path is None:
            self._memory.append(question)
            return
        record = {
            "text": question.text,
            "asker": question.asker,
            "asked_at": question.asked_at.isoformat(),
            "suggestions": list(question.suggestions),
        }
        try:
            append_line(self._path, json.dumps(record, ensure_ascii=False))
        except OSError as error:
            raise StoreUnwritable(QUESTIONS_FILE, error.strerror or str(error)) from None

    def read(self) -> list[LoggedQuestion]:
        """Every question logged, oldest first; a line torn by a crash or damaged is skipped."""
        if self._path is None:
            return list(self._memory)
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            return []
        return [q for line in data.splitlines() if (q := question_from_line(line)) is not None]


def question_from_line(line: bytes) -> LoggedQuestion | None:
    """The question one line of the log holds, or None when the line is torn or damaged."""
    try:
        record = json.loads(line.decode("utf-8"))
        logged = LoggedQuestion(
            str(record["text"]),
            str(record["asker"]),
            datetime.fromisoformat(record["asked_at"]),
            tuple(str(s) for s in record.get("suggestions", ())),
        )
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    return logged if logged.asked_at.tzinfo is not None else None
