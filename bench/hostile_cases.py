"""The hostile inputs ``bench/hostile.py`` sends: brief files, JSON bodies and edit forms, all built here, none random.

Each ``Case`` is one input, as a brief file (for import, push and ``PUT`` as Markdown) and, where
it has one, as a JSON body (for ``PUT`` as JSON). Sizes are chosen to cross the caps in
``bot/caps.py`` and the server's body limit, not to stay under them.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

import yaml

UPDATED = "2026-11-24T08:15:00+00:00"


@dataclass(frozen=True)
class Case:
    """One hostile input: its name, the id its ``PUT`` goes to, and its bytes as a file and as JSON."""

    name: str
    brief_id: str
    file: bytes | None
    json: bytes | None


def _fields(brief_id: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": brief_id, "title": "A hostile brief", "summary": "It tries to break things.",
                              "updated": UPDATED}  # fmt: skip
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not _DROP}


_DROP = object()


def _file(fields: dict[str, Any], body: str = "## Key points\n- One.\n") -> bytes:
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass")


def _json(fields: dict[str, Any], body: str = "## Key points\n- One.\n") -> bytes:
    return json.dumps({**fields, "body": body}, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _both(name: str, brief_id: str = "", body: str = "## Key points\n- One.\n", **changes: Any) -> Case:
    """A case whose fields are data: the same fields as a file and as JSON."""
    brief_id = brief_id or f"hostile-{name}"
    fields = _fields(brief_id, **changes)
    # A long id goes in the file, not the address: aiohttp refuses request lines over 8 KB before briefbot sees them.
    address = brief_id if isinstance(fields.get("id"), str) and len(brief_id) < 1000 else "x"
    return Case(name, address, _file(fields, body), _json(fields, body))


def _text(name: str, text: str | bytes, brief_id: str = "x") -> Case:
    """A case that only exists as a file's text (or bytes)."""
    return Case(name, brief_id, text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"), None)


def _raw_json(name: str, body: str | bytes, brief_id: str = "x") -> Case:
    return Case(name, brief_id, None, body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass"))


def _front(lines: str, body: str = "body\n", brief_id: str = "x") -> str:
    return f"---\nid: {brief_id}\ntitle: T\nsummary: S.\nupdated: {UPDATED}\n{lines}---\n{body}"


def _alias_bomb(depth: int, width: int = 9) -> str:
    lines = ['l0: &l0 ["lol"' + ', "lol"' * (width - 1) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, depth)]
    return _front("\n".join(lines) + f"\ntags: *l{depth - 1}\n")


def _yaml_cases() -> list[Case]:
    big = "x" * 250_000
    return [
        _text("alias-bomb-9", _alias_bomb(9)),
        _text("alias-bomb-5", _alias_bomb(5)),
        _text("alias-bomb-20x4", _alias_bomb(20, width=4)),
        _text("alias-list-of-250kb", _front(f"big: &s {big}\naliases: [" + ", ".join(["*s"] * 2000) + "]\n")),
        _text("alias-merge-key", _front("base: &b {title: Other}\nmerged:\n  <<: *b\n")),
        _text("anchor-without-alias", _front("tags: &t [a, b]\n")),
        _text("alias-undefined", _front("tags: *nowhere\n")),
        _text("alias-recursive", _front("tags: &t [*t]\n")),
        _text("alias-as-key", _front("k: &k key\n*k : v\n")),
        _text("nest-flow-10", _front("tags: " + "[" * 10 + "]" * 10 + "\n")),
        _text("nest-flow-1000", _front("tags: " + "[" * 1000 + "]" * 1000 + "\n")),
        _text("nest-flow-100k-unclosed", _front("tags: " + "[" * 100_000 + "\n")),
        _text("nest-flow-mappings-5000", _front("extra: " + "{a: " * 5000 + "b" + "}" * 5000 + "\n")),
        _text("nest-block-60", _front("".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "v\n")),
        _text("front-matter-unended", "---\nid: x\ntitle: T\nsummary: S.\nupdated: " + UPDATED + "\nbody\n"),
        _text("front-matter-none", "Just a body, no front matter.\n"),
        _text("file-empty", ""),
        _text("file-only-dashes", "---\n"),
        _text("front-matter-empty", "---\n---\nbody\n"),
        _text("front-matter-list", "---\n- id\n- title\n---\nbody\n"),
        _text("front-matter-scalar", "---\njust text\n---\nbody\n"),
        _text("front-matter-two-documents", _front("...\n---\nid: y\n")),
        _text("front-matter-tabs", "---\nid: x\n\ttitle: T\n---\nbody\n"),
        _text("front-matter-64kb-comment", _front("# " + "c" * 70_000 + "\n")),
        _text("front-matter-60kb-one-line", _front("extra: " + "w " * 30_000 + "\n")),
        _text("front-matter-20k-tiny-keys", _front("".join(f"k{i}: v\n" for i in range(8_000)))),
        _text("front-matter-flow-tokens", _front("extra: [" + "a, " * 20_000 + "a]\n")),
        _text("duplicate-title", _front("title: Second title\n")),
        _text("duplicate-id", "---\nid: x\nid: y\ntitle: T\nsummary: S.\nupdated: " + UPDATED + "\n---\nbody\n"),
        _text("duplicate-in-flow-mapping", _front("extra: {a: 1, a: 2}\n")),
        _text("complex-key", _front("? [a, b]\n: v\n")),
        _text("bom", "\ufeff" + _front("")),
        _text("bom-twice", "\ufeff\ufeff" + _front("")),
        _text("bom-in-title", _front("").replace("title: T", "title: T\ufeffitle")),
        _text("utf16-file", ("\ufeff" + _front("")).encode("utf-16-le")),
        _text("nul-in-front-matter", _front("extra: a\x00b\n")),
        _text("nul-in-body", _front("", body="body\x00with\x00nuls\n")),
        _text("nul-only", b"\x00" * 10_000),
        _text("crlf", _front("").replace("\n", "\r\n")),
        _text("cr-only", _front("").replace("\n", "\r")),
        _text("mixed-line-ends", _front("").replace("\n", "\r\n", 3)),
        _text("invalid-utf8-title", _front("").encode().replace(b"title: T", b"title: T\xff\xfe")),
        _text("invalid-utf8-body", _front("").encode() + b"\xc3\x28 \xa0\xa1 \xf0\x28\x8c\x28\n"),
        _text("overlong-utf8", _front("").encode().replace(b"title: T", b"title: \xc0\xaf")),
        _text("binary-1kb", random.Random(1).randbytes(1024)),
        _text("binary-100kb", random.Random(2).randbytes(100_000)),
        _text("binary-900kb", random.Random(3).randbytes(900_000)),
        _text("binary-after-front-matter", _front("").encode() + random.Random(4).randbytes(50_000)),
        _text("big-int-version", _front("version: " + "9" * 5000 + "\n")),
        _text("big-hex-version", _front("version: 0x" + "f" * 5000 + "\n")),
        _text("int-0b_", _front("version: 0b_\n")),
        _text("int-0x_", _front("version: 0x_\n")),
        _text("tag-timestamp-bad", _front("extra: !!timestamp 2026-13-45\n")),
        _text("tag-int-bad", _front("version: !!int abc\n")),
        _text("tag-float-bad", _front("extra: !!float x\n")),
        _text("tag-binary", _front("extra: !!binary AAAA\n")),
        _text("tag-python-object", _front("extra: !!python/object/apply:os.system [echo hi]\n")),
        _text("tag-set", _front("tags: !!set {a, b}\n")),
        _text("tag-str-on-title", _front("").replace("title: T", "title: !!str 12")),
        _text("lone-surrogate-title", _front("").replace("title: T", 'title: "T \\ud800"')),
        _text("lone-surrogate-body", _front("", body="body \ud800\n")),
        _text("dashes-in-body-10k", _front("", body="---\n" * 10_000)),
        _text("body-line-400kb", _front("", body="w" * 400_000 + "\n")),
        _text("body-key-points-50k", _front("", body="## Key points\n" + "- point\n" * 50_000)),
        _text("body-headings-10k", _front("", body="## h\n" * 10_000)),
        _text("body-quotes-nested", _front("", body=">" * 50_000 + " deep\n")),
        _text("body-one-word-90k", _front("", body="Kremlin" * 12_000 + "\n")),
        _text("file-600kb", _front("", body="w " * 300_000)),
        _text("file-2mb", _front("", body="w " * 1_000_000)),
    ]


def _field_cases() -> list[Case]:
    cases = [
        _both("title-250kb", title="T" * 250_000),
        _both("title-201", title="T" * 201),
        _both("title-200", title="T" * 200),
        _both("title-1mb", title="T" * 1_100_000),
        _both("summary-100kb", summary="S. " * 33_000),
        _both("summary-1001", summary="S" * 1001),
        _both("body-150k-chars", body="w" * 150_000),
        _both("body-100k-chars", body="w" * 100_000),
        _both("tags-10k", tags=[f"t{i}" for i in range(10_000)]),
        _both("tags-31", tags=[f"t{i}" for i in range(31)]),
        _both("tag-10k-chars", tags=["t" * 10_000]),
        _both("aliases-2000", aliases=["alias"] * 2000),
        _both("alias-1mb", aliases=["a" * 1_000_000]),
        _both("alias-101", aliases=["a" * 101]),
        _both("sources-10k", sources=[{"title": "S", "url": "https://example.org/"}] * 10_000),
        _both("sources-21", sources=[{"title": "S", "url": f"https://example.org/{i}"} for i in range(21)]),
        _both("source-url-3000", sources=[{"title": "S", "url": "https://example.org/" + "p" * 3000}]),
        _both("source-title-400", sources=[{"title": "S" * 400, "url": "https://example.org/"}]),
        _both("editor-10k", editor="E" * 10_000),
        _both("desk-10k", desk="D" * 10_000),
        _both("fields-1000-unknown", **{f"extra{i}": "v" for i in range(1000)}),
        _both("fields-41", **{f"extra{i}": "v" for i in range(37)}),
        _both("field-name-10k", **{"k" * 10_000: "v"}),
        _both("unknown-field-200kb", extra="x" * 200_000),
        _both("status-bidi", status="published\u202e"),
        _both("title-bidi-and-controls", title="\u202eTitle\u202c \x07\x1b[31m red \u200b"),
        _both("summary-zero-width", summary="\u200b" * 500),
        _both("title-only-spaces", title="   \t  "),
        _both("title-emoji", title="🇷🇺🤝🇺🇸" * 40),
        _both("lone-surrogate-in-title", title="T \ud800 x"),
        _both("lone-surrogate-in-tag", tags=["\udfff"]),
    ]
    for label, brief_id in [
        ("id-rlo", "abc\u202edef"),
        ("id-zero-width", "abc\u200bdef"),
        ("id-cyrillic-a", "\u0430bc"),
        ("id-nul", "ab\x00c"),
        ("id-newline", "ab\nc"),
        ("id-81", "a" * 81),
        ("id-10k", "a" * 10_000),
        ("id-slashes", "../../etc/passwd"),
        ("id-percent", "%2e%2e"),
        ("id-upper", "ABC"),
        ("id-dotdot", ".."),
        ("id-spaces", "a b"),
    ]:
        cases.append(_both(label, brief_id=brief_id))
    wrong: dict[str, list[Any]] = {
        "id": [12, ["a"], {"a": 1}, True, None, 1.5],
        "title": [12, ["a"], {"a": 1}, True, None],
        "summary": [12, ["a"], {"a": 1}, False],
        "updated": [12, ["a"], {"a": 1}, "yesterday", "2026-11-24", "2026-11-24T08:15:00"],
        "tags": ["one", {"a": 1}, [1, 2], [["a"]], [None], [""], 7],
        "aliases": ["one", [{"a": 1}], [True]],
        "status": [1, "Published", "deleted", ["published"]],
        "embargo_until": [1, "soon", ["2026"]],
        "review_by": [1, "tomorrow", "2026-02-30", ["2026-12-01"]],
        "editor": [1, ["E"], {"e": 1}],
        "desk": [2, ["D"]],
        "sources": ["http://x", ["http://x"], [{"title": "t"}], [{"url": "javascript:alert(1)", "title": "t"}],
                    [{"url": "https://x y", "title": "t"}], [{"url": "ftp://x", "title": "t"}],
                    [{"url": "https://x", "title": "t", "extra": 1}], [{"url": "http://[::1", "title": "t"}], {}],
        "version": ["1", -1, 0, 1.5, True, 10**30],
    }  # fmt: skip
    for name, values in wrong.items():
        for number, value in enumerate(values):
            cases.append(_both(f"wrong-{name}-{number}", **{name: value}))
    dates = {
        "updated-year-1-east": "0001-01-01T00:00:00+14:00",
        "updated-year-9999-west": "9999-12-31T23:59:59-14:00",
        "updated-year-10000": "10000-01-01T00:00:00+00:00",
        "updated-month-13": "2026-13-01T00:00:00+00:00",
        "updated-hour-24": "2026-11-24T24:00:00+00:00",
        "updated-leap-second": "2026-12-31T23:59:60+00:00",
        "updated-offset-25h": "2026-11-24T08:15:00+25:00",
        "updated-far-future": "9000-01-01T00:00:00+00:00",
        "embargo-year-1": "0001-01-01T00:00:00+01:00",
    }
    for name, value in dates.items():
        field = "embargo_until" if name.startswith("embargo") else "updated"
        extra = {"status": "embargoed"} if field == "embargo_until" else {}
        cases.append(_both(name, **{field: value}, **extra))
    cases.append(_both("review-by-9999", review_by="9999-12-31"))
    cases.append(_both("review-by-year-1", review_by="0001-01-01"))
    cases.append(_both("missing-everything", id=_DROP, title=_DROP, summary=_DROP, updated=_DROP))
    return cases


def _json_cases() -> list[Case]:
    good = json.loads(_both("json-base").json or b"{}")
    with_version = json.dumps({**good, "id": "x"})[:-1]
    return [
        _raw_json("json-not-json", "not json at all"),
        _raw_json("json-array", "[1, 2, 3]"),
        _raw_json("json-string", '"a brief"'),
        _raw_json("json-null", "null"),
        _raw_json("json-empty", ""),
        _raw_json("json-nested-100k", "[" * 100_000 + "]" * 100_000),
        _raw_json("json-nested-100k-objects", '{"a":' * 100_000 + "1" + "}" * 100_000),
        _raw_json("json-nested-in-field", with_version + ', "extra": ' + "[" * 900 + "]" * 900 + "}"),
        _raw_json("json-big-int", with_version + ', "version": ' + "9" * 5000 + "}"),
        _raw_json("json-nan", with_version + ', "version": NaN}'),
        _raw_json("json-infinity", with_version + ', "extra": -Infinity}'),
        _raw_json("json-lone-surrogate-escape", json.dumps({**good, "id": "x"}).replace('"A hostile', '"\\ud800')),
        _raw_json("json-duplicate-keys", with_version + ', "title": "Other"}'),
        _raw_json("json-invalid-utf8", json.dumps({**good, "id": "x"}).encode().replace(b"hostile", b"\xff\xfe")),
        _raw_json("json-bom", "\ufeff" + json.dumps({**good, "id": "x"})),
        _raw_json("json-100k-keys", json.dumps({**good, "id": "x", **{f"k{i}": 1 for i in range(60_000)}})),
        _raw_json("json-1mb-over", json.dumps({**good, "id": "x", "body": "b" * 1_100_000})),
        _raw_json("json-600kb", json.dumps({**good, "id": "x", "body": "b" * 600_000})),
        _raw_json("json-escapes-600kb", json.dumps({**good, "id": "x", "body": "é" * 90_000})),
        _raw_json("json-body-list", json.dumps({**good, "id": "x", "body": ["a"] * 1000})),
        _raw_json("json-nul", json.dumps({**good, "id": "x", "title": "a\x00b"})),
        _raw_json("json-trailing-garbage", json.dumps({**good, "id": "x"}) + "garbage"),
        _raw_json("json-float-exponent", with_version + ', "version": 1e999999}'),
        _raw_json("json-long-number-string", with_version + ', "extra": 1.' + "1" * 500_000 + "}"),
    ]


def cases() -> list[Case]:
    """Every hostile input, in a fixed order."""
    return _yaml_cases() + _field_cases() + _json_cases()


EDIT_CASES: list[tuple[str, dict[str, str]]] = [
    ("edit-title-250kb", {"title": "T" * 250_000}),
    ("edit-title-201", {"title": "T" * 201}),
    ("edit-title-empty", {"title": "   "}),
    ("edit-summary-100kb", {"summary": "S. " * 33_000}),
    ("edit-key-points-50k", {"key_points": "point\n" * 50_000}),
    ("edit-key-point-200kb", {"key_points": "p" * 200_000}),
    ("edit-sources-10k", {"sources": "S | https://example.org/\n" * 10_000}),
    ("edit-sources-junk", {"sources": "no bar here\n" * 5}),
    ("edit-source-javascript", {"sources": "S | javascript:alert(1)"}),
    ("edit-source-url-3000", {"sources": "S | https://example.org/" + "p" * 3000}),
    ("edit-status-bidi", {"status": "published\u202e"}),
    ("edit-review-by-junk", {"review_by": "2026-02-30"}),
    ("edit-review-by-9999", {"review_by": "9999-12-31"}),
    ("edit-nul", {"title": "a\x00b", "summary": "\x00"}),
    ("edit-lone-surrogate", {"title": "T \ud800"}),
    ("edit-yaml-in-title", {"title": "&a [*a, *a]"}),
    ("edit-front-matter-in-summary", {"summary": "---\nid: other\n---\n"}),
    ("edit-bidi-title", {"title": "\u202eTitle\u202c \u200b"}),
    ("edit-crlf", {"summary": "One.\r\nTwo.\r\n", "key_points": "a\r\nb\r\n"}),
    ("edit-control-chars", {"title": "\x07\x1b[31m red"}),
]
"""Hostile values typed into the chat edit form (Slack's and Discord's modals map their widgets to it)."""
