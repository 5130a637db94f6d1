"""A brief's Markdown body, read once: headings, bullets and text lines, and the key points among them.

Renderers never parse the body themselves: they take these lines and only
escape them and fit them to their platform's limits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["KEY_POINT_HEADINGS", "BodyLine", "LineKind", "heading_of", "key_points", "more_than", "read_body"]

KEY_POINT_HEADINGS = ("key points", "key facts", "what we know")

_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.+?)\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


class LineKind(StrEnum):
    """What one line of a body is."""

    HEADING = "heading"
    BULLET = "bullet"
    TEXT = "text"
    BLANK = "blank"


@dataclass(frozen=True)
class BodyLine:
    """One line of a body: its kind, and its text (a heading's or bullet's words, a text line as written)."""

    kind: LineKind
    text: str


def heading_of(line: str) -> str | None:
    """A Markdown heading's words, or None when the line is not a heading."""
    match = _HEADING.match(line)
    return match[1] if match else None


def read_body(body: str) -> tuple[BodyLine, ...]:
    """The body's lines, each with its kind."""
    lines = []
    for raw in body.splitlines():
        line = raw.rstrip()
        if not line.strip():
            lines.append(BodyLine(LineKind.BLANK, ""))
        elif (heading := _HEADING.match(line)) is not None:
            lines.append(BodyLine(LineKind.HEADING, heading[1]))
        elif (bullet := _BULLET.match(line)) is not None:
            lines.append(BodyLine(LineKind.BULLET, bullet[1]))
        else:
            lines.append(BodyLine(LineKind.TEXT, line))
    return tuple(lines)


def key_points(lines: tuple[BodyLine, ...]) -> tuple[str, ...]:
    """Bullets of the first "Key points" section; failing that, the body's first bullet list."""
    sections: list[tuple[str | None, list[BodyLine]]] = [(None, [])]
    for line in lines:
        if line.kind is LineKind.HEADING:
            sections.append((line.text.strip().lower(), []))
        else:
            sections[-1][1].append(line)
    for title, section in sections:
        if title in KEY_POINT_HEADINGS:
            return _first_bullet_list(section)
    for _, section in sections:
        if points := _first_bullet_list(section):
            return points
    return ()


def more_than(lines: tuple[BodyLine, ...], points: tuple[str, ...]) -> bool:
    """Whether the body holds anything besides headings and ``points``: then there is a full brief to offer."""
    shown = set(points)
    return any(
        line.kind is LineKind.TEXT or (line.kind is LineKind.BULLET and line.text not in shown) for line in lines
    )


def _first_bullet_list(lines: list[BodyLine]) -> tuple[str, ...]:
    points: list[str] = []
    for line in lines:
        if line.kind is LineKind.BULLET:
            points.append(line.text)
        elif points and line.kind is LineKind.TEXT and not line.text.startswith((" ", "\t")):
            break
    return tuple(points)
