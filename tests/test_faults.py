"""Faults on a real server process: killed mid-push, sharing its store with the command line, and a full disk."""

from __future__ import annotations

import random
import re
import resource
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
from conftest import REPORTER, SAMPLE_BRIEFS, write_brief
from test_cli import run
from test_serve import running_server

from bot.briefs import brief_to_markdown
from bot.newsroom import Newsroom
from bot.store import TinyStore

TOKEN = "fault-editor-token-0123"
KREMLIN = "kremlin-open-to-putin-trump-meeting"


@contextmanager
def server(store: Path, preexec: Callable[[], None] | None = None) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``briefbot serve`` with only the editors' API, over ``store`` holding the sample briefs; yields its URL and
    process."""
    if not store.exists():
        assert run(store, "import", str(SAMPLE_BRIEFS)).returncode == 0  # a server never seeds samples
    env = {"BRIEFBOT_STORE": str(store), "BRIEFBOT_API_TOKENS": f"Fault Editor={TOKEN}"}
    with running_server(store.parent, env=env, preexec=preexec) as served:
        yield served


def _edit(store: Path, summary: str, based_on: int, body: str | None = None) -> bytes:
    """The Kremlin brief's file with a new bottom line (and body, if given), based on ``based_on``."""
    brief = Newsroom(TinyStore(store)).show(KREMLIN, REPORTER).brief
    return brief_to_markdown(replace(brief, summary=summary, body=body or brief.body), based_on).encode()


def test_every_push_answered_before_a_kill_9_is_in_the_store_after_restart(tmp_path: Path) -> None:
    """A server killed with SIGKILL in the middle of a stream of API pushes keeps every push it acknowledged."""
    store = tmp_path / "store"
    acknowledged: dict[int, str] = {}
    with server(store) as (url, process):
        text = _edit(store, "Base.", 1).decode()

        def push_until_killed() -> None:
            version = 1
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10) as client:
                for n in range(10_000):
                    summary = f"Update number {n}."
                    body = text.replace("summary: Base.", f"summary: {summary}").replace(
                        "version: 1", f"version: {version}"
                    )
                    try:
                        response = client.put(f"/api/briefs/{KREMLIN}", content=body.encode())
                    except httpx.HTTPError:
                        return  # the server is gone
                    assert response.status_code == 200, response.text
                    version = response.json()["version"]
                    acknowledged[version] = summary

        pusher = threading.Thread(target=push_until_killed)
        pusher.start()
        threading.Event().wait(random.uniform(1.0, 2.0))
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=10) == -signal.SIGKILL
        pusher.join(timeout=30)
    assert len(acknowledged) >= 3, "the server should have acknowledged several pushes before the kill"
    history = {v.number: v.brief.summary for v in Newsroom(TinyStore(store)).history(KREMLIN, REPORTER)}
    for number, summary in acknowledged.items():
        assert history.get(number) == summary
    assert sorted(history) == list(range(1, len(history) + 1))


def test_the_server_and_the_command_line_share_a_store_without_losing_an_update(tmp_path: Path) -> None:
    """API pushes to the server and ``briefbot push`` runs on the same store at once: every version is kept."""
    store = tmp_path / "store"
    with server(store) as (url, _):
        api_acks: list[int] = []

        def api_pushes() -> None:
            version = 1
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10) as client:
                for n in range(15):
                    body = _edit(store, f"Server edit {n}.", version)
                    response = client.put(f"/api/briefs/{KREMLIN}", content=body)
                    assert response.status_code == 200, response.text
                    version = response.json()["version"]
                    api_acks.append(version)

        pusher = threading.Thread(target=api_pushes)
        pusher.start()
        path = write_brief(tmp_path / "files", "harbour-strike")
        cli_results = []
        for n in range(6):
            edited = re.sub(r"^summary: .*$", f"summary: Update {n}.", path.read_text(encoding="utf-8"), flags=re.M)
            path.write_text(edited, encoding="utf-8")
            cli_results.append(run(store, "push", str(path)))
        pusher.join(timeout=120)
        assert all(result.returncode == 0 for result in cli_results), [r.stderr for r in cli_results]
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10) as client:
            seen = client.get("/api/briefs/harbour-strike").json()  # the server picked up the command line's pushes
    assert seen["version"] == 6
    reopened = Newsroom(TinyStore(store))
    assert [v.number for v in reopened.history(KREMLIN, REPORTER)] == list(range(1, 17))
    assert api_acks == list(range(2, 17))
    assert [v.number for v in reopened.history("harbour-strike", REPORTER)] == list(range(1, 7))


def _small_files() -> None:
    """In the server process: no file may grow past 64 KiB, as on a nearly full disk (writes fail with EFBIG)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_full_disk_refuses_the_push_clearly_and_the_bot_keeps_answering(tmp_path: Path) -> None:
    """When the store cannot be written, the push gets 507 saying nothing was stored, and questions are answered."""
    store = tmp_path / "store"
    with (
        server(store, preexec=_small_files) as (url, _),
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10) as client,
    ):
        big = _edit(store, "A much longer brief.", 1, body="More detail. " * 7000)  # within the body cap
        refused = client.put(f"/api/briefs/{KREMLIN}", content=big)
        assert refused.status_code == 507
        assert "cannot be written (File too large); nothing was stored" in refused.json()["error"]
        answer = client.get("/api/ask", params={"q": "latest Kremlin stance on a Trump meeting"}).json()
        assert answer["brief"]["id"] == KREMLIN
        assert answer["brief"]["version"] == 1
        small = client.put(f"/api/briefs/{KREMLIN}", content=_edit(store, "A short update.", 1))
        assert small.status_code == 200  # room for a normal brief: pushes work again
    assert Newsroom(TinyStore(store)).show(KREMLIN, REPORTER).brief.summary == "A short update."
