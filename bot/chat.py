"""One chat turn, the same on every surface: the help, a chat command, or an answer to a question.

``respond`` takes what a person typed after ``/brief`` (or to the bot) and
returns a ``Reply`` that Slack, Discord and the console only render. A chat
command is text of exactly one of these shapes, with a brief id where the id
goes: ``follow ID``, ``unfollow ID``, ``following``, ``history ID`` and
(editors) ``revert ID VERSION``. Anything else is a question, answered as a
reporter sees briefs, editors included: drafts and embargoed briefs stay in the
editors' tools. The core's refusals come back as a notice; anything else that
goes wrong is logged and the person gets one fixed apology.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot import wording
from bot.answers import Answer
from bot.briefs import ID_PATTERN
from bot.errors import BriefbotError, DatabaseUnavailable, UnknownBrief
from bot.newsroom import Asker, Newsroom

__all__ = ["HELP_WORDS", "Reply", "ReplyKind", "as_reporter", "pick", "respond"]

log = logging.getLogger("briefbot.chat")

HELP_WORDS = frozenset({"", "help", "?"})
"""Text that asks for the help: nothing at all (``/brief`` alone, a bare mention), ``help`` or ``?``."""


class ReplyKind(StrEnum):
    """What a chat turn answered with."""

    HELP = "help"
    NOTICE = "notice"
    ANSWER = "answer"


@dataclass(frozen=True)
class Reply:
    """What the bot says back: the help or a one-line notice (``text``), or an answer to render (``answer``)."""

    kind: ReplyKind
    text: str = ""
    answer: Answer | None = None


def respond(newsroom: Newsroom, text: str, asker: Asker, channel: str) -> Reply:
    """The bot's reply to one chat turn: the help, a chat command carried out, or the answer to a question.

    ``channel`` is the platform-qualified channel it was typed in (``slack:C0123``);
    follows are kept per channel.
    """
    question = " ".join(text.split())
    if question.casefold() in HELP_WORDS:
        return Reply(ReplyKind.HELP, wording.HELP)
    return _guarded(lambda: _turn(newsroom, question, asker, channel))


def pick(newsroom: Newsroom, brief_id: str, asker: Asker, query: str = "") -> Reply:
    """The answer for one brief a person chose (a button, an autocompleted id), or why it is gone."""
    return _guarded(lambda: Reply(ReplyKind.ANSWER, answer=newsroom.answer_brief(brief_id, as_reporter(asker), query)))


def as_reporter(asker: Asker) -> Asker:
    """The asker as a reporter: questions never reach drafts or embargoed briefs, whoever asks."""
    return Asker(asker.name) if asker.is_editor else asker


def _turn(newsroom: Newsroom, question: str, asker: Asker, channel: str) -> Reply:
    done = _command(newsroom, question, asker, channel)
    if done is not None:
        return Reply(ReplyKind.NOTICE, done)
    reporter = as_reporter(asker)
    if ID_PATTERN.fullmatch(question):
        # A brief's id (Discord's autocomplete sends one) answers that brief; any other word is a question.
        try:
            return Reply(ReplyKind.ANSWER, answer=newsroom.answer_brief(question, reporter, question))
        except UnknownBrief:
            pass
    return Reply(ReplyKind.ANSWER, answer=newsroom.ask(question, reporter))


def _guarded(make: Callable[[], Reply]) -> Reply:
    """The reply ``make`` gives; the core's refusals as a notice, anything else logged and apologised for."""
    try:
        return make()
    except UnknownBrief:
        return Reply(ReplyKind.NOTICE, wording.BRIEF_GONE)
    except DatabaseUnavailable as error:
        log.warning("%s", wording.database_unavailable(error, detail=True))
        return Reply(ReplyKind.NOTICE, wording.database_unavailable(error))
    except BriefbotError as error:
        return Reply(ReplyKind.NOTICE, str(error))
    except Exception:
        log.exception("answering failed")
        return Reply(ReplyKind.NOTICE, wording.APOLOGY)


def _command(newsroom: Newsroom, text: str, asker: Asker, channel: str) -> str | None:
    """Carry out a chat command and return what to say, or None when ``text`` is a question."""
    words = text.split()
    verb, args = words[0].lower(), words[1:]
    try:
        if verb == "following" and not args:
            return _following(newsroom, channel)
        if len(args) == 1 and ID_PATTERN.fullmatch(args[0]):
            brief_id = args[0]
            if verb == "follow":
                title = newsroom.show(brief_id, asker).brief.title
                new = newsroom.follow(brief_id, channel, asker)
                return (wording.FOLLOWING if new else wording.ALREADY_FOLLOWING).format(title=title, brief_id=brief_id)
            if verb == "unfollow":
                found = newsroom.unfollow(brief_id, channel)
                return (wording.UNFOLLOWED if found else wording.NOT_FOLLOWING).format(brief_id=brief_id)
            if verb == "history":
                return _history(newsroom, brief_id, asker)
        if verb == "revert" and len(args) == 2 and ID_PATTERN.fullmatch(args[0]):
            number = args[1].lower().removeprefix("v")
            if number.isdigit():
                return _revert(newsroom, args[0], int(number), asker, channel)
    except DatabaseUnavailable as error:
        log.warning("%s", wording.database_unavailable(error, detail=True))
        return wording.database_unavailable(error)
    except BriefbotError as error:
        # A command's refusal names what was wrong ("no brief 'x'"), which says more than "no longer available".
        return str(error)
    return None


def _following(newsroom: Newsroom, channel: str) -> str:
    followed = newsroom.following(channel)
    if not followed:
        return wording.FOLLOWS_NONE
    return "\n".join([wording.FOLLOWS_LIST, *(f"\u2022 {brief_id}" for brief_id in followed)])


def _history(newsroom: Newsroom, brief_id: str, asker: Asker) -> str:
    entries = newsroom.history_with_changes(brief_id, asker)
    lines = [wording.HISTORY.format(title=entries[-1].version.brief.title, brief_id=brief_id)]
    for entry in entries:
        version, what = entry.version, wording.describe_changes(entry.changes)
        base = f", from v{version.parent}" if version.parent else ""
        lines.append(
            f"v{version.number} \u00b7 {version.pushed_at:%Y-%m-%d %H:%M %Z} \u00b7 {version.editor} via "
            f"{version.channel}{base}: {what}"
        )
    return "\n".join(lines)


def _revert(newsroom: Newsroom, brief_id: str, number: int, asker: Asker, channel: str) -> str:
    if not asker.is_editor:
        return wording.EDITORS_ONLY
    pushed = newsroom.revert(brief_id, number, editor=asker.name, channel=channel.partition(":")[0] or channel)
    return wording.REVERTED.format(brief_id=brief_id, number=number, version=pushed.version.number)
