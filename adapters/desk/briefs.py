"""The desk's brief pages: the list with search and filters, a brief with previews and history, edit and new.

A brief's page shows it as reporters see it, rendered from ``bot.view.view_of``
as Slack and Discord render it, and every version with who pushed it, when and
through which channel; any two versions side by side; and revert, which asks
first on a page of its own (what the brief would become, and a button to
confirm), so no click on the history changes a brief. The edit
form is based on the version it opened with: when a colleague pushed
meanwhile, the form comes back with everything the editor typed, their
colleague's version and the difference, and the next push is based on the
colleague's version, so the editor merges and pushes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aiohttp import web

from adapters.desk.forms import FORM_FIELDS, brief_from_form, diff_rows, field_of, form_of, slug
from adapters.desk.security import Session
from bot import wording
from bot.answers import answer_with
from bot.briefs import Status
from bot.changes import with_changes
from bot.errors import BriefbotError, BriefError, UnknownBrief, VersionConflict
from bot.view import view_of

if TYPE_CHECKING:
    from adapters.desk.app import Desk

__all__ = ["brief_routes"]

STATUS_FILTERS = ("published", "draft", "embargoed", "stale")


def brief_routes(desk: Desk) -> list[web.RouteDef]:
    """The routes of the briefs' pages."""
    from adapters.desk.app import DESK_CHANNEL, see_other

    newsroom = desk.newsroom

    async def listing(request: web.Request, session: Session) -> web.StreamResponse:
        now = newsroom.now()
        briefs = newsroom.briefs(desk.editor(session))
        desks = sorted({v.brief.desk for v in briefs if v.brief.desk})
        query = request.query.get("q", "").strip()
        chosen_desk = request.query.get("desk", "")
        status = request.query.get("status", "")
        words = query.casefold().split()

        def matches(text: str) -> bool:
            return all(word in text for word in words)

        shown = [
            v
            for v in briefs
            if matches(
                " ".join((v.brief.id, v.brief.title, v.brief.summary, *v.brief.tags, *v.brief.aliases)).casefold()
            )
            and (not chosen_desk or v.brief.desk == chosen_desk)
            and (not status or (v.brief.stale_at(now) if status == "stale" else v.brief.status.value == status))
        ]
        return desk.page(
            "briefs",
            session,
            briefs=shown,
            total=len(briefs),
            desks=desks,
            statuses=STATUS_FILTERS,
            query=query,
            chosen_desk=chosen_desk,
            status=status,
            now=now,
        )

    async def brief_page(request: web.Request, session: Session, problem: str = "") -> web.StreamResponse:
        brief_id = request.match_info["id"]
        now = newsroom.now()
        editor = desk.editor(session)
        latest = newsroom.show(brief_id, editor)
        history = with_changes(newsroom.history(brief_id, editor))
        numbers = [entry.version.number for entry in history]
        left, right = _pair(request.query, numbers)
        diff = None
        if left is not None and right is not None:
            diff = diff_rows(newsroom.show(brief_id, editor, left).brief, newsroom.show(brief_id, editor, right).brief)
        answer = answer_with(latest, "", now)
        assert answer.freshness is not None
        return desk.page(
            "brief",
            session,
            version=latest,
            view=view_of(latest.brief),
            freshness=wording.freshness_line(answer.freshness, now),
            stale=wording.stale_warning(answer),
            hidden=wording.hidden_note(latest.brief, now),
            history=list(reversed(history)),
            describe=wording.describe_changes,
            left=left,
            right=right,
            diff=diff,
            problem=problem,
        )

    async def confirm_revert(request: web.Request, session: Session) -> web.StreamResponse:
        """The question before a revert: the brief as it is, as it would be, and a button to confirm."""
        brief_id = request.match_info["id"]
        editor = desk.editor(session)
        current = newsroom.show(brief_id, editor)
        number = request.query.get("to", "")
        if not number.isdigit():
            raise UnknownBrief(brief_id, None)
        target = newsroom.show(brief_id, editor, int(number))
        diff = diff_rows(current.brief, target.brief)
        return desk.page("revert", session, version=current, target=target, diff=diff)

    async def revert(request: web.Request, session: Session) -> web.StreamResponse:
        form = await request.post()
        brief_id = request.match_info["id"]
        current = newsroom.show(brief_id, desk.editor(session))
        number, seen = str(form.get("number", "")), str(form.get("current", ""))
        if seen != str(current.number):
            problem = f"{brief_id} has moved on to v{current.number} (by {current.editor}) since you opened it."
            return await brief_page(request, session, problem)
        if not number.isdigit():
            raise UnknownBrief(brief_id, None)
        if form.get("confirm") != "yes":  # only the confirmation page's button reverts
            return see_other(f"/desk/briefs/{brief_id}/revert?to={number}")
        newsroom.revert(brief_id, int(number), editor=session.editor, channel=DESK_CHANNEL)
        return see_other(f"/desk/briefs/{brief_id}")

    def form_page(
        session: Session,
        values: Mapping[str, str],
        *,
        based_on: int,
        errors: Mapping[str, str] | None = None,
        theirs: object = None,
        diff: object = None,
        status: int = 200,
        gap: tuple[str, ...] = (),
    ) -> web.Response:
        return desk.page(
            "edit",
            session,
            status,
            values={name: values.get(name, "") for name in FORM_FIELDS},
            based_on=based_on,
            errors=dict(errors or {}),
            statuses=[s.value for s in Status],
            theirs=theirs,
            diff=diff,
            gap=gap,
        )

    async def edit_form(request: web.Request, session: Session) -> web.StreamResponse:
        version = newsroom.show(request.match_info["id"], desk.editor(session))
        return form_page(session, form_of(version.brief), based_on=version.number)

    async def new_form(request: web.Request, session: Session) -> web.StreamResponse:
        wordings = [text for text in request.query.getall("gap", []) if text.strip()]
        values = {"status": "published"}
        if wordings:
            first = " ".join(wordings[0].split()).rstrip("?").strip()
            values |= {"id": slug(first), "title": first[:1].upper() + first[1:], "aliases": ", ".join(wordings)}
        return form_page(session, values, based_on=0, gap=tuple(wordings))

    async def save(request: web.Request, session: Session) -> web.StreamResponse:
        form = await request.post()
        values = {name: str(form.get(name, "")) for name in FORM_FIELDS}
        if "id" in request.match_info:
            values["id"] = request.match_info["id"]
        gap = tuple(str(text) for text in form.getall("gap", []))
        based = str(form.get("based_on", "0"))
        based_on = int(based) if based.isdigit() else 0
        origin = f"desk edit of {values['id'] or 'a new brief'}"
        try:
            brief = brief_from_form(values, now=newsroom.now(), origin=origin)
            newsroom.push(brief, editor=session.editor, channel=DESK_CHANNEL, expected_version=based_on, origin=origin)
        except BriefError as error:
            problem = str(error).removeprefix(f"{error.origin}: ")
            errors = {field_of(error): problem}
            return form_page(session, values, based_on=based_on, errors=errors, status=422, gap=gap)
        except VersionConflict as conflict:
            current = newsroom.show(brief.id, desk.editor(session))
            problem = f"{conflict} Their version is below, with what differs from yours; merge and push again."
            return form_page(
                session,
                values,
                based_on=current.number,
                errors={"form": problem},
                theirs=current,
                diff=diff_rows(current.brief, brief),
                status=409,
                gap=gap,
            )
        except BriefbotError as error:
            return form_page(session, values, based_on=based_on, errors={"form": str(error)}, status=400, gap=gap)
        if gap:  # the brief started from a gap fills it
            desk.dismissals.dismiss(gap, newsroom.now())
        return see_other(f"/desk/briefs/{brief.id}")

    return [
        web.get("/desk/briefs", desk.guard(listing)),
        web.get("/desk/briefs/{id}", desk.guard(brief_page)),
        web.get("/desk/briefs/{id}/revert", desk.guard(confirm_revert)),
        web.post("/desk/briefs/{id}/revert", desk.guard(revert)),
        web.get("/desk/briefs/{id}/edit", desk.guard(edit_form)),
        web.post("/desk/briefs/{id}/edit", desk.guard(save)),
        web.get("/desk/new", desk.guard(new_form)),
        web.post("/desk/new", desk.guard(save)),
    ]


def _pair(query: Mapping[str, str], numbers: list[int]) -> tuple[int | None, int | None]:
    """The two versions to compare, as asked (``?a=2&b=5``), when both are versions of the brief."""
    a, b = query.get("a", ""), query.get("b", "")
    if a.isdigit() and b.isdigit() and int(a) in numbers and int(b) in numbers:
        return int(a), int(b)
    return None, None
