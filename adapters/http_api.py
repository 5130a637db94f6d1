"""The editors' HTTP API: push, read and ask over HTTP, served by ``briefbot serve`` beside the chat surfaces.

Writes need an editor's bearer token, and the editor it names is recorded on
the version. A ``PUT`` must say which version it was based on (``If-Match``),
so no editor overwrites a colleague's update by accident: a stale one gets
412 with who moved the brief on, a missing one 428 unless forced. Every error
is JSON with one clear message; bad briefs get the command line's messages.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

from aiohttp import web

from adapters.api_access import ApiSettings
from bot.answers import answer_to_json
from bot.briefs import brief_from_mapping, parse_brief
from bot.caps import read_json_fields
from bot.errors import (
    BriefbotError,
    BriefError,
    DatabaseUnavailable,
    RateLimited,
    StoreDamaged,
    StoreUnwritable,
    UnknownBrief,
    VersionConflict,
)
from bot.newsroom import Asker, Newsroom
from bot.store import Version
from bot.wording import database_unavailable, describe_changes

__all__ = ["API_CHANNEL", "ApiSettings", "api_routes", "error_middleware", "version_to_json"]

log = logging.getLogger("briefbot.api")

API_CHANNEL = "api"
MAX_QUESTION_CHARS = 2000
CHALLENGE = {"WWW-Authenticate": "Bearer"}
DATABASE_RETRY_SECONDS = 5
"""``Retry-After`` when the database cannot be reached: a restart of PostgreSQL takes a few seconds."""


def version_to_json(version: Version, *, with_brief: bool = True) -> dict[str, Any]:
    """One version as the API shows it: the brief's fields under the brief's own names, and read-only provenance.

    ``editor`` is the brief's byline; who pushed the version, when, from which and how are ``pushed_by``,
    ``pushed_at``, ``based_on`` and ``channel``, which a PUT ignores. Sent back as read, it is the same brief.
    """
    brief = version.brief
    data: dict[str, Any] = {
        "id": brief.id,
        "version": version.number,
        "pushed_by": version.editor,
        "pushed_at": version.pushed_at.isoformat(),
        "based_on": version.parent,
        "channel": version.channel,
        "title": brief.title,
        "status": brief.status.value,
        "updated": brief.updated.isoformat(),
        "editor": brief.editor,
        "desk": brief.desk,
    }
    if with_brief:
        data |= {
            "summary": brief.summary,
            "body": brief.body,
            "key_points": list(brief.key_points),
            "tags": list(brief.tags),
            "aliases": list(brief.aliases),
            "embargo_until": brief.embargo_until.isoformat() if brief.embargo_until else None,
            "review_by": brief.review_by.isoformat() if brief.review_by else None,
            "sources": [{"title": s.title, "url": s.url} for s in brief.sources],
        }
    return data


def _error(status: int, message: str, headers: Mapping[str, str] | None = None, **extra: Any) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status, headers=headers)


class _Refused(Exception):
    """A request refused with a status and a message, answered as JSON by ``error_middleware``."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = dict(headers or {})


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every error as JSON: aiohttp's own (404, 405, 413) and the core's, and an apology for anything else."""
    try:
        return await handler(request)
    except _Refused as refused:
        response = _error(refused.status, str(refused))
        response.headers.update(refused.headers)
        return response
    except web.HTTPException as error:
        if error.status < 400:
            raise
        message = {404: "no such route", 405: f"{request.method} is not allowed here", 413: "body too large"}
        response = _error(error.status, message.get(error.status, error.reason))
        if error.status == 405 and "Allow" in error.headers:
            response.headers["Allow"] = error.headers["Allow"]
        return response
    except UnknownBrief as error:
        return _error(404, str(error))
    except DatabaseUnavailable as error:
        log.error("%s %s: %s", request.method, request.path, database_unavailable(error, detail=True))
        headers = {"Retry-After": str(DATABASE_RETRY_SECONDS)}
        return _error(503, database_unavailable(error), headers=headers, stored=None if error.maybe_stored else False)
    except StoreUnwritable as error:
        log.error("%s %s: %s", request.method, request.path, error)
        return _error(507, str(error))
    except RateLimited as error:
        return _error(429, str(error), headers={"Retry-After": "5"})
    except StoreDamaged as error:  # the store's fault, not the request's: the brief is back once repaired
        return _error(503, str(error))
    except BriefbotError as error:
        return _error(400, str(error))
    except Exception:
        log.exception("%s %s failed", request.method, request.path)
        return _error(500, "something went wrong on our side; the error has been logged")


def api_routes(newsroom: Newsroom, settings: ApiSettings) -> list[web.RouteDef]:
    """The ``/api`` routes over one newsroom."""

    def reader(request: web.Request) -> Asker:
        editor = settings.editor_for(request.headers.get("Authorization"))
        if editor is not None:
            return Asker(editor, is_editor=True)
        if settings.open_reads:
            # Each reader spends their own allowance of questions, known by their address (never logged).
            client = settings.client(request.remote, request.headers.getall("X-Forwarded-For", []))
            return Asker("api:anonymous", limited_as=f"api:{client}")
        raise _Refused(401, "reading needs an editor's token: Authorization: Bearer TOKEN", CHALLENGE)

    async def list_briefs(request: web.Request) -> web.Response:
        asker = reader(request)
        return web.json_response({"briefs": [version_to_json(v, with_brief=False) for v in newsroom.briefs(asker)]})

    async def get_brief(request: web.Request) -> web.Response:
        version = newsroom.show(request.match_info["id"], reader(request))
        etag = f'"{version.number}"'
        if _none_match(request, version.number):
            return web.Response(status=304, headers={"ETag": etag})
        return web.json_response(version_to_json(version), headers={"ETag": etag})

    async def history(request: web.Request) -> web.Response:
        # Reading every version from disk and comparing each with its parent takes a while for a long history:
        # in a worker thread, so answers and /healthz do not wait for it.
        changes = await asyncio.to_thread(newsroom.history_with_changes, request.match_info["id"], reader(request))
        entries = [
            version_to_json(entry.version, with_brief=False)
            | {"changes": describe_changes(entry.changes), "compared_with": entry.compared_with}
            for entry in changes
        ]
        return web.json_response({"id": request.match_info["id"], "versions": entries})

    async def ask(request: web.Request) -> web.Response:
        question = request.query.get("q", "")
        if not question.strip():
            return _error(400, "ask with ?q=QUESTION")
        if len(question) > MAX_QUESTION_CHARS:
            return _error(413, f"a question is at most {MAX_QUESTION_CHARS} characters")
        view = request.query.get("view", "reporter")
        if view not in ("reporter", "editor"):
            return _error(400, f"view: expected reporter (the default) or editor, found {view!r}")
        asker = reader(request)
        if view == "editor" and not asker.is_editor:
            raise _Refused(401, "the editor view needs an editor's token: Authorization: Bearer TOKEN", CHALLENGE)
        # Answers are a reporter's unless an editor asks otherwise: an answer is quoted and shared, and drafts and
        # embargoed briefs must never reach reporters through one (chat answers editors as reporters too).
        asker = replace(asker, is_editor=view == "editor")
        return web.json_response(answer_to_json(newsroom.ask(question, asker)))

    async def put_brief(request: web.Request) -> web.Response:
        editor = settings.editor_for(request.headers.get("Authorization"))
        if editor is None:
            raise _Refused(401, "pushing needs an editor's token: Authorization: Bearer TOKEN", CHALLENGE)
        brief_id = request.match_info["id"]
        origin = f"PUT /api/briefs/{brief_id}"
        raw = await request.read()
        try:
            text = raw.decode("utf-8")
            if request.content_type == "application/json":
                loaded = brief_from_mapping(read_json_fields(text, origin), origin)
            else:
                loaded = parse_brief(text, origin)
        except UnicodeDecodeError:
            return _error(422, f"{origin}: body: expected UTF-8 text")
        except BriefError as error:
            return _error(422, str(error))
        if loaded.brief.id != brief_id:
            return _error(422, f"{origin}: id: expected {brief_id!r}, the id in the address, found {loaded.brief.id!r}")
        expected = _expected_version(request, loaded.based_on)
        if expected is None:
            forced = request.query.get("force", "").lower() in ("1", "true", "yes")
            current = _latest_or_none(newsroom, brief_id, editor)
            if current is not None and not forced:
                return _error(
                    428,
                    f"{brief_id} exists (v{current.number}, by {current.editor}): say which version your edit is "
                    "based on with If-Match, or add ?force=true to overwrite it",
                    current_version=current.number,
                    current_pushed_by=current.editor,
                )
            expected = None if forced else 0  # 0: a brief new to the store, so a colleague's creation is not lost
        try:
            # The write and its fsyncs run in a worker thread, so questions are answered meanwhile.
            pushed = await asyncio.to_thread(
                newsroom.push,
                loaded.brief,
                editor=editor,
                channel=API_CHANNEL,
                expected_version=expected,
                origin=origin,
            )
        except BriefError as error:  # dated too far ahead of the newsroom's clock
            return _error(422, str(error))
        except VersionConflict as conflict:
            return _error(
                412,
                str(conflict),
                current_version=conflict.current,
                current_pushed_by=conflict.current_editor,
                current_pushed_at=conflict.current_at.isoformat() if conflict.current_at else None,
            )
        body = {
            "id": brief_id,
            "version": pushed.version.number,
            "previous": pushed.previous.number if pushed.previous else None,
            "changed": pushed.changed,
            "pushed_by": editor,
            "warnings": list(loaded.warnings),
        }
        status = 201 if pushed.previous is None else 200
        return web.json_response(body, status=status, headers={"ETag": f'"{pushed.version.number}"'})

    return [
        web.get("/api/briefs", list_briefs),
        web.get("/api/briefs/{id}", get_brief),
        web.put("/api/briefs/{id}", put_brief),
        web.get("/api/briefs/{id}/history", history),
        web.get("/api/ask", ask),
    ]


def _expected_version(request: web.Request, based_on: int | None) -> int | None:
    """The version an edit is based on: ``If-Match`` (an ETag this API gave), else the file's ``version`` field."""
    header = request.headers.get("If-Match")
    if header is None:
        return based_on
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise _Refused(400, f'If-Match: expected a version number such as "3", found {header!r}')
    return int(value)


def _none_match(request: web.Request, number: int) -> bool:
    """Whether ``If-None-Match`` names this version: RFC 9110 compares weakly (``W/"3"`` names v3 too), allows a
    list, and ``*`` matches any current version."""
    if request.headers.get("If-None-Match", "").strip() == "*":
        return True
    return any(tag.value == str(number) for tag in request.if_none_match or ())


def _latest_or_none(newsroom: Newsroom, brief_id: str, editor: str) -> Version | None:
    try:
        return newsroom.show(brief_id, Asker(editor, is_editor=True))
    except UnknownBrief:
        return None
