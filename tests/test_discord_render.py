"""Discord rendering: the same facts as every other surface, and never a message Discord would refuse."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from conftest import NOW, REPORTER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console import render_answer as console_answer
from adapters.discord.full_brief import FULL_BRIEF_MESSAGES, render_full_brief
from adapters.discord.messages import (
    BUTTON_LABEL_LIMIT,
    CUSTOM_ID_LIMIT,
    Action,
    DiscordReply,
    custom_id,
    parse_custom_id,
)
from adapters.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_PER_EMBED,
    FOOTER_LIMIT,
    FULL_BRIEF_LABEL,
    SHARE_LABEL,
    TITLE_LIMIT,
    render_answer,
    render_notice,
    render_reply,
)
from bot import wording
from bot.answers import Answer, Choice, Outcome, answer_with
from bot.briefs import MAX_ID_LENGTH, Brief, Source
from bot.chat import Reply, ReplyKind
from bot.newsroom import Newsroom
from bot.store import Version

KREMLIN = "kremlin-open-to-putin-trump-meeting"


def check_limits(reply: DiscordReply) -> None:
    """Every Discord limit on one message: content, embeds and their parts, the 6,000 total, and buttons."""
    assert len(reply.content) <= CONTENT_LIMIT
    assert len(reply.embeds) <= EMBEDS_PER_MESSAGE
    assert sum(len(embed) for embed in reply.embeds) <= EMBED_TOTAL_LIMIT
    for embed in reply.embeds:
        assert len(embed.title or "") <= TITLE_LIMIT
        assert 0 < len((embed.description or "").strip()) <= DESCRIPTION_LIMIT
        assert len(embed.fields) <= FIELDS_PER_EMBED
        for embed_field in embed.fields:
            assert 0 < len((embed_field.name or "").strip()) <= FIELD_NAME_LIMIT
            assert 0 < len((embed_field.value or "").strip()) <= FIELD_VALUE_LIMIT
        assert len(embed.footer.text or "") <= FOOTER_LIMIT
    assert reply.content.strip() or reply.embeds
    assert len(reply.buttons) <= 25
    for button in reply.buttons:
        assert len(button.custom_id) <= CUSTOM_ID_LIMIT
        assert 0 < len(button.label.strip()) <= BUTTON_LABEL_LIMIT
    reply.view()  # discord.py accepts the buttons (five to a row, at most five rows)


def shown(reply: DiscordReply) -> str:
    """Everything the message shows, as one text."""
    parts = [reply.content]
    for embed in reply.embeds:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return "\n".join(parts + [button.label for button in reply.buttons])


def as_shown(text: str, *, escaped: bool = True) -> str:
    """Text as Discord shows it: backslash escapes undone, and the zero-width spaces that defuse mentions dropped."""
    if escaped:
        text = re.sub(r"\\([^0-9A-Za-z\s])", r"\1", text)
    return text.replace("\u200b", "")


def answer_for(brief: Brief, alternatives: tuple[Choice, ...] = ()) -> Answer:
    version = Version(brief, 3, "Anna Kowalski", NOW, 2, "test")
    return answer_with(version, "a question", NOW, 1.0, alternatives)


def brief_with(**fields: object) -> Brief:
    base = Brief(
        id="kremlin-line",
        title="Kremlin line",
        summary="The Kremlin says little.",
        updated=NOW - timedelta(hours=3),
        body="## Key points\n- One.\n- Two.\n",
        editor="Anna Kowalski",
        desk="World",
        sources=(Source("Kremlin briefing", "https://kremlin.example/briefing"),),
    )
    return replace(base, **fields)


# the same facts as the console


@pytest.mark.parametrize(
    "question",
    ["latest Kremlin stance on a Trump meeting", "Fed holds interest rates steady in September", "fed rates",
     "Brazil election runoff results"],
)  # fmt: skip
def test_discord_shows_every_fact_the_console_shows(newsroom: Newsroom, question: str) -> None:
    """Title, provenance, stale warning, bottom line, key points, sources and every choice reach Discord too."""
    answer = newsroom.ask(question, REPORTER)
    text = shown(render_answer(answer))

    facts = [choice.title for choice in answer.alternatives]
    if answer.outcome is Outcome.ANSWER:
        assert answer.freshness is not None
        facts += [answer.headline or "", answer.bottom_line or "", wording.freshness_line(answer.freshness, NOW)]
        facts += list(answer.key_points) + [s.title for s in answer.sources] + [s.url for s in answer.sources]
        facts += [wording.stale_warning(answer) or ""]
    for fact in facts:
        assert fact in text
        assert fact in console_answer(answer)


def test_a_stale_brief_carries_its_warning_first_and_a_fresh_one_none(newsroom: Newsroom) -> None:
    """Past review_by the warning opens the description; a fresh brief has none."""
    stale = render_answer(newsroom.answer_brief("fed-holds-rates-september", REPORTER))
    fresh = render_answer(newsroom.answer_brief(KREMLIN, REPORTER))

    assert (stale.embeds[0].description or "").startswith("\u26a0 Past its review date (2026-10-28)")
    assert "Past its review date" not in shown(fresh)


def test_the_answer_embed_is_laid_out_as_documented(newsroom: Newsroom) -> None:
    """Title, bottom line then key points, sources as links, also-relevant titles and the provenance footer."""
    answer = newsroom.ask("latest Kremlin stance on a Trump meeting", REPORTER)
    (embed,) = render_answer(answer).embeds

    assert embed.title == "Kremlin says it remains open to a Putin-Trump meeting"
    assert (embed.description or "").startswith(answer.bottom_line or "")
    assert "\n\n**Key points**\n- Kremlin spokesman Dmitry Peskov" in (embed.description or "")
    assert [f.name for f in embed.fields] == ["Sources", "Also relevant"]
    assert embed.fields[0].value.splitlines()[0] == (
        "- [Kremlin press briefing, 24 November](http://en.kremlin.ru/events/president/news)"
    )
    assert embed.footer.text == "v1 · updated a day ago by Anna Kowalski (pushed by briefbot samples), World desk"


def test_choices_and_suggestions_come_as_buttons_showing_each_brief(newsroom: Newsroom) -> None:
    """Ambiguous and no-match replies offer one show button per brief, labelled with its title (cut as on Slack)."""
    for question in ("fed rates", "Brazil election runoff results"):
        answer = newsroom.ask(question, REPORTER)
        reply = render_answer(answer)
        assert answer.alternatives
        assert [b.custom_id for b in reply.buttons] == [f"brief:show:{c.brief_id}" for c in answer.alternatives]
        assert [b.label for b in reply.buttons] == [
            wording.clip(c.title, wording.CHOICE_LABEL_LIMIT) for c in answer.alternatives
        ]
        assert reply.embeds == ()


def test_share_and_full_brief_buttons_are_offered_when_they_make_sense(newsroom: Newsroom) -> None:
    """Share only where asked for; Full brief only when the embed cannot hold the whole brief."""
    whole = answer_for(brief_with())
    more = answer_for(brief_with(body="## Key points\n- One.\n\n## Quotes\n> Said.\n"))

    assert [b.label for b in render_answer(whole).buttons] == []
    assert [b.label for b in render_answer(whole, shareable=True).buttons] == [SHARE_LABEL]
    assert [b.label for b in render_answer(more).buttons] == [FULL_BRIEF_LABEL]
    assert render_answer(more).buttons[0].custom_id == "brief:full:kremlin-line"


def test_shared_answers_name_the_sharer_as_plain_text() -> None:
    """The shared-by line shows the name with Markdown and mentions defused."""
    reply = render_answer(answer_for(brief_with()), shared_by="*Mara* @everyone <@123456789012345678>")

    assert reply.content == "Shared by \\*Mara\\* @\u200beveryone \\<@\u200b123456789012345678\\>"


def test_only_the_briefs_own_web_links_become_links_and_titles_cannot_break_them() -> None:
    """An http(s) source is a link with its title escaped; any other scheme stays plain text."""
    sources = (
        Source("*Bold* claim] [trap](https://evil.example)", "https://example.org/a_(b)"),
        Source("Internal wiki", "ftp://files.example/brief"),
    )
    (embed,) = render_answer(answer_for(brief_with(sources=sources))).embeds

    lines = embed.fields[0].value.splitlines()
    assert lines[0] == "- [\\*Bold\\* claim\\] \\[trap\\](https\\://evil.example)](https://example.org/a_%28b%29)"
    assert lines[1] == "- Internal wiki"


def test_custom_ids_fit_discord_and_read_back() -> None:
    """Every action on the longest possible brief id fits in 100 characters and parses back; others are not ours."""
    longest = "a" * MAX_ID_LENGTH
    for action in Action:
        value = custom_id(action, longest)
        assert len(value) <= CUSTOM_ID_LIMIT
        assert parse_custom_id(value) == (action, longest)
    for foreign in ("brief:delete:x", "brief:show:", "brief:show:Bad_Id", "poll:show:x", "brief:show:" + "a" * 81):
        assert parse_custom_id(foreign) is None


def test_help_and_notices_are_plain_messages() -> None:
    """Help is the shared help text; a notice is clipped to the content limit."""
    assert render_reply(Reply(ReplyKind.HELP, wording.HELP)) == DiscordReply(content=wording.HELP)
    assert len(render_notice("x" * 5000).content) == CONTENT_LIMIT


# limits


def test_a_huge_brief_is_cut_within_every_limit_and_offers_the_full_brief() -> None:
    """A brief far over every limit renders as a legal message that says so with a Full brief button."""
    brief = brief_with(
        title="Title " * 100,
        summary="Summary " * 1000,
        body="## Key points\n" + "".join(f"- Point {n} " + "x" * 300 + "\n" for n in range(60)),
        editor="Editor " * 400,
        desk="Desk " * 400,
        review_by=date(2026, 1, 1),
        sources=tuple(Source(f"Source {n} " * 30, f"https://example.org/{n}/" + "p" * 200) for n in range(40)),
    )
    alternatives = tuple(Choice(f"alt-{n}", "Alternative " * 30, 1.0, NOW) for n in range(3))
    answer = answer_for(brief, alternatives)

    reply = render_answer(answer, shareable=True, shared_by="name " * 100)
    check_limits(reply)
    assert FULL_BRIEF_LABEL in [b.label for b in reply.buttons]
    assert (reply.embeds[0].description or "").startswith("\u26a0 Past its review date")
    pages = render_full_brief(answer)
    assert len(pages) > 1
    for page in pages:
        check_limits(page)


def test_the_provenance_footer_fits_whichever_message_it_ends() -> None:
    """Where the last message packs two pages, near 6,000 characters, the footer under them still fits."""
    paragraphs = ["Paragraph: " + "the Kremlin said more " * 40] * 4
    for tail in range(2200, 2400, 4):
        brief = brief_with(body="\n".join([*paragraphs, "x" * tail]), editor="Anna Kowalski " * 5)
        for page in render_full_brief(answer_for(brief)):
            check_limits(page)


def test_the_full_brief_is_whole_up_to_the_cap_and_past_it_says_where_the_rest_is() -> None:
    """A brief that fills the capped number of messages has no note; a longer one stops there and names the rest."""
    paragraphs = [f"Paragraph {n}: " + "the Kremlin said more " * 40 for n in range(200)]
    rest = wording.FULL_BRIEF_REST.format(platform="Discord", brief_id="kremlin-line")
    # The longest brief that still fits: one paragraph more and it would not.
    whole = next(
        pages
        for count in range(len(paragraphs), 0, -1)
        if not (pages := render_full_brief(answer_for(brief_with(body="\n".join(paragraphs[:count])))))[-1].content
    )
    over = render_full_brief(answer_for(brief_with(body="\n".join(paragraphs))))

    assert len(whole) == FULL_BRIEF_MESSAGES
    assert all(page.content == "" for page in whole)
    assert len(over) == FULL_BRIEF_MESSAGES
    assert [page.content for page in over] == [""] * (FULL_BRIEF_MESSAGES - 1) + [rest]
    assert (over[-1].embeds[-1].footer.text or "").startswith("v3 · updated")


# Any text on one line (line breaks come from the list of lines); surrogates cannot be sent at all.
_characters = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"))
_text = st.text(_characters, min_size=1, max_size=3000).filter(str.strip)
_line = st.one_of(
    _text.map(lambda t: "- " + " ".join(t.split())),
    _text.map(lambda t: "## " + " ".join(t.split())),
    _text,
    st.just(""),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    title=_text,
    summary=_text,
    lines=st.lists(_line, max_size=12),
    sources=st.lists(st.tuples(_text, st.sampled_from(["https://example.org/", "http://x.example/", "ftp://y/"])),
                     max_size=8),
    editor=st.none() | _text,
    desk=st.none() | _text,
    stale=st.booleans(),
    alternatives=st.lists(_text, max_size=3),
    shared_by=st.none() | _text,
)  # fmt: skip
def test_any_brief_renders_within_every_limit_and_the_full_brief_loses_nothing(
    title: str,
    summary: str,
    lines: list[str],
    sources: list[tuple[str, str]],
    editor: str | None,
    desk: str | None,
    stale: bool,
    alternatives: list[str],
    shared_by: str | None,
) -> None:
    """Whatever a brief holds, its answer and each full-brief page fit Discord's limits, and the pages keep all text
    (or, past the cap on messages, say where the rest is)."""
    brief = brief_with(
        title=title,
        summary=summary,
        body="\n".join(lines),
        editor=editor,
        desk=desk,
        review_by=date(2026, 1, 1) if stale else None,
        sources=tuple(Source(name, url + str(n)) for n, (name, url) in enumerate(sources)),
    )
    choices = tuple(Choice(f"alt-{n}", text, 1.0, NOW) for n, text in enumerate(alternatives))
    answer = answer_for(brief, choices)

    check_limits(render_answer(answer, shareable=True, shared_by=shared_by))
    pages = render_full_brief(answer)
    for page in pages:
        check_limits(page)
    if pages[-1].content:  # past the cap: the last message says where the rest is, and nothing more can be checked
        assert (len(pages), pages[-1].content) == (
            FULL_BRIEF_MESSAGES,
            wording.FULL_BRIEF_REST.format(platform="Discord", brief_id=brief.id),
        )
        return
    everything = "".join("".join(as_shown(e.description or "").split()) for page in pages for e in page.embeds)
    for line in lines:
        # A heading is shown in bold, without its Markdown hashes.
        text = line.strip().strip("#") if re.match(r"\s{0,3}#{1,6}\s", line) else line
        assert "".join(as_shown(text, escaped=False).split()) in everything
    assert "".join(as_shown(summary, escaped=False).split()) in everything
