"""The editors' desk at ``/desk``: signing in and out, the guard every page passes, the overview, gaps and stale.

Pages are rendered on the server from Jinja2 templates with autoescaping on,
so every text from a brief or a question is escaped. No page sends script.
The briefs' own pages (list, brief, history, edit, new) are in
``adapters.desk.briefs``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from adapters.api_access import ApiSettings
from adapters.desk import charts
from adapters.desk.gaps import Dismissals, GapGroup, group_questions
from adapters.desk.security import (
    CSRF_FIELD,
    PRE_COOKIE,
    SECURITY_HEADERS,
    SESSION_COOKIE,
    Session,
    Sessions,
    same_origin,
    secure_request,
    set_cookie,
)
from bot.answers import Outcome
from bot.briefs import Status
from bot.errors import BriefbotError, UnknownBrief, VersionConflict
from bot.limits import RateLimiter
from bot.newsroom import Asker, Newsroom
from bot.store import Version

__all__ = ["DESK_CHANNEL", "REVIEW_STEPS", "SIGN_IN_ATTEMPTS_PER_MINUTE", "STILL_RIGHT_DAYS", "Desk", "desk_routes"]

DESK_CHANNEL = "desk"
STILL_RIGHT_DAYS = 14
"""How far "still right" moves a stale brief's review date on, from today, unless the editor picks another step."""
REVIEW_STEPS = (7, STILL_RIGHT_DAYS, 30, 90)
"""The steps, in days, an editor may pick for the next review when marking a brief still right."""
TOP = 5
"""How many briefs and gaps the overview pictures."""
HERE = Path(__file__).parent
SIGN_IN_SECONDS = 3600
SIGN_IN_ATTEMPTS_PER_MINUTE = 10
"""Sign-ins one client address may try a minute: a person mistyping a token tries a few times, a script
guessing tokens is slowed to this (each token is 16 characters or more, so guessing was hopeless anyway)."""

Handler = Callable[[web.Request, Session], Awaitable[web.StreamResponse]]


def see_other(location: str) -> web.Response:
    """Where to go after a form: 303, so reloading does not send the form again."""
    return web.Response(status=303, headers={"Location": location, **SECURITY_HEADERS})


class Desk:
    """The desk over one newsroom: its sessions, templates and dismissed gaps."""

    def __init__(self, newsroom: Newsroom, api: ApiSettings, session_hours: int) -> None:
        self.newsroom = newsroom
        self.api = api
        self.sessions = Sessions(timedelta(hours=session_hours))
        self.attempts = RateLimiter(SIGN_IN_ATTEMPTS_PER_MINUTE)
        self.dismissals = Dismissals(newsroom.store.dismissed)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined
        )

    def render(self, template: str, code: int = 200, **context: Any) -> web.Response:
        """A page from its template, with the desk's security headers."""
        html = self.templates.get_template(template).render(**context)
        return web.Response(text=html, status=code, content_type="text/html", headers=SECURITY_HEADERS)

    def page(self, name: str, session: Session, code: int = 200, **context: Any) -> web.Response:
        """A signed-in page: the template ``name``.html with the editor, their forms' token and the menu."""
        return self.render(f"{name}.html", code, editor=session.editor, csrf=session.csrf, nav=name, **context)

    def guard(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Only for a signed-in editor, and a form only with its session's token from this site."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            session = self.sessions.find(request.cookies.get(SESSION_COOKIE), self.newsroom.now())
            if session is None:
                return see_other("/desk/signin")
            if request.method == "POST":
                form = await request.post()
                if not same_origin(request) or not session.token_ok(str(form.get(CSRF_FIELD, ""))):
                    return self.page("refused", session, 403)
            try:
                return await handler(request, session)
            except UnknownBrief as error:
                return self.page("refused", session, 404, problem=str(error))

        return guarded

    def gap_groups(self) -> list[GapGroup]:
        """The unanswered questions as gaps, each read as the bot reads questions."""
        logged = self.newsroom.store.questions()
        texts = list({question.text for question in logged})
        terms = {text: query.terms for text, query in zip(texts, self.newsroom.read_questions(texts), strict=True)}
        return group_questions(logged, terms.__getitem__)

    def editor(self, session: Session) -> Asker:
        """The signed-in editor, who sees drafts and embargoed briefs."""
        return Asker(session.editor, is_editor=True)

    # signing in and out

    async def sign_in_form(self, request: web.Request, problem: str = "", status: int = 200) -> web.StreamResponse:
        if not problem and self.sessions.find(request.cookies.get(SESSION_COOKIE), self.newsroom.now()):
            return see_other("/desk")
        token = Sessions.new_token()
        response = self.render("signin.html", status, csrf=token, problem=problem)
        set_cookie(response, PRE_COOKIE, token, SIGN_IN_SECONDS, secure=secure_request(request, self.api))
        return response

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        client = self.api.client(request.remote, request.headers.getall("X-Forwarded-For", []))
        if not self.attempts.allow(client):
            problem = f"Too many sign-ins from your address ({self.attempts.per_minute} a minute): wait a minute."
            refused = await self.sign_in_form(request, problem, 429)
            refused.headers["Retry-After"] = "60"
            return refused
        offered, expected = str(form.get(CSRF_FIELD, "")), request.cookies.get(PRE_COOKIE, "")
        if not same_origin(request) or not expected or not Sessions.same_token(offered, expected):
            return await self.sign_in_form(request, "The sign-in form had expired; please sign in again.", 403)
        editor = self.api.editor_for(f"Bearer {form.get('token', '')}")
        if editor is None:
            return await self.sign_in_form(request, "That is not an editor's token.", 401)
        session = self.sessions.open(editor, self.newsroom.now())
        response = see_other("/desk")
        secure = secure_request(request, self.api)
        set_cookie(response, SESSION_COOKIE, session.id, int(self.sessions.lifetime.total_seconds()), secure=secure)
        response.del_cookie(PRE_COOKIE, path="/desk")
        return response

    async def sign_out(self, request: web.Request, session: Session) -> web.StreamResponse:
        self.sessions.close(session.id)
        response = see_other("/desk/signin")
        response.del_cookie(SESSION_COOKIE, path="/desk")
        return response

    # the overview, gaps and stale briefs

    async def overview(self, request: web.Request, session: Session) -> web.StreamResponse:
        now = self.newsroom.now()
        briefs = self.newsroom.briefs(self.editor(session))
        counts = Counter(version.brief.status for version in briefs)
        stale = [v for v in briefs if v.brief.visible_at(now) and v.brief.stale_at(now)]
        statuses = charts.bar_chart(
            [
                ("published", counts[Status.PUBLISHED], "status-published"),
                ("draft", counts[Status.DRAFT], "status-draft"),
                ("embargoed", counts[Status.EMBARGOED], "status-embargoed"),
                ("stale", len(stale), "status-stale"),
            ],
            "Briefs by status",
        )
        recorded = self.newsroom.outcomes.since(charts.chart_start(now), now) if self.newsroom.outcomes else []
        titles = {version.brief.id: version.brief.title for version in briefs}
        asked = Counter(r.brief_id for r in recorded if r.outcome is Outcome.ANSWER and r.brief_id in titles)
        most_asked = charts.bar_chart(
            [(titles[brief_id], count, "outcome-answer") for brief_id, count in asked.most_common(TOP)],
            f"Most asked briefs over the last {charts.DAYS} days",
        )
        gaps = self.dismissals.visible(self.gap_groups())[:TOP]
        top_gaps = charts.bar_chart([(g.question, g.count, "outcome-no_match") for g in gaps], "Top gaps")
        embargoed = sorted(
            (v for v in briefs if v.brief.status is Status.EMBARGOED),
            key=lambda v: (v.brief.embargo_until is None, v.brief.embargo_until or now),
        )
        return self.page(
            "overview",
            session,
            statuses=statuses,
            daily=charts.daily_chart(recorded, now.date()),
            outcome_names=charts.OUTCOME_NAMES,
            most_asked=most_asked,
            top_gaps=top_gaps,
            embargoed=embargoed,
            now=now,
        )

    async def gaps(self, request: web.Request, session: Session) -> web.StreamResponse:
        groups = self.dismissals.visible(self.gap_groups())
        who_asked = self.newsroom.outcomes is not None and self.newsroom.outcomes.askers
        return self.page("gaps", session, gaps=groups, who_asked=who_asked)

    async def dismiss(self, request: web.Request, session: Session) -> web.StreamResponse:
        form = await request.post()
        self.dismissals.dismiss([str(text) for text in form.getall("wording", [])], self.newsroom.now())
        return see_other("/desk/gaps")

    async def stale(self, request: web.Request, session: Session) -> web.StreamResponse:
        now = self.newsroom.now()
        found = [v for v in self.newsroom.briefs(self.editor(session)) if v.brief.stale_at(now)]
        found.sort(key=lambda v: (v.brief.review_by, v.brief.id))
        return self.page("stale", session, briefs=found, days=STILL_RIGHT_DAYS, steps=REVIEW_STEPS, problem="")

    async def still_right(self, request: web.Request, session: Session) -> web.StreamResponse:
        form = await request.post()
        brief_id = request.match_info["id"]
        base = str(form.get("version", ""))
        step = str(form.get("days", STILL_RIGHT_DAYS))
        if not step.isdigit() or int(step) not in REVIEW_STEPS:
            steps = ", ".join(str(days) for days in REVIEW_STEPS)
            return self.page("refused", session, 400, problem=f"The next review is {steps} days away, not {step!r}.")
        now = self.newsroom.now()
        version: Version = self.newsroom.show(brief_id, self.editor(session), int(base) if base.isdigit() else None)
        brief = replace(version.brief, review_by=now.date() + timedelta(days=int(step)), updated=now)
        try:
            self.newsroom.push(brief, editor=session.editor, channel=DESK_CHANNEL, expected_version=version.number)
        except VersionConflict as conflict:
            return self.page("refused", session, 409, problem=str(conflict))
        except BriefbotError as error:
            return self.page("refused", session, 400, problem=str(error))
        return see_other("/desk/stale")


async def stylesheet(request: web.Request) -> web.StreamResponse:
    """The desk's one stylesheet (open to all: it holds nothing but looks)."""
    return web.Response(
        body=(HERE / "static" / "desk.css").read_bytes(),
        content_type="text/css",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "max-age=3600"},
    )


def desk_routes(newsroom: Newsroom, api: ApiSettings, session_hours: int) -> list[web.RouteDef]:
    """The ``/desk`` routes over one newsroom, for the editors holding ``api``'s tokens."""
    from adapters.desk.briefs import brief_routes

    desk = Desk(newsroom, api, session_hours)
    return [
        web.get("/desk/static/desk.css", stylesheet),
        web.get("/desk/signin", desk.sign_in_form),
        web.post("/desk/signin", desk.sign_in),
        web.post("/desk/signout", desk.guard(desk.sign_out)),
        web.get("/desk", desk.guard(desk.overview)),
        web.get("/desk/gaps", desk.guard(desk.gaps)),
        web.post("/desk/gaps/dismiss", desk.guard(desk.dismiss)),
        web.get("/desk/stale", desk.guard(desk.stale)),
        web.post("/desk/briefs/{id}/still-right", desk.guard(desk.still_right)),
        *brief_routes(desk),
    ]
