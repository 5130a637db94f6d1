"""Caps: how much one brief may hold, and the two readers (YAML front matter, JSON) that keep to them.

A brief is small: the longest sample in ``briefs/`` is 6.5 KB, with an 80-character
title, six tags and three sources. Anything far larger is a mistake or an attack,
and a few hundred bytes of YAML anchors and aliases can expand to billions of items.
So brief files may not use anchors or aliases at all (no brief needs them), and the
readers refuse them, deep nesting and too many items while reading, before anything
is expanded. Every cap is a named constant with its reason; a brief over one gets a
``BriefError`` naming the file, the field, the limit and the size found.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from bot.errors import BriefError

__all__ = [
    "MAX_ALIASES",
    "MAX_ALIAS_CHARS",
    "MAX_BODY_CHARS",
    "MAX_BRIEF_BYTES",
    "MAX_FIELDS",
    "MAX_FRONT_MATTER_BYTES",
    "MAX_ITEMS",
    "MAX_NESTING",
    "MAX_SOURCES",
    "MAX_SUMMARY_CHARS",
    "MAX_TAGS",
    "MAX_TAG_CHARS",
    "MAX_TITLE_CHARS",
    "check_brief_size",
    "check_fields",
    "read_front_matter",
    "read_json_fields",
]

MAX_BODY_CHARS = 100_000
"""About 15,000 words, three long reads in one brief; the longest sample's body is 5,500 characters."""
MAX_FRONT_MATTER_BYTES = 64 * 1024
"""The longest sample's front matter is under 1 KB; 64 KB holds every field near its cap and reads in milliseconds."""
MAX_BRIEF_BYTES = 512 * 1024
"""A whole brief file: a body at its cap in a script of up to four bytes a character, plus front matter at its cap."""
MAX_TITLE_CHARS = 200
"""A headline; the longest sample's is 80 characters, and Discord cuts an embed's title at 256."""
MAX_SUMMARY_CHARS = 1_000
"""The bottom line is one to three sentences; the longest sample's is 284 characters."""
MAX_TAGS = 30
MAX_TAG_CHARS = 60
"""Samples use up to six tags of at most 16 characters; a tag is a word or two."""
MAX_ALIASES = 50
MAX_ALIAS_CHARS = 100
"""Samples use up to six aliases of at most 29 characters: names and phrases people type for the story."""
MAX_SOURCES = 20
MAX_SOURCE_TITLE_CHARS = 300
MAX_URL_CHARS = 2_000
"""Samples cite up to three sources; 2,000 characters is the longest link browsers and servers reliably take."""
MAX_NAME_CHARS = 100
"""An editor's or a desk's name."""
MAX_FIELDS = 40
MAX_FIELD_NAME_CHARS = 60
"""A brief has 14 fields; unknown ones are warned about, so a file with dozens more is not a brief."""
MAX_NESTING = 5
"""Sources, the deepest field, nest three levels (the brief, its list, each source); far from any recursion limit."""
MAX_ITEMS = 1_000
"""Values in one brief (each field name, text, list and list item): one at every cap holds about 200."""
MAX_NUMBER_DIGITS = 20
"""The only number in a brief file is the version it was based on; Python refuses to read past 4,300 digits."""

_TEXT_CAPS = {"title": MAX_TITLE_CHARS, "summary": MAX_SUMMARY_CHARS, "editor": MAX_NAME_CHARS, "desk": MAX_NAME_CHARS}
_LIST_CAPS = {"tags": (MAX_TAGS, MAX_TAG_CHARS), "aliases": (MAX_ALIASES, MAX_ALIAS_CHARS)}


def check_brief_size(size: int, origin: str, what: str = "file") -> None:
    """Refuse a whole brief of ``size`` bytes (a file, or the text of a JSON body's fields) over ``MAX_BRIEF_BYTES``."""
    if size > MAX_BRIEF_BYTES:
        raise _over(origin, what, MAX_BRIEF_BYTES, size, "bytes")


def read_front_matter(front: str, origin: str) -> object:
    """The front matter's YAML as Python values: no anchors or aliases, nesting and item count within the caps."""
    size = len(front.encode("utf-8", "surrogatepass"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise _over(origin, "front matter", MAX_FRONT_MATTER_BYTES, size, "bytes")
    loader = _FrontMatterLoader(front, origin)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_json_fields(text: str, origin: str) -> dict[str, Any]:
    """A JSON request body as a mapping of brief fields, held to the same caps as a brief file.

    The whole-brief cap counts the fields' text as a file would hold it, not the
    JSON: its escapes (12 bytes for one emoji) are the sender's choice.
    """
    try:
        data = json.loads(
            text,
            object_pairs_hook=lambda pairs: _unique_fields(pairs, origin),
            parse_int=lambda digits: _number(digits, origin, "body"),
        )
    except RecursionError:
        raise BriefError(origin, "body", f"JSON nested at most {MAX_NESTING} levels deep") from None
    except json.JSONDecodeError as error:
        raise BriefError(origin, "body", f"JSON ({error})") from None
    if not isinstance(data, dict):
        raise BriefError(origin, "body", "a JSON object of brief fields", found=data)
    _check_shape(data, origin)
    return data


def check_fields(fields: Mapping[Any, object], body: str, origin: str) -> None:
    """Refuse a brief whose field count, field names, texts, lists or body are over their caps."""
    if len(fields) > MAX_FIELDS:
        raise _over(origin, "front matter", MAX_FIELDS, len(fields), "fields")
    for name in fields:
        if len(str(name)) > MAX_FIELD_NAME_CHARS:
            raise _over(origin, "field name", MAX_FIELD_NAME_CHARS, len(str(name)), "characters")
    for name, limit in _TEXT_CAPS.items():
        _cap_text(fields.get(name), limit, origin, name)
    for name, (count, limit) in _LIST_CAPS.items():
        _cap_list(fields.get(name), count, limit, origin, name)
    sources = fields.get("sources")
    if isinstance(sources, list):
        if len(sources) > MAX_SOURCES:
            raise _over(origin, "sources", MAX_SOURCES, len(sources), "sources")
        for number, source in enumerate(sources, start=1):
            if isinstance(source, dict):
                _cap_text(source.get("title"), MAX_SOURCE_TITLE_CHARS, origin, f"sources[{number}].title")
                _cap_text(source.get("url"), MAX_URL_CHARS, origin, f"sources[{number}].url")
    _cap_text(body, MAX_BODY_CHARS, origin, "body")
    for name, value in fields.items():
        _check_text_is_unicode(value, origin, str(name))
    _check_text_is_unicode(body, origin, "body")


def _cap_text(value: object, limit: int, origin: str, name: str) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise _over(origin, name, limit, len(value), "characters")


def _cap_list(value: object, count: int, limit: int, origin: str, name: str) -> None:
    if not isinstance(value, list):
        return
    if len(value) > count:
        raise _over(origin, name, count, len(value), "items")
    for number, item in enumerate(value, start=1):
        _cap_text(item, limit, origin, f"{name}[{number}]")


def _check_text_is_unicode(value: object, origin: str, name: str) -> None:
    """Refuse lone surrogates (JSON's or YAML's "\\ud800"), which no file can hold and no store can write."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending += item.values()
        elif isinstance(item, list):
            pending += item
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BriefError(origin, name, "text (found a lone surrogate, half of a UTF-16 pair)") from None


def _over(origin: str, field: str, limit: int, size: int, unit: str) -> BriefError:
    return BriefError(origin, field, f"at most {limit:,} {unit}, found {size:,}")


def _number(digits: str, origin: str, where: str) -> int:
    if len(digits.lstrip("+-").replace("_", "")) > MAX_NUMBER_DIGITS:
        raise BriefError(origin, where, f"numbers of at most {MAX_NUMBER_DIGITS} digits, found one of {len(digits):,}")
    return int(digits)


def _unique_fields(pairs: list[tuple[str, Any]], origin: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise BriefError(origin, "body", f"each field once, found {key[:MAX_FIELD_NAME_CHARS]!r} twice")
        data[key] = value
    return data


def _check_shape(data: object, origin: str) -> None:
    """Walk a JSON value without recursion, refusing deep nesting, too many items and too much text."""
    pending: list[tuple[object, int]] = [(data, 1)]
    items = size = 0
    while pending:
        value, depth = pending.pop()
        items += 1
        if items > MAX_ITEMS:
            raise BriefError(origin, "body", f"at most {MAX_ITEMS:,} values, found more")
        if isinstance(value, str):
            size += len(value.encode("utf-8", "surrogatepass"))
        elif isinstance(value, dict | list):
            if depth > MAX_NESTING:
                raise BriefError(origin, "body", f"JSON nested at most {MAX_NESTING} levels deep")
            children = value.values() if isinstance(value, dict) else value
            pending += [(child, depth + 1) for child in children]
            size += sum(len(key.encode("utf-8", "surrogatepass")) for key in value) if isinstance(value, dict) else 0
    check_brief_size(size, origin, "brief")


class _FrontMatterLoader(yaml.SafeLoader):
    """Safe YAML that refuses anchors and aliases, deep nesting, too many items, repeated fields and huge numbers.

    Dates are left as text, so each date field is checked, and reported, on its own.
    """

    def __init__(self, stream: str, origin: str) -> None:
        super().__init__(stream)
        self.origin = origin
        self._depth = 0
        self._items = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or (isinstance(event, yaml.NodeEvent) and event.anchor is not None):
            kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            raise BriefError(
                self.origin,
                "front matter",
                "no YAML anchors (&name) or aliases (*name), which brief files never need; "
                f"found the {kind}{(event.anchor or '')[:30]} at line {_line(event.start_mark)}",
            )
        self._items += 1
        if self._items > MAX_ITEMS:
            raise BriefError(
                self.origin,
                "front matter",
                f"at most {MAX_ITEMS:,} values, found more by line {_line(event.start_mark)}",
            )
        nests = isinstance(event, yaml.CollectionStartEvent)
        self._depth += nests
        try:
            if self._depth > MAX_NESTING:
                raise BriefError(
                    self.origin,
                    "front matter",
                    f"lists and mappings nested at most {MAX_NESTING} levels deep, "
                    f"found deeper at line {_line(event.start_mark)}",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= nests

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if (key.tag, key.value) in seen:
                raise BriefError(
                    self.origin,
                    "front matter",
                    f"each field once, found {key.value[:MAX_FIELD_NAME_CHARS]!r} at line "
                    f"{seen[key.tag, key.value]} and again at line {_line(key.start_mark)}",
                )
            seen[key.tag, key.value] = _line(key.start_mark)
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as error:  # e.g. "0b_" or "!!timestamp 2026-13-45"
            kind = str(node.tag).rpartition(":")[2]
            raise BriefError(
                self.origin,
                "front matter",
                f"a valid {kind} at line {_line(node.start_mark)} ({str(error)[:80]})",
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))
        if len(text.lstrip("+-").replace("_", "")) > MAX_NUMBER_DIGITS:
            raise BriefError(
                self.origin,
                "front matter",
                f"numbers of at most {MAX_NUMBER_DIGITS} digits, found one of {len(text):,} "
                f"at line {_line(node.start_mark)}",
            )
        return super().construct_yaml_int(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _FrontMatterLoader.construct_yaml_int)
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line(mark: Any) -> int:
    # The front matter's text starts with the rest of the opening '---' line: its line n (from 0) is the file's n + 1.
    return int(mark.line) + 1 if mark is not None else 0
