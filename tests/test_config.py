"""The configuration: one table of settings, tied to ``.env.example`` and the README, read once at the edge."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

import adapters
from adapters.config import VARIABLES, Config, Variable, load_config, read_environ
from adapters.discord.settings import DiscordSettings
from bot.errors import SettingsError
from bot.limits import DEFAULT_QUESTIONS_PER_MINUTE

ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
README_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \| (.*?) \| (.*) \|$")
SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s3cret"}


def _env_comment(variable: Variable[object]) -> str:
    """The one-line comment ``.env.example`` gives a variable: its meaning, then its default, without Markdown."""
    text = (
        variable.description if variable.default == "none" else f"{variable.description}; default: {variable.default}"
    )
    return "# " + text.replace("`", "")


def test_env_example_lists_every_setting_of_the_table_each_with_its_one_line_comment() -> None:
    """.env.example has the table's variables, in its order, each under a comment with its meaning and default."""
    lines = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    found = [
        (lines[n - 1] if n else "", match.group(1)) for n, line in enumerate(lines) if (match := ENV_LINE.match(line))
    ]
    assert [name for _, name in found] == [variable.name for variable in VARIABLES]
    assert [comment for comment, _ in found] == [_env_comment(variable) for variable in VARIABLES]


def test_the_readme_configuration_table_is_the_table() -> None:
    """The README's configuration table has the table's variables, in order, with their defaults and meanings."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [match.groups() for line in section.splitlines() if (match := README_ROW.match(line))]
    assert rows == [(variable.name, variable.default, variable.description) for variable in VARIABLES]


def test_only_the_configuration_reads_the_environment() -> None:
    """No adapter but adapters/config.py reads os.environ, getenv or a .env file: settings are parsed in one place."""
    readers = [
        str(path.relative_to(REPO))
        for path in Path(adapters.__file__).parent.rglob("*.py")
        if re.search(r"os\.environ|getenv|dotenv", path.read_text(encoding="utf-8")) and path.name != "config.py"
    ]
    assert readers == []


def test_every_setting_belongs_to_one_part_and_is_named_once() -> None:
    """Each variable is listed once and configures the core, pushing, Slack, Discord or the API."""
    names = [variable.name for variable in VARIABLES]
    assert len(names) == len(set(names))
    assert {variable.part for variable in VARIABLES} == {"core", "push", "slack", "discord", "api"}


# the core


def test_core_settings_have_defaults_and_the_store_option_wins(tmp_path: Path) -> None:
    """Unset, the store is the per-user data folder and samples are seeded; --store wins over BRIEFBOT_STORE."""
    config = load_config({"XDG_DATA_HOME": str(tmp_path)})
    assert config.core.store == tmp_path / "briefbot"
    assert (config.core.seed_samples, config.core.editor, config.core.entities) == (True, None, None)
    environ = {"BRIEFBOT_STORE": "~/news", "BRIEFBOT_EDITOR": " Anna ", "BRIEFBOT_SEED_SAMPLES": "off"}
    config = load_config(environ)
    assert (config.core.store, config.core.editor, config.core.seed_samples) == (Path.home() / "news", "Anna", False)
    assert load_config(environ, store=tmp_path / "option").core.store == tmp_path / "option"


def test_the_rate_limit_is_a_setting() -> None:
    """BRIEFBOT_RATE_LIMIT sets the limit (0 for none); anything but a whole number is refused by name."""
    assert load_config({}).core.rate_limit == DEFAULT_QUESTIONS_PER_MINUTE
    assert load_config({"BRIEFBOT_RATE_LIMIT": "0"}).core.rate_limit == 0
    with pytest.raises(SettingsError, match="BRIEFBOT_RATE_LIMIT: expected a whole number"):
        load_config({"BRIEFBOT_RATE_LIMIT": "lots"})


def test_a_bad_core_setting_stops_every_command_naming_it() -> None:
    """A seed flag that is neither yes nor no is refused with the values it may take."""
    with pytest.raises(SettingsError, match="BRIEFBOT_SEED_SAMPLES: expected one of 0, 1, false"):
        load_config({"BRIEFBOT_SEED_SAMPLES": "maybe"})


# the parts that are served


def test_a_served_parts_problem_waits_until_it_is_served() -> None:
    """A wrong Slack, Discord or API setting is reported when that part is served, not by every command."""
    config = load_config(
        {"SLACK_BOT_TOKEN": "xoxb-1", "DISCORD_TOKEN": "t", "DISCORD_GUILD_ID": "x", "BRIEFBOT_API_READS": "public"}
    )
    assert config.platforms == ("slack", "discord")
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        config.check("slack")
    with pytest.raises(SettingsError, match="DISCORD_GUILD_ID"):
        config.check("discord")
    with pytest.raises(SettingsError, match="BRIEFBOT_API_READS: expected open or token"):
        config.check("api")


def test_a_platform_without_its_token_is_not_served_and_says_what_to_set() -> None:
    """With no token set no platform is chosen, and asking for one names its token variable."""
    config = load_config({"SLACK_SIGNING_SECRET": "s", "DISCORD_GUILD_ID": "1"})
    assert config.platforms == ()
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN: the bot's token"):
        config.check("slack")
    with pytest.raises(SettingsError, match="DISCORD_TOKEN: expected the bot token"):
        config.check("discord")
    config.check("api")


def test_slack_settings_need_a_way_to_verify_requests_and_an_http_url() -> None:
    """Over HTTP Slack needs a signing secret, Socket Mode an app token; the API URL must be http(s), ending in /."""
    with pytest.raises(SettingsError, match="SLACK_API_URL"):
        load_config(SLACK | {"SLACK_API_URL": "x"}).check("slack")
    socket = load_config({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).slack
    assert socket is not None
    assert socket.socket_mode
    http = load_config(SLACK | {"SLACK_API_URL": "http://127.0.0.1:9/api", "SLACK_EDITORS": "U1, U2,"}).slack
    assert http is not None
    assert not http.socket_mode
    assert (http.api_url, http.editors) == ("http://127.0.0.1:9/api/", frozenset({"U1", "U2"}))


def test_discord_settings_take_an_optional_numeric_guild_and_editor_role() -> None:
    """DISCORD_GUILD_ID and DISCORD_EDITOR_ROLE must be numbers; the token is trimmed and never printed."""
    token = {"DISCORD_TOKEN": " t0ken "}
    assert load_config(token).discord == DiscordSettings(token="t0ken")
    settings = load_config(token | {"DISCORD_GUILD_ID": "123", "DISCORD_EDITOR_ROLE": " 456 "}).discord
    assert settings == DiscordSettings(token="t0ken", guild_id=123, editor_role=456)
    for bad in ("editors", "@editors", "12a", "-5", "１２３"):
        with pytest.raises(SettingsError, match="DISCORD_EDITOR_ROLE: expected a role id"):
            load_config(token | {"DISCORD_EDITOR_ROLE": bad}).check("discord")
    with pytest.raises(SettingsError, match="DISCORD_GUILD_ID: expected a server"):
        load_config(token | {"DISCORD_GUILD_ID": "newsroom"}).check("discord")
    assert "t0ken" not in repr(settings)


def test_api_settings_read_editors_tokens_and_who_may_read() -> None:
    """Tokens come as Name=token pairs and name their editor; short tokens and bad read settings are refused."""
    anna, ben = "anna-token-0123456789", "ben-token-0123456789ab"
    api = load_config({"BRIEFBOT_API_TOKENS": f"Anna Kowalski={anna}, Ben Okafor={ben}"}).api
    assert api.editor_for(f"Bearer {ben}") == "Ben Okafor"
    assert api.editor_for(f"Basic {ben}") is None
    assert api.editor_for("Bearer nope") is None
    assert not api.open_reads
    assert load_config({"BRIEFBOT_API_READS": "open"}).api.open_reads
    with pytest.raises(SettingsError, match="entry 1 of 1 has a token shorter than 16 characters"):
        load_config({"BRIEFBOT_API_TOKENS": "Anna=short"}).check("api")


def test_no_token_or_secret_is_shown_when_the_configuration_is_printed() -> None:
    """The config's repr shows neither the push token, Slack's tokens and secret, nor the API tokens."""
    secrets = {"BRIEFBOT_TOKEN": "push-secret-1", "SLACK_APP_TOKEN": "xapp-secret-2"}
    config = load_config(SLACK | secrets | {"BRIEFBOT_API_TOKENS": "Anna=api-secret-0123456789"})
    assert config.push_token == "push-secret-1"
    shown = repr(config)
    assert [
        secret for secret in ("xoxb-1", "s3cret", "push-secret", "xapp-secret", "api-secret") if secret in shown
    ] == []


# reading


def test_dotenv_is_read_from_the_folder_and_real_variables_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings in .env are read, and a variable set in the environment wins over the same one in .env."""
    (tmp_path / ".env").write_text("BRIEFBOT_EDITOR=From Dotenv\nBRIEFBOT_RATE_LIMIT=7\n", encoding="utf-8")
    monkeypatch.setenv("BRIEFBOT_RATE_LIMIT", "9")
    config = load_config(read_environ(tmp_path))
    assert (config.core.editor, config.core.rate_limit) == ("From Dotenv", 9)
    assert isinstance(config, Config)
    assert read_environ(tmp_path / "no-such-folder")["BRIEFBOT_RATE_LIMIT"] == os.environ["BRIEFBOT_RATE_LIMIT"]


def test_an_unreadable_dotenv_is_one_clear_error(tmp_path: Path) -> None:
    """A .env that cannot be read (here not UTF-8) is a SettingsError naming it, not a traceback."""
    (tmp_path / ".env").write_bytes(b"BRIEFBOT_EDITOR=\xff\xfe\n")
    with pytest.raises(SettingsError, match=r"\.env: cannot be read"):
        read_environ(tmp_path)


# editors' API tokens

PADDED = "c2VjcmV0LXRva2VuLWZvci1hbm5h=="
"""A base64 token with its ``=`` padding, as ``openssl rand -base64`` gives them."""


def _tokens_problem(value: str) -> str:
    """The message a BRIEFBOT_API_TOKENS value is refused with."""
    with pytest.raises(SettingsError) as refused:
        load_config({"BRIEFBOT_API_TOKENS": value}).check("api")
    return str(refused.value)


def test_api_tokens_may_end_in_base64_padding() -> None:
    """A token ending in '=' is accepted whole: the editor's name ends at the first '='."""
    api = load_config({"BRIEFBOT_API_TOKENS": f"Anna Kowalski={PADDED}, Ben Okafor=ben-token-0123456789=="}).api
    assert api.editor_for(f"Bearer {PADDED}") == "Anna Kowalski"
    assert api.editor_for("Bearer ben-token-0123456789==") == "Ben Okafor"
    assert api.editor_for(f"Bearer {PADDED.rstrip('=')}") is None


def test_two_editors_with_one_token_are_refused_naming_both() -> None:
    """The same token for two editors (or one editor twice) is refused, naming the editors and not the token."""
    shared = "shared-token-0123456789"
    message = _tokens_problem(f"Anna Kowalski={shared},Ben Okafor={shared}")
    assert message.startswith("BRIEFBOT_API_TOKENS: Anna Kowalski and Ben Okafor have the same token")
    assert shared not in message
    assert "Anna Kowalski is listed twice" in _tokens_problem(f"Anna Kowalski={shared},Anna Kowalski={shared}")


@pytest.mark.parametrize(
    "value",
    [
        PADDED,  # the name forgotten: everything before the first '=' would be the token's start
        "Anna Kowalski=c2VjcmV0",  # too short
        "Anna Kowalski c2VjcmV0LXRva2VuLWZvci1hbm5h",  # no '='
        f"={PADDED}",  # no name
        f"Anna Kowalski={PADDED},c2VjcmV0LXRva2VuLWZvci1iZW4",
    ],
)
def test_no_message_about_api_tokens_shows_any_part_of_a_token(value: str) -> None:
    """A bad entry is named by its place, and no part of a token (even eight characters of it) is echoed."""
    message = _tokens_problem(value)
    assert message.startswith("BRIEFBOT_API_TOKENS: entry ")
    assert "c2VjcmV0" not in message


def test_trusted_proxies_are_addresses_or_networks() -> None:
    """BRIEFBOT_TRUSTED_PROXIES takes addresses and networks, comma-separated; anything else is refused by name."""
    api = load_config({"BRIEFBOT_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12,2001:db8::/32"}).api
    assert [str(network) for network in api.trusted_proxies] == ["10.0.0.5/32", "172.16.0.0/12", "2001:db8::/32"]
    assert load_config({}).api.trusted_proxies == ()
    with pytest.raises(SettingsError, match="BRIEFBOT_TRUSTED_PROXIES: expected proxy addresses or networks"):
        load_config({"BRIEFBOT_TRUSTED_PROXIES": "10.0.0.5, my-proxy"}).check("api")


def test_reading_the_configuration_loads_no_platform_library() -> None:
    """Every command reads the configuration, so it must not load slack-bolt, discord.py, aiohttp or httpx."""
    code = "import sys, adapters.config; print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])))"
    platforms = ["slack_bolt", "slack_sdk", "discord", "aiohttp", "httpx"]
    loaded = subprocess.run([sys.executable, "-c", code, *platforms], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
