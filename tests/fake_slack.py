"""A loopback stand-in for Slack's Web API and response URLs, and signed Slack requests to send to the bot.

The stand-in runs a real HTTP server on 127.0.0.1 and records every call: the
bot's own Web API client and response-URL posts reach it exactly as they would
reach Slack. A test can queue failures (429 with Retry-After, 5xx) per path.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from slack_sdk.signature import SignatureVerifier

SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
TEAM = "T111"

_TRIGGERS = itertools.count(1)


def new_trigger_id() -> str:
    """A trigger id as Slack makes one: unique to each command, click or form submission."""
    return f"111.{next(_TRIGGERS)}.abc"


@dataclass
class Call:
    """One request the bot made to Slack."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Failure:
    """A canned error answer for the next call to a path."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"ok": false, "error": "ratelimited"}'
    delay: float = 0.0
    """Seconds to wait before answering, as an overloaded Slack does (the call is recorded first)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if "json" in self.headers.get("Content-Type", ""):
            body = json.loads(raw) if raw else {}
        else:
            body = {key: values[0] for key, values in parse_qs(raw).items()}
            for key in ("blocks", "attachments"):
                if isinstance(body.get(key), str):
                    body[key] = json.loads(body[key])
        url = urlparse(self.path)
        path = url.path
        body |= {key: values[0] for key, values in parse_qs(url.query).items()}  # GET methods take query parameters
        with self.server.lock:
            self.server.calls.append(Call(path, dict(self.headers), body))
            failures = self.server.failures.get(path)
            failure = failures.pop(0) if failures else None
        if failure is not None:
            time.sleep(failure.delay)
            self._send(failure.status, failure.body, failure.headers)
        elif path == "/api/auth.test":
            self._send(200, json.dumps({"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM}))
        elif path == "/api/usergroups.users.list":
            self._send(200, json.dumps({"ok": True, "users": self.server.group_members}))
        elif path.startswith("/api/"):
            self._send(200, json.dumps({"ok": True, "channel": body.get("channel"), "ts": "1700000000.000200"}))
        else:  # response URLs answer a bare "ok"
            self._send(200, "ok", {"Content-Type": "text/plain"})

    do_GET = do_POST

    def _send(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        data = text.encode()
        self.send_response(status)
        headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[Call] = []
        self.failures: dict[str, list[Failure]] = {}
        self.group_members: list[str] = []
        self.lock = threading.Lock()


class FakeSlack:
    """Slack's Web API and response URLs on 127.0.0.1, recording what the bot sends."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, name: str = "1") -> str:
        return f"{self.base}/commands/{TEAM}/{name}"

    def set_group_members(self, *users: str) -> None:
        """The members ``usergroups.users.list`` answers with."""
        self._server.group_members = list(users)

    def fail(self, path: str, *failures: Failure) -> None:
        """Answer the next calls to ``path`` with these failures, in order."""
        with self._server.lock:
            self._server.failures.setdefault(path, []).extend(failures)

    def calls(self, path_prefix: str = "/") -> list[Call]:
        """The calls so far whose path starts with ``path_prefix`` (auth.test left out)."""
        with self._server.lock:
            return [c for c in self._server.calls if c.path.startswith(path_prefix) and c.path != "/api/auth.test"]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def slash_body(
    text: str, response_url: str, user_id: str = "U222", command: str = "/brief", trigger_id: str | None = None
) -> str:
    """A form-encoded slash command as Slack posts it, with a new trigger id unless one is given."""
    return urlencode(
        {
            "token": "unused",
            "team_id": TEAM,
            "team_domain": "newsroom",
            "channel_id": "C111",
            "channel_name": "world-desk",
            "user_id": user_id,
            "user_name": "reporter",
            "command": command,
            "text": text,
            "api_app_id": "A111",
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
        }
    )


def event_body(event: dict[str, Any], event_id: str = "Ev001") -> str:
    """An Events API callback wrapping ``event``."""
    return json.dumps(
        {
            "token": "unused",
            "team_id": TEAM,
            "api_app_id": "A111",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
            "event": event,
        }
    )


def mention_event(text: str, ts: str = "1700000000.000100", thread_ts: str | None = None) -> dict[str, Any]:
    """An ``app_mention`` event in a channel."""
    event = {"type": "app_mention", "user": "U222", "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": "C111"}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def dm_event(text: str, **extra: Any) -> dict[str, Any]:
    """A ``message`` event in a direct message with the bot."""
    return {"type": "message", "channel_type": "im", "user": "U222", "text": text, "ts": "1700000001.0001"} | extra


def action_body(
    action_id: str,
    value: str,
    response_url: str,
    ephemeral: bool = True,
    user: str = "U222",
    trigger_id: str | None = None,
) -> str:
    """A form-encoded ``block_actions`` payload, as Slack posts a button click, with a new trigger id unless given."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "newsroom"},
        "user": {"id": user, "username": "anna.k", "name": "anna.k", "team_id": TEAM},
        "api_app_id": "A111",
        "token": "unused",
        "container": {"type": "message", "message_ts": "1700000000.0003", "is_ephemeral": ephemeral},
        "trigger_id": trigger_id or new_trigger_id(),
        "channel": {"id": "C111", "name": "world-desk"},
        "response_url": response_url,
        "actions": [{"action_id": action_id, "block_id": "b1", "type": "button", "value": value, "action_ts": "1"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def signed_headers(
    body: str, *, secret: str = SECRET, timestamp: int | None = None, content_type: str | None = None
) -> dict[str, str]:
    """Headers Slack sends with ``body``: a timestamp and the HMAC signature over both."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    if content_type is None:
        content_type = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body),
    }


def iter_texts(blocks: list[dict[str, Any]]) -> Iterator[str]:
    """Every text in a list of blocks: section, header, context and button texts."""
    for block in blocks:
        if "text" in block:
            yield block["text"]["text"]
        for element in block.get("elements", []):
            text = element.get("text")
            yield text["text"] if isinstance(text, dict) else text


def view_submission_body(
    view: dict[str, Any], values: dict[str, Any], user: str = "U222", trigger_id: str | None = None
) -> str:
    """A form-encoded ``view_submission`` payload: the modal as opened, with the editor's values filled in."""
    submitted = {**view, "id": "V1", "state": {"values": values}}
    payload = {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "newsroom"},
        "user": {"id": user, "username": "anna.k", "name": "anna.k", "team_id": TEAM},
        "api_app_id": "A111",
        "token": "unused",
        "trigger_id": trigger_id or new_trigger_id(),
        "view": submitted,
    }
    return urlencode({"payload": json.dumps(payload)})


def form_values(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The values Slack would submit for a modal left as prefilled, with some inputs changed."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        element = block["element"]
        if element["type"] == "plain_text_input":
            value: dict[str, Any] = {"type": "plain_text_input", "value": element.get("initial_value")}
        elif element["type"] == "static_select":
            value = {"type": "static_select", "selected_option": element["initial_option"]}
        else:
            value = {"type": "datepicker", "selected_date": element.get("initial_date")}
        if block["block_id"] in changes:
            key = {"plain_text_input": "value", "static_select": "selected_option", "datepicker": "selected_date"}
            value[key[element["type"]]] = changes[block["block_id"]]
        values[block["block_id"]] = {"value": value}
    return values
