"""A loopback stand-in for Discord: its REST API and gateway on 127.0.0.1, recording every call.

``FakeDiscord`` answers what the bot calls (log in, register commands, send
messages, answer interactions, follow-ups) with the JSON Discord would send,
and records each request so tests can check exactly what discord.py put on
the wire. Tests point ``discord.http.Route.BASE`` at ``fake.api_base`` (and the
gateway at ``fake.gateway_url``). The payload builders below make the gateway
events Discord sends: a guild, messages, slash commands, autocomplete, button
clicks and modal submissions, from reporters or from members holding the
editors' role.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER",
    "CHANNEL_ID",
    "EDITOR_ID",
    "EDITOR_ROLE_ID",
    "EDITOR_USER",
    "GUILD_ID",
    "REPORTER_ID",
    "REPORTER_USER",
    "Call",
    "FakeDiscord",
    "GatewayConnection",
    "autocomplete",
    "button_click",
    "edit_autocomplete",
    "edit_command",
    "guild_create",
    "message_create",
    "modal_submit",
    "slash_command",
    "user",
]

API_PREFIX = "/api/v10"
BOT_ID = 900000000000000001
APP_ID = BOT_ID
GUILD_ID = 800000000000000001
CHANNEL_ID = 700000000000000001
DM_CHANNEL_ID = 700000000000000002
REPORTER_ID = 600000000000000001
EDITOR_ID = 600000000000000002
EDITOR_ROLE_ID = 400000000000000001
COMMAND_ID = 500000000000000001
EDIT_COMMAND_ID = 500000000000000002
TIMESTAMP = "2026-11-25T12:00:00.000000+00:00"

_ids = itertools.count(100000000000000001)


def _snowflake() -> str:
    return str(next(_ids))


def user(user_id: int, name: str, *, bot: bool = False, global_name: str | None = None) -> dict[str, Any]:
    """A Discord user object."""
    return {
        "id": str(user_id),
        "username": name,
        "global_name": global_name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(BOT_ID, "briefbot", bot=True)
REPORTER_USER = user(REPORTER_ID, "mara.lind", global_name="Mara Lind")
EDITOR_USER = user(EDITOR_ID, "anna.k", global_name="Anna Kowalski")


def _role(role_id: int, name: str, position: int) -> dict[str, Any]:
    return {"id": str(role_id), "name": name, "permissions": "68608", "position": position, "color": 0,
            "hoist": False, "managed": False, "mentionable": False, "flags": 0}  # fmt: skip


def _member(person: Mapping[str, Any] | None = None, roles: tuple[int, ...] = (), **extra: Any) -> dict[str, Any]:
    # "flags" is required by discord.py's Member, though older API docs mark it optional.
    payload: dict[str, Any] = {
        "roles": [str(role) for role in roles],
        "joined_at": TIMESTAMP,
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    if person is not None:
        payload["user"] = dict(person)
    return payload | extra


def _text_channel(channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(GUILD_ID),
        "name": "newsdesk",
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
    }


def guild_create() -> dict[str, Any]:
    """The GUILD_CREATE event for the newsroom's server, with the bot a member of it and an editors' role."""
    return {
        "id": str(GUILD_ID),
        "name": "Newsroom",
        "icon": None,
        "owner_id": str(REPORTER_ID),
        "features": [],
        "roles": [_role(GUILD_ID, "@everyone", 0), _role(EDITOR_ROLE_ID, "editors", 1)],
        "emojis": [],
        "stickers": [],
        "channels": [_text_channel()],
        "threads": [],
        "members": [_member(BOT_USER)],
        "member_count": 2,
        "large": False,
        "unavailable": False,
        "premium_tier": 0,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    }  # fmt: skip


def message_create(
    content: str,
    *,
    author: Mapping[str, Any] = REPORTER_USER,
    mentions: tuple[Mapping[str, Any], ...] = (),
    in_guild: bool = True,
    message_id: int | None = None,
    webhook_id: int | None = None,
    message_type: int = 0,
    mention_everyone: bool = False,
    roles: tuple[int, ...] = (),
) -> dict[str, Any]:
    """A MESSAGE_CREATE event: in the guild's channel, or in a DM with the bot."""
    payload: dict[str, Any] = {
        "id": str(message_id) if message_id is not None else _snowflake(),
        "channel_id": str(CHANNEL_ID if in_guild else DM_CHANNEL_ID),
        "author": dict(author),
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": [dict(m) for m in mentions],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": message_type,
        "flags": 0,
        "components": [],
    }
    if in_guild:
        payload["guild_id"] = str(GUILD_ID)
        payload["member"] = _member(roles=roles)
    if webhook_id is not None:
        payload["webhook_id"] = str(webhook_id)
    return payload


def _interaction(
    kind: int, data: Mapping[str, Any], *, in_guild: bool, who: Mapping[str, Any], roles: tuple[int, ...] = ()
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": _snowflake(),
        "application_id": str(APP_ID),
        "type": kind,
        "token": f"token-{_snowflake()}",
        "version": 1,
        "data": dict(data),
        "locale": "en-GB",
        "app_permissions": "0",
        "attachment_size_limit": 10485760,
        "entitlements": [],
    }
    if in_guild:
        payload |= {
            "guild_id": str(GUILD_ID),
            "guild_locale": "en-US",
            "channel_id": str(CHANNEL_ID),
            "channel": _text_channel(),
            "member": _member(who, roles, permissions="68608"),
            "context": 0,
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
        }
    else:
        payload |= {
            "channel_id": str(DM_CHANNEL_ID),
            "channel": {"id": str(DM_CHANNEL_ID), "type": 1, "recipients": [dict(who)], "flags": 0},
            "user": dict(who),
            "context": 1,
            "authorizing_integration_owners": {"0": str(REPORTER_ID)},
        }
    return payload


def slash_command(
    question: str,
    *,
    in_guild: bool = True,
    who: Mapping[str, Any] = REPORTER_USER,
    guild_command: bool = False,
    roles: tuple[int, ...] = (),
) -> dict[str, Any]:
    """An INTERACTION_CREATE for ``/brief question:<question>``."""
    data: dict[str, Any] = {
        "id": str(COMMAND_ID),
        "name": "brief",
        "type": 1,
        "options": [{"name": "question", "type": 3, "value": question}],
    }
    if guild_command:
        data["guild_id"] = str(GUILD_ID)
    return _interaction(2, data, in_guild=in_guild, who=who, roles=roles)


def autocomplete(current: str, *, who: Mapping[str, Any] = REPORTER_USER) -> dict[str, Any]:
    """An INTERACTION_CREATE asking for autocomplete choices while ``current`` is typed into the question."""
    data = {
        "id": str(COMMAND_ID),
        "name": "brief",
        "type": 1,
        "options": [{"name": "question", "type": 3, "value": current, "focused": True}],
    }
    return _interaction(4, data, in_guild=True, who=who)


def edit_command(
    brief_id: str, *, in_guild: bool = True, who: Mapping[str, Any] = EDITOR_USER, roles: tuple[int, ...] = ()
) -> dict[str, Any]:
    """An INTERACTION_CREATE for ``/brief-edit id:<brief_id>``."""
    data = {
        "id": str(EDIT_COMMAND_ID),
        "name": "brief-edit",
        "type": 1,
        "options": [{"name": "id", "type": 3, "value": brief_id}],
    }
    return _interaction(2, data, in_guild=in_guild, who=who, roles=roles)


def edit_autocomplete(
    current: str, *, who: Mapping[str, Any] = EDITOR_USER, roles: tuple[int, ...] = ()
) -> dict[str, Any]:
    """An INTERACTION_CREATE asking for autocomplete choices while ``current`` is typed into ``/brief-edit``'s id."""
    data = {
        "id": str(EDIT_COMMAND_ID),
        "name": "brief-edit",
        "type": 1,
        "options": [{"name": "id", "type": 3, "value": current, "focused": True}],
    }
    return _interaction(4, data, in_guild=True, who=who, roles=roles)


def modal_submit(
    custom_id: str,
    values: Mapping[str, str],
    *,
    who: Mapping[str, Any] = EDITOR_USER,
    roles: tuple[int, ...] = (),
    in_guild: bool = True,
    action_rows: bool = False,
) -> dict[str, Any]:
    """An INTERACTION_CREATE for a submitted modal: each text input's custom id and value.

    Discord wraps each input of a modal built from labels in a label (type 18);
    ``action_rows`` gives the older shape, each input in an action row (type 1).
    """
    inputs = [{"type": 4, "custom_id": key, "value": value} for key, value in values.items()]
    if action_rows:
        components = [{"type": 1, "components": [text_input]} for text_input in inputs]
    else:
        components = [{"type": 18, "component": text_input} for text_input in inputs]
    return _interaction(5, {"custom_id": custom_id, "components": components}, in_guild=in_guild, who=who, roles=roles)


def button_click(
    custom_id: str,
    *,
    message: Mapping[str, Any] | None = None,
    in_guild: bool = True,
    who: Mapping[str, Any] = REPORTER_USER,
) -> dict[str, Any]:
    """An INTERACTION_CREATE for a click on the button with ``custom_id``, on ``message`` (the bot's own)."""
    shown = dict(message) if message is not None else _message_payload({}, channel_id=str(CHANNEL_ID))
    if not shown.get("components"):
        button = {"type": 2, "style": 2, "label": "Button", "custom_id": custom_id}
        shown["components"] = [{"type": 1, "components": [button]}]
    payload = _interaction(3, {"custom_id": custom_id, "component_type": 2}, in_guild=in_guild, who=who)
    payload["message"] = shown
    return payload


def _message_payload(body: Mapping[str, Any], *, channel_id: str, flags: int = 0) -> dict[str, Any]:
    """The message Discord answers with once it has stored what the bot sent."""
    return {
        "id": _snowflake(),
        "channel_id": channel_id,
        "author": BOT_USER,
        "content": body.get("content") or "",
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds") or [],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 19 if body.get("message_reference") else 0,
        "flags": flags,
    }


def _json(data: object, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    # discord.py decodes a body only when Content-Type is exactly "application/json" (no charset).
    return web.Response(status=status, body=json.dumps(data).encode(), content_type="application/json", headers=headers)


@dataclass(frozen=True)
class Call:
    """One request the bot made: method, path under the API root, query, JSON body, status, and files it attached."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    files: tuple[tuple[str, bytes], ...] = ()
    """Each attachment's file name and content, from a multipart request."""

    @property
    def data(self) -> dict[str, Any]:
        """What the request asked Discord to show: the body, or an interaction callback's ``data``."""
        if isinstance(self.body, dict) and self.path.endswith("/callback"):
            inner = self.body.get("data")
            return inner if isinstance(inner, dict) else {}
        return self.body if isinstance(self.body, dict) else {}


@dataclass
class _Refusal:
    method: str
    path_end: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class GatewayConnection:
    """One websocket the bot opened to the fake gateway: what it sent, and a way to send it events."""

    def __init__(self, socket: web.WebSocketResponse) -> None:
        self.socket = socket
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sequence = 0

    async def next_op(self, op: int) -> dict[str, Any]:
        """The next frame the bot sends with this opcode (others are skipped)."""
        while True:
            frame = await self.received.get()
            if frame.get("op") == op:
                return frame

    async def dispatch(self, event: str, data: Mapping[str, Any]) -> None:
        """Send a DISPATCH event with the next sequence number."""
        self.sequence += 1
        await self.socket.send_json({"op": 0, "t": event, "s": self.sequence, "d": dict(data)})

    async def send(self, op: int, data: object = None) -> None:
        """Send a control frame, e.g. op 7 (reconnect and resume)."""
        await self.socket.send_json({"op": op, "d": data})


class FakeDiscord:
    """Discord's REST API and gateway on 127.0.0.1, recording every REST call in ``calls``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.connections: asyncio.Queue[GatewayConnection] = asyncio.Queue()
        self._refusals: list[_Refusal] = []
        self._runner: web.AppRunner | None = None
        self.origin = ""

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE``."""
        return self.origin + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The websocket URL of the fake gateway."""
        return self.origin.replace("http://", "ws://", 1) + "/gateway"

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.origin = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def refuse_next(
        self, method: str, path_end: str, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        """Answer the next ``method`` request whose path ends with ``path_end`` with this error instead."""
        self._refusals.append(_Refusal(method, path_end, status, body, headers or {}))

    # what the bot sent

    def sent(self) -> list[Call]:
        """Every accepted request that put a message in front of people (messages, responses, follow-ups)."""
        return [call for call in self.calls if call.status == 200 and _shows_something(call)]

    def showing(self) -> list[Call]:
        """Every request, accepted or not, that carried content, embeds or components."""
        return [call for call in self.calls if _shows_something(call)]

    def modals(self) -> list[Call]:
        """Every accepted interaction response that opened a modal (a form), in order."""
        return [call for call in self.calls if call.status == 200 and _opens_modal(call)]

    # the REST API

    async def _rest(self, request: web.Request) -> web.Response:
        body: Any = None
        files: list[tuple[str, bytes]] = []
        if request.can_read_body and request.content_type == "application/json":
            body = await request.json()
        elif request.can_read_body and request.content_type == "multipart/form-data":
            # discord.py sends a message with attachments as the JSON in "payload_json" and one part per file.
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                assert isinstance(part, BodyPartReader)
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    files.append((part.filename or "", bytes(await part.read())))
        path = request.path.removeprefix(API_PREFIX)
        for refusal in self._refusals:
            if request.method == refusal.method and path.endswith(refusal.path_end):
                self._refusals.remove(refusal)
                self.calls.append(Call(request.method, path, dict(request.query), body, refusal.status, tuple(files)))
                return _json(refusal.body, refusal.status, refusal.headers)
        status, payload = self._answer(request.method, path, body)
        self.calls.append(Call(request.method, path, dict(request.query), body, status, tuple(files)))
        return _json(payload, status)

    def _answer(self, method: str, path: str, body: Any) -> tuple[int, object]:
        parts = path.strip("/").split("/")
        if (method, path) == ("GET", "/users/@me"):
            return 200, BOT_USER
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return 200, _application()
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            guild_id = parts[3] if len(parts) == 5 else None
            return 200, [_registered(command, guild_id) for command in body or []]
        if method == "POST" and parts[0] == "channels" and parts[-1] == "messages":
            return 200, _message_payload(body or {}, channel_id=parts[1])
        if method == "POST" and parts[0] == "interactions" and parts[-1] == "callback":
            return 200, _callback(parts[1], body or {})
        if method == "POST" and parts[0] == "webhooks":
            flags = (body or {}).get("flags", 0)
            return 200, _message_payload(body or {}, channel_id=str(CHANNEL_ID), flags=flags)
        return 404, {"message": "404: Not Found", "code": 0}

    # the gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        connection = GatewayConnection(socket)
        # A long heartbeat interval: no heartbeat falls due during a test.
        await connection.send(10, {"heartbeat_interval": 45_000})
        await self.connections.put(connection)
        async for frame in socket:
            if frame.type is WSMsgType.TEXT:
                await connection.received.put(json.loads(frame.data))
        return socket

    def ready(self, session_id: str = "session-1") -> dict[str, Any]:
        """The READY event for the bot, naming this gateway as the one to resume on."""
        return {
            "v": 10,
            "user": BOT_USER,
            "guilds": [],
            "session_id": session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }


def _shows_something(call: Call) -> bool:
    # A modal is a form: its labels and prefilled inputs are never parsed for mentions, so it cannot ping.
    data = call.data
    return (
        call.method == "POST"
        and not _opens_modal(call)
        and any(data.get(key) for key in ("content", "embeds", "components"))
    )


def _opens_modal(call: Call) -> bool:
    return call.path.endswith("/callback") and isinstance(call.body, dict) and call.body.get("type") == 9


def _application() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "briefbot",
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": REPORTER_USER,
        "verify_key": "0" * 64,
        "flags": 0,
    }


def _registered(command: Mapping[str, Any], guild_id: str | None) -> dict[str, Any]:
    registered = dict(command) | {"id": str(COMMAND_ID), "application_id": str(APP_ID), "version": "1"}
    if guild_id is not None:
        registered["guild_id"] = guild_id
    return registered


def _callback(interaction_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """Discord's answer to an interaction response sent ``with_response``."""
    answer: dict[str, Any] = {"interaction": {"id": interaction_id, "type": 2}}
    data = body.get("data") or {}
    if body.get("type") in (4, 7) and isinstance(data, dict):
        message = _message_payload(data, channel_id=str(CHANNEL_ID), flags=data.get("flags", 0))
        answer["interaction"] |= {
            "response_message_id": message["id"],
            "response_message_ephemeral": bool(data.get("flags", 0) & 64),
        }
        answer["resource"] = {"type": body["type"], "message": message}
    return answer
