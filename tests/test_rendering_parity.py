"""One Answer, two platforms: the Slack and Discord renderings carry the same facts."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from conftest import REPORTER
from fake_slack import iter_texts
from test_discord_render import shown

from adapters.discord.render import render_answer as discord_answer
from adapters.slack.render import answer_message as slack_answer
from bot import wording
from bot.answers import Answer, Outcome
from bot.newsroom import Newsroom


def _slack_text(answer: Answer) -> str:
    """What Slack shows: block texts with Slack's escapes undone and links reduced to their label and URL."""
    text = "\n".join(iter_texts(list(slack_answer(answer, shareable=True).blocks)))
    text = re.sub(r"<([^|>]+)\|([^>]*)>", r"\2 \1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _discord_text(answer: Answer) -> str:
    """What Discord shows: content, embeds and buttons with Markdown escapes undone."""
    return re.sub(r"\\(.)", r"\1", shown(discord_answer(answer, shareable=True)))


def _facts(answer: Answer) -> list[str]:
    """The facts every surface must show for this answer."""
    facts = [choice.title for choice in answer.alternatives]
    if answer.outcome is Outcome.NO_MATCH:
        facts.append(answer.query)
    if answer.brief is not None and answer.freshness is not None:
        facts += [answer.brief.title, answer.brief.summary, *answer.key_points]
        facts += [s.title for s in answer.sources] + [s.url for s in answer.sources]
        facts.append(wording.freshness_line(answer.freshness, answer.asked_at))
        warning = wording.stale_warning(answer)
        if warning:
            facts.append(warning)
    return facts


@pytest.mark.parametrize(
    "question",
    [
        "latest Kremlin stance on a Trump meeting",
        "Fed holds interest rates steady in September",
        "fed rates",
        "Brazil election runoff results",
    ],
)
def test_slack_and_discord_show_the_same_facts_for_one_answer(newsroom: Newsroom, question: str) -> None:
    """Title, bottom line, key points, sources, provenance, stale warning and choices reach both platforms."""
    answer = newsroom.ask(question, REPORTER)
    slack, discord = _slack_text(answer), _discord_text(answer)
    facts = _facts(answer)
    assert facts
    for fact in facts:
        assert fact in slack, fact
        assert fact in discord, fact


def test_a_stale_brief_with_awkward_characters_shows_the_same_on_both(newsroom: Newsroom) -> None:
    """Ampersands, angle brackets and Markdown characters in a stale brief survive on both platforms as typed."""
    kremlin = newsroom.show("kremlin-open-to-putin-trump-meeting", REPORTER).brief
    awkward = replace(
        kremlin,
        title="AT&T <b>bid</b> for *Warner* _deal_",
        summary="Regulators weigh the AT&T deal: 3 < 4 & 5 > 2.",
        review_by=date(2026, 1, 1),
    )
    newsroom.push(awkward, editor="Anna", channel="test")
    answer = newsroom.answer_brief(kremlin.id, REPORTER, "AT&T")
    assert wording.stale_warning(answer)
    slack, discord = _slack_text(answer), _discord_text(answer)
    for fact in _facts(answer):
        assert fact in slack, fact
        assert fact in discord, fact
