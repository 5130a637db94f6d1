"""The desk's brief form: every field of a brief file as text, read back through the brief file checks.

The form holds the id (for a new brief), title, bottom line, body (Markdown,
key points included), status, embargo and review dates, desk, byline, tags and
aliases (comma-separated) and sources (one a line, ``Title | https://...``).
``updated`` is set to the time of the push. A refusal is the command line's
message, shown beside the form field it is about. Also here: a side-by-side
line diff of two brief files.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.briefs import Brief, brief_from_mapping, brief_to_markdown
from bot.errors import BriefError

__all__ = ["FORM_FIELDS", "DiffRow", "brief_from_form", "diff_rows", "field_of", "form_of", "slug"]

FORM_FIELDS = (
    "id",
    "title",
    "summary",
    "body",
    "status",
    "embargo_until",
    "review_by",
    "desk",
    "editor",
    "tags",
    "aliases",
    "sources",
)
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
MAX_SLUG_CHARS = 60


def form_of(brief: Brief) -> dict[str, str]:
    """A brief's fields as the form shows them."""
    return {
        "id": brief.id,
        "title": brief.title,
        "summary": brief.summary,
        "body": brief.body,
        "status": brief.status.value,
        "embargo_until": brief.embargo_until.isoformat() if brief.embargo_until else "",
        "review_by": brief.review_by.isoformat() if brief.review_by else "",
        "desk": brief.desk or "",
        "editor": brief.editor or "",
        "tags": ", ".join(brief.tags),
        "aliases": ", ".join(brief.aliases),
        "sources": "\n".join(f"{source.title} | {source.url}" for source in brief.sources),
    }


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def brief_from_form(values: Mapping[str, str], *, now: datetime, origin: str) -> Brief:
    """The brief the form describes, updated ``now``, checked as a brief file is; ``BriefError`` names the field."""
    data: dict[str, Any] = {
        "id": values.get("id", "").strip(),
        "title": " ".join(values.get("title", "").split()),
        "summary": values.get("summary", "").strip(),
        "updated": now.isoformat(),
        "status": values.get("status", "published").strip(),
    }
    for name in ("embargo_until", "review_by", "desk", "editor"):
        if values.get(name, "").strip():
            data[name] = values[name].strip()
    for name in ("tags", "aliases"):
        if _listed(values.get(name, "")):
            data[name] = _listed(values[name])
    sources = []
    for number, line in enumerate(values.get("sources", "").splitlines(), start=1):
        if not line.strip():
            continue
        title, bar, url = line.rpartition("|")
        if not bar or not title.strip():
            raise BriefError(origin, f"sources (line {number})", "Title | https://...", found=line.strip())
        sources.append({"title": title.strip(), "url": url.strip()})
    if sources:
        data["sources"] = sources
    body = values.get("body", "").replace("\r\n", "\n").strip()
    return brief_from_mapping(data, origin, body=body).brief


def field_of(error: BriefError) -> str:
    """The form field a refusal is about; ``form`` for one about the whole brief."""
    name = re.split(r"[ \[.]", error.field, maxsplit=1)[0]
    if name == "key_points":
        return "body"
    return name if name in FORM_FIELDS else "form"


def slug(text: str) -> str:
    """An id made from a question or a title: lower case, words joined by hyphens."""
    return _SLUG_DROP.sub("-", text.casefold()).strip("-")[:MAX_SLUG_CHARS].strip("-")


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side diff: a line on each side (None where there is none) and how they differ."""

    left: str | None
    right: str | None
    kind: str
    """``same``, ``changed``, ``removed`` (only on the left) or ``added`` (only on the right)."""


def diff_rows(old: Brief, new: Brief) -> list[DiffRow]:
    """Two briefs' files side by side, line by line."""
    left = brief_to_markdown(old).splitlines()
    right = brief_to_markdown(new).splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffRow(line, line, "same") for line in left[i1:i2]]
            continue
        olds, news = left[i1:i2], right[j1:j2]
        for k in range(max(len(olds), len(news))):
            one = olds[k] if k < len(olds) else None
            two = news[k] if k < len(news) else None
            rows.append(
                DiffRow(
                    one,
                    two,
                    "changed" if one is not None and two is not None else "removed" if two is None else "added",
                )
            )
    return rows
