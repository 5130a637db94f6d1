"""The per-person question limit: a burst is fine, a runaway script is told politely to slow down."""

from __future__ import annotations

import json

import pytest
from conftest import REPORTER
from fake_slack import signed_headers, slash_body
from slack_harness import Served

from bot.errors import RateLimited
from bot.limits import FORGET_AFTER, RateLimiter
from bot.newsroom import Asker, Newsroom


class Ticks:
    """A settable monotonic clock, in seconds."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_up_to_the_limit_is_allowed_and_the_next_refused_until_it_refills() -> None:
    """Six a minute: six at once pass, the seventh waits ten seconds (one question's worth of refill)."""
    ticks = Ticks()
    limiter = RateLimiter(6, clock=ticks)
    assert [limiter.allow("anna") for _ in range(7)] == [True] * 6 + [False]
    ticks.now += 5
    assert limiter.allow("anna") is False
    ticks.now += 5
    assert limiter.allow("anna") is True
    assert limiter.allow("ben") is True  # each person has their own allowance


def test_memory_stays_bounded_even_when_every_asker_is_recent() -> None:
    """Past FORGET_AFTER askers in a minute, the one heard from least lately is forgotten; a busy one stays limited."""
    ticks = Ticks()
    limiter = RateLimiter(2, clock=ticks)
    assert [limiter.allow("busy") for _ in range(3)] == [True, True, False]
    for n in range(FORGET_AFTER + 50):
        limiter.allow(f"once-{n}")
        if n % 1000 == 0:
            assert limiter.allow("busy") is False
    assert len(limiter) == FORGET_AFTER
    assert limiter.allow("busy") is False


def test_the_newsroom_refuses_questions_beyond_the_limit_with_a_polite_message(newsroom: Newsroom) -> None:
    """With a limit set, a person's questions past it raise RateLimited saying how many a minute is allowed."""
    newsroom.limit_questions(3)
    for _ in range(3):
        newsroom.ask("fed rates", REPORTER)
    with pytest.raises(RateLimited, match="more than 3 questions a minute"):
        newsroom.ask("fed rates", REPORTER)
    newsroom.ask("fed rates", Asker("someone else"))
    newsroom.limit_questions(0)
    newsroom.ask("fed rates", REPORTER)


async def test_a_runaway_slack_user_gets_a_polite_message_and_others_are_still_answered(served: Served) -> None:
    """Past the limit, /brief answers with the slow-down message; a colleague's question is answered as usual."""
    served.newsroom.limit_questions(2)
    replies = []
    for user in ("U1", "U1", "U1", "U2"):
        body = slash_body("latest Kremlin stance on a Trump meeting", served.fake.response_url(), user_id=user)
        status, reply, _ = await served.post(body, signed_headers(body))
        assert status == 200
        replies.append(json.loads(reply)["text"])
    assert replies[2].startswith("You're asking faster than I can keep up with")
    assert replies[3] == replies[0] == "Kremlin says it remains open to a Putin-Trump meeting"
