"""Pushing edited brief files: into the local store, or to a briefbot server's API over HTTP.

Both targets refuse a file whose ``version`` (the version it was edited from)
is no longer the latest, saying who moved the brief on and when; a file that
names no version may only create a brief, unless forced. After a push the
file's ``version`` is moved on, so the editor's next push builds on it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

import httpx

from bot.briefs import LoadedBrief
from bot.errors import BriefbotError, UnknownBrief, VersionConflict
from bot.newsroom import Asker, Newsroom

__all__ = ["LocalTarget", "PushOutcome", "RemoteTarget", "Target", "record_based_on"]

TIMEOUT_SECONDS = 10.0
CLI_CHANNEL = "cli"


@dataclass(frozen=True)
class PushOutcome:
    """What happened to one file: pushed (with its new version) or refused, in a line for the editor."""

    ok: bool
    message: str
    version: int | None = None


class Target(Protocol):
    """Where pushes go."""

    def __enter__(self) -> Target: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...

    def push(self, item: LoadedBrief, *, force: bool) -> PushOutcome:
        """Push one brief file."""
        ...


def _pushed(brief_id: str, version: int, previous: int | None, changed: bool) -> PushOutcome:
    if not changed:
        return PushOutcome(True, f"unchanged {brief_id} v{version}", version)
    if previous is None:
        return PushOutcome(True, f"added     {brief_id} v{version}", version)
    return PushOutcome(True, f"updated   {brief_id} v{previous} -> v{version}", version)


def _needs_base(brief_id: str, current: int, editor: str | None) -> PushOutcome:
    return PushOutcome(
        False,
        f"refused   {brief_id}: it exists (v{current}, by {editor}) and the file does not say which version it is "
        f"based on; start from 'briefbot show {brief_id} --raw', or push with --force to overwrite it",
    )


class LocalTarget:
    """The store on this machine, written as ``editor``."""

    def __init__(self, newsroom: Newsroom, editor: str) -> None:
        self._newsroom = newsroom
        self._editor = editor

    def __enter__(self) -> LocalTarget:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def push(self, item: LoadedBrief, *, force: bool) -> PushOutcome:
        brief_id = item.brief.id
        expected = item.based_on
        if expected is None and not force:
            try:
                current = self._newsroom.show(brief_id, Asker(self._editor, is_editor=True))
            except UnknownBrief:
                expected = 0
            else:
                return _needs_base(brief_id, current.number, current.editor)
        try:
            pushed = self._newsroom.push(
                item.brief, editor=self._editor, channel=CLI_CHANNEL, expected_version=expected
            )
        except VersionConflict as conflict:
            return PushOutcome(False, f"conflict  {conflict}")
        previous = pushed.previous.number if pushed.previous else None
        return _pushed(brief_id, pushed.version.number, previous, pushed.changed)


class RemoteTarget:
    """A briefbot server's editors' API, reached with an editor's token."""

    def __init__(self, url: str, token: str, transport: httpx.BaseTransport | None = None) -> None:
        self._url = url.rstrip("/")
        self._client = httpx.Client(
            base_url=self._url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT_SECONDS,
            transport=transport,
        )

    def __enter__(self) -> RemoteTarget:
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def push(self, item: LoadedBrief, *, force: bool) -> PushOutcome:
        brief_id = item.brief.id
        text = Path(item.origin).read_text(encoding="utf-8")
        headers = {"Content-Type": "text/markdown; charset=utf-8"}
        if item.based_on is not None:
            headers["If-Match"] = f'"{item.based_on}"'
        params = {"force": "true"} if force and item.based_on is None else {}
        try:
            response = self._client.put(
                f"/api/briefs/{brief_id}", content=text.encode(), headers=headers, params=params
            )
        except httpx.TimeoutException:
            raise BriefbotError(f"{self._url}: no answer in {TIMEOUT_SECONDS:g} s; nothing more was pushed") from None
        except httpx.HTTPError as failure:
            raise BriefbotError(f"{self._url}: cannot be reached ({failure}); nothing more was pushed") from None
        try:
            data = response.json()
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        error = data.get("error") or response.reason_phrase
        if response.status_code in (200, 201):
            return _pushed(brief_id, data["version"], data.get("previous"), bool(data.get("changed", True)))
        if response.status_code == 412:
            return PushOutcome(False, f"conflict  {error}")
        if response.status_code == 428:
            return _needs_base(brief_id, data.get("current_version", 0), data.get("current_pushed_by"))
        if response.status_code == 401:
            raise BriefbotError(f"{self._url}: the server refused your token (401); nothing more was pushed")
        return PushOutcome(False, f"refused   {brief_id}: the server answered {response.status_code}: {error}")


_FRONT_MATTER = re.compile(r"\A(\ufeff?---[ \t]*\r?\n)(.*?)(\r?\n---[ \t]*(?:\r?\n|\Z))", re.DOTALL)
_VERSION_LINE = re.compile(r"^version:.*$", re.MULTILINE)
_ID_LINE = re.compile(r"^id:.*$", re.MULTILINE)


def record_based_on(path: Path, version: int) -> None:
    """Set the file's ``version`` field to ``version``, so the next push from it is based on what was just pushed."""
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if match is None:
        return
    front = match.group(2)
    line = f"version: {version}"
    if _VERSION_LINE.search(front):
        front = _VERSION_LINE.sub(line, front, count=1)
    elif _ID_LINE.search(front):
        front = _ID_LINE.sub(lambda m: f"{m.group(0)}\n{line}", front, count=1)
    else:
        front = f"{line}\n{front}"
    updated = match.group(1) + front + match.group(3) + text[match.end() :]
    temporary = path.with_name(f".{path.name}.briefbot-tmp")
    temporary.write_text(updated, encoding="utf-8")
    os.replace(temporary, path)
