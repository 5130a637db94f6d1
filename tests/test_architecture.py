"""The shape of the code: a platform-neutral core with a pinned public API."""

from __future__ import annotations

import ast
from pathlib import Path

import bot

CORE = Path(bot.__file__).resolve().parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "discord", "aiohttp", "starlette", "fastapi", "flask", "adapters", "httpx")


def test_core_imports_no_platform_or_adapter() -> None:
    """Nothing in bot/ imports Slack, Discord, a web framework or an adapter."""
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_core_never_reads_the_environment() -> None:
    """Settings are read at the edge: no module in bot/ touches os.environ or getenv."""
    readers = [
        path.name
        for path in CORE.rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8") or "getenv" in path.read_text(encoding="utf-8")
    ]
    assert readers == []


def test_public_api_is_pinned() -> None:
    """The core's public names are exactly the ones adapters are meant to use."""
    assert sorted(bot.__all__) == [
        "Answer", "Asker", "Brief", "BriefError", "BriefStore", "BriefbotError", "Choice", "Freshness", "Gap",
        "ImportRejected", "ImportReport", "Newsroom", "Outcome", "Pushed", "Settings", "SettingsError",
        "Source", "Status", "StoreDamaged", "TinyStore", "UnknownBrief", "Version", "VersionConflict", "answer_to_json",
        "brief_from_mapping", "brief_to_markdown", "load_brief_files", "open_newsroom", "parse_brief",
    ]  # fmt: skip
    assert all(hasattr(bot, name) for name in bot.__all__)
