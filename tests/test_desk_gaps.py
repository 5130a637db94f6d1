"""The desk's gaps: questions grouped by what they ask about, dismissing, and who asked only when a setting says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import REPORTER, Clock
from test_desk import KREMLIN, Served, _csrf, served, serving

from adapters.desk.gaps import group_questions
from bot.newsroom import Newsroom
from bot.store import LoggedQuestion

__all__ = ["served"]  # the fixture, shared with the desk's other tests


def test_wordings_of_one_question_are_one_gap_whichever_brief_was_nearest(newsroom: Newsroom) -> None:
    """The questions "kremlin trump meeting?" and "putin trump summit" are one gap, whichever brief was nearest."""
    at = datetime(2026, 11, 25, 9, tzinfo=UTC)
    logged = [
        LoggedQuestion("kremlin trump meeting?", "a", at, ("fed-rate-outlook-november",)),
        LoggedQuestion("putin trump summit", "b", at + timedelta(hours=1), ()),
        LoggedQuestion("Putin Trump summit", "c", at + timedelta(hours=2), (KREMLIN,)),
        LoggedQuestion("riverton school closures", "d", at, ()),
    ]
    gaps = group_questions(logged, lambda text: newsroom.read_questions([text])[0].terms)
    assert [(g.wordings, g.count, g.askers) for g in gaps] == [
        (("Putin Trump summit", "kremlin trump meeting?"), 3, ("c", "b", "a")),
        (("riverton school closures",), 1, ("d",)),
    ]


def test_questions_sharing_one_name_and_their_nearest_brief_stay_two_gaps(newsroom: Newsroom) -> None:
    """The questions "putin trump summit" and "trump tariffs on china" share only Trump: two gaps, one brief nearest."""
    at = datetime(2026, 11, 25, 9, tzinfo=UTC)
    logged = [
        LoggedQuestion("putin trump summit", "a", at, (KREMLIN,)),
        LoggedQuestion("trump tariffs on china", "b", at, (KREMLIN,)),
    ]
    gaps = group_questions(logged, lambda text: newsroom.read_questions([text])[0].terms)
    assert sorted(g.wordings for g in gaps) == [("putin trump summit",), ("trump tariffs on china",)]


async def test_a_dismissed_gap_is_hidden_until_it_is_asked_again(served: Served, clock: Clock) -> None:
    """Dismiss hides a gap from the gaps page; the same question asked later brings it back."""
    await served.sign_in()
    served.newsroom.ask("zebra crossing bylaws in Tallinn", REPORTER)
    page = (await served.client.get("/desk/gaps")).text
    assert "zebra crossing bylaws in Tallinn" in page
    dismissed = await served.client.post(
        "/desk/gaps/dismiss", data={"csrf": _csrf(page), "wording": "zebra crossing bylaws in Tallinn"}
    )
    assert dismissed.status_code == 303
    assert "zebra crossing" not in (await served.client.get("/desk/gaps")).text
    clock.now += timedelta(minutes=5)
    served.newsroom.ask("Zebra crossing bylaws in Tallinn", REPORTER)
    assert "Asked 2 times" in (await served.client.get("/desk/gaps")).text


async def test_who_asked_a_gap_is_shown_only_when_the_setting_says_so(tmp_path: Path, clock: Clock) -> None:
    """With askers recorded the gap says who asked it; without, the page names nobody."""
    for askers, folder in ((True, tmp_path / "on"), (False, tmp_path / "off")):
        async with serving(folder, clock, askers=askers) as server:
            await server.sign_in()
            server.newsroom.ask("zebra crossing bylaws in Tallinn", REPORTER)
            page = (await server.client.get("/desk/gaps")).text
            assert "zebra crossing bylaws in Tallinn" in page
            assert (f"Asked by: {REPORTER.name}" in page) is askers, askers
