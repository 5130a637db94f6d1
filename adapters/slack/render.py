"""Slack rendering: an Answer as Block Kit, escaped so nothing can ping or disguise a link, and within Slack's limits.

The pieces (escaping, fitting, text objects) are in ``adapters.slack.blocks``.
Long briefs are cut at Slack's limits; "Full brief" is offered by the brief
view's rule, the same as on Discord (the body holds more than the key points,
or something was cut here), and sends the rest (``adapters.slack.full_brief``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.slack.blocks import (
    HEADER_LIMIT,
    SECTION_LIMIT,
    SlackMessage,
    escape,
    fit,
    link,
    mrkdwn,
    mrkdwn_section,
    notification,
    plain_text,
    section,
)
from bot import wording
from bot.answers import Answer, Choice, Outcome
from bot.chat import Reply
from bot.view import view_of

__all__ = [
    "ACTION_FULL",
    "ACTION_SHARE",
    "ACTION_SHOW",
    "ButtonValue",
    "answer_message",
    "notice_message",
    "parse_button_value",
    "reply_message",
]

BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000

QUERY_IN_BUTTON = 300
"""How much of the question a button carries along, so a chosen brief is logged and shown with it."""

ACTION_SHOW = "brief_show"
ACTION_SHARE = "brief_share"
ACTION_FULL = "brief_full"

CUT_NOTE = f"\u2026 cut to fit: press *{wording.FULL_BRIEF_LABEL}* for the rest."
MORE_POINTS = "\u2026 and {count} more"


@dataclass(frozen=True)
class ButtonValue:
    """What a button carries: the brief it names and the question it came from."""

    brief_id: str
    query: str


def answer_message(answer: Answer, *, shareable: bool = False, shared_by: str | None = None) -> SlackMessage:
    """The reply to a question: the brief, the choices, or an honest no with the nearest briefs."""
    if answer.outcome is Outcome.NO_MATCH:
        blocks = [section(wording.NO_MATCH.format(query=answer.query))]
        if answer.alternatives:
            blocks += _choices(wording.NO_MATCH_SUGGESTIONS, answer.alternatives, answer.query)
        return SlackMessage(notification(wording.NO_MATCH.format(query=answer.query)), tuple(blocks))
    if answer.outcome is Outcome.AMBIGUOUS:
        question = wording.AMBIGUOUS.format(query=answer.query)
        blocks = [section(question), *_choices(None, answer.alternatives, answer.query)]
        return SlackMessage(notification(question), tuple(blocks))
    return _brief_message(answer, shareable=shareable, shared_by=shared_by)


def reply_message(reply: Reply, *, shareable: bool = False) -> SlackMessage:
    """A chat turn's reply: the answer (with a share button when ``shareable``), or the help or notice as text."""
    if reply.answer is not None:
        return answer_message(reply.answer, shareable=shareable)
    return notice_message(reply.text)


def notice_message(text: str) -> SlackMessage:
    """A one-line message: an error explained, an apology."""
    return SlackMessage(notification(text), (section(text),))


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
    view = view_of(brief)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain_text(brief.title, HEADER_LIMIT)}]
    summary, cut = fit(f"*{wording.BOTTOM_LINE}* {escape(brief.summary)}", SECTION_LIMIT)
    blocks.append(mrkdwn_section(summary))
    warning = wording.stale_warning(answer)
    if warning:  # the wording carries its own warning sign
        blocks.append(mrkdwn_section(f"*{escape(warning)}*"))
    if view.key_points:
        points, points_cut = _bulleted(f"*{wording.KEY_POINTS}*", [escape(p) for p in view.key_points])
        blocks.append(mrkdwn_section(points))
        cut = cut or points_cut
    if brief.sources:
        sources, sources_cut = _bulleted(f"*{wording.SOURCES}*", [link(source) for source in brief.sources])
        blocks.append(mrkdwn_section(sources))
        cut = cut or sources_cut
    provenance = f"{escape(wording.freshness_line(freshness, answer.asked_at))} \u00b7 `{brief.id}`"
    context = [provenance] + ([escape(wording.SHARED_BY.format(name=shared_by))] if shared_by else [])
    blocks.append({"type": "context", "elements": [mrkdwn(text) for text in context]})
    if cut:
        blocks.append(mrkdwn_section(CUT_NOTE))
    if answer.alternatives:
        blocks += _choices(wording.ALTERNATIVES, answer.alternatives, answer.query)
    buttons = []
    if shareable:
        buttons.append(_button(wording.SHARE_LABEL, ACTION_SHARE, brief.id, answer.query, style="primary"))
    # A title the header cuts is cut too: the full brief gives it whole.
    if view.offers_full_brief(cut or len(escape(brief.title)) > HEADER_LIMIT):
        buttons.append(_button(wording.FULL_BRIEF_LABEL, ACTION_FULL, brief.id, answer.query))
    if buttons:
        blocks.append({"type": "actions", "elements": buttons})
    return SlackMessage(notification(brief.title), tuple(blocks))


def _bulleted(heading: str, items: Sequence[str]) -> tuple[str, bool]:
    """A heading and one line per item in one section; items that do not fit are counted, not cut mid-line."""
    text = heading
    for shown, item in enumerate(items):
        line = f"\n\u2022 {item}"
        later = len(items) - shown - 1
        reserve = len(MORE_POINTS.format(count=later)) + 1 if later else 0
        if len(text) + len(line) + reserve > SECTION_LIMIT:
            if shown == 0:
                return fit(text + line, SECTION_LIMIT)[0], True
            return f"{text}\n{MORE_POINTS.format(count=later + 1)}", True
        text += line
    return text, False


# buttons


def _choices(heading: str | None, choices: Sequence[Choice], query: str) -> list[dict[str, Any]]:
    """The choices listed by full title (buttons cut titles at 75 characters), then a button for each."""
    lines = ([escape(heading)] if heading else []) + [
        f"\u2022 {escape(label)}" for label in wording.choice_labels(choices)
    ]
    return [mrkdwn_section(fit("\n".join(lines), SECTION_LIMIT)[0]), _choice_buttons(choices, query)]


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
        "text": plain_text(label, BUTTON_TEXT_LIMIT),
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        button["style"] = style
    return button
