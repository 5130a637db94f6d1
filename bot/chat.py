"""Chat commands: the words after ``/brief`` that are actions rather than questions, the same on every platform.

``follow ID``, ``unfollow ID``, ``following``, ``history ID`` and (editors)
``revert ID VERSION``. Text is a command only when it has exactly that shape,
with a brief id where the id goes; anything else is a question.
"""

from __future__ import annotations

from bot import wording
from bot.briefs import ID_PATTERN
from bot.errors import BriefbotError
from bot.newsroom import Asker, Newsroom

__all__ = ["chat_command"]


def chat_command(newsroom: Newsroom, text: str, asker: Asker, channel: str) -> str | None:
    """Carry out a chat command and return the reply, or None when ``text`` is a question.

    ``channel`` is the platform-qualified channel it was typed in (``slack:C0123``);
    follows are kept per channel. The core's refusals come back as the reply.
    """
    words = text.split()
    if not words:
        return None
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
    except BriefbotError as error:
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
