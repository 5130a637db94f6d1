"""The configuration: every setting briefbot reads, in one table, read once at the entry point.

``VARIABLES`` is the one table of settings: each variable's name, the part of
briefbot it configures, its default and meaning as the README shows them, and
the parser that turns its text into a typed value (or a ``SettingsError`` that
names the variable and never shows a token). ``.env.example`` and the README's
configuration table list exactly these variables; a test holds them together.

``load_config`` reads them into one frozen ``Config`` and the entry points pass
its parts inward: the core's ``Settings`` to the newsroom, each surface its
own. The core's settings must be right for any command to run; a surface's are
checked when it is served, so a bad Discord setting never stops ``briefbot ask``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from ipaddress import ip_network
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from dotenv import dotenv_values

from adapters.api_access import ApiSettings, Network
from adapters.discord.settings import DiscordSettings
from adapters.slack.settings import DEFAULT_API_URL, SlackSettings
from bot.errors import SettingsError
from bot.limits import DEFAULT_QUESTIONS_PER_MINUTE as PER_MINUTE
from bot.outcomes import DEFAULT_RETENTION_DAYS as RETENTION
from bot.postgres import is_database_url
from bot.settings import Settings

__all__ = ["THREAD_DEFAULTS", "VARIABLES", "Config", "Variable", "load_config", "read_environ", "settle_threads"]

T = TypeVar("T")
Part = Literal["core", "push", "slack", "discord", "api"]

MIN_TOKEN_CHARS = 16
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Variable(Generic[T]):
    """One setting: its name, the part it configures, its default and meaning as documented, and its parser."""

    name: str
    part: Part
    default: str
    """As the README shows it; ``none`` when unset means nothing."""
    parse: Callable[[str, str], T] = field(repr=False)
    """Gets the variable's name and its text, stripped ("" when unset)."""
    description: str

    def read(self, environ: Mapping[str, str]) -> T:
        """This variable's value in ``environ``."""
        return self.parse(self.name, environ.get(self.name, "").strip())


# parsers: each gets the variable's name (for its messages) and its stripped text


def _text(name: str, text: str) -> str | None:
    return text or None


def _path(name: str, text: str) -> Path | None:
    return Path(text).expanduser() if text else None


def _flag(default: bool) -> Callable[[str, str], bool]:
    def parse(name: str, text: str) -> bool:
        if not text or text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE if text else default
        raise SettingsError(f"{name}: expected one of {', '.join(sorted(_TRUE | _FALSE))}, found {text!r}")

    return parse


def _count(default: int) -> Callable[[str, str], int]:
    def parse(name: str, text: str) -> int:
        if not text:
            return default
        if not (text.isascii() and text.isdigit()):
            raise SettingsError(f"{name}: expected a whole number (0 for no limit), found {text!r}")
        return int(text)

    return parse


def _whole(default: int, unit: str) -> Callable[[str, str], int]:
    def parse(name: str, text: str) -> int:
        if not text:
            return default
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise SettingsError(f"{name}: expected a number of {unit}, 1 or more, found {text!r}")
        return int(text)

    return parse


def _id(what: str) -> Callable[[str, str], int | None]:
    def parse(name: str, text: str) -> int | None:
        if text and not (text.isascii() and text.isdigit()):
            raise SettingsError(f"{name}: expected {what}, a number, found {text!r}")
        return int(text) if text else None

    return parse


def _url(name: str, text: str) -> str:
    url = text or DEFAULT_API_URL
    if not url.startswith(("https://", "http://")):
        raise SettingsError(f"{name}: expected an http(s) URL, found {url!r}")
    return url.rstrip("/") + "/"  # the Web API client joins method names onto it


def _database(name: str, text: str) -> str | None:
    if text and not is_database_url(text):
        # The value is not shown: a mistyped URL still holds the password.
        raise SettingsError(f"{name}: expected a PostgreSQL URL, postgresql://user:password@host:5432/database")
    return text or None


def _names(name: str, text: str) -> frozenset[str]:
    return frozenset(filter(None, (part.strip() for part in text.split(","))))


def _tokens(name: str, text: str) -> dict[str, str]:
    """``Name=token`` pairs. A token may end in ``=`` (base64 padding), so a name ends at the first ``=``; a
    message names an entry by its place, or by its editor's name, and never shows a token."""
    tokens: dict[str, str] = {}
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    for place, entry in enumerate(entries, start=1):
        editor, separator, token = (part.strip() for part in entry.partition("="))
        where = f"{name}: entry {place} of {len(entries)}"
        if not separator or not editor:
            raise SettingsError(f"{where} is not Name=token (the entry is not shown, as it may hold a token)")
        if len(token) < MIN_TOKEN_CHARS:
            raise SettingsError(f"{where} has a token shorter than {MIN_TOKEN_CHARS} characters; use a long random one")
        if tokens.get(token) == editor:
            raise SettingsError(f"{name}: {editor} is listed twice with the same token; list each token once")
        if token in tokens:
            raise SettingsError(
                f"{name}: {tokens[token]} and {editor} have the same token; give each editor a token of their own"
            )
        tokens[token] = editor
    return tokens


def _reads(name: str, text: str) -> bool:
    if text.lower() not in ("", "open", "token"):
        raise SettingsError(f"{name}: expected open or token, found {text!r}")
    return text.lower() == "open"


def _networks(name: str, text: str) -> tuple[Network, ...]:
    networks = []
    for entry in filter(None, (part.strip() for part in text.split(","))):
        try:
            networks.append(ip_network(entry, strict=False))
        except ValueError:
            raise SettingsError(
                f"{name}: expected proxy addresses or networks such as 10.0.0.5 or 10.0.0.0/8, "
                f"comma-separated, found {entry!r}"
            ) from None
    return tuple(networks)


# the table: name, part, default and parser, then the one-line meaning

# fmt: off
STORE = Variable("BRIEFBOT_STORE", "core", "`$XDG_DATA_HOME/briefbot`, else `~/.local/share/briefbot`", _path,
    "the store folder (`--store` wins)")
DATABASE_URL = Variable("BRIEFBOT_DATABASE_URL", "core", "none", _database,
    "keep the store in PostgreSQL (`postgresql://user:password@host/db`) instead of the store folder")
SEED_SAMPLES = Variable("BRIEFBOT_SEED_SAMPLES", "core", "`1`", _flag(True),
    "import `briefs/` into an empty store on the first `ask`, `list` or `chat` (never on `import`, `push` or `serve`)")
EDITOR = Variable("BRIEFBOT_EDITOR", "core", "your login name", _text,
    "the name recorded on versions you push (`--as` wins)")
ENTITIES = Variable("BRIEFBOT_ENTITIES", "core", "none", _path,
    "a YAML file of more names that mean the same thing, added to the built-in ones")
RATE_LIMIT = Variable("BRIEFBOT_RATE_LIMIT", "core", f"`{PER_MINUTE}`", _count(PER_MINUTE),
    "questions one person (an anonymous API reader: one address) may ask a minute; `0` for no limit")
OUTCOME_DAYS = Variable("BRIEFBOT_OUTCOME_DAYS", "core", f"`{RETENTION}`", _whole(RETENTION, "days"),
    "days each question's outcome (answered, choices, no match) and brief are kept for the editors' desk")
OUTCOME_ASKERS = Variable("BRIEFBOT_OUTCOME_ASKERS", "core", "`0`", _flag(False),
    "`1` records who asked with each question's outcome, and the desk shows who asked each gap "
    "(unanswered questions are logged with who asked either way)")
SEMANTIC = Variable("BRIEFBOT_SEMANTIC", "core", "`0`", _flag(False),
    "`1` also answers by meaning: other words, other languages (needs `pip install 'briefbot[semantic]'`)")
PUSH_TOKEN = Variable("BRIEFBOT_TOKEN", "push", "none", _text,
    "your editor's token for `briefbot push --to`")
SLACK_BOT_TOKEN = Variable("SLACK_BOT_TOKEN", "slack", "none", _text,
    "the Slack app's bot token (`xoxb-...`), needed to serve Slack")
SLACK_SIGNING_SECRET = Variable("SLACK_SIGNING_SECRET", "slack", "none", _text,
    "verifies Slack's HTTP requests (needed unless Socket Mode)")
SLACK_APP_TOKEN = Variable("SLACK_APP_TOKEN", "slack", "none", _text,
    "an app-level token (`xapp-...`): serve Slack over Socket Mode instead of HTTP")
SLACK_API_URL = Variable("SLACK_API_URL", "slack", f"`{DEFAULT_API_URL}`", _url,
    "the Slack Web API's address (a local stand-in, in tests)")
SLACK_EDITORS = Variable("SLACK_EDITORS", "slack", "none", _names,
    "Slack user ids of editors, comma-separated")
SLACK_EDITOR_GROUP = Variable("SLACK_EDITOR_GROUP", "slack", "none", _text,
    "a Slack user group id whose members are editors too")
DISCORD_TOKEN = Variable("DISCORD_TOKEN", "discord", "none", _text,
    "the Discord bot token, needed to serve Discord")
DISCORD_GUILD_ID = Variable("DISCORD_GUILD_ID", "discord", "none", _id("a server (guild) id"),
    "register `/brief` in this server only, where it appears at once")
DISCORD_EDITOR_ROLE = Variable("DISCORD_EDITOR_ROLE", "discord", "none", _id("a role id"),
    "the id of the Discord role whose members are editors")
API_TOKENS = Variable("BRIEFBOT_API_TOKENS", "api", "none", _tokens,
    "editors' API tokens: `Anna Kowalski=TOKEN,Ben Okafor=TOKEN2`, each 16 characters or more and each its own")
API_READS = Variable("BRIEFBOT_API_READS", "api", "`token`", _reads,
    "`open` lets anyone read published briefs and ask over the API")
DESK_HOURS = Variable("BRIEFBOT_DESK_HOURS", "api", "`8`", _whole(8, "hours"),
    "hours an editor stays signed in to the desk at `/desk` (served with the API)")
TRUSTED_PROXIES = Variable("BRIEFBOT_TRUSTED_PROXIES", "api", "none", _networks,
    "your reverse proxies' addresses or networks, comma-separated: only their `X-Forwarded-For` is believed")

VARIABLES: tuple[Variable[Any], ...] = (
    STORE, DATABASE_URL, SEED_SAMPLES, EDITOR, ENTITIES, RATE_LIMIT, OUTCOME_DAYS, OUTCOME_ASKERS, SEMANTIC,
    PUSH_TOKEN,
    SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, SLACK_API_URL, SLACK_EDITORS, SLACK_EDITOR_GROUP,
    DISCORD_TOKEN, DISCORD_GUILD_ID, DISCORD_EDITOR_ROLE,
    API_TOKENS, API_READS, DESK_HOURS, TRUSTED_PROXIES,
)
# fmt: on
"""Every setting, in the order ``.env.example`` and the README list them."""

NEEDED = {
    "slack": f"{SLACK_BOT_TOKEN.name}: the bot's token (xoxb-...) is needed to serve Slack",
    "discord": (
        f"{DISCORD_TOKEN.name}: expected the bot token from the Discord developer portal "
        "(your application, Bot, Reset Token), found nothing"
    ),
}
"""What a platform needs before it can be served at all."""


@dataclass(frozen=True)
class Config:
    """Every setting, read once: the core's, the push token, and each served part's (or why it cannot be used)."""

    core: Settings
    push_token: str | None = field(default=None, repr=False)
    slack: SlackSettings | None = None
    """None when ``SLACK_BOT_TOKEN`` is unset or a Slack setting is wrong (then ``problems`` says which)."""
    discord: DiscordSettings | None = None
    api: ApiSettings = field(default_factory=ApiSettings)
    desk_hours: int = 8
    """How long a desk session lasts."""
    problems: Mapping[str, str] = field(default_factory=dict)
    """Why a served part cannot be used, by part: raised by ``check`` only when that part is served."""

    @property
    def platforms(self) -> tuple[str, ...]:
        """The chat platforms whose token is set, in the order they are served."""
        set_up = {"slack": self.slack, "discord": self.discord}
        return tuple(part for part, value in set_up.items() if value is not None or part in self.problems)

    def check(self, *parts: str) -> None:
        """Raise a ``SettingsError`` for the first of ``parts`` that cannot be served, saying what to set."""
        for part in parts:
            if part in self.problems:
                raise SettingsError(self.problems[part])
            if part in NEEDED and getattr(self, part) is None:
                raise SettingsError(NEEDED[part])


THREAD_DEFAULTS = {"GOMP_SPINCOUNT": "1000", "OPENBLAS_NUM_THREADS": "1"}
"""How the meaning model's libraries run their threads, unless the operator set it. The model's two OpenMP threads
spin while they wait for each other, 300,000 times by default: on cores shared with other work a spinning thread
holds the core its partner needs, and a question's embedding took 0.3 to 4 s instead of 10 ms. Spinning 1,000 times
before sleeping keeps an idle machine's 10-12 ms and a busy one's p99 near 130 ms (``OMP_WAIT_POLICY=PASSIVE``, never
spinning, doubles the idle time). numpy compares a question with every brief in 0.3 ms on one thread at 10,000
briefs; two BLAS threads waiting for each other made the slowest 1% take 30 to 50 ms (README.md, "Meaning")."""


def settle_threads() -> None:
    """Give the model's libraries ``THREAD_DEFAULTS`` where the environment says nothing: they read it when they load,
    so the command calls this before anything else."""
    for name, value in THREAD_DEFAULTS.items():
        os.environ.setdefault(name, value)


def read_environ(folder: Path | None = None) -> dict[str, str]:
    """The process environment over ``.env`` in ``folder`` (the current one): a real variable wins."""
    path = (folder or Path()) / ".env"
    try:
        found = dotenv_values(path)
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: cannot be read (not UTF-8 text); fix or remove it") from None
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror or error}); fix or remove it") from None
    return {**{name: value for name, value in found.items() if value is not None}, **os.environ}


def load_config(environ: Mapping[str, str], *, store: Path | None = None) -> Config:
    """The configuration in ``environ``; ``store`` (from ``--store``) wins over ``BRIEFBOT_STORE``.

    Raises ``SettingsError`` for a bad core setting; a served part's problem waits for ``Config.check``.
    """
    problems: dict[str, str] = {}

    def attempt(part: str, build: Callable[[Mapping[str, str]], T]) -> T | None:
        try:
            return build(environ)
        except SettingsError as error:
            problems[part] = str(error)
            return None

    return Config(
        core=_core(environ, store),
        push_token=PUSH_TOKEN.read(environ),
        slack=attempt("slack", _slack),
        discord=attempt("discord", _discord),
        api=attempt("api", _api) or ApiSettings(),
        desk_hours=attempt("api", DESK_HOURS.read) or 8,
        problems=problems,
    )


def _core(environ: Mapping[str, str], store: Path | None) -> Settings:
    return Settings(
        store=store or STORE.read(environ) or _default_store(environ),
        database_url=DATABASE_URL.read(environ),
        seed_samples=SEED_SAMPLES.read(environ),
        editor=EDITOR.read(environ),
        entities=ENTITIES.read(environ),
        rate_limit=RATE_LIMIT.read(environ),
        outcome_retention_days=OUTCOME_DAYS.read(environ),
        outcome_askers=OUTCOME_ASKERS.read(environ),
        semantic=SEMANTIC.read(environ),
    )


def _default_store(environ: Mapping[str, str]) -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/briefbot`` or ``~/.local/share/briefbot``.

    ``XDG_DATA_HOME`` and ``HOME`` are the system's own variables, not briefbot settings, so not in the table.
    """
    base = environ.get("XDG_DATA_HOME") or str(Path(environ.get("HOME") or Path.home()) / ".local" / "share")
    return Path(base).expanduser() / "briefbot"


def _slack(environ: Mapping[str, str]) -> SlackSettings | None:
    bot_token = SLACK_BOT_TOKEN.read(environ)
    if bot_token is None:
        return None
    secret, app_token = SLACK_SIGNING_SECRET.read(environ), SLACK_APP_TOKEN.read(environ)
    if secret is None and app_token is None:
        raise SettingsError(
            f"{SLACK_SIGNING_SECRET.name}: needed to verify Slack's HTTP requests "
            f"(or set {SLACK_APP_TOKEN.name} for Socket Mode)"
        )
    return SlackSettings(
        bot_token,
        secret,
        app_token,
        SLACK_API_URL.read(environ),
        SLACK_EDITORS.read(environ),
        SLACK_EDITOR_GROUP.read(environ),
    )


def _discord(environ: Mapping[str, str]) -> DiscordSettings | None:
    token = DISCORD_TOKEN.read(environ)
    if token is None:
        return None
    return DiscordSettings(token, DISCORD_GUILD_ID.read(environ), DISCORD_EDITOR_ROLE.read(environ))


def _api(environ: Mapping[str, str]) -> ApiSettings:
    return ApiSettings(API_TOKENS.read(environ), API_READS.read(environ), TRUSTED_PROXIES.read(environ))
