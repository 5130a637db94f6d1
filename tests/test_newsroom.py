"""The core's promises: drafts and embargoes never reach reporters, pushes are seen at once, samples seed once."""

from __future__ import annotations

import gc
import threading
import weakref
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import EDITOR, NOW, REPORTER, SAMPLE_BRIEFS, Clock, write_brief

from bot.answers import Outcome
from bot.errors import UnknownBrief
from bot.newsroom import Newsroom, open_newsroom
from bot.settings import Settings
from bot.store import TinyStore

DRAFT = "sudan-aid-access-talks"
EMBARGOED = "ultra-processed-food-dementia-study"
EMBARGO_ENDS = datetime.fromisoformat("2027-01-15T05:00:00+00:00")


def _everything_a_reporter_sees(room: Newsroom, question: str) -> set[str]:
    answer = room.ask(question, REPORTER)
    seen = {c.brief_id for c in answer.alternatives}
    if answer.brief is not None:
        seen.add(answer.brief.id)
    return seen


@pytest.mark.parametrize(
    "question",
    [
        "Sudan aid access talks",
        "humanitarian pauses in Darfur",
        "ultra-processed food dementia study",
        "dementia",
        "study",
        "aid",
    ],
)
def test_drafts_and_embargoed_briefs_never_reach_reporters(newsroom: Newsroom, question: str) -> None:
    """No answer, alternative or suggestion shown to a reporter is a draft or an embargoed brief."""
    assert _everything_a_reporter_sees(newsroom, question).isdisjoint({DRAFT, EMBARGOED})


def test_reporters_cannot_list_show_or_read_history_of_hidden_briefs(newsroom: Newsroom) -> None:
    """Listing, showing and history all hide drafts and embargoed briefs from reporters."""
    listed = {v.brief.id for v in newsroom.briefs(REPORTER)}
    assert DRAFT not in listed
    assert EMBARGOED not in listed
    for brief_id in (DRAFT, EMBARGOED):
        with pytest.raises(UnknownBrief):
            newsroom.show(brief_id, REPORTER)
        with pytest.raises(UnknownBrief):
            newsroom.history(brief_id, REPORTER)


def test_a_chosen_brief_is_answered_with_its_provenance_and_hidden_ones_are_refused(newsroom: Newsroom) -> None:
    """Picking a brief from choices answers with its latest version; a reporter cannot pick a hidden one."""
    answer = newsroom.answer_brief("kremlin-open-to-putin-trump-meeting", REPORTER, "kremlin")
    assert answer.outcome is Outcome.ANSWER
    assert answer.brief is not None
    assert answer.brief.id == "kremlin-open-to-putin-trump-meeting"
    assert answer.freshness is not None
    assert answer.freshness.version == 1
    assert answer.query == "kremlin"
    for brief_id in (DRAFT, EMBARGOED, "no-such-brief"):
        with pytest.raises(UnknownBrief):
            newsroom.answer_brief(brief_id, REPORTER)
    assert newsroom.answer_brief(DRAFT, EDITOR).brief is not None


def test_editors_see_drafts_and_embargoed_briefs(newsroom: Newsroom) -> None:
    """An editor asking with editor rights gets the draft, and sees every brief listed."""
    answer = newsroom.ask("humanitarian pauses in Darfur", EDITOR)
    assert answer.brief is not None
    assert answer.brief.id == DRAFT
    assert {DRAFT, EMBARGOED} <= {v.brief.id for v in newsroom.briefs(EDITOR)}


def test_an_embargoed_brief_appears_once_its_embargo_ends(newsroom: Newsroom, clock: Clock) -> None:
    """The embargoed brief is hidden a minute before embargo_until and answered a minute after."""
    clock.now = EMBARGO_ENDS - timedelta(minutes=1)
    assert EMBARGOED not in _everything_a_reporter_sees(newsroom, "ultra-processed food dementia study")
    clock.now = EMBARGO_ENDS + timedelta(minutes=1)
    answer = newsroom.ask("ultra-processed food dementia study", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == EMBARGOED


def test_a_published_brief_pulled_back_to_draft_disappears_at_once(newsroom: Newsroom) -> None:
    """Pushing a draft version of a published brief hides it from reporters immediately."""
    brief = newsroom.show("flu-season-early-start", REPORTER).brief
    newsroom.push(replace(brief, status=type(brief.status)("draft")), editor="ed", channel="test")
    assert "flu-season-early-start" not in _everything_a_reporter_sees(newsroom, "early flu season")


def test_a_pushed_brief_is_answered_at_once_and_old_words_stop_matching(newsroom: Newsroom) -> None:
    """The index follows each push: new words find the brief, words it dropped no longer do."""
    bridge = newsroom.show("riverton-main-street-bridge-closure", REPORTER).brief
    renamed = replace(bridge, title="Riverton ferry service resumes", aliases=(), body="", tags=(),
                      summary="The Riverton ferry is running again.")  # fmt: skip
    pushed = newsroom.push(renamed, editor="ed", channel="test", expected_version=1)
    assert pushed.version.number == 2
    answer = newsroom.ask("Riverton ferry", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == bridge.id
    assert answer.freshness is not None
    assert answer.freshness.version == 2
    assert bridge.id not in _everything_a_reporter_sees(newsroom, "Main Street bridge closure")


def test_a_second_process_sees_a_cli_import_without_restarting(tmp_path: Path, clock: Clock) -> None:
    """A running bot answers from briefs another process imported into the same store."""
    bot_side = Newsroom(TinyStore(tmp_path / "store"), clock=clock)
    assert bot_side.ask("Riverton ferry timetable", REPORTER).outcome is Outcome.NO_MATCH
    cli_side = Newsroom(TinyStore(tmp_path / "store"), clock=clock)
    write_brief(tmp_path / "in", "riverton-ferry", title="Riverton ferry timetable changes")
    cli_side.import_paths([tmp_path / "in"], editor="ed")
    answer = bot_side.ask("Riverton ferry timetable", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "riverton-ferry"


def test_samples_seed_an_empty_store_once_when_asked(tmp_path: Path, clock: Clock) -> None:
    """Opened with seed, an empty store gets the sample briefs and says how many; reopening seeds none again."""
    settings = Settings(store=tmp_path / "store")
    first = open_newsroom(settings, seed=True, clock=clock)
    count = len(first.briefs(EDITOR))
    assert count == len(list(SAMPLE_BRIEFS.glob("*.md")))
    assert first.seeded == count
    second = open_newsroom(settings, seed=True, clock=clock)
    assert second.seeded == 0
    assert all(v.number == 1 for v in second.briefs(EDITOR))
    assert len(second.briefs(EDITOR)) == count


def test_a_store_is_not_seeded_unless_asked(tmp_path: Path, clock: Clock) -> None:
    """Opened without seed, a new store starts empty whatever the setting says."""
    room = open_newsroom(Settings(store=tmp_path / "store"), clock=clock)
    assert (room.seeded, room.briefs(EDITOR)) == (0, [])


def test_seeding_can_be_turned_off(tmp_path: Path, clock: Clock) -> None:
    """With seed_samples off, a new store opened with seed starts empty."""
    room = open_newsroom(Settings(store=tmp_path / "store", seed_samples=False), seed=True, clock=clock)
    assert (room.seeded, room.briefs(EDITOR)) == (0, [])


def test_import_reports_added_updated_and_unchanged(tmp_path: Path, clock: Clock) -> None:
    """Re-importing a changed file makes a new version; an unchanged one makes none."""
    room = Newsroom(TinyStore(None), clock=clock)
    write_brief(tmp_path, "a")
    write_brief(tmp_path, "b")
    first = room.import_paths([tmp_path], editor="ed")
    assert [(p.version.brief.id, p.version.number, p.changed) for p in first.pushed] == [("a", 1, True), ("b", 1, True)]
    write_brief(tmp_path, "a", title="A new title")
    second = room.import_paths([tmp_path], editor="ed2")
    assert [(p.version.brief.id, p.version.number, p.changed) for p in second.pushed] == [
        ("a", 2, True),
        ("b", 1, False),
    ]
    assert room.history("a", EDITOR)[-1].editor == "ed2"
    assert room.history("a", EDITOR)[-1].pushed_at == NOW


def test_pushes_from_many_threads_leave_the_newest_version_live(newsroom: Newsroom) -> None:
    """Pushes racing on threads are all stored, and what reporters are answered with is the newest of them."""
    kremlin = newsroom.show("kremlin-open-to-putin-trump-meeting", REPORTER).brief

    def pushes(who: str) -> None:
        for n in range(15):
            newsroom.push(replace(kremlin, summary=f"{who} {n}."), editor=who, channel="test")

    threads = [threading.Thread(target=pushes, args=(who,)) for who in ("Anna", "Ben", "Chidi")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = newsroom.store.history("kremlin-open-to-putin-trump-meeting")
    assert [v.number for v in stored] == list(range(1, 47))
    live = {v.brief.id: v for v in newsroom.briefs(REPORTER)}["kremlin-open-to-putin-trump-meeting"]
    assert live.number == 46
    assert live.brief == stored[-1].brief


def test_a_newsroom_no_longer_held_is_freed_whole(tmp_path: Path, clock: Clock) -> None:
    """A newsroom its holder drops is freed, versions and index with it: nothing in it refers back to it."""
    room = Newsroom(TinyStore(tmp_path / "store"), clock=clock, samples=SAMPLE_BRIEFS)
    room.subscribe(lambda update: None)
    dropped = weakref.ref(room)
    del room
    gc.collect()  # the start froze what it made: anything kept only by a cycle would stay for good
    assert dropped() is None
