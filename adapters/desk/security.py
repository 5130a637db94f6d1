"""Who may use the desk: editors signed in with their API token, held in an expiring session cookie.

The session is a random id in an HttpOnly, SameSite=Strict cookie scoped to
``/desk`` (Secure when the request came over HTTPS, directly or from a trusted
proxy that says so), held in this process's memory only: a restart signs
everyone out. Every form carries a token tied to the session (the sign-in form
one tied to a short-lived cookie of its own), compared in constant time, and a
POST whose ``Origin`` is another site's is refused too. Every page is sent with
a strict Content-Security-Policy: no script at all, styles only from the desk's
own stylesheet, no frames, forms only to the desk.
"""

from __future__ import annotations

import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address
from urllib.parse import urlsplit

from aiohttp import web

from adapters.api_access import ApiSettings

__all__ = [
    "CSRF_FIELD",
    "PRE_COOKIE",
    "SECURITY_HEADERS",
    "SESSION_COOKIE",
    "Session",
    "Sessions",
    "same_origin",
    "secure_request",
    "set_cookie",
]

SESSION_COOKIE = "briefbot_desk"
PRE_COOKIE = "briefbot_desk_signin"
"""Holds the sign-in form's token, so a sign-in cannot be forged from another site either."""
CSRF_FIELD = "csrf"
COOKIE_PATH = "/desk"
MAX_SESSIONS = 10_000
"""Sessions held at once; past this the oldest is signed out first, so sign-ins cannot fill the memory."""

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send ``Origin: null`` with our own forms
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Session:
    """One signed-in editor: the session's id (the cookie), their name, their forms' token and when it ends."""

    id: str
    editor: str
    csrf: str
    expires: datetime

    def token_ok(self, offered: str) -> bool:
        """Whether a form's token is this session's."""
        return Sessions.same_token(offered, self.csrf)


class Sessions:
    """The signed-in editors, by session id, each for ``lifetime`` from signing in."""

    def __init__(self, lifetime: timedelta) -> None:
        self.lifetime = lifetime
        self._open: OrderedDict[str, Session] = OrderedDict()

    def open(self, editor: str, now: datetime) -> Session:
        """Sign ``editor`` in: a new session with fresh random id and form token."""
        session = Session(self.new_token(), editor, self.new_token(), now + self.lifetime)
        self._open[session.id] = session
        while len(self._open) > MAX_SESSIONS:
            self._open.popitem(last=False)
        return session

    def find(self, session_id: str | None, now: datetime) -> Session | None:
        """The session with this id, unless it has expired (then it is forgotten)."""
        session = self._open.get(session_id or "")
        if session is not None and now >= session.expires:
            del self._open[session.id]
            return None
        return session

    def close(self, session_id: str) -> None:
        """Sign a session out."""
        self._open.pop(session_id, None)

    @staticmethod
    def new_token() -> str:
        """A fresh random token, for a form or a session."""
        return secrets.token_urlsafe(32)

    @staticmethod
    def same_token(offered: str, expected: str) -> bool:
        """Whether two tokens are the same, compared in constant time."""
        return hmac.compare_digest(offered.encode(), expected.encode())


def secure_request(request: web.Request, api: ApiSettings) -> bool:
    """Whether the editor's browser reached us over HTTPS: directly, or through a trusted proxy that says so."""
    if request.secure:
        return True
    try:
        peer = ip_address((request.remote or "").partition("%")[0])
    except ValueError:
        return False
    trusted = any(peer in network for network in api.trusted_proxies)
    return trusted and request.headers.get("X-Forwarded-Proto", "").strip().lower() == "https"


def set_cookie(response: web.StreamResponse, name: str, value: str, max_age: int, *, secure: bool) -> None:
    """A desk cookie: HttpOnly, SameSite=Strict, for ``/desk`` only, Secure over HTTPS."""
    response.set_cookie(
        name, value, max_age=max_age, path=COOKIE_PATH, httponly=True, samesite="Strict", secure=secure or None
    )


def same_origin(request: web.Request) -> bool:
    """False when the browser says the form was sent from another site or page (``Origin``, ``Sec-Fetch-Site``).

    A client that sends neither header (not a browser) passes: the form's token is what it must have.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site != "same-origin":
        return False
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host
