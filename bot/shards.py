"""The shard folder: one JSON file per brief holding its whole history, and the files that are not shards.

A shard is ``briefs/ID.json`` in TinyDB's layout (``{"_default": {"1": record, ...}}``). Every write
replaces the whole file atomically (a new inode each time), so a shard's identity on disk, its
``Stamp`` (inode, size, modification and change times), changes whenever its content does: a start-up
snapshot records the stamp of each shard it was made from and is trusted for exactly those shards.
Anything else in the folder (``a.bak.json``, ``Copy of x.json``, ``UPPER.json``) is not a brief: it is
listed as stray, warned about once and otherwise ignored.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.briefs import ID_PATTERN, MAX_ID_LENGTH
from bot.disk import TEMP_SUFFIX
from bot.errors import BriefUnavailable
from bot.records import ordered_history

__all__ = [
    "SHARD_DIR",
    "SHARD_SUFFIX",
    "Listing",
    "Stamp",
    "list_shards",
    "read_shard",
    "shard_bytes",
    "shard_id",
    "stamp_of",
]

SHARD_DIR = "briefs"
SHARD_SUFFIX = ".json"

Stamp = tuple[int, int, int, int]
"""A shard file's inode, size, modification time and change time (ns): equal stamps, equal content."""


@dataclass(frozen=True)
class Listing:
    """What the shard folder holds: each brief's shard with its stamp, and the files that are not shards."""

    shards: dict[str, Stamp] = field(default_factory=dict)
    strays: tuple[str, ...] = ()
    """Files that are not a brief's shard (their names are not ``ID.json``); they are ignored."""
    temporary: tuple[str, ...] = ()
    """Files being written, or left behind by a write a crash interrupted."""


def shard_id(name: str) -> str | None:
    """The brief id a shard file name stands for, or None when the name is not a shard's."""
    if not name.endswith(SHARD_SUFFIX):
        return None
    brief_id = name[: -len(SHARD_SUFFIX)]
    return brief_id if len(brief_id) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(brief_id) else None


def stamp_of(status: os.stat_result) -> Stamp:
    """The stamp of a file from its ``stat``."""
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def list_shards(folder: Path) -> Listing:
    """Every file in the shard folder, sorted into shards (with stamps), strays and temporary files."""
    shards: dict[str, Stamp] = {}
    strays: list[str] = []
    temporary: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return Listing()
    for entry in entries:
        brief_id = shard_id(entry.name)
        if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
            temporary.append(entry.name)
        elif brief_id is not None and entry.is_file(follow_symlinks=False):
            try:
                shards[brief_id] = stamp_of(entry.stat(follow_symlinks=False))
            except FileNotFoundError:
                continue  # replaced or removed as we looked
        else:
            strays.append(entry.name)
    return Listing(shards, tuple(sorted(strays)), tuple(sorted(temporary)))


def read_shard(folder: Path, brief_id: str) -> tuple[list[dict[str, Any]], Stamp] | None:
    """A brief's checked history, oldest first, and the stamp of the file it was read from; None when it has none.

    The stamp is taken from the open file, so it is exactly the content read, whatever is written after.
    ``BriefUnavailable`` names the file and its problem when the shard cannot be trusted.
    """
    name = f"{brief_id}{SHARD_SUFFIX}"
    try:
        with (folder / name).open("rb") as handle:
            stamp = stamp_of(os.fstat(handle.fileno()))
            data = handle.read()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise BriefUnavailable(brief_id, f"{SHARD_DIR}/{name}", error.strerror or str(error)) from None
    try:
        return ordered_history(_records_in(data), brief_id), stamp
    except ValueError as problem:
        raise BriefUnavailable(brief_id, f"{SHARD_DIR}/{name}", str(problem)) from None


def shard_bytes(records: list[dict[str, Any]]) -> bytes:
    """A shard's file content for a history (TinyDB's layout, so TinyDB reads it too)."""
    table = {str(position): record for position, record in enumerate(records, start=1)}
    return json.dumps({"_default": table}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _records_in(data: bytes) -> list[Any]:
    if not data:
        raise ValueError("it is empty")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except RecursionError:
        raise ValueError("it is nested too deeply") from None
    except ValueError as error:
        raise ValueError(f"not JSON: {error}") from None
    if not isinstance(parsed, dict) or set(parsed) != {"_default"} or not isinstance(parsed["_default"], dict):
        raise ValueError("it is JSON, but not a brief's history")
    return list(parsed["_default"].values())
