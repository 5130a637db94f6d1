"""The desk's history of a brief: reverting asks first, on a page of its own, and only its button reverts."""

from __future__ import annotations

import re
from dataclasses import replace

from conftest import EDITOR
from test_desk import KREMLIN, Served, _csrf, served

__all__ = ["served"]  # the fixture, shared with the desk's other tests


async def test_revert_asks_first_and_only_the_confirmation_reverts(served: Served) -> None:
    """ "Revert to v1" opens a page showing what would change; the brief moves only when that page's button is sent."""
    first = served.newsroom.show(KREMLIN, EDITOR)
    changed = replace(first.brief, summary="The Kremlin now rules out a meeting this year.")
    served.newsroom.push(changed, editor="Ben Okafor", channel="cli")
    await served.sign_in()

    page = (await served.client.get(f"/desk/briefs/{KREMLIN}")).text
    assert f'href="/desk/briefs/{KREMLIN}/revert?to=1"' in page
    assert f'action="/desk/briefs/{KREMLIN}/revert"' not in page  # no button on the history changes the brief

    confirm = await served.client.get(f"/desk/briefs/{KREMLIN}/revert?to=1")
    assert confirm.status_code == 200
    assert "Revert to v1?" in confirm.text
    assert "rules out a meeting" in confirm.text  # what would go
    assert served.newsroom.show(KREMLIN, EDITOR).number == 2  # asking changed nothing

    unconfirmed = await served.client.post(
        f"/desk/briefs/{KREMLIN}/revert", data={"csrf": _csrf(confirm.text), "number": "1", "current": "2"}
    )
    assert (unconfirmed.status_code, unconfirmed.headers["Location"]) == (303, f"/desk/briefs/{KREMLIN}/revert?to=1")
    assert served.newsroom.show(KREMLIN, EDITOR).number == 2

    form = dict(re.findall(r'name="(csrf|number|current|confirm)" value="([^"]*)"', confirm.text))
    assert form["confirm"] == "yes"
    reverted = await served.client.post(f"/desk/briefs/{KREMLIN}/revert", data=form)
    assert (reverted.status_code, reverted.headers["Location"]) == (303, f"/desk/briefs/{KREMLIN}")
    latest = served.newsroom.show(KREMLIN, EDITOR)
    assert (latest.number, latest.brief.summary, latest.editor, latest.channel) == (
        3,
        first.brief.summary,
        "Anna Kowalski",
        "desk",
    )


async def test_a_revert_to_a_version_that_does_not_exist_is_not_found(served: Served) -> None:
    """Asking to revert to a version the brief never had answers 404, not a page that offers it."""
    await served.sign_in()
    assert (await served.client.get(f"/desk/briefs/{KREMLIN}/revert?to=99")).status_code == 404
    assert (await served.client.get(f"/desk/briefs/{KREMLIN}/revert?to=one")).status_code == 404
