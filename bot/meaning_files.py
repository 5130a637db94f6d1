"""Each brief's vector in a small file beside the shards, written when it is embedded: no start embeds it again.

The snapshot carries every vector too, but it is written only after an import, a full read or a start that found
many briefs changed: a brief pushed since would be embedded again at every start until the next snapshot. A file
here holds one brief's vector with the model's name and the exact text it was made from, under a SHA-256 of its
content; it is used only when all three still match (another model, another meaning text, a torn or edited file:
the brief is embedded again). The files are a cache, not the truth: they are not fsynced, and deleting the folder
costs one embedding per brief at the next start.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
from pathlib import Path

from bot.briefs import ID_PATTERN
from bot.disk import TEMP_SUFFIX, write_all

__all__ = ["MEANINGS_DIR", "MeaningFiles"]

log = logging.getLogger("briefbot.newsroom")

MEANINGS_DIR = "meanings"
MEANING_SUFFIX = ".vec"
_DIGEST_SIZE = 32


class MeaningFiles:
    """One file per embedded brief in the store's ``meanings/`` folder: its vector, model and meaning text."""

    def __init__(self, root: Path) -> None:
        self.folder = root / MEANINGS_DIR
        self._said_unwritable = False

    def load(self, brief_id: str, model: str, text: str) -> bytes | None:
        """The vector kept for this brief, made by ``model`` from exactly ``text``; None when there is none."""
        if not ID_PATTERN.fullmatch(brief_id):
            return None
        try:
            data = (self.folder / f"{brief_id}{MEANING_SUFFIX}").read_bytes()
        except OSError:
            return None
        digest, payload = data[:_DIGEST_SIZE], data[_DIGEST_SIZE:]
        if hashlib.sha256(payload).digest() != digest:
            return None  # torn by a crash or changed by hand: embedded again
        try:
            kept = marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return None
        if not isinstance(kept, dict) or kept.get("model") != model or kept.get("text") != text:
            return None
        vector = kept.get("vector")
        return vector if isinstance(vector, bytes) else None

    def save(self, brief_id: str, model: str, text: str, vector: bytes) -> None:
        """Keep a brief's vector; a folder that cannot be written is warned about once (the brief is answered)."""
        if not ID_PATTERN.fullmatch(brief_id):
            return
        payload = marshal.dumps({"model": model, "text": text, "vector": vector})
        path = self.folder / f"{brief_id}{MEANING_SUFFIX}"
        tmp = self.folder / f".{brief_id}.{os.getpid()}{TEMP_SUFFIX}"
        try:
            self.folder.mkdir(exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                write_all(fd, hashlib.sha256(payload).digest() + payload)
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as error:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if not self._said_unwritable:
                self._said_unwritable = True
                log.warning(
                    "%s/ cannot be written (%s): briefs pushed since the last snapshot are embedded again at a start",
                    MEANINGS_DIR,
                    error.strerror or error,
                )
