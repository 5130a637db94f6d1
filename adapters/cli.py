"""The ``briefbot`` command: import, ask, list, show, history, gaps, chat, check and migrate, from a terminal.

Settings are read here, once, from the environment and ``.env`` (``adapters.config``),
and each command is given its part; every core error is caught in one place and
printed as a clear message with exit status 1.
"""

from __future__ import annotations

import functools
import getpass
import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from adapters.config import Config, load_config, read_environ, settle_threads
from adapters.console import render_answer, render_version, run_chat
from bot import wording
from bot.answers import answer_to_json
from bot.briefs import BRIEF_SUFFIXES, brief_to_markdown, load_brief_files
from bot.errors import BriefbotError, DatabaseUnavailable, ImportRejected
from bot.newsroom import Asker, Newsroom, open_newsroom

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

PLATFORMS = ("slack", "discord")


def _reports_errors(command: F) -> F:
    """Turn the core's errors, and files the system refuses, into one line on stderr and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DatabaseUnavailable as error:
            click.echo(f"briefbot: {wording.database_unavailable(error, detail=True)}", err=True)
            sys.exit(1)
        except BriefbotError as error:
            click.echo(f"briefbot: {error}", err=True)
            sys.exit(1)
        except OSError as error:  # a store folder or file this user may not use: a message, not a traceback
            where = f"{error.filename}: " if error.filename else ""
            click.echo(f"briefbot: {where}{error.strerror or error}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


class _Context:
    """What every subcommand needs: the configuration, and the newsroom opened on first use."""

    def __init__(self, config: Config, editor: str) -> None:
        self.config = config
        self.settings = config.core
        self.editor = editor
        self._newsroom: Newsroom | None = None

    def open_newsroom(self, *, seed: bool = False) -> Newsroom:
        """The newsroom, opened on first use; with ``seed`` an empty store gets the sample briefs, and we say so."""
        if self._newsroom is None:
            self._newsroom = open_newsroom(self.settings, seed=seed)
            if self._newsroom.seeded:
                click.echo(wording.seeded(self._newsroom.seeded), err=True)
        return self._newsroom

    @property
    def newsroom(self) -> Newsroom:
        """The newsroom, never seeded: a store being filled or served must hold only the newsroom's own briefs."""
        return self.open_newsroom()


pass_context = click.make_pass_decorator(_Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", type=click.Path(path_type=Path), help="Store folder [env: BRIEFBOT_STORE].")
@click.option("--as", "editor", metavar="NAME", help="Who you are, recorded on pushes [env: BRIEFBOT_EDITOR].")
@click.version_option(package_name="briefbot")
@click.pass_context
@_reports_errors
def cli(ctx: click.Context, store: Path | None, editor: str | None) -> None:
    """briefbot: the newsroom's curated briefs, answered in chat and at the terminal."""
    logging.basicConfig(level=logging.WARNING, format="briefbot: %(message)s")
    config = load_config(read_environ(), store=store)
    ctx.obj = _Context(config, editor or config.core.editor or getpass.getuser())


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_context
@_reports_errors
def import_(context: _Context, paths: tuple[Path, ...]) -> None:
    """Import brief files or folders of them, all or nothing."""
    report = context.newsroom.import_paths(paths, editor=context.editor, channel="cli")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for pushed in report.pushed:
        version = pushed.version
        if pushed.previous is None:
            click.echo(f"added     {version.brief.id} v{version.number}")
        elif pushed.changed:
            previous = pushed.previous
            click.echo(
                f"updated   {version.brief.id} v{previous.number} -> v{version.number} "
                f"(v{previous.number} was by {previous.editor})"
            )
        else:
            click.echo(f"unchanged {version.brief.id} v{version.number}")


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print JSON; with '-' as QUESTION, one object per stdin line.")
@click.option("--drafts", is_flag=True, help="Editor view: include drafts and embargoed briefs.")
@pass_context
@_reports_errors
def ask(context: _Context, question: str, as_json: bool, drafts: bool) -> None:
    """Answer QUESTION from the briefs ('-' reads one question per line from stdin)."""
    asker = Asker(context.editor, is_editor=drafts)
    questions = (line.rstrip("\r\n") for line in sys.stdin) if question == "-" else iter([question])
    newsroom = context.open_newsroom(seed=True)
    for text in questions:
        if not text.strip() and not as_json:  # JSON keeps one line per question: an empty one is a no_match
            click.echo(wording.EMPTY_QUESTION + ("\n" if question == "-" else ""))
            continue
        answer = newsroom.ask(text, asker)
        if as_json:
            click.echo(json.dumps(answer_to_json(answer), ensure_ascii=False))
        else:
            click.echo(render_answer(answer) + ("\n" if question == "-" else ""))


@cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include drafts and embargoed briefs.")
@pass_context
@_reports_errors
def list_(context: _Context, show_all: bool) -> None:
    """List briefs, most recently updated first."""
    newsroom = context.open_newsroom(seed=True)
    now = newsroom.now()
    versions = newsroom.briefs(Asker(context.editor, is_editor=show_all))
    for version in versions:
        brief = version.brief
        hidden = wording.hidden_note(brief, now)
        flags = f"  [{hidden}]" if hidden else ""
        click.echo(f"{brief.id:45} v{version.number:<3} {brief.updated:%Y-%m-%d %H:%M %z}  {brief.title}{flags}")
    if not versions:
        click.echo(wording.nothing_listed(hidden=len(newsroom.briefs(Asker(context.editor, is_editor=True)))), err=True)


@cli.command()
@click.argument("brief_id", metavar="ID")
@click.option("--version", "number", type=int, help="Show this version instead of the latest.")
@click.option("--raw", is_flag=True, help="Print the brief file (front matter and body), ready to edit.")
@pass_context
@_reports_errors
def show(context: _Context, brief_id: str, number: int | None, raw: bool) -> None:
    """Show one brief."""
    version = context.newsroom.show(brief_id, Asker(context.editor, is_editor=True), number)
    text = brief_to_markdown(version.brief, version.number) if raw else render_version(version, context.newsroom.now())
    click.echo(text, nl=False)


@cli.command()
@click.argument("brief_id", metavar="ID")
@pass_context
@_reports_errors
def history(context: _Context, brief_id: str) -> None:
    """Show every version of one brief, oldest first, with what it changed."""
    now = context.newsroom.now()
    for entry in context.newsroom.history_with_changes(brief_id, Asker(context.editor, is_editor=True)):
        version = entry.version
        parent = f"from v{version.parent}" if version.parent else "new"
        status = wording.hidden_note(version.brief, now) or version.brief.status.value
        click.echo(
            f"v{version.number:<3} {version.pushed_at:%Y-%m-%d %H:%M:%S %Z}  {version.editor} via "
            f"{version.channel} ({parent}, {status})  {version.brief.title}"
        )
        click.echo(f"     {wording.describe_changes(entry.changes)}")


@cli.command()
@pass_context
@_reports_errors
def gaps(context: _Context) -> None:
    """Questions no brief answered, most asked first."""
    found = context.newsroom.gaps()
    if not found:
        click.echo("No unanswered questions logged.")
    for gap in found:
        click.echo(
            f"{gap.count:>4}x  {gap.askers} asker{'s' if gap.askers != 1 else ' '}  "
            f"last {gap.last_asked:%Y-%m-%d %H:%M}  {gap.question}"
        )


@cli.command()
@pass_context
@_reports_errors
def chat(context: _Context) -> None:
    """Ask questions and run chat commands at a prompt (the console adapter); questions see what reporters see."""
    # Whoever runs the command holds the store itself, so the prompt's commands are an editor's (revert too).
    run_chat(context.open_newsroom(seed=True), Asker(context.editor, is_editor=True), read=input, write=click.echo)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--to", "url", metavar="URL", help="A briefbot server to push to, instead of the local store.")
@click.option("--token", metavar="TOKEN", help="Your editor's token for --to [env: BRIEFBOT_TOKEN].")
@click.option("--force", is_flag=True, help="Overwrite briefs whose file names no base version.")
@pass_context
@_reports_errors
def push(context: _Context, paths: tuple[Path, ...], url: str | None, token: str | None, force: bool) -> None:
    """Push edited brief files as new versions, refusing any whose version is no longer the latest."""
    from adapters.pushing import LocalTarget, RemoteTarget, Target, record_based_on  # httpx loads only for push

    if url is not None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            raise click.UsageError(
                f"--to {url}: give the server's address with http:// or https://, e.g. https://briefbot.example.org"
            )
    try:
        loaded = load_brief_files(paths)  # every file checked before anything is pushed
    except ImportRejected as rejected:
        raise ImportRejected(rejected.errors, done="pushed") from None
    if url is None:
        target: Target = LocalTarget(context.newsroom, context.editor)
    else:
        token = token or context.config.push_token
        if not token:
            raise click.UsageError("--to needs your editor's token: --token TOKEN or BRIEFBOT_TOKEN")
        target = RemoteTarget(url, token)
    refused = 0
    with target:
        for item in loaded:
            outcome = target.push(item, force=force)
            click.echo(outcome.message, err=not outcome.ok)
            if outcome.ok and outcome.version is not None and item.origin.endswith(BRIEF_SUFFIXES):
                record_based_on(Path(item.origin), outcome.version)
            refused += not outcome.ok
    if refused:
        click.echo(f"briefbot: {refused} of {len(loaded)} not pushed", err=True)
        sys.exit(1)


@cli.command()
@click.option("--repair", is_flag=True, help="Put right what is found, moving what cannot be read to quarantine/.")
@pass_context
@_reports_errors
def check(context: _Context, repair: bool) -> None:
    """Check the store folder (shards, snapshot, journal, follows, question log) or, with BRIEFBOT_DATABASE_URL,
    the database (schema, versions); exit 1 when anything is wrong."""
    from bot.checking import check_store

    if context.settings.database_url is not None:
        from adapters.database_commands import report_check

        if repair:
            raise click.UsageError("--repair puts right a store folder; a database's versions come from a backup")
        if not report_check(context.settings.database_url, click.echo):
            sys.exit(1)
        return
    root = context.settings.store
    if repair:
        from bot.repairing import repair_store

        repaired = repair_store(root, now=datetime.now(UTC))
        for finding in repaired.found.findings:
            click.echo(f"found: {finding}")
        for done in repaired.done:
            click.echo(f"repair: {done}")
        result = repaired.after
        for finding in result.findings:
            click.echo(f"still: {finding}")
    else:
        result = check_store(root)
        for finding in result.findings:
            click.echo(str(finding))
    count = len(result.findings)
    if count:
        still = " still" if repair else ""
        advice = "" if repair else "; `briefbot check --repair` puts right what it can"
        click.echo(
            f"briefbot: {count} problem{'s' if count != 1 else ''}{still} in the store at {root}{advice}", err=True
        )
        sys.exit(1)
    now = " now" if repair and repaired.found.findings else ""
    click.echo(f"the store at {root} is{now} healthy: {len(result.held)} brief{'s' if len(result.held) != 1 else ''}")


@cli.command()
@click.option("--to", "url", metavar="URL", help="The PostgreSQL database [env: BRIEFBOT_DATABASE_URL].")
@pass_context
@_reports_errors
def migrate(context: _Context, url: str | None) -> None:
    """Copy the store folder (every version, follow and logged question) into PostgreSQL, then compare the two."""
    from adapters.database_commands import report_migrate

    url = url or context.settings.database_url
    if not url:
        raise click.UsageError("migrate needs the database: --to postgresql://... or BRIEFBOT_DATABASE_URL")
    if not report_migrate(context.settings.store, url, click.echo):
        sys.exit(1)


@cli.command("serve")
@click.argument("platforms", nargs=-1, type=click.Choice(PLATFORMS))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address for the HTTP server.")
@click.option("--port", default=3000, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option(
    "--watch",
    "folder",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Push brief files in FOLDER as they change (a bad file is reported and skipped).",
)
@pass_context
@_reports_errors
def serve_(context: _Context, platforms: tuple[str, ...], host: str, port: int, folder: Path | None) -> None:
    """Answer on Slack and Discord (default: every platform configured) and serve the editors' API until stopped."""
    # The platform libraries load only here, so the other commands start fast.
    import asyncio

    from adapters.discord.bot import DiscordSurface
    from adapters.http_api import api_routes
    from adapters.serve import Surface, serve
    from adapters.slack.app import SlackSurface

    config = context.config
    chosen = platforms or config.platforms
    config.check("api", *chosen)
    api = config.api
    if not chosen and not api.tokens and not api.open_reads and folder is None:
        raise click.UsageError(
            f"nothing to serve: name a platform ({', '.join(PLATFORMS)}) or set its token, or set BRIEFBOT_API_TOKENS"
        )
    slack = config.slack if "slack" in chosen else None
    discord = config.discord if "discord" in chosen else None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    newsroom = context.newsroom
    newsroom.limit_questions(context.settings.rate_limit)
    surfaces: list[Surface] = []
    if slack is not None:
        surfaces.append(SlackSurface(newsroom, slack))
    if discord is not None and context.settings.database_url is not None:
        from adapters.standby import OneReplica  # one replica at a time holds Discord's gateway connection

        surfaces.append(OneReplica("discord", lambda: DiscordSurface(newsroom, discord), context.settings.database_url))
    elif discord is not None:
        surfaces.append(DiscordSurface(newsroom, discord))
    routes = api_routes(newsroom, api)
    if api.tokens:  # the desk is for editors, who sign in with their API tokens
        from adapters.desk.app import desk_routes

        routes += desk_routes(newsroom, api, config.desk_hours)
    asyncio.run(serve(newsroom, surfaces, host, port, routes, watch=folder, on_ready=click.echo))


def main() -> None:
    """Entry point of the ``briefbot`` console script."""
    settle_threads()
    cli(prog_name="briefbot")
