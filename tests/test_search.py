"""Reporters' questions against the sample briefs: paraphrase, word forms, typos, recency and chat noise."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import REPORTER, Clock, write_brief

from bot.answers import Outcome
from bot.briefs import parse_brief
from bot.newsroom import Asker, Newsroom
from bot.search import SearchIndex
from bot.store import TinyStore
from bot.words import stem

KREMLIN = "kremlin-open-to-putin-trump-meeting"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("latest Kremlin stance on a Trump meeting", KREMLIN),
        ("what's our latest line on the Kremlin and a Trump meeting?", KREMLIN),
        ("do we have anything on the Riverton budget vote", "riverton-city-budget-vote"),
        ("what do we know about the early flu season", "flu-season-early-start"),
        ("our line on tariffs on chip imports", "trump-tariffs-semiconductor-imports"),
    ],
)
def test_paraphrased_questions_find_their_brief(newsroom: Newsroom, question: str, expected: str) -> None:
    """Function words and question framing do not stop the right brief being found."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert answer.brief is not None
    assert answer.brief.id == expected


@pytest.mark.parametrize("question", ["did Putin and Trump meet", "Putin Trump met", "Putin Trump meetings"])
def test_word_forms_match(newsroom: Newsroom, question: str) -> None:
    """meet, met, meeting and meetings all reach the brief about a meeting."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == KREMLIN


def test_aliases_match_words_the_brief_text_never_uses(clock: Clock, tmp_path: Path) -> None:
    """A word only in a brief's aliases (Moscow for a Kremlin brief) finds the brief."""
    write_brief(tmp_path, "kremlin-talks", title="Kremlin signals openness to talks", aliases="[Moscow]")
    write_brief(tmp_path, "fed-rates", title="Fed holds rates", summary="The Fed kept rates unchanged.")
    room = Newsroom(TinyStore(None), clock=clock)
    room.import_paths([tmp_path], editor="ed")
    answer = room.ask("anything from Moscow?", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "kremlin-talks"


def test_typos_are_corrected_against_the_index_vocabulary(newsroom: Newsroom) -> None:
    """A misspelt question still finds its brief and says which words it read differently."""
    answer = newsroom.ask("Kremln stance on trump meting", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == KREMLIN
    assert ("kremln", "kremlin") in answer.corrections
    assert ("meting", "meeting") in answer.corrections


def test_a_common_word_is_not_corrected_into_a_different_one() -> None:
    """An unknown word two edits from a known one is left alone rather than guessed."""
    index = SearchIndex()
    brief = parse_brief(
        "---\nid: d\ntitle: Distance running\nsummary: Runners.\nupdated: 2026-11-20T10:00:00+00:00\n---\n", "d.md"
    ).brief
    index.put(brief)
    assert index.analyze("stance").corrections == ()
    assert index.analyze("runing").corrections == (("runing", "running"),)


def test_recency_words_prefer_the_newest_of_close_matches(newsroom: Newsroom) -> None:
    """ "latest" picks the November Fed brief over the September one; without it both are offered."""
    latest = newsroom.ask("latest on the fed rates", REPORTER)
    assert latest.outcome is Outcome.ANSWER
    assert latest.brief is not None
    assert latest.brief.id == "fed-rate-outlook-november"
    plain = newsroom.ask("fed rates", REPORTER)
    assert plain.outcome is Outcome.AMBIGUOUS
    assert {c.brief_id for c in plain.alternatives[:2]} == {"fed-rate-outlook-november", "fed-holds-rates-september"}


def test_recency_follows_the_update_not_the_file(newsroom: Newsroom, clock: Clock) -> None:
    """When the older story gets a newer update, "latest" follows the update."""
    september = newsroom.show("fed-holds-rates-september", REPORTER).brief
    newsroom.push(replace(september, updated=clock.now - timedelta(minutes=5)), editor="ed", channel="test")
    answer = newsroom.ask("latest on the fed rates", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "fed-holds-rates-september"


@pytest.mark.parametrize(
    "question",
    [
        "<@U0BOT> latest Kremlin stance on a Trump meeting",
        "@briefbot latest Kremlin stance on a Trump meeting thx",
        "latest Kremlin stance on a Trump meeting 🙏🏽 :pray: https://example.com/news?id=1 thanks!",
        "LATEST   kremlin\u200b stance on a TRUMP meeting???",
    ],
)
def test_chat_noise_is_ignored(newsroom: Newsroom, question: str) -> None:
    """Mentions, emoji, pasted links and pleasantries do not change the answer."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == KREMLIN


def test_an_answer_carries_its_provenance(newsroom: Newsroom) -> None:
    """Every answer says which brief, which version, who updated it, who pushed it and when, and lists alternatives."""
    answer = newsroom.ask("latest Kremlin stance on a Trump meeting", REPORTER)
    assert answer.freshness is not None
    assert answer.freshness.version == 1
    assert (answer.freshness.byline, answer.freshness.pushed_by) == ("Anna Kowalski", "briefbot samples")
    assert answer.freshness.stale is False
    assert answer.key_points
    assert answer.sources
    assert 0 < len(answer.alternatives) <= 3
    assert KREMLIN not in {c.brief_id for c in answer.alternatives}


def test_a_stale_brief_is_flagged(newsroom: Newsroom) -> None:
    """A brief past its review date is answered with the stale flag set."""
    answer = newsroom.ask("Kremlin statement on Trump contacts in June", REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == "kremlin-trump-contacts-statement-june"
    assert answer.freshness is not None
    assert answer.freshness.stale is True


@pytest.mark.parametrize(
    "question", ["Brazil election runoff results", "mars rover landing", "measles outbreak in Texas", "zzzz qqqq"]
)
def test_an_unanswerable_question_gets_an_honest_no_and_is_logged(newsroom: Newsroom, question: str) -> None:
    """When no brief fits the bot says so and logs the question for editors."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.outcome is Outcome.NO_MATCH
    assert answer.brief is None
    assert [gap.question for gap in newsroom.gaps()] == [answer.query]


def test_an_empty_question_is_not_logged_as_a_gap(newsroom: Newsroom) -> None:
    """A question with no words in it is a no-match but not something editors need to see."""
    answer = newsroom.ask("  🙏 thx  ", REPORTER)
    assert answer.outcome is Outcome.NO_MATCH
    assert newsroom.gaps() == []


def test_gaps_are_grouped_and_ordered_by_how_often_they_are_asked(newsroom: Newsroom) -> None:
    """Editors see the most-asked missing stories first, with how many people asked."""
    for asker in ("amy", "bo", "amy"):
        newsroom.ask("mars rover landing", Asker(asker))
    newsroom.ask("zzzz qqqq", REPORTER)
    gaps = newsroom.gaps()
    assert [(g.question, g.count, g.askers) for g in gaps] == [("mars rover landing", 3, 2), ("zzzz qqqq", 1, 1)]


def test_a_question_only_scores_briefs_sharing_its_terms(newsroom: Newsroom) -> None:
    """Search visits the postings of the question's terms, so unrelated briefs never appear as hits."""
    query = newsroom._index.analyze("Riverton bridge")
    hit_ids = {hit.brief_id for hit in newsroom._index.search(query, 50)}
    assert "riverton-main-street-bridge-closure" in hit_ids
    assert "geminids-meteor-shower-2026" not in hit_ids
    assert len(hit_ids) < len(newsroom._index)


def test_a_pasted_link_finds_the_brief_its_path_names(newsroom: Newsroom) -> None:
    """A question that is only a link to the story and "thx" finds the brief on it."""
    answer = newsroom.ask("https://news.example/politics/2026/11/council-budget-vote-delayed thx", REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert answer.brief is not None
    assert answer.brief.id == "riverton-city-budget-vote"


def _index_of(*titles: str) -> SearchIndex:
    index = SearchIndex()
    for number, title in enumerate(titles):
        text = f"---\nid: b{number}\ntitle: {title}\nsummary: S.\nupdated: 2026-11-20T10:00:00+00:00\n---\n"
        index.put(parse_brief(text, f"b{number}.md").brief)
    return index


def test_two_swapped_letters_are_one_typo() -> None:
    """ "kremiln" is read as "kremlin" and "teh" as "the", as a reporter's fingers swap letters."""
    index = _index_of("Kremlin open to talks", "Talks on sanctions")
    query = index.analyze("teh kremiln talks")
    assert query.corrections == (("kremiln", "kremlin"),)
    assert query.terms == (stem("kremlin"), stem("talks"))


def test_a_doubled_letter_in_the_wrong_place_is_one_typo() -> None:
    """ "tarrifs" is read as "tariffs"."""
    assert _index_of("Trump widens tariffs on chips").analyze("tarrifs on chips").corrections == (
        ("tarrifs", "tariffs"),
    )


def test_numbers_are_never_corrected() -> None:
    """A year the briefs do not name stays as typed: 2027 is not a typo for 2026."""
    query = _index_of("Hurricane season 2026 ends").analyze("hurricane season 2027")
    assert query.corrections == ()
    assert "2027" in query.terms


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("eclipes 2027 spain", "total-solar-eclipse-august-2027"),
        ("tarrifs on chips", "trump-tariffs-semiconductor-imports"),
    ],
)
def test_a_corrected_question_that_finds_its_brief_is_answered(
    newsroom: Newsroom, question: str, expected: str
) -> None:
    """When the corrected words find the brief, the reporter gets it rather than a refusal."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.outcome is Outcome.ANSWER
    assert answer.brief is not None
    assert answer.brief.id == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Ukriane grain talks first round", "ukraine-grain-talks-first-round"),
        ("Russa central bank rate", "russia-central-bank-rate-decision"),
    ],
)
def test_a_misspelt_country_is_corrected_to_its_name(newsroom: Newsroom, question: str, expected: str) -> None:
    """A country's name typed wrong is read as the country, although briefs hold its name folded into a token."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.corrections[:1] in ((("ukriane", "ukraine"),), (("russa", "russia"),))
    assert answer.brief is not None
    assert answer.brief.id == expected


@pytest.mark.parametrize(
    ("question", "suggested"),
    [
        ("sea", "ukraine-grain-corridor-talks"),
        ("fleet", "eu-sanctions-new-russia-package"),
        ("shower", "geminids-meteor-shower-2026"),
    ],
)
def test_one_word_a_brief_only_uses_inside_a_name_is_not_an_answer(
    newsroom: Newsroom, question: str, suggested: str
) -> None:
    """ "sea" is not a question about the Black Sea grain talks: the brief is suggested, not answered."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.outcome is Outcome.NO_MATCH
    assert suggested in {choice.brief_id for choice in answer.alternatives}


@pytest.mark.parametrize(
    ("question", "expected"),
    [("eclipse", "total-solar-eclipse-august-2027"), ("corrosion", "riverton-main-street-bridge-closure")],
)
def test_one_word_a_brief_is_about_is_answered(newsroom: Newsroom, question: str, expected: str) -> None:
    """A word the brief uses on its own, or only once, still answers."""
    answer = newsroom.ask(question, REPORTER)
    assert answer.brief is not None
    assert answer.brief.id == expected
