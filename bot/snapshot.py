"""The start-up snapshot: what a newsroom held (latest versions, search index), checksummed and tied to its shards.

The shards are the truth; the snapshot only spares reading them. It holds a SHA-256 of its payload,
so an edited or damaged snapshot is never served, and the stamp of every shard it was made from
(``bot.shards.Stamp``), so a start trusts it for exactly the shards that have not changed since:
changed, new and restored shards are read again, and briefs whose shard is gone are dropped.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from bot.records import Version, version_from_record, version_to_record
from bot.shards import Stamp

__all__ = ["SNAPSHOT_FILE", "SNAPSHOT_FORMAT", "LatestVersions", "Snapshot", "decode_snapshot", "encode_snapshot"]

SNAPSHOT_FILE = "snapshot.bin"
SNAPSHOT_FORMAT = 2
MAGIC = b"briefbot snapshot\n"
_DIGEST_SIZE = 32


class LatestVersions(MutableMapping[str, Version]):
    """The latest version of each brief by id; those read from a snapshot are made on first use.

    A start from a snapshot needs few of its versions at once (a question reads about twenty), and
    making all of them costs about 0.1 s at 10,000 briefs.
    """

    def __init__(self, records: Iterable[dict[str, Any]] = ()) -> None:
        self._records = {record["brief"]["id"]: record for record in records}
        self._versions: dict[str, Version] = {}

    def __getitem__(self, brief_id: str) -> Version:
        version = self._versions.get(brief_id)
        if version is None:
            version = self._versions[brief_id] = version_from_record(self._records.pop(brief_id))
        return version

    def __setitem__(self, brief_id: str, version: Version) -> None:
        self._records.pop(brief_id, None)
        self._versions[brief_id] = version

    def __delitem__(self, brief_id: str) -> None:
        if self._records.pop(brief_id, None) is None:
            del self._versions[brief_id]

    def __contains__(self, brief_id: object) -> bool:
        return brief_id in self._versions or brief_id in self._records

    def __iter__(self) -> Iterator[str]:
        return iter([*self._versions, *self._records])

    def __len__(self) -> int:
        return len(self._versions) + len(self._records)

    def number(self, brief_id: str) -> int:
        """The latest version's number, without making the version."""
        version = self._versions.get(brief_id)
        return version.number if version is not None else int(self._records[brief_id]["number"])

    def records(self) -> Iterator[dict[str, Any]]:
        """Every version as a stored record, without making the versions not made yet."""
        for version in self._versions.values():
            yield version_to_record(version)
        yield from self._records.values()


@dataclass(frozen=True)
class Snapshot:
    """What a newsroom had in memory at one moment, and how the shards differ from it now."""

    latest: LatestVersions
    index: dict[str, Any]
    changed: list[str]
    """Ids whose shard is new, changed or restored since the snapshot was taken: they must be read again."""
    removed: list[str]
    """Ids the snapshot holds whose shard is gone: they must be dropped."""


def encode_snapshot(latest: LatestVersions, index: dict[str, Any], stamps: dict[str, Stamp]) -> list[bytes]:
    """The snapshot file's content, in parts to write one after the other (not joined: tens of MB each time):
    magic, format, the payload's SHA-256, then the payload."""
    payload = marshal.dumps({"latest": list(latest.records()), "index": index, "stamps": stamps})
    return [MAGIC + b"%d\n" % SNAPSHOT_FORMAT + hashlib.sha256(payload).digest(), payload]


def decode_snapshot(data: bytes) -> tuple[LatestVersions, dict[str, Any], dict[str, Stamp]]:
    """The latest versions, index and shard stamps a snapshot holds; ``ValueError`` says why it cannot be used."""
    if not data.startswith(MAGIC):
        raise ValueError("it is not a briefbot snapshot, or was written by an older briefbot")
    header_end = data.find(b"\n", len(MAGIC))
    if data[len(MAGIC) : header_end] != b"%d" % SNAPSHOT_FORMAT:
        raise ValueError("it was written by another version of briefbot")
    body = memoryview(data)[header_end + 1 :]  # a view: a copy of 40 MB would cost a start time and memory
    digest, payload = body[:_DIGEST_SIZE], body[_DIGEST_SIZE:]
    if hashlib.sha256(payload).digest() != digest:
        raise ValueError("its checksum does not match: it was changed or damaged after it was written")
    try:
        content = marshal.loads(payload)
        latest = LatestVersions(content["latest"])
        index, stamps = content["index"], content["stamps"]
    except (EOFError, ValueError, TypeError, KeyError) as error:
        raise ValueError(f"its content cannot be read ({type(error).__name__})") from None
    if not isinstance(index, dict) or not isinstance(stamps, dict):
        raise ValueError("its content is not a snapshot's")
    return latest, index, stamps
