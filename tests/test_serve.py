"""``briefbot serve`` as reporters meet it: the installed command serving Slack on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SAMPLE_BRIEFS
from fake_slack import SECRET, FakeSlack, signed_headers, slash_body
from slack_sdk.models.blocks import Block
from test_cli import BRIEFBOT, run

READY = "briefbot serving "


@contextmanager
def running_server(
    tmp_path: Path, *platforms: str, env: dict[str, str], preexec: Callable[[], None] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The installed ``briefbot serve PLATFORMS --port 0`` with ``env``; yields its base URL and its process.

    A server still running at the end is stopped with SIGTERM and must exit cleanly (status 0).
    """
    log = tmp_path / "serve.log"
    with (
        log.open("w") as stderr,
        subprocess.Popen(
            [BRIEFBOT, "serve", *platforms, "--host", "127.0.0.1", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, **env},
            cwd=tmp_path,
            preexec_fn=preexec,
        ) as process,
    ):
        assert process.stdout is not None
        line = process.stdout.readline()
        try:
            assert line.startswith(READY), (line, log.read_text())
            yield line.split(" on ", 1)[1].strip(), process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                assert process.wait(timeout=15) == 0, log.read_text()


@pytest.fixture
def server(tmp_path: Path, fake: FakeSlack) -> Iterator[str]:
    """``briefbot serve slack`` over the sample briefs, running against the Slack stand-in; yields its base URL."""
    assert run(tmp_path / "store", "import", str(SAMPLE_BRIEFS)).returncode == 0  # a server never seeds samples
    env = {
        "BRIEFBOT_STORE": str(tmp_path / "store"),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
    }
    with running_server(tmp_path, "slack", env=env) as (url, _):
        yield url


def _post(url: str, body: str, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_slack_answers_a_signed_brief_command_in_the_ack_and_refuses_forgeries(
    server: str, fake: FakeSlack
) -> None:
    """A signed ``/brief latest Kremlin stance on a Trump meeting`` gets the Kremlin brief in Block Kit in the
    HTTP response; the same request forged gets 401."""
    body = slash_body("latest Kremlin stance on a Trump meeting", fake.response_url())
    status, reply = _post(server + "/slack/events", body, signed_headers(body))
    assert status == 200
    message = json.loads(reply)
    assert message["response_type"] == "ephemeral"
    assert message["blocks"][0]["text"]["text"] == "Kremlin says it remains open to a Putin-Trump meeting"
    for block in message["blocks"]:
        Block.parse(block).to_dict()  # type: ignore[union-attr]
    status, reply = _post(server + "/slack/events", body, signed_headers(body, secret="forged"))
    assert status == 401
    assert "Kremlin" not in reply
    with urllib.request.urlopen(server + "/healthz", timeout=10) as response:
        assert json.loads(response.read()) == {"ok": True, "surfaces": ["slack"]}
    api = urllib.request.Request(server + "/api/briefs/kremlin-open-to-putin-trump-meeting", method="GET")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(api, timeout=10)
    refused.value.close()
    assert refused.value.code == 401  # the editors' API is served too, and reads need a token by default


def test_serve_without_a_platform_or_its_settings_says_what_to_set(tmp_path: Path) -> None:
    """``briefbot serve`` with nothing configured, or Slack without a signing secret, exits with what is missing."""
    result = run(tmp_path / "store", "serve")
    assert result.returncode == 2
    assert "nothing to serve: name a platform (slack, discord)" in result.stderr
    result = run(tmp_path / "store", "serve", "slack", env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert result.returncode == 1
    assert "SLACK_SIGNING_SECRET" in result.stderr
