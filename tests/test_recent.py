"""Recent ids: a repeated delivery is recognised while it is recent, and memory stays bounded."""

from __future__ import annotations

from adapters.recent import RecentIds


def test_ids_older_than_the_max_age_are_forgotten() -> None:
    """An event id seen over an hour ago counts as new again; one seen within the hour does not."""
    now = [0.0]
    recent = RecentIds(100, max_age=3600, clock=lambda: now[0])
    assert recent.first_time("Ev1") is True
    now[0] = 60
    assert recent.first_time("Ev1") is False
    assert recent.first_time("Ev2") is True
    now[0] = 3630
    assert recent.first_time("Ev1") is True
    assert recent.first_time("Ev2") is False
