"""``GET /metrics``: what one briefbot process did, in Prometheus's text format, for a scraper to collect.

Each server keeps a registry of its own (so two servers in one process, as in tests, never share counts).
The newsroom tells ``Metrics`` of every question, push and conflict (``bot.observing``); the notification
lag is measured as each new version reaches this process; the database pool's figures, this process's
lag behind the database and the shared outbox's counts are read when the page is asked for. The names are
listed in the README's "Running in production".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import datetime

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.errors import StoreUnwritable
from bot.newsroom import Newsroom, Update

__all__ = ["ANSWER_BUCKETS", "LAG_BUCKETS", "Metrics"]

ANSWER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
"""Seconds: most answers take a few milliseconds from memory; the README's target is p99 under 100 ms."""
LAG_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
"""Seconds from a push to this process taking the version in: the issue's target is within a second."""

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""Prometheus's classic text format, which ``generate_latest`` writes and every Prometheus version reads."""

POOL_GAUGES = {
    "pool_size": "connections the pool holds now, in use or idle",
    "pool_available": "idle connections ready in the pool",
    "pool_max": "the most connections the pool may open",
    "requests_waiting": "requests waiting for a connection now",
}
POOL_COUNTERS = {
    "requests_num": "requests for a connection since the start",
    "requests_queued": "requests that had to wait for a connection",
    "requests_errors": "requests for a connection that failed",
    "connections_errors": "attempts to connect that failed",
    "connections_lost": "connections found broken and replaced",
}


class Metrics:
    """The counters and histograms of one server, fed by its newsroom (an ``Observer``) and its listener."""

    def __init__(self, newsroom: Newsroom, clock: Callable[[], datetime], lag: Callable[[], float | None]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._clock = clock
        self.questions = Counter(
            "briefbot_questions", "Questions, by outcome (answer, ambiguous, no_match, limited).", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.answer_seconds = Histogram(
            "briefbot_answer_seconds", "Time to answer one question, in the core.", buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )  # fmt: skip
        self.pushes = Counter(
            "briefbot_pushes", "Pushes through this process, by result (stored, unchanged).", ["result"],
            registry=self.registry,
        )  # fmt: skip
        self.conflicts = Counter(
            "briefbot_conflicts", "Pushes refused because they were based on an older version.", registry=self.registry
        )
        self.notification_lag = Histogram(
            "briefbot_notification_lag_seconds", "Time from a version being pushed to this process taking it in.",
            buckets=LAG_BUCKETS, registry=self.registry,
        )  # fmt: skip
        for outcome in ("answer", "ambiguous", "no_match", "limited"):
            self.questions.labels(outcome)  # every series shown from the start, at 0
        for result in ("stored", "unchanged"):
            self.pushes.labels(result)
        self.registry.register(_StoreCollector(newsroom, lag))
        newsroom.observe(self)
        newsroom.subscribe(self._taken_in)

    # bot.observing.Observer

    def asked(self, outcome: str, seconds: float) -> None:
        """Count a question and time its answer."""
        self.questions.labels(outcome).inc()
        self.answer_seconds.observe(seconds)

    def limited(self) -> None:
        """Count a question refused by the rate limit."""
        self.questions.labels("limited").inc()

    def pushed(self, changed: bool) -> None:
        """Count a push."""
        self.pushes.labels("stored" if changed else "unchanged").inc()

    def conflicted(self) -> None:
        """Count a push refused for a conflict."""
        self.conflicts.inc()

    def _taken_in(self, update: Update) -> None:
        self.notification_lag.observe(max(0.0, (self._clock() - update.version.pushed_at).total_seconds()))

    async def handle(self, request: web.Request) -> web.Response:
        """``GET /metrics``; the pool's figures and the lag are read off the event loop (they may ask the database)."""
        body = await asyncio.to_thread(generate_latest, self.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


class _StoreCollector(Collector):
    """Read at every scrape: the database pool's figures (on PostgreSQL) and this process's lag behind the database."""

    def __init__(self, newsroom: Newsroom, lag: Callable[[], float | None]) -> None:
        self._newsroom = newsroom
        self._lag = lag

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        pool = getattr(self._newsroom.store, "pool", None)
        if pool is not None:
            stats = pool.get_stats()
            for name, help_text in POOL_GAUGES.items():
                yield GaugeMetricFamily(f"briefbot_db_{name}", help_text.capitalize() + ".", value=stats.get(name, 0))
            for name, help_text in POOL_COUNTERS.items():
                yield CounterMetricFamily(f"briefbot_db_{name}", help_text.capitalize() + ".", value=stats.get(name, 0))
        yield from _outbox_gauges(self._newsroom)
        lag = self._lag()
        if lag is not None:
            yield GaugeMetricFamily(
                "briefbot_replica_lag_seconds",
                "Seconds since the oldest version in the database this process has not taken in yet (0: none).",
                value=lag,
            )


def _outbox_gauges(newsroom: Newsroom) -> Iterator[GaugeMetricFamily]:
    """The shared outbox's follow messages by platform: waiting, and given up in the last day (none posted them
    within the hour); nothing for a store one process serves, or while the database cannot be reached."""
    outbox = newsroom.store.outbox
    if outbox is None:
        return
    try:
        counts = outbox.counts()
    except StoreUnwritable:
        return
    for name, help_text, by_platform in (
        ("briefbot_outbox_waiting", "Follow messages waiting to be posted, by platform.", counts.waiting),
        (
            "briefbot_outbox_expired",
            "Follow messages given up in the last day: no replica serving their platform posted them within the hour.",
            counts.expired,
        ),
    ):
        family = GaugeMetricFamily(name, help_text, labels=["platform"])
        for platform, count in sorted(by_platform.items()):
            family.add_metric([platform], count)
        yield family
