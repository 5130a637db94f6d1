"""``deploy/``: the compose file, the proxy's configuration, the image and the systemd unit hold together with
briefbot's own settings and command (no container is started here: the files are read and checked)."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from adapters.cli import cli
from adapters.config import VARIABLES, load_config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
REPLICAS = ("briefbot-1", "briefbot-2")
SETTINGS = {variable.name for variable in VARIABLES}
UNIT_KEYS = {
    "Unit": {"Description", "After", "Wants", "Requires", "Documentation"},
    "Service": {
        "Type", "User", "Group", "EnvironmentFile", "Environment", "ExecStart", "KillSignal", "TimeoutStopSec",
        "Restart", "RestartSec", "StateDirectory", "WorkingDirectory", "NoNewPrivileges", "ProtectSystem",
        "ProtectHome", "PrivateTmp", "ReadWritePaths",
    },
    "Install": {"WantedBy"},
}  # fmt: skip
"""The systemd directives the unit may use, each in its own section (a misspelt or misplaced key is caught)."""


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    return loaded


def test_the_compose_file_names_postgresql_two_replicas_and_a_proxy() -> None:
    """The compose file parses and runs PostgreSQL, two briefbot replicas on it, and a reverse proxy before them."""
    services = _compose()["services"]
    assert set(services) == {"postgres", *REPLICAS, "proxy"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["proxy"]["image"].startswith("caddy:")
    for name in REPLICAS:
        replica = services[name]
        assert replica["build"]["dockerfile"] == "deploy/Dockerfile"
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert "/healthz" in " ".join(replica["healthcheck"]["test"])
        assert "volumes" not in replica  # on PostgreSQL every record is in the database, none on a replica's disk


def test_every_variable_the_replicas_get_is_a_briefbot_setting_and_they_read() -> None:
    """Each variable the compose file gives the replicas is in the settings table, and the values parse."""
    for name in REPLICAS:
        environment = _compose()["services"][name]["environment"]
        assert set(environment) <= SETTINGS, set(environment) - SETTINGS
        assert {"BRIEFBOT_DATABASE_URL", "BRIEFBOT_TRUSTED_PROXIES", "BRIEFBOT_API_TOKENS"} <= set(environment)
        filled = {
            key: re.sub(r"\$\{(\w+)[^}]*\}", lambda m: "s3cret-value-long-enough" if "PASSWORD" in m[1] else "", value)
            for key, value in environment.items()
        }
        filled["BRIEFBOT_API_TOKENS"] = "Ana=" + "t" * 32
        config = load_config(filled)
        assert config.core.database_url == "postgresql://briefbot:s3cret-value-long-enough@postgres:5432/briefbot"


def test_only_the_proxy_is_trusted_for_forwarded_addresses() -> None:
    """The replicas trust exactly the proxy's fixed address, which lies in the compose network."""
    compose = _compose()
    proxy = ip_address(compose["services"]["proxy"]["networks"]["briefbot"]["ipv4_address"])
    subnet = ip_network(compose["networks"]["briefbot"]["ipam"]["config"][0]["subnet"])
    assert proxy in subnet
    for name in REPLICAS:
        trusted = compose["services"][name]["environment"]["BRIEFBOT_TRUSTED_PROXIES"]
        assert [ip_address(entry) for entry in trusted.split(",")] == [proxy]


def test_the_proxy_balances_both_replicas_checks_their_health_and_hides_metrics() -> None:
    """Caddy sends requests to both replicas on the port they serve, checks /healthz, and keeps /metrics inside."""
    caddyfile = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"reverse_proxy\s+briefbot-1:3000\s+briefbot-2:3000", caddyfile)
    assert "health_uri /healthz" in caddyfile
    assert re.search(r"@metrics path /metrics\s+respond @metrics 404", caddyfile)
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert '"--port", "3000"' in dockerfile
    assert "'.[postgres]'" in dockerfile


def test_the_systemd_unit_uses_known_keys_and_runs_briefbot_serve() -> None:
    """The unit's sections hold only known directives, and ExecStart is an absolute ``briefbot serve`` that parses."""
    unit = configparser.RawConfigParser(strict=True, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    unit.read(DEPLOY / "briefbot.service", encoding="utf-8")
    assert set(unit.sections()) == set(UNIT_KEYS)
    for section, keys in UNIT_KEYS.items():
        assert set(unit[section]) <= keys, set(unit[section]) - keys
    command = shlex.split(unit["Service"]["ExecStart"])
    assert command[0].startswith("/")
    assert command[0].endswith("/briefbot")
    assert command[1] == "serve"
    serve = cli.get_command(click.Context(cli), "serve")
    assert serve is not None
    assert serve.make_context("serve", command[2:]).params == {
        "platforms": (),
        "host": "127.0.0.1",
        "port": 3000,
        "folder": None,
    }
    assert unit["Service"]["Restart"] == "on-failure"
    assert unit["Service"]["User"] != "root"
    environment = unit["Service"]["Environment"].split("=", 1)[0]
    assert environment in SETTINGS


def test_systemd_finds_nothing_wrong_with_the_unit(tmp_path: Path) -> None:
    """``systemd-analyze verify`` reports no unknown key or bad value (only that briefbot is not installed here)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the unit's keys are still checked above")
    shutil.copy(DEPLOY / "briefbot.service", tmp_path / "briefbot.service")
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(tmp_path / "briefbot.service")],
        capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip
    said = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert all("/opt/briefbot/venv/bin/briefbot is not executable" in line for line in said), said
