"""Slack rendering: an Answer as Block Kit, escaped so nothing can ping or disguise a link, and within Slack's limits.

Every piece of text from a brief or a question goes through ``escape``, so
``<!channel>`` or ``<https://evil.example|bank>`` shows as typed; the only
links are the brief's own source URLs, built here. Text objects are
``verbatim`` so Slack does not turn names into mentions either. Long briefs are
cut at Slack's limits with a "Full brief" button that sends the rest
(``adapters.slack.full_brief``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot import wording
from bot.answers import Answer, Choice, Outcome
from bot.briefs import Source
from bot.chat import Reply

__all__ = [
    "ACTION_FULL",
    "ACTION_SHARE",
    "ACTION_SHOW",
    "MAX_BLOCKS",
    "ButtonValue",
    "SlackMessage",
    "answer_message",
    "escape",
    "notice_message",
    "parse_button_value",
    "reply_message",
]

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
MAX_BLOCKS = 50
NOTIFICATION_LIMIT = 300
"""The top-level ``text`` is what notifications and screen readers show: the title or the first words."""

QUERY_IN_BUTTON = 300
"""How much of the question a button carries along, so a chosen brief is logged and shown with it."""

ACTION_SHOW = "brief_show"
ACTION_SHARE = "brief_share"
ACTION_FULL = "brief_full"

CUT_NOTE = f"\u2026 cut to fit: press *{wording.FULL_BRIEF_LABEL}* for the rest."
MORE_POINTS = "\u2026 and {count} more"


@dataclass(frozen=True)
class SlackMessage:
    """A Slack message: the notification text and its blocks."""

    text: str
    blocks: tuple[dict[str, Any], ...]

    def payload(self) -> dict[str, Any]:
        """The message as keyword arguments for ``chat.postMessage``, an ack, or a response URL."""
        return {"text": self.text, "blocks": list(self.blocks), "unfurl_links": False, "unfurl_media": False}


@dataclass(frozen=True)
class ButtonValue:
    """What a button carries: the brief it names and the question it came from."""

    brief_id: str
    query: str


def escape(text: str) -> str:
    """Text made inert for Slack: ``&``, ``<`` and ``>`` escaped, so no mention, channel ping or link can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def answer_message(answer: Answer, *, shareable: bool = False, shared_by: str | None = None) -> SlackMessage:
    """The reply to a question: the brief, the choices, or an honest no with the nearest briefs."""
    if answer.outcome is Outcome.NO_MATCH:
        blocks = [_section(wording.NO_MATCH.format(query=answer.query))]
        if answer.alternatives:
            blocks += _choices(wording.NO_MATCH_SUGGESTIONS, answer.alternatives, answer.query)
        return SlackMessage(_notification(wording.NO_MATCH.format(query=answer.query)), tuple(blocks))
    if answer.outcome is Outcome.AMBIGUOUS:
        question = wording.AMBIGUOUS.format(query=answer.query)
        blocks = [_section(question), *_choices(None, answer.alternatives, answer.query)]
        return SlackMessage(_notification(question), tuple(blocks))
    return _brief_message(answer, shareable=shareable, shared_by=shared_by)


def reply_message(reply: Reply, *, shareable: bool = False) -> SlackMessage:
    """A chat turn's reply: the answer (with a share button when ``shareable``), or the help or notice as text."""
    if reply.answer is not None:
        return answer_message(reply.answer, shareable=shareable)
    return notice_message(reply.text)


def notice_message(text: str) -> SlackMessage:
    """A one-line message: an error explained, an apology."""
    return SlackMessage(_notification(text), (_section(text),))


def parse_button_value(value: str) -> ButtonValue | None:
    """The brief and question a button carries, or None when the value is not one of ours."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("q", ""), str):
        return None
    return ButtonValue(data["id"], data.get("q", ""))


# the answer itself


def _brief_message(answer: Answer, *, shareable: bool, shared_by: str | None) -> SlackMessage:
    brief, freshness = answer.brief, answer.freshness
    assert brief is not None
    assert freshness is not None
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(brief.title, HEADER_LIMIT)}]
    summary, summary_cut = _fit(f"*{wording.BOTTOM_LINE}* {escape(brief.summary)}", SECTION_LIMIT)
    blocks.append(_mrkdwn_section(summary))
    warning = wording.stale_warning(answer)
    if warning:  # the wording carries its own warning sign
        blocks.append(_mrkdwn_section(f"*{escape(warning)}*"))
    cut = summary_cut
    if brief.key_points:
        points, points_cut = _bulleted(f"*{wording.KEY_POINTS}*", [escape(p) for p in brief.key_points])
        blocks.append(_mrkdwn_section(points))
        cut = cut or points_cut
    if brief.sources:
        sources, sources_cut = _bulleted(f"*{wording.SOURCES}*", _source_lines(brief.sources))
        blocks.append(_mrkdwn_section(sources))
        cut = cut or sources_cut
    provenance = f"{escape(wording.freshness_line(freshness, answer.asked_at))} \u00b7 `{brief.id}`"
    context = [provenance] + ([escape(wording.SHARED_BY.format(name=shared_by))] if shared_by else [])
    blocks.append({"type": "context", "elements": [_mrkdwn(text) for text in context]})
    if cut:
        blocks.append(_mrkdwn_section(CUT_NOTE))
    if answer.alternatives:
        blocks += _choices(wording.ALTERNATIVES, answer.alternatives, answer.query)
    buttons = []
    if shareable:
        buttons.append(_button(wording.SHARE_LABEL, ACTION_SHARE, brief.id, answer.query, style="primary"))
    if cut or brief.body.strip():
        buttons.append(_button(wording.FULL_BRIEF_LABEL, ACTION_FULL, brief.id, answer.query))
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return SlackMessage(_notification(brief.title), tuple(blocks))


def _bulleted(heading: str, items: Sequence[str]) -> tuple[str, bool]:
    """A heading and one line per item in one section; items that do not fit are counted, not cut mid-line."""
    text = heading
    for shown, item in enumerate(items):
        line = f"\n\u2022 {item}"
        later = len(items) - shown - 1
        reserve = len(MORE_POINTS.format(count=later)) + 1 if later else 0
        if len(text) + len(line) + reserve > SECTION_LIMIT:
            if shown == 0:
                return _fit(text + line, SECTION_LIMIT)[0], True
            return f"{text}\n{MORE_POINTS.format(count=later + 1)}", True
        text += line
    return text, False


def _source_lines(sources: Iterable[Source]) -> list[str]:
    return [_link(source) for source in sources]


def _link(source: Source) -> str:
    """A source as a Slack link: the URL made safe inside ``<...|...>``, the title escaped as its label."""
    url = quote(source.url, safe=":/?#[]@!$&'()*+,;=%-._~")
    return f"<{escape(url)}|{escape(source.title)}>"


# buttons


def _choices(heading: str | None, choices: Sequence[Choice], query: str) -> list[dict[str, Any]]:
    """The choices listed by full title (buttons cut titles at 75 characters), then a button for each."""
    lines = ([escape(heading)] if heading else []) + [
        f"\u2022 {escape(label)}" for label in wording.choice_labels(choices)
    ]
    return [_mrkdwn_section(_fit("\n".join(lines), SECTION_LIMIT)[0]), _choice_buttons(choices, query)]


def _choice_buttons(choices: Sequence[Choice], query: str) -> dict[str, Any]:
    # Labels are measured as sent, escaped, so cutting them to Slack's limit never cuts the details that tell
    # two alike titles apart.
    limit = min(wording.CHOICE_LABEL_LIMIT, BUTTON_TEXT_LIMIT)
    labels = wording.choice_labels(choices, limit, measure=lambda label: len(escape(label)))
    return {
        "type": "actions",
        "elements": [
            _button(label, f"{ACTION_SHOW}:{n}", choice.brief_id, query)
            for n, (choice, label) in enumerate(zip(choices, labels, strict=True))
        ],
    }


def _button(label: str, action_id: str, brief_id: str, query: str, style: str | None = None) -> dict[str, Any]:
    value = json.dumps({"id": brief_id, "q": query[:QUERY_IN_BUTTON]}, ensure_ascii=False)
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": _plain(label, BUTTON_TEXT_LIMIT),
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        button["style"] = style
    return button


# text objects


def _section(text: str) -> dict[str, Any]:
    """A section of plain wording with inserted user text: escaped, then fitted."""
    return _mrkdwn_section(_fit(escape(text), SECTION_LIMIT)[0])


def _mrkdwn_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _fit(escape(text), limit)[0] or "\u2026", "emoji": False}


def _notification(text: str) -> str:
    return _fit(escape(" ".join(text.split())), NOTIFICATION_LIMIT)[0]


def _fit(text: str, limit: int) -> tuple[str, bool]:
    """Escaped text cut to ``limit`` characters, never inside an escape such as ``&amp;``; and whether it was cut."""
    if len(text) <= limit:
        return text, False
    clipped = wording.clip(text, limit)
    amp = clipped.rfind("&", max(0, len(clipped) - 6))
    if amp != -1 and ";" not in clipped[amp:]:
        clipped = clipped[:amp].rstrip() + wording.ELLIPSIS
    return clipped, True
