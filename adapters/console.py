"""The console adapter: answers rendered as plain text, and the ``briefbot chat`` prompt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot import wording
from bot.answers import Answer, Outcome
from bot.chat import Reply, respond
from bot.newsroom import Asker, Newsroom
from bot.store import Version

__all__ = ["CHANNEL", "render_answer", "render_reply", "render_version", "run_chat"]

PROMPT = "brief> "
QUIT_WORDS = frozenset({"quit", "exit", ":q"})
CHANNEL = "console"
"""The channel follows made at the prompt are kept under."""


def render_reply(reply: Reply) -> str:
    """A chat turn's reply as terminal text."""
    return render_answer(reply.answer) if reply.answer is not None else reply.text


def render_answer(answer: Answer) -> str:
    """An answer as terminal text: the brief and its provenance, the choices, or an honest no."""
    if answer.outcome is Outcome.NO_MATCH:
        lines = [wording.NO_MATCH.format(query=answer.query)]
        if answer.alternatives:
            lines += ["", wording.NO_MATCH_SUGGESTIONS]
            lines += [f"  - {c.title} ({c.brief_id})" for c in answer.alternatives]
        return "\n".join(lines)
    if answer.outcome is Outcome.AMBIGUOUS:
        lines = [wording.AMBIGUOUS.format(query=answer.query), ""]
        lines += [f"  {n}. {c.title} ({c.brief_id})" for n, c in enumerate(answer.alternatives, start=1)]
        return "\n".join(lines)
    assert answer.brief is not None
    assert answer.freshness is not None
    lines = [answer.brief.title, wording.freshness_line(answer.freshness, answer.asked_at)]
    hidden = wording.hidden_note(answer.brief, answer.asked_at)  # only an editor's answer can be hidden
    if hidden:
        lines.append(f"[{hidden}]")
    warning = wording.stale_warning(answer)
    if warning:
        lines.append(warning)
    lines += ["", f"{wording.BOTTOM_LINE} {answer.brief.summary}"]
    if answer.key_points:
        lines += ["", f"{wording.KEY_POINTS}:"] + [f"  - {point}" for point in answer.key_points]
    if answer.sources:
        lines += ["", f"{wording.SOURCES}:"] + [f"  - {s.title}: {s.url}" for s in answer.sources]
    if answer.alternatives:
        lines += ["", wording.ALTERNATIVES] + [f"  - {c.title} ({c.brief_id})" for c in answer.alternatives]
    return "\n".join(lines)


def render_version(version: Version, now: datetime) -> str:
    """A whole brief version, as ``briefbot show`` prints it."""
    brief = version.brief
    status = wording.hidden_note(brief, now) or brief.status.value + (
        f" until {wording.moment(brief.embargo_until)}" if brief.embargo_until else ""
    )
    lines = [
        f"{brief.title}  [{brief.id} v{version.number}, {status}]",
        f"updated {wording.moment(brief.updated)} by {brief.editor or version.editor}"
        + (f", {brief.desk}" if brief.desk else "")
        + (
            f"; review by {brief.review_by.isoformat()}" + (" (STALE)" if brief.stale_at(now) else "")
            if brief.review_by
            else ""
        ),
        f"pushed {wording.moment(version.pushed_at)} by {version.editor} via {version.channel}",
    ]
    if brief.tags or brief.aliases:
        lines.append(f"tags: {', '.join(brief.tags) or '-'}; aliases: {', '.join(brief.aliases) or '-'}")
    lines += ["", f"{wording.BOTTOM_LINE} {brief.summary}", "", brief.body]
    if brief.sources:
        lines += ["", f"{wording.SOURCES}:"] + [f"  - {s.title}: {s.url}" for s in brief.sources]
    return "\n".join(lines).rstrip() + "\n"


def run_chat(newsroom: Newsroom, asker: Asker, read: Callable[[str], str], write: Callable[[str], None]) -> None:
    """Ask questions and run chat commands (follow, history, revert ...) at a prompt until ``quit`` or end of input."""
    write(wording.HELP + "\nType quit to leave.\n")
    while True:
        try:
            line = read(PROMPT).strip()
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if line.lower() in QUIT_WORDS:
            return
        if line:
            write(render_reply(respond(newsroom, line, asker, CHANNEL)) + "\n")
