"""One Answer, two platforms: the Slack and Discord renderings carry the same facts and offer the same buttons."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from conftest import REPORTER
from fake_slack import iter_texts
from test_discord_render import as_shown, shown

from adapters.discord.full_brief import render_full_brief
from adapters.discord.messages import parse_custom_id
from adapters.discord.render import render_answer as discord_answer
from adapters.slack.full_brief import full_brief_messages
from adapters.slack.render import answer_message as slack_answer
from bot import wording
from bot.answers import Answer, Outcome
from bot.body import LineKind
from bot.newsroom import Newsroom
from bot.view import view_of

FED = "fed-holds-rates-september"
FED_QUESTION = "Fed holds interest rates steady in September"
SLACK_ACTIONS = {"brief_show": "show", "brief_share": "share", "brief_full": "full"}


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


def test_the_full_brief_of_a_stale_brief_shows_the_same_on_both(newsroom: Newsroom) -> None:
    """Full brief on either platform gives the stale warning, the bottom line, every body line and the sources."""
    kremlin = newsroom.show("kremlin-open-to-putin-trump-meeting", REPORTER).brief
    newsroom.push(replace(kremlin, review_by=date(2026, 1, 1)), editor="Anna", channel="test")
    answer = newsroom.answer_brief(kremlin.id, REPORTER)
    slack = "\n".join(text for message in full_brief_messages(answer) for text in iter_texts(list(message.blocks)))
    slack = re.sub(r"<([^|>]+)\|([^>]*)>", r"\2 \1", slack).replace("&lt;", "<").replace("&gt;", ">")
    slack = slack.replace("&amp;", "&")
    discord = as_shown("\n".join(shown(reply) for reply in render_full_brief(answer)))
    warning = wording.stale_warning(answer)
    assert warning
    facts = [warning, kremlin.summary, *(s.title for s in kremlin.sources)]
    facts += [line.text for line in view_of(kremlin).lines if line.kind is not LineKind.BLANK]
    for fact in facts:
        assert fact in slack, fact
        assert fact in discord, fact


Button = tuple[str, str, str]
"""What a button offers: its action (show, share, full), the brief it names, and its label."""


def _slack_buttons(answer: Answer) -> list[Button]:
    """The buttons Slack shows, in order, with Slack's escapes undone in their labels."""
    buttons = []
    for block in slack_answer(answer, shareable=True).blocks:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            label = element["text"]["text"].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            action = SLACK_ACTIONS[element["action_id"].partition(":")[0]]
            buttons.append((action, json.loads(element["value"])["id"], label))
    return buttons


def _discord_buttons(answer: Answer) -> list[Button]:
    """The buttons Discord shows, in order."""
    buttons = []
    for button in discord_answer(answer, shareable=True).buttons:
        parsed = parse_custom_id(button.custom_id)
        assert parsed is not None
        action, brief_id = parsed
        buttons.append((action.value, brief_id, button.label))
    return buttons


def _by_action(buttons: list[Button]) -> dict[str, list[Button]]:
    """Buttons grouped by what they do, each group in order (Slack puts the choices first, Discord last)."""
    return {action: [b for b in buttons if b[0] == action] for action in ("show", "share", "full")}


def _twins(newsroom: Newsroom, *, desk: str | None, days: int = 3) -> tuple[str, str]:
    """A second brief titled exactly as the Fed brief, ``days`` older; the two titles and the copy's id."""
    fed = newsroom.show(FED, REPORTER).brief
    twin = replace(fed, id=f"{FED}-wire", desk=desk, updated=fed.updated - timedelta(days=days))
    newsroom.push(twin, editor="Anna", channel="test")
    return fed.title, twin.id


@pytest.mark.parametrize(
    "question",
    [
        "latest Kremlin stance on a Trump meeting",
        "Fed holds interest rates steady in September",
        "fed rates",
        "Brazil election runoff results",
        "latest Fed rates",
    ],
)
def test_slack_and_discord_offer_the_same_buttons_for_one_answer(newsroom: Newsroom, question: str) -> None:
    """Share, Full brief and one button per choice: the same actions, briefs and labels on both platforms."""
    answer = newsroom.ask(question, REPORTER)
    slack, discord = _by_action(_slack_buttons(answer)), _by_action(_discord_buttons(answer))

    assert slack == discord
    assert [brief_id for _, brief_id, _ in slack["show"]] == [choice.brief_id for choice in answer.alternatives]
    assert sum(map(len, slack.values())) > 0


@pytest.mark.parametrize(
    ("desk", "days", "detail"),
    [
        ("Markets", 3, (" (16 Sep 2026, Economy desk)", " (13 Sep 2026, Markets desk)")),
        (None, 3, (" (16 Sep 2026, Economy desk)", " (13 Sep 2026)")),
        ("Economy", 0, (" (16 Sep 2026, Economy desk, {fed})", " (16 Sep 2026, Economy desk, {twin})")),
    ],
    ids=["other desk and day", "no desk", "same day and desk"],
)
def test_two_choices_with_one_title_are_told_apart_on_both_platforms(
    newsroom: Newsroom, desk: str | None, days: int, detail: tuple[str, str]
) -> None:
    """Choices sharing a title carry the day, desk (and, if those match too, the id) in buttons and lists alike."""
    title, twin = _twins(newsroom, desk=desk, days=days)
    answer = newsroom.ask(FED_QUESTION, REPORTER)
    assert answer.outcome is Outcome.AMBIGUOUS
    ids = [choice.brief_id for choice in answer.alternatives]
    assert set(ids[:2]) == {FED, twin}
    details = dict(zip((FED, twin), (d.format(fed=FED, twin=twin) for d in detail), strict=True))

    slack, discord = _slack_buttons(answer), _discord_buttons(answer)
    assert slack == discord
    labels = [label for _, _, label in slack]
    assert len(set(labels)) == len(labels)
    for brief_id, label in zip(ids[:2], labels, strict=False):
        assert label.endswith(details[brief_id])
        assert label.startswith(wording.clip(title, wording.CHOICE_LABEL_LIMIT - len(details[brief_id]))[:20])
        assert len(label) <= wording.CHOICE_LABEL_LIMIT
    for listed in (_slack_text(answer), _discord_text(answer)):
        for brief_id in ids[:2]:
            assert f"{title}{details[brief_id]}" in listed


def test_a_choice_whose_title_is_unique_keeps_its_plain_title(newsroom: Newsroom) -> None:
    """Only titles that repeat get details: the other choices are named by their title alone."""
    answer = newsroom.ask("fed rates", REPORTER)
    assert answer.outcome is Outcome.AMBIGUOUS

    assert [label for _, _, label in _slack_buttons(answer)] == [choice.title for choice in answer.alternatives]
