"""Editing briefs in Slack: ``/brief-edit ID`` opens a modal prefilled with the brief, and submitting it pushes.

The modal remembers the version it opened with; the push is based on it, so
when a colleague pushed meanwhile the modal stays open with the conflict shown
and the editor's text intact. Field errors are shown beside their field.

A Slack text input holds 3,000 characters. A brief with a longer field is not
put in the form at all: a prefilled value cut to fit would be pushed cut.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from bot import wording
from bot.briefs import Brief, Source, Status, brief_to_markdown, parse_brief, with_key_points
from bot.errors import BriefError
from bot.store import Version

__all__ = ["EDIT_CALLBACK", "TEXT_INPUT_LIMIT", "edit_view", "edited_brief", "too_long_to_edit", "view_metadata"]

EDIT_CALLBACK = "brief_edit"
INPUT = "value"
TEXT_INPUT_LIMIT = 3000
"""The most a Slack text input holds, prefilled or typed (Block Kit reference, plain-text input)."""
FIELD_NAMES = {"title": "title", "summary": "bottom line", "key_points": "key points", "sources": "sources"}
FIELD_BLOCKS = {"title": "title", "summary": "summary", "sources": "sources", "review_by": "review_by"}
"""Which modal block shows an error about which brief field; any other field's error goes on the title."""


def too_long_to_edit(brief: Brief) -> str | None:
    """Why a brief cannot be edited in the modal (fields longer than an input holds), or None when it can."""
    fields = [
        f"{FIELD_NAMES[block]} ({len(text):,} characters)"
        for block, text in _form_texts(brief).items()
        if len(text) > TEXT_INPUT_LIMIT
    ]
    if not fields:
        return None
    return wording.TOO_LONG_TO_EDIT.format(
        brief_id=brief.id, platform="Slack", limit=TEXT_INPUT_LIMIT, fields=", ".join(fields)
    )


def edit_view(version: Version, channel: str) -> dict[str, Any]:
    """The modal for editing ``version`` of a brief, to be answered in ``channel``; check ``too_long_to_edit`` first."""
    brief = version.brief
    if (problem := too_long_to_edit(brief)) is not None:
        raise ValueError(problem)
    texts = _form_texts(brief)
    status_options = [_option(status.value) for status in Status]
    review: dict[str, Any] = {"type": "datepicker", "action_id": INPUT}
    if brief.review_by:
        review["initial_date"] = brief.review_by.isoformat()
    blocks = [
        _text_input("title", "Title", texts["title"]),
        _text_input("summary", "Bottom line", texts["summary"], multiline=True),
        _text_input("key_points", "Key points, one a line", texts["key_points"], multiline=True, optional=True),
        {
            "type": "input",
            "block_id": "status",
            "label": _plain("Status"),
            "element": {
                "type": "static_select",
                "action_id": INPUT,
                "options": status_options,
                "initial_option": _option(brief.status.value),
            },
        },
        {"type": "input", "block_id": "review_by", "label": _plain("Review by"), "optional": True, "element": review},
        _text_input(
            "sources", "Sources, one a line: Title | https://...", texts["sources"], multiline=True, optional=True
        ),
    ]
    metadata = json.dumps({"id": brief.id, "version": version.number, "channel": channel})
    return {
        "type": "modal",
        "callback_id": EDIT_CALLBACK,
        "title": _plain("Edit brief"),
        "submit": _plain("Push"),
        "close": _plain("Cancel"),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def view_metadata(view: dict[str, Any]) -> tuple[str, int, str]:
    """The brief id, the version the modal opened with, and the channel, from a submitted view."""
    data = json.loads(view.get("private_metadata") or "{}")
    return str(data["id"]), int(data["version"]), str(data.get("channel", ""))


def edited_brief(
    base: Brief, values: dict[str, Any], *, editor: str, now: datetime
) -> tuple[Brief | None, dict[str, str]]:
    """The brief as the modal's values change it, checked like a brief file; or the errors per modal block."""
    value = {block: fields.get(INPUT, {}) for block, fields in values.items()}
    sources = []
    for number, line in enumerate((value.get("sources", {}).get("value") or "").splitlines(), start=1):
        if not line.strip():
            continue
        title, bar, url = line.rpartition("|")
        if not bar or not title.strip():
            return None, {"sources": f"line {number}: expected Title | https://..., found {line.strip()!r}"}
        sources.append(Source(title.strip(), url.strip()))
    review = value.get("review_by", {}).get("selected_date")
    status = (value.get("status", {}).get("selected_option") or {}).get("value", base.status.value)
    points = (value.get("key_points", {}).get("value") or "").splitlines()
    try:
        edited = replace(
            base,
            title=(value.get("title", {}).get("value") or "").strip(),
            summary=(value.get("summary", {}).get("value") or "").strip(),
            body=with_key_points(base.body, points),
            status=Status(status),
            review_by=date.fromisoformat(review) if review else None,
            sources=tuple(sources),
            updated=now,
            editor=editor,
        )
        # Through the brief file checks, so a modal can store nothing a file could not.
        return parse_brief(brief_to_markdown(edited), f"Slack edit of {base.id}").brief, {}
    except BriefError as error:
        block = FIELD_BLOCKS.get(error.field.split("[")[0].split(".")[0], "title")
        return None, {block: str(error).split(": ", 1)[-1][:150]}
    except ValueError as error:
        return None, {"title": str(error)[:150]}


def _form_texts(brief: Brief) -> dict[str, str]:
    """What each text input of the modal is prefilled with, by block id."""
    return {
        "title": brief.title,
        "summary": brief.summary,
        "key_points": "\n".join(brief.key_points),
        "sources": "\n".join(f"{source.title} | {source.url}" for source in brief.sources),
    }


def _text_input(
    block_id: str, label: str, initial: str, *, multiline: bool = False, optional: bool = False
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": INPUT, "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    return {"type": "input", "block_id": block_id, "label": _plain(label), "optional": optional, "element": element}


def _option(value: str) -> dict[str, Any]:
    return {"text": _plain(value), "value": value}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}
