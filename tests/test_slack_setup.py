"""Setting Slack up: a wrong bot token found at start, and the manifest and README asking for what the code uses."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from fake_slack import SECRET, Failure, FakeSlack
from test_cli import BRIEFBOT

from adapters.serve import serve
from adapters.slack.app import SlackSettings, SlackSurface
from bot.errors import BriefbotError, SettingsError
from bot.newsroom import Newsroom

WRONG_TOKEN = "xoxb-wrong-token-0000"
INVALID_AUTH = Failure(200, body='{"ok": false, "error": "invalid_auth"}')


async def test_a_wrong_bot_token_stops_serve_at_start_with_one_clear_error(newsroom: Newsroom, fake: FakeSlack) -> None:
    """A bot token Slack's ``auth.test`` refuses ends ``serve`` before it answers anything, naming the setting."""
    fake.fail("/api/auth.test", INVALID_AUTH)
    surface = SlackSurface(newsroom, SlackSettings(WRONG_TOKEN, SECRET, api_url=fake.api_url))
    with pytest.raises(BriefbotError) as refused:
        await asyncio.wait_for(serve(newsroom, [surface], "127.0.0.1", 0, on_ready=lambda line: None), 20)
    assert str(refused.value).startswith(
        "slack: could not start (SLACK_BOT_TOKEN: Slack refused the bot token (invalid_auth)"
    )
    assert WRONG_TOKEN not in str(refused.value)


def test_briefbot_serve_slack_with_a_wrong_token_exits_1_with_one_line(tmp_path: Path, fake: FakeSlack) -> None:
    """``briefbot serve slack`` with a token Slack refuses exits 1 at once with one line on stderr, no traceback."""
    fake.fail("/api/auth.test", INVALID_AUTH)
    env = {
        **os.environ,
        "BRIEFBOT_STORE": str(tmp_path / "store"),
        "SLACK_BOT_TOKEN": WRONG_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    command = [BRIEFBOT, "serve", "slack", "--host", "127.0.0.1", "--port", "0"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=30, check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("briefbot: slack: could not start (SLACK_BOT_TOKEN: Slack refused the bot token")
    assert WRONG_TOKEN not in result.stderr


async def test_an_unreachable_slack_api_is_reported_at_start(newsroom: Newsroom) -> None:
    """When nothing answers at SLACK_API_URL, starting Slack says which address could not be reached."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    api_url = f"http://127.0.0.1:{port}/api/"
    surface = SlackSurface(newsroom, SlackSettings("xoxb-test-token", SECRET, api_url=api_url))
    with pytest.raises(SettingsError, match=rf"^SLACK_API_URL: Slack's Web API at {api_url} could not be reached"):
        await surface.start()


SCOPE_OF_METHOD = {
    "auth_test": None,
    "chat_postEphemeral": "chat:write",
    "chat_postMessage": "chat:write",
    "usergroups_users_list": "usergroups:read",
    "views_open": None,
}
"""The bot scope each Web API method the Slack adapter calls needs (Slack's method reference; None: no scope)."""
SCOPE_OF_FEATURE = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "slash commands": "commands",
    "updates to followed public channels briefbot was not invited to": "chat:write.public",
}


def _manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "deploy" / "slack-manifest.yaml").read_text(encoding="utf-8"))
    return loaded


def test_the_manifest_asks_for_the_scope_of_every_web_api_method_the_code_calls() -> None:
    """Every Web API method called in adapters/slack is known here with its scope, and the manifest asks for each."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in (REPO / "adapters" / "slack").glob("*.py"))
    called = set(re.findall(r"\bclient\.(\w+)\(", source))
    assert called == set(SCOPE_OF_METHOD)
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    needed = {scope for scope in (*SCOPE_OF_METHOD.values(), *SCOPE_OF_FEATURE.values()) if scope}
    assert needed == scopes  # nothing missing, nothing asked for without a use


def test_the_readme_slack_steps_name_every_command_scope_and_event_of_the_manifest() -> None:
    """The README's Slack steps name the manifest's two commands, six scopes and two events, so none is missed."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    steps = readme.split("## Slack\n", 1)[1].split("\n## ", 1)[0]
    manifest = _manifest()
    names = [command["command"] for command in manifest["features"]["slash_commands"]]
    names += manifest["oauth_config"]["scopes"]["bot"]
    names += manifest["settings"]["event_subscriptions"]["bot_events"]
    assert len(names) == 2 + 6 + 2
    assert [name for name in names if f"`{name}`" not in steps] == []
