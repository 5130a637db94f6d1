"""Following briefs and what changed: follows are kept in the store, and every new published version is announced."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EDITOR, NOW, REPORTER, SAMPLE_BRIEFS, Clock
from postgres_server import STORE_KINDS, open_store
from test_store import _brief

from bot.brief_store import BriefStore
from bot.briefs import Status
from bot.changes import Changes, compare
from bot.errors import UnknownBrief
from bot.newsroom import Newsroom, Update
from bot.store import TinyStore
from bot.wording import update_line

KREMLIN = "kremlin-open-to-putin-trump-meeting"
DRAFT = "sudan-aid-access-talks"


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BriefStore:
    """Every store: in memory, TinyDB on disk and PostgreSQL."""
    return open_store(request.param, request, tmp_path)


def test_follows_are_kept_per_brief_and_per_channel(store: BriefStore) -> None:
    """A channel follows a brief once, lists what it follows, and can stop; unknown follows are reported as such."""
    assert store.follow("city-budget-vote", "slack:C1") is True
    assert store.follow("city-budget-vote", "slack:C1") is False
    assert store.follow("city-budget-vote", "discord:42") is True
    assert store.follow("fed-rates", "slack:C1") is True
    assert store.followers("city-budget-vote") == ["discord:42", "slack:C1"]
    assert store.following("slack:C1") == ["city-budget-vote", "fed-rates"]
    assert store.unfollow("city-budget-vote", "slack:C1") is True
    assert store.unfollow("city-budget-vote", "slack:C1") is False
    assert store.followers("city-budget-vote") == ["discord:42"]


def test_follows_survive_a_restart(tmp_path: Path) -> None:
    """Follows written by one store are there when the store is opened again."""
    TinyStore(tmp_path / "store").follow("city-budget-vote", "slack:C1")
    assert TinyStore(tmp_path / "store").followers("city-budget-vote") == ["slack:C1"]


def test_compare_names_changed_fields_and_key_points_added_and_removed() -> None:
    """What changed names the fields by editors' names and lists key points added and removed."""
    old = _brief()
    new = replace(
        old,
        summary="The council delays the vote.",
        body="## Key points\n- The vote is delayed to March.\n- The budget is $1.2bn.",
        review_by=None,
    )
    changes = compare(old, new)
    assert changes.fields == ("bottom line", "review date")
    assert changes.points_added == ("The vote is delayed to March.",)
    assert changes.points_removed == ("The vote is on Tuesday.",)
    assert not compare(old, old)
    assert compare(None, old).fields == ("new brief",)
    one_more = replace(old, body=old.body + "\n- A third point.")
    assert compare(old, one_more) == Changes((), ("A third point.",), ())  # the rest of the body is unchanged
    rewritten = replace(old, body="Background first.\n\n" + old.body)
    assert compare(old, rewritten).fields == ("body",)


def test_a_new_version_is_announced_once_with_what_changed(newsroom: Newsroom) -> None:
    """A push tells every listener once, with the version it replaced and what changed; an identical push tells none."""
    heard: list[Update] = []
    newsroom.subscribe(heard.append)
    current = newsroom.show(KREMLIN, REPORTER)
    brief = replace(current.brief, summary="The Kremlin now says a meeting is unlikely this year.")
    newsroom.push(brief, editor="Anna", channel="api", expected_version=1)
    newsroom.push(brief, editor="Anna", channel="api")
    (update,) = heard
    assert (update.version.number, update.previous and update.previous.number) == (2, 1)
    assert update.changes.fields == ("bottom line",)


def test_drafts_and_embargoed_versions_are_not_announced(newsroom: Newsroom) -> None:
    """A brief turned into a draft, or a draft edited, tells followers nothing."""
    heard: list[Update] = []
    newsroom.subscribe(heard.append)
    kremlin = newsroom.show(KREMLIN, REPORTER).brief
    newsroom.push(replace(kremlin, status=Status.DRAFT), editor="Anna", channel="api")
    draft = newsroom.show(DRAFT, EDITOR).brief
    newsroom.push(replace(draft, summary="Edited draft."), editor="Anna", channel="api")
    assert heard == []


def test_a_version_written_by_another_process_is_announced_on_refresh(tmp_path: Path) -> None:
    """A running newsroom announces what a command-line push in another process wrote, at its next refresh."""
    server = Newsroom(TinyStore(tmp_path / "store"), clock=Clock(), samples=SAMPLE_BRIEFS)
    heard: list[Update] = []
    server.subscribe(heard.append)
    other = Newsroom(TinyStore(tmp_path / "store"), clock=Clock())
    brief = other.show(KREMLIN, REPORTER).brief
    other.push(replace(brief, title="Kremlin cools on a Putin-Trump meeting"), editor="Ben", channel="cli")
    assert heard == []
    server.refresh()
    (update,) = heard
    assert update.version.editor == "Ben"
    assert update.changes.fields == ("title",)


def test_following_a_brief_needs_one_the_asker_may_see(newsroom: Newsroom) -> None:
    """A reporter's channel can follow a published brief, not a draft or an unknown id."""
    assert newsroom.follow(KREMLIN, "slack:C1", REPORTER) is True
    for brief_id in (DRAFT, "no-such-brief"):
        with pytest.raises(UnknownBrief):
            newsroom.follow(brief_id, "slack:C1", REPORTER)
    assert newsroom.following("slack:C1") == [KREMLIN]


def test_revert_makes_a_new_version_with_an_old_versions_content(newsroom: Newsroom, clock: Clock) -> None:
    """Reverting to v1 stores v3 with v1's content, by the reverting editor, now, based on v2."""
    first = newsroom.show(KREMLIN, REPORTER).brief
    newsroom.push(replace(first, summary="A wrong bottom line."), editor="Ben", channel="api")
    pushed = newsroom.revert(KREMLIN, 1, editor="Anna", channel="slack")
    version = pushed.version
    assert (version.number, version.parent, version.editor, version.channel) == (3, 2, "Anna", "slack")
    assert version.brief == replace(first, updated=NOW, editor="Anna")
    with pytest.raises(UnknownBrief):
        newsroom.revert(KREMLIN, 9, editor="Anna", channel="slack")


def test_the_update_line_says_title_version_desk_and_what_changed() -> None:
    """Followers read one line: title, version, desk, the fields changed and the key points added or removed."""
    old = _brief()
    new = replace(old, summary="Delayed.", body="## Key points\n- The vote is delayed.\n- The budget is $1.2bn.")
    line = update_line("City budget", 4, "Metro", compare(old, new))
    assert line == (
        "Updated: City budget (v4, Metro desk) - bottom line changed; "
        "key point added: \u201cThe vote is delayed.\u201d; key point removed: \u201cThe vote is on Tuesday.\u201d"
    )
    assert update_line("City budget", 2, None, compare(old, old)) == "Updated: City budget (v2) - no visible change"
