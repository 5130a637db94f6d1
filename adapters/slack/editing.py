"""Editing briefs in Slack: the ``/brief-edit`` modal's widgets mapped to the core's edit form (``bot.editing``).

The modal shows the form's fields (title, bottom line, key points, status,
review date, sources), prefilled with the brief, one block per field, named by
the field's key. The core applies a submission and names the field a refusal
is about; the modal shows it beside that block. The modal remembers the
version it opened with, so when a colleague pushed meanwhile it stays open
with the conflict shown and the editor's text intact.

A Slack text input holds 3,000 characters. A brief with a longer field is not
put in the form at all: a prefilled value cut to fit would be pushed cut.
"""

from __future__ import annotations

import json
from typing import Any

from bot import editing, wording
from bot.briefs import Brief, Status
from bot.editing import Submitted
from bot.store import Version

__all__ = [
    "EDIT_CALLBACK",
    "FORM_ERROR_LIMIT",
    "TEXT_INPUT_LIMIT",
    "edit_view",
    "form_errors",
    "submitted_values",
    "too_long_to_edit",
    "view_metadata",
]

EDIT_CALLBACK = "brief_edit"
INPUT = "value"
TEXT_INPUT_LIMIT = 3000
"""The most a Slack text input holds, prefilled or typed (Block Kit reference, plain-text input)."""
TEXT_INPUTS = ("title", "summary", "key_points", "sources")
"""The form's fields Slack shows as text inputs; the status is a menu and the review date a date picker."""
FORM_ERROR_LIMIT = 150
"""An error beside a modal block is kept to this many characters (the Slack form always cut it here); a longer one
ends in an ellipsis, so the cut shows."""

_LABELS = {
    "title": "Title",
    "summary": "Bottom line",
    "key_points": "Key points, one a line",
    "sources": "Sources, one a line: Title | https://...",
}


def too_long_to_edit(brief: Brief) -> str | None:
    """Why a brief cannot be edited in the modal (a field longer than a text input holds), or None when it can."""
    return editing.too_long_to_edit(brief, "Slack", TEXT_INPUT_LIMIT, TEXT_INPUTS)


def edit_view(version: Version, channel: str) -> dict[str, Any]:
    """The modal for editing ``version`` of a brief, to be answered in ``channel``; check ``too_long_to_edit`` first."""
    brief = version.brief
    if (problem := too_long_to_edit(brief)) is not None:
        raise ValueError(problem)
    values = editing.form_values(brief)
    review: dict[str, Any] = {"type": "datepicker", "action_id": INPUT}
    if values["review_by"]:
        review["initial_date"] = values["review_by"]
    blocks = [
        _text_input("title", values["title"]),
        _text_input("summary", values["summary"], multiline=True),
        _text_input("key_points", values["key_points"], multiline=True, optional=True),
        {
            "type": "input",
            "block_id": "status",
            "label": _plain("Status"),
            "element": {
                "type": "static_select",
                "action_id": INPUT,
                "options": [_option(status.value) for status in Status],
                "initial_option": _option(values["status"]),
            },
        },
        {"type": "input", "block_id": "review_by", "label": _plain("Review by"), "optional": True, "element": review},
        _text_input("sources", values["sources"], multiline=True, optional=True),
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


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """The form's values as a submitted modal holds them, by field; an emptied input is an empty value."""
    values: dict[str, str] = {}
    for block, inputs in (view.get("state", {}).get("values") or {}).items():
        widget = inputs.get(INPUT) or {}
        if block in TEXT_INPUTS:
            values[block] = widget.get("value") or ""
        elif block == "status":
            values[block] = (widget.get("selected_option") or {}).get("value") or ""
        elif block == "review_by":
            values[block] = widget.get("selected_date") or ""
    return values


def form_errors(submitted: Submitted) -> dict[str, str]:
    """A refused edit as the modal shows it: the problem beside the block of the field it is about."""
    return {submitted.field: wording.clip(submitted.problem, FORM_ERROR_LIMIT)}


def _text_input(field: str, initial: str, *, multiline: bool = False, optional: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": INPUT, "multiline": multiline}
    if initial:
        element["initial_value"] = initial
    return {
        "type": "input",
        "block_id": field,
        "label": _plain(_LABELS[field]),
        "optional": optional,
        "element": element,
    }


def _option(value: str) -> dict[str, Any]:
    return {"text": _plain(value), "value": value}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}
