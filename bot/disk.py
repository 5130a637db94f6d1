"""Durable writes: whole files replaced atomically, lines appended whole, everything fsynced before it counts.

Every byte the store writes goes through ``write_all`` (``os.write``), so a disk that fills up partway
fails the write there, and the callers can say truthfully what was and was not stored.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["TEMP_SUFFIX", "append_line", "atomic_write", "fsync_dir", "size_of", "write_all", "write_synced"]

TEMP_SUFFIX = ".tmp"
"""The suffix of a file being written; one left behind was written by a process that died (``check --repair``)."""


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd``."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_synced(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist) holding ``data``, on disk before this returns."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, content: str | bytes | list[bytes]) -> None:
    """Replace ``path`` with ``content`` (text, bytes, or parts written one after the other): a crash leaves the
    old file or the new one, never a torn one."""
    parts = content if isinstance(content, list) else [content.encode() if isinstance(content, str) else content]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        try:
            for part in parts:
                write_all(fd, part)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def append_line(path: Path, text: str) -> None:
    """Append ``text`` as whole lines, mending a line a crash left unfinished."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        prefix = b""
        end = os.lseek(fd, 0, os.SEEK_END)
        if end > 0 and os.pread(fd, 1, end - 1) != b"\n":
            prefix = b"\n"
        write_all(fd, prefix + text.encode("utf-8") + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a folder's entries (files created, renamed or removed in it) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def size_of(path: Path) -> int:
    """The size of a file, 0 when there is none."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
