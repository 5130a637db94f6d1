"""Briefs: the neutral brief type and how brief files are read and checked.

A brief file is Markdown with YAML front matter. Every problem is reported as
one ``BriefError`` naming the file, the field and what was expected; an import
of several files checks them all first and stores nothing if any is bad.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import yaml
from frontmatter.default_handlers import YAMLHandler

from bot.body import KEY_POINT_HEADINGS, heading_of, key_points, read_body
from bot.caps import MAX_BRIEF_BYTES, check_brief_size, check_fields, read_front_matter
from bot.errors import BriefError, ImportRejected

__all__ = [
    "Brief",
    "LoadedBrief",
    "Source",
    "Status",
    "brief_from_mapping",
    "brief_to_markdown",
    "check_updated",
    "load_brief_files",
    "parse_brief",
    "with_key_points",
]

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_LENGTH = 80
"""Ids travel inside chat buttons: Discord allows 100 characters of custom id, room for a short action prefix."""
MAX_SUMMARY_SENTENCES = 3
REQUIRED_FIELDS = ("id", "title", "summary", "updated")
OPTIONAL_FIELDS = (
    "tags",
    "aliases",
    "status",
    "embargo_until",
    "review_by",
    "editor",
    "desk",
    "sources",
    "key_points",
    "version",
)
"""``version`` is not part of the brief: it is the version a file was based on, so a push can detect a lost edit.
``key_points`` is read from the body; sent too, it must agree with the body, or make the body's "Key points"."""
PROVENANCE_FIELDS = ("pushed_by", "pushed_at", "based_on", "channel")
"""Who pushed a version, when, from which version and how: recorded by briefbot, so read-only. A brief sent
back as it was read carries them; they are ignored, with a warning, never taken from the sender."""
MAX_UPDATED_AHEAD = timedelta(minutes=10)
"""How far past now a brief's ``updated`` may be: room for an editor's clock running a few minutes fast, none
for a date that would make the brief the newest, and so the answer to every "latest" question, for years."""
BRIEF_SUFFIXES = (".md", ".markdown")

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's safe dumper where PyYAML was built with it: the same output, many times faster."""


class Status(StrEnum):
    """Where a brief is in its life: only published ones reach reporters."""

    PUBLISHED = "published"
    DRAFT = "draft"
    EMBARGOED = "embargoed"


@dataclass(frozen=True)
class Source:
    """One source a brief cites: a title and an http(s) link."""

    title: str
    url: str


@dataclass(frozen=True)
class Brief:
    """The newsroom's curated brief on one story, as an editor wrote it."""

    id: str
    title: str
    summary: str
    updated: datetime
    body: str = ""
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    status: Status = Status.PUBLISHED
    embargo_until: datetime | None = None
    review_by: date | None = None
    editor: str | None = None
    desk: str | None = None
    sources: tuple[Source, ...] = ()

    def visible_at(self, now: datetime) -> bool:
        """Whether a reporter may see this brief at ``now``."""
        if self.status is Status.PUBLISHED:
            return True
        if self.status is Status.EMBARGOED and self.embargo_until is not None:
            return now >= self.embargo_until
        return False

    def stale_at(self, now: datetime) -> bool:
        """Whether the brief is past its review date at ``now``."""
        return self.review_by is not None and now.date() > self.review_by

    @property
    def key_points(self) -> tuple[str, ...]:
        """The bullets under a "Key points" heading, or the body's first bullet list."""
        return key_points(read_body(self.body))


@dataclass(frozen=True)
class LoadedBrief:
    """A brief read from a file, with the warnings its file raised."""

    brief: Brief
    origin: str
    warnings: tuple[str, ...] = field(default=())
    based_on: int | None = None
    """The version the file says it was edited from (its ``version`` field), if any."""


def parse_brief(text: str, origin: str) -> LoadedBrief:
    """Parse one brief file's text; ``origin`` names it in errors."""
    check_brief_size(len(text.encode("utf-8", "surrogatepass")), origin)
    handler = YAMLHandler()
    stripped = text.lstrip("\ufeff").strip()
    if not handler.detect(stripped):
        raise BriefError(origin, "front matter", "YAML front matter between '---' lines at the top")
    try:
        front, body = handler.split(stripped)
    except ValueError:
        raise BriefError(origin, "front matter", "a closing '---' line after the front matter") from None
    try:
        data = read_front_matter(front, origin)  # safe YAML without anchors or aliases, within the caps
    except yaml.YAMLError as error:
        raise BriefError(origin, "front matter", f"valid YAML ({_yaml_problem(error)})") from None
    if not isinstance(data, dict):
        raise BriefError(origin, "front matter", "a YAML mapping of field: value", found=data)
    return brief_from_mapping(data, origin, body=body.strip())


def brief_from_mapping(data: Mapping[str, Any], origin: str, *, body: str | None = None) -> LoadedBrief:
    """Check a mapping of brief fields (front matter or JSON) and build a Brief.

    ``body`` comes from the Markdown part of a file; a JSON payload may carry
    it as a ``body`` field instead. Returns the brief, its warnings and the
    version it was based on.
    """
    fields = dict(data)
    if body is None:
        body = _body(fields.pop("body", None), origin)
    ignored = [name for name in PROVENANCE_FIELDS if fields.pop(name, None) is not None]
    check_fields(fields, body, origin)
    warnings = tuple(
        f"{origin}: {name}: unknown field, ignored (known: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)})"
        for name in fields
        if name not in REQUIRED_FIELDS + OPTIONAL_FIELDS
    )
    if ignored:
        warnings += (f"{origin}: {', '.join(ignored)}: read-only (briefbot records who pushed, when and how), ignored",)
    for name in REQUIRED_FIELDS:
        if fields.get(name) in (None, ""):
            raise BriefError(origin, name, "a value (required field)")

    brief_id = fields["id"]
    if not isinstance(brief_id, str) or len(brief_id) > MAX_ID_LENGTH or not ID_PATTERN.fullmatch(brief_id):
        raise BriefError(
            origin, "id", f"a slug of a-z, 0-9 and single hyphens, at most {MAX_ID_LENGTH} characters", found=brief_id
        )
    summary = _required_str(fields["summary"], origin, "summary")
    if len(_SENTENCE_END.findall(summary)) > MAX_SUMMARY_SENTENCES:
        warnings += (f"{origin}: summary: the bottom line should be 1-{MAX_SUMMARY_SENTENCES} sentences",)
    status_value = fields.get("status", Status.PUBLISHED.value)
    try:
        status = Status(status_value)
    except ValueError:
        raise BriefError(origin, "status", "one of published, draft, embargoed", found=status_value) from None
    embargo_until = _optional_datetime(fields.get("embargo_until"), origin, "embargo_until")
    if embargo_until is not None and status is not Status.EMBARGOED:
        warnings += (f"{origin}: embargo_until: ignored because status is {status.value}",)

    brief = Brief(
        id=brief_id,
        title=_required_str(fields["title"], origin, "title"),
        summary=summary,
        updated=_datetime(fields["updated"], origin, "updated"),
        body=_with_sent_key_points(body, fields.get("key_points"), origin),
        tags=_str_list(fields.get("tags"), origin, "tags"),
        aliases=_str_list(fields.get("aliases"), origin, "aliases"),
        status=status,
        embargo_until=embargo_until,
        review_by=_optional_date(fields.get("review_by"), origin, "review_by"),
        editor=_optional_str(fields.get("editor"), origin, "editor"),
        desk=_optional_str(fields.get("desk"), origin, "desk"),
        sources=_sources(fields.get("sources"), origin),
    )
    based_on = fields.get("version")
    if based_on is not None and (not isinstance(based_on, int) or isinstance(based_on, bool) or based_on < 1):
        raise BriefError(origin, "version", "the whole number of the version this file was based on", found=based_on)
    return LoadedBrief(brief, origin, warnings, based_on)


def load_brief_files(paths: Iterable[Path], *, now: datetime | None = None) -> list[LoadedBrief]:
    """Read brief files and folders of them, all or nothing.

    Raises ``ImportRejected`` listing one error per bad file (including ids
    that appear twice, and ``updated`` too far past ``now``, by default the
    current time) if anything is wrong; otherwise returns every brief.
    """
    now = now or datetime.now(UTC)
    loaded: list[LoadedBrief] = []
    errors: list[BriefError] = []
    for path in _brief_paths(paths, errors):
        try:
            item = parse_brief(_read_brief_file(path), str(path))
            check_updated(item.brief, item.origin, now)
            loaded.append(item)
        except BriefError as error:
            errors.append(error)
    first_seen: dict[str, str] = {}
    for item in loaded:
        if item.brief.id in first_seen:
            errors.append(
                BriefError(
                    item.origin,
                    "id",
                    f"an id used once per import, but {first_seen[item.brief.id]} has it too",
                    found=item.brief.id,
                )
            )
        first_seen.setdefault(item.brief.id, item.origin)
    if errors:
        raise ImportRejected(errors)
    return loaded


def check_updated(brief: Brief, origin: str, now: datetime) -> None:
    """Refuse a brief whose ``updated`` is more than ``MAX_UPDATED_AHEAD`` past ``now``, naming ``origin``."""
    limit = now + MAX_UPDATED_AHEAD
    if brief.updated > limit:
        raise BriefError(
            origin,
            "updated",
            f"a time at most {MAX_UPDATED_AHEAD.seconds // 60} minutes ahead of now "
            f"(no later than {limit.astimezone(UTC):%Y-%m-%d %H:%M} UTC)",
            found=brief.updated.isoformat(),
        )


def brief_to_markdown(brief: Brief, version: int | None = None) -> str:
    """Write a brief back out as a brief file (front matter and body); ``version`` records what it is based on."""
    data: dict[str, Any] = {
        "id": brief.id,
        **({"version": version} if version is not None else {}),
        "title": brief.title,
        "summary": brief.summary,
        "updated": brief.updated.isoformat(),
    }
    if brief.tags:
        data["tags"] = list(brief.tags)
    if brief.aliases:
        data["aliases"] = list(brief.aliases)
    if brief.status is not Status.PUBLISHED:
        data["status"] = brief.status.value
    if brief.embargo_until is not None:
        data["embargo_until"] = brief.embargo_until.isoformat()
    if brief.review_by is not None:
        data["review_by"] = brief.review_by.isoformat()
    for name in ("editor", "desk"):
        if getattr(brief, name) is not None:
            data[name] = getattr(brief, name)
    if brief.sources:
        data["sources"] = [{"title": s.title, "url": s.url} for s in brief.sources]
    try:
        front = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)
    except UnicodeEncodeError:  # a lone surrogate: the pure-Python dumper escapes it, so the checks can name its field
        front = yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n{brief.body}\n"


def _brief_paths(paths: Iterable[Path], errors: list[BriefError]) -> list[Path]:
    """Every brief file named or in a folder named, each once (a file named twice, or also in a folder, is one file)."""
    found: dict[Path, Path] = {}
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in BRIEF_SUFFIXES and p.is_file())
        elif path.is_file():
            files = [path]
        else:
            errors.append(BriefError(str(path), "path", "an existing brief file or folder"))
            continue
        for file in files:
            found.setdefault(file.resolve(), file)
    return list(found.values())


def _read_brief_file(path: Path) -> str:
    """A brief file's text, read no further than its cap, so a huge file costs no memory."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BRIEF_BYTES + 1)
        check_brief_size(max(len(data), path.stat().st_size), str(path))
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BriefError(str(path), "file", "UTF-8 text") from None
    except OSError as error:
        raise BriefError(str(path), "file", f"a readable file ({error.strerror})") from None


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    # The front matter starts on the file's second line, after the opening '---'.
    return f"{problem} at line {mark.line + 1}" if mark is not None else problem


def _required_str(value: object, origin: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BriefError(origin, name, "non-empty text", found=value)
    return value.strip()


def _optional_str(value: object, origin: str, name: str) -> str | None:
    return None if value is None else _required_str(value, origin, name)


def _body(value: object, origin: str) -> str:
    """A body sent as a field, kept as sent, so a brief read and sent back is the same brief."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BriefError(origin, "body", "Markdown text", found=value)
    return value


def _with_sent_key_points(body: str, value: object, origin: str) -> str:
    """The body, made to hold the key points sent beside it when it has none; refused when they disagree."""
    if value is None:
        return body
    points = _str_list(value, origin, "key_points")
    derived = key_points(read_body(body))
    if points == derived:
        return body
    if not derived:
        return with_key_points(body, points)
    raise BriefError(
        origin,
        "key_points",
        "the key points of body (its 'Key points' section or first bullet list): change them in body, or leave "
        "key_points out",
        found=list(points),
    )


def _str_list(value: object, origin: str, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise BriefError(origin, name, "a list of text items, e.g. [one, two]", found=value)
    return tuple(item.strip() for item in value)


def _datetime(value: object, origin: str, name: str) -> datetime:
    expected = "an ISO 8601 date and time with a time zone, e.g. 2026-11-24T08:15:00+00:00"
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise BriefError(origin, name, expected, found=value) from None
    else:
        raise BriefError(origin, name, expected, found=value)
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise BriefError(origin, name, expected + " (the time zone is missing)", found=str(value))
    try:
        parsed.astimezone(UTC)  # a time Python cannot hold in UTC fails every comparison and "how long ago"
    except OverflowError:
        raise BriefError(origin, name, "a date and time within years 1 to 9999 in UTC", found=str(value)) from None
    return parsed


def _optional_datetime(value: object, origin: str, name: str) -> datetime | None:
    return None if value is None else _datetime(value, origin, name)


def _optional_date(value: object, origin: str, name: str) -> date | None:
    expected = "a date, e.g. 2026-12-31"
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise BriefError(origin, name, expected, found=value)


def _sources(value: object, origin: str) -> tuple[Source, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BriefError(origin, "sources", "a list of {title, url} entries", found=value)
    sources = []
    for number, item in enumerate(value, start=1):
        where = f"sources[{number}]"
        if not isinstance(item, dict) or set(item) - {"title", "url"}:
            raise BriefError(origin, where, "a mapping with exactly title and url", found=item)
        url = item.get("url")
        if not _is_web_link(url):
            raise BriefError(origin, f"{where}.url", "an http:// or https:// link", found=url)
        sources.append(Source(title=_required_str(item.get("title"), origin, f"{where}.title"), url=url))
    return tuple(sources)


def _is_web_link(url: object) -> TypeGuard[str]:
    if not isinstance(url, str) or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def with_key_points(body: str, points: Iterable[str]) -> str:
    """The body with its "Key points" section's content replaced by ``points`` (a section is added first if none)."""
    bullets = [f"- {point.strip()}" for point in points if point.strip()]
    lines = body.splitlines()
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if (h := heading_of(line)) is not None and h.strip().lower() in KEY_POINT_HEADINGS
        ),
        None,
    )
    if start is None:
        section = ["## Key points", *bullets, ""] if bullets else []
        return "\n".join([*section, *lines]).strip() + "\n"
    end = next((i for i in range(start + 1, len(lines)) if heading_of(lines[i]) is not None), len(lines))
    rest = lines[end:]
    return "\n".join([*lines[: start + 1], *bullets, *([""] if rest else []), *rest]).strip() + "\n"
