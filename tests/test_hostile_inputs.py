"""Hostile brief files and bodies: alias bombs, nesting, oversized fields and unreadable values are refused clearly.

Each is refused before it is expanded or stored, with an error naming the file,
the field, the limit and the size found, through the parser, ``briefbot import``
and ``push``, and a real ``PUT /api/briefs/ID`` on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from conftest import EDITOR, NOW
from test_cli import run

from adapters.http_api import ApiSettings, api_routes
from adapters.serve import MAX_BODY_BYTES, start_http
from bot import caps
from bot.briefs import load_brief_files, parse_brief
from bot.editing import apply_edit
from bot.errors import BriefError, ImportRejected, UnknownBrief
from bot.newsroom import Newsroom

TOKEN = "hostile-token-0123456789"
UPDATED = "2026-11-24T08:15:00+00:00"


def front(lines: str = "", body: str = "body\n", brief_id: str = "x", title: str = "T", summary: str = "S.") -> str:
    """A valid brief file with ``lines`` added to its front matter."""
    return f"---\nid: {brief_id}\ntitle: {title}\nsummary: {summary}\nupdated: {UPDATED}\n{lines}---\n{body}"


def alias_bomb(depth: int = 9) -> str:
    """The issue's 560-byte bomb: nine lists of nine aliases to the list before, then ``tags`` names the last."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, depth)]
    return front("\n".join(lines) + f"\ntags: *l{depth - 1}\n")


def alias_list(size: int = 250_000) -> str:
    """The issue's 257 KB body: one 250 KB text and 2,000 aliases to it, 512 MB once expanded."""
    return front(f"big: &s {'x' * size}\naliases: [" + ", ".join(["*s"] * 2000) + "]\n", brief_id="big")


BIG_FRONT_MATTER = "front matter: expected at most 65,536 bytes, found 258,0"


def refusal(text: str) -> str:
    """The message ``parse_brief`` refuses ``text`` with (the test fails if it is accepted)."""
    with pytest.raises(BriefError) as refused:
        parse_brief(text, "hostile.md")
    return str(refused.value)


# the parser


def test_the_nested_alias_bomb_is_refused_before_it_is_expanded() -> None:
    """The nine-deep alias bomb is refused at its first anchor, naming the line, without expanding anything."""
    message = refusal(alias_bomb())
    assert len(alias_bomb()) < 600
    assert message == (
        "hostile.md: front matter: expected no YAML anchors (&name) or aliases (*name), which brief files never "
        "need; found the anchor &l0 at line 6"
    )


def test_a_list_of_aliases_to_a_large_text_is_refused() -> None:
    """2,000 aliases to one 250 KB text, once accepted as a 512 MB brief, are refused, as are those to a 30 KB text."""
    assert refusal(alias_list()).startswith(f"hostile.md: {BIG_FRONT_MATTER}")
    assert refusal(alias_list(30_000)).endswith("found the anchor &s at line 6")


@pytest.mark.parametrize(
    ("lines", "found"),
    [
        ("tags: &t [a, b]\n", "the anchor &t at line 6"),
        ("tags: *nowhere\n", "the alias *nowhere at line 6"),
        ("base: {title: Other}\nmerged:\n  <<: *base\n", "the alias *base at line 8"),
        ("tags: &t [*t]\n", "the anchor &t at line 6"),
    ],
)
def test_any_anchor_or_alias_is_refused_naming_its_line(lines: str, found: str) -> None:
    """An anchor alone, an undefined alias, a merge key and a self-reference are each refused at their line."""
    assert refusal(front(lines)).endswith(f"found {found}")


@pytest.mark.parametrize(
    ("text", "field", "limit", "size"),
    [
        (front(title="T" * 201), "title", caps.MAX_TITLE_CHARS, "201"),
        (front(summary="S" * 1001), "summary", caps.MAX_SUMMARY_CHARS, "1,001"),
        (front(f"tags: [{', '.join(['t'] * 2000)}]\n"), "front matter", caps.MAX_ITEMS, "more by line 6"),
        (front(f"tags: [{', '.join(f't{i}' for i in range(31))}]\n"), "tags", caps.MAX_TAGS, "31"),
        (front(f"tags: [{'t' * 61}]\n"), "tags[1]", caps.MAX_TAG_CHARS, "61"),
        (front(f"aliases: [{', '.join(['a'] * 51)}]\n"), "aliases", caps.MAX_ALIASES, "51"),
        (front(f"aliases: [a, {'a' * 101}]\n"), "aliases[2]", caps.MAX_ALIAS_CHARS, "101"),
        (front("sources:\n" + "- {title: S, url: 'https://e.org/'}\n" * 21), "sources", caps.MAX_SOURCES, "21"),
        (front(f"sources: [{{title: S, url: 'https://e.org/{'p' * 2000}'}}]\n"), "sources[1].url", 2_000, "2,014"),
        (front(f"sources: [{{title: {'S' * 301}, url: 'https://e.org/'}}]\n"), "sources[1].title", 300, "301"),
        (front(f"editor: {'E' * 101}\n"), "editor", caps.MAX_NAME_CHARS, "101"),
        (front(f"desk: {'D' * 101}\n"), "desk", caps.MAX_NAME_CHARS, "101"),
        (front(body="w" * 100_001), "body", caps.MAX_BODY_CHARS, "100,001"),
        (front("".join(f"extra{i}: v\n" for i in range(37))), "front matter", caps.MAX_FIELDS, "41"),
        (front(f"{'k' * 61}: v\n"), "field name", caps.MAX_FIELD_NAME_CHARS, "61"),
        (front(f"extra: {'w ' * 33_000}\n"), "front matter", caps.MAX_FRONT_MATTER_BYTES, "66,071"),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else None,
)
def test_each_field_over_its_cap_is_refused_naming_the_field_the_limit_and_the_size(
    text: str, field: str, limit: int, size: str
) -> None:
    """A title, summary, tag, alias, source, name, body, field count or front matter over its cap is refused."""
    message = refusal(text)
    assert message.startswith(f"hostile.md: {field}: expected at most {limit:,} ")
    assert message.endswith(f", found {size}")


def test_a_brief_with_every_field_at_its_cap_is_accepted() -> None:
    """The caps hold together: a brief at every one of them at once is accepted."""
    sources = "".join(
        f"- {{title: {'S' * caps.MAX_SOURCE_TITLE_CHARS}, url: 'https://e.org/{'p' * (caps.MAX_URL_CHARS - 14)}'}}\n"
        for _ in range(caps.MAX_SOURCES)
    )
    lines = (
        f"tags: [{', '.join([f'{i:02d}' + 't' * (caps.MAX_TAG_CHARS - 2) for i in range(caps.MAX_TAGS)])}]\n"
        f"aliases: [{', '.join([f'{i:02d}' + 'a' * (caps.MAX_ALIAS_CHARS - 2) for i in range(caps.MAX_ALIASES)])}]\n"
        f"editor: {'E' * caps.MAX_NAME_CHARS}\ndesk: {'D' * caps.MAX_NAME_CHARS}\nsources:\n{sources}"
    )
    text = front(
        lines, "w" * caps.MAX_BODY_CHARS, title="T" * caps.MAX_TITLE_CHARS, summary="S" * caps.MAX_SUMMARY_CHARS
    )
    brief = parse_brief(text, "at-caps.md").brief
    assert (len(brief.title), len(brief.tags), len(brief.aliases), len(brief.sources), len(brief.body)) == (
        caps.MAX_TITLE_CHARS,
        caps.MAX_TAGS,
        caps.MAX_ALIASES,
        caps.MAX_SOURCES,
        caps.MAX_BODY_CHARS,
    )


def test_a_file_over_the_whole_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A 5 MB brief file is refused by its size, naming the file, the limit and the size, with nothing parsed."""
    path = tmp_path / "huge.md"
    path.write_text(front(body="w" * 5_000_000), encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        load_brief_files([path])
    assert str(rejected.value.errors[0]) == f"{path}: file: expected at most 524,288 bytes, found 5,000,070"


@pytest.mark.parametrize(
    "lines",
    [
        "tags: " + "[" * 10_000 + "\n",
        "extra: " + "{a: " * 5_000 + "b" + "}" * 5_000 + "\n",
        "".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "v\n",
    ],
    ids=["flow-lists-unclosed", "flow-mappings", "block-mappings"],
)
def test_nesting_deeper_than_the_cap_is_refused_without_recursing(lines: str) -> None:
    """Lists and mappings nested past the cap are refused at the level that crosses it, never a RecursionError."""
    message = refusal(front(lines))
    assert f"front matter: expected lists and mappings nested at most {caps.MAX_NESTING} levels deep" in message


def test_a_field_given_twice_is_refused_naming_both_lines() -> None:
    """A second ``title`` is refused instead of silently replacing the first."""
    assert refusal(front("title: Other\n")) == (
        "hostile.md: front matter: expected each field once, found 'title' at line 3 and again at line 6"
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ("version: " + "9" * 5000 + "\n", "numbers of at most 20 digits, found one of 5,000 at line 6"),
        ("version: 0x" + "f" * 5000 + "\n", "numbers of at most 20 digits, found one of 5,002 at line 6"),
        ("version: 0b_\n", "a valid int at line 6 (invalid literal for int() with base 2: '')"),
        ("extra: !!timestamp 2026-13-45\n", "a valid timestamp at line 6 (month must be in 1..12)"),
        ("version: !!int abc\n", "a valid int at line 6 (invalid literal for int() with base 10: 'abc')"),
        ("extra: !!float x\n", "a valid float at line 6 (could not convert string to float: 'x')"),
    ],
)
def test_numbers_and_tagged_values_python_cannot_read_are_refused(lines: str, expected: str) -> None:
    """A 5,000-digit number, a broken binary or hex literal and bad explicit tags get an error, not a traceback."""
    assert refusal(front(lines)) == f"hostile.md: front matter: expected {expected}"


def test_a_lone_surrogate_is_refused_naming_its_field() -> None:
    """A ``\\ud800`` escape, which no file can hold and no store can write, is refused in the field it is in."""
    text = front().replace("title: T", 'title: "T \\ud800"')
    assert refusal(text) == "hostile.md: title: expected text (found a lone surrogate, half of a UTF-16 pair)"


def test_an_error_quotes_only_a_short_cut_of_a_huge_value() -> None:
    """A refused value is quoted in at most 60 characters, even a number too long for Python to write out."""
    for value in (1 << 20_000, "x" * 10_000_000, list(range(100_000)), {str(i): i for i in range(10_000)}):
        message = str(BriefError("hostile.md", "version", "a whole number", found=value))
        assert len(message) <= len("hostile.md: version: expected a whole number, found ") + 60


def test_a_chat_edit_with_a_lone_surrogate_is_refused_naming_the_field(newsroom: Newsroom) -> None:
    """A surrogate typed through a chat edit form (as a JSON payload can carry) is refused, not a crash."""
    base = newsroom.show("kremlin-open-to-putin-trump-meeting", EDITOR).brief
    with pytest.raises(BriefError) as refused:
        apply_edit(base, {"title": "Kremlin \ud800"}, editor="Anna", now=NOW, origin="chat edit")
    assert refused.value.field == "title"


# the command line


def test_import_refuses_both_alias_bombs_and_stores_nothing(tmp_path: Path) -> None:
    """``briefbot import`` of the two bombs exits 1 naming each file, and neither brief is stored."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "bomb.md").write_text(alias_bomb(), encoding="utf-8")
    (folder / "big.md").write_text(alias_list(), encoding="utf-8")
    result = run(tmp_path / "store", "import", str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{folder / 'bomb.md'}: front matter: expected no YAML anchors" in result.stderr
    assert f"{folder / 'big.md'}: {BIG_FRONT_MATTER}" in result.stderr
    listed = run(tmp_path / "store", "list", "--all").stdout
    assert "kremlin-open-to-putin-trump-meeting" in listed
    assert not any(line.startswith(("big ", "x ")) for line in listed.splitlines())


def test_push_refuses_the_alias_list_and_stores_nothing(tmp_path: Path) -> None:
    """``briefbot push`` to the local store refuses the alias list before pushing anything."""
    path = tmp_path / "big.md"
    path.write_text(alias_list(), encoding="utf-8")
    result = run(tmp_path / "store", "push", "--force", str(path))
    assert result.returncode == 1
    assert f"{path}: {BIG_FRONT_MATTER}" in result.stderr
    assert "no brief 'big'" in run(tmp_path / "store", "show", "big").stderr


# the API


@pytest.fixture
async def client(newsroom: Newsroom) -> AsyncIterator[httpx.AsyncClient]:
    """A real server on 127.0.0.1 with the editors' API over the sample newsroom, and a client with a token."""
    runner = await start_http([], "127.0.0.1", 0, api_routes(newsroom, ApiSettings({TOKEN: "Anna Kowalski"})))
    host, port = runner.addresses[0][:2]
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}", headers=headers, timeout=60) as served:
        yield served
    await runner.cleanup()


async def put(client: httpx.AsyncClient, brief_id: str, body: str | bytes, kind: str) -> httpx.Response:
    content = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    return await client.put(f"/api/briefs/{brief_id}?force=true", content=content, headers={"Content-Type": kind})


@pytest.mark.parametrize(
    ("brief_id", "text", "expected"),
    [("x", alias_bomb(), "no YAML anchors"), ("big", alias_list(), "at most 65,536 bytes, found 258,0")],
    ids=["nested", "list"],
)
async def test_put_of_an_alias_bomb_is_refused_with_422_and_nothing_stored(
    client: httpx.AsyncClient, newsroom: Newsroom, brief_id: str, text: str, expected: str
) -> None:
    """``PUT /api/briefs/ID`` of either bomb answers 422 naming the anchor or the size, and nothing is stored."""
    response = await put(client, brief_id, text, "text/markdown")
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith(f"PUT /api/briefs/{brief_id}: front matter: expected {expected}")
    with pytest.raises(UnknownBrief):
        newsroom.show(brief_id, EDITOR)
    assert (await client.get("/healthz")).status_code == 200


def _json_brief(**fields: object) -> str:
    return json.dumps({"id": "x", "title": "T", "summary": "S.", "updated": UPDATED, **fields})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (_json_brief(tags=[f"t{i}" for i in range(10_000)]), "body: expected at most 1,000 values, found more"),
        (_json_brief(tags=[f"t{i}" for i in range(31)]), "tags: expected at most 30 items, found 31"),
        ("[" * 100_000 + "]" * 100_000, "body: expected JSON nested at most 5 levels deep"),
        (_json_brief(extra=[[[[[["deep"]]]]]]), "body: expected JSON nested at most 5 levels deep"),
        (_json_brief(title="T").replace('"T"', '"\\ud800"'), "title: expected text (found a lone surrogate"),
        (_json_brief()[:-1] + ', "version": ' + "9" * 5000 + "}", "body: expected numbers of at most 20 digits"),
        (_json_brief()[:-1] + ', "title": "Again"}', "body: expected each field once, found 'title' twice"),
        (_json_brief(body="w" * 100_001), "body: expected at most 100,000 characters, found 100,001"),
        (_json_brief(extra="w" * 600_000), "brief: expected at most 524,288 bytes, found 600,"),
    ],
    ids=["10k-tags", "31-tags", "nested-100k", "nested-6", "surrogate", "huge-number", "twice", "long-body", "whole"],
)
async def test_put_json_is_held_to_the_same_caps(
    client: httpx.AsyncClient, newsroom: Newsroom, body: str, message: str
) -> None:
    """JSON with 10,000 tags, deep nesting, a surrogate, a huge number, a repeated or oversized field gets 422."""
    response = await put(client, "x", body, "application/json")
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith(f"PUT /api/briefs/x: {message}")
    with pytest.raises(UnknownBrief):
        newsroom.show("x", EDITOR)


async def test_a_brief_file_over_its_cap_but_under_the_body_limit_is_refused_naming_the_cap(
    client: httpx.AsyncClient,
) -> None:
    """A 600 KB brief file gets 422 naming the brief cap and its size, not a bare 413 or an accept."""
    text = front(body="w" * 600_000)
    assert caps.MAX_BRIEF_BYTES < len(text) < MAX_BODY_BYTES
    response = await put(client, "x", text, "text/markdown")
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "PUT /api/briefs/x: file: expected at most 524,288 bytes, found 600,070"


async def test_a_json_brief_at_its_caps_fits_the_body_limit_even_fully_escaped(
    client: httpx.AsyncClient, newsroom: Newsroom
) -> None:
    """The server's body limit holds a brief at its body cap sent as ASCII-only JSON (12 bytes an emoji)."""
    body = json.dumps({"id": "x", "title": "T", "summary": "S.", "updated": UPDATED, "body": "😀" * 100_000})
    assert len(body) > 1_000_000
    response = await put(client, "x", body, "application/json")
    assert response.status_code == 201, response.text
    assert len(newsroom.show("x", EDITOR).brief.body) == caps.MAX_BODY_CHARS
