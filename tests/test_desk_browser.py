"""The editors' desk in a real browser: Debian's headless Chromium driven by Playwright, against ``briefbot serve``.

Each page is checked with axe-core (vendored in tests/vendor/axe-core) for serious or critical accessibility
problems, and saved as a screenshot under ``test-output/desk/`` (ignored by git). Without a Chromium on the
PATH, or without Playwright, these tests are skipped and say why.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import REPO, SAMPLE_BRIEFS
from test_cli import run
from test_serve import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip(
        "no Chromium found on the PATH (Debian: apt-get install chromium), so the desk's browser tests are skipped",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')")

ANNA = "anna-token-0123456789"
BEN = "ben-token-0123456789ab"
AXE = (REPO / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
SHOTS = REPO / "test-output" / "desk"
GAP_QUESTION = "lunar mining treaty talks"
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'
KEYBOARD_GAP = "orbital debris tax proposal"
FOCUS_SHOWN = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``briefbot serve`` with two editors' tokens over the sample briefs and a month of questions; its base URL."""
    folder = tmp_path_factory.mktemp("desk")
    store = folder / "store"
    assert run(store, "import", str(SAMPLE_BRIEFS)).returncode == 0
    _a_month_of_questions(store)
    env = {"BRIEFBOT_STORE": str(store), "BRIEFBOT_API_TOKENS": f"Anna Kowalski={ANNA},Ben Okafor={BEN}"}
    with running_server(folder, env=env) as (url, _):
        for question in ("school bus driver shortage", "bus driver shortage in schools", "measles school outbreak"):
            assert _ask(url, question)["status"] == "no_match"
        yield url


def _a_month_of_questions(store: Path) -> None:
    """Outcomes as a month of reporters' questions would leave them, so the overview has something to draw."""
    now = datetime.now(UTC)
    lines = []
    for day in range(30):
        when = now - timedelta(days=29 - day, hours=1)
        answered, choices, missed = 6 + (day * 7) % 11, day % 4, (day * 5) % 6
        briefs = [
            "kremlin-open-to-putin-trump-meeting",
            "fed-rate-outlook-november",
            "eu-sanctions-new-russia-package",
            "riverton-city-budget-vote",
        ]
        for n in range(answered):
            lines.append({"at": when.isoformat(), "outcome": "answer", "brief": briefs[(n + day) % 4 if n % 2 else 0]})
        lines += [{"at": when.isoformat(), "outcome": "ambiguous", "brief": None}] * choices
        lines += [{"at": when.isoformat(), "outcome": "no_match", "brief": None}] * missed
    (store / "outcomes.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system's package, never a downloaded one."""
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


def _check(page: Any, name: str) -> None:
    """Save a screenshot of the page and run axe-core on it: no serious or critical violations."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.evaluate(AXE)  # evaluated by the test through the browser's debugging protocol, not by the page
    results = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results]
    serious = [v for v in serious if v[1] in ("serious", "critical")]
    assert serious == [], f"{name}: {serious}"


def _sign_in(page: Any, url: str, token: str = ANNA) -> None:
    page.goto(f"{url}/desk")
    assert page.url.endswith("/desk/signin")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/desk")


def _ask(url: str, question: str) -> dict[str, Any]:
    """A reporter's question over the API (answered as reporters see briefs, whoever's token)."""
    response = httpx.get(f"{url}/api/ask", params={"q": question}, headers={"Authorization": f"Bearer {BEN}"})
    result: dict[str, Any] = response.json()
    return result


def test_an_editor_fills_a_gap_marks_a_stale_brief_merges_an_edit_and_signs_out(desk: str, browser: Any) -> None:
    """From a reporter's unanswered question to a brief that answers the next one, then stale, merge and sign out."""
    page = browser.new_page()
    page.goto(f"{desk}/desk/signin")
    _check(page, "signin")
    _sign_in(page, desk)
    _check(page, "overview")

    assert _ask(desk, GAP_QUESTION)["status"] == "no_match"
    page.get_by_role("link", name="Gaps", exact=True).click()
    assert page.get_by_text(f"“{GAP_QUESTION}”").is_visible()
    _check(page, "gaps")
    page.locator(".card", has_text=GAP_QUESTION).get_by_role("link", name="Start a brief").click()
    assert page.get_by_label("Title").input_value() == "Lunar mining treaty talks"
    page.get_by_label("Bottom line").fill("Talks on a lunar mining treaty open in Vienna on 9 December.")
    page.get_by_label("Body (Markdown)").fill("## Key points\n- Talks open on 9 December.\n- Twelve states take part.")
    page.get_by_label("Desk", exact=True).fill("Science")
    _check(page, "new")
    page.get_by_role("button", name="Push").click()
    page.wait_for_url(f"{desk}/desk/briefs/lunar-mining-treaty-talks")
    _check(page, "brief")
    page.goto(f"{desk}/desk/gaps")
    assert page.get_by_text(GAP_QUESTION).count() == 0  # the brief started from the gap filled it
    answer = _ask(desk, GAP_QUESTION)
    assert (answer["status"], answer["brief"]["id"]) == ("answer", "lunar-mining-treaty-talks")

    page.get_by_role("link", name="Stale", exact=True).click()
    _check(page, "stale")
    first = page.locator(".card h2").first.inner_text()
    first_id = page.locator(".card h2 a").first.get_attribute("href").rsplit("/", 1)[-1]
    page.locator(".card").first.get_by_label("Review again in").select_option("30")
    before = datetime.now(UTC).date()
    page.get_by_role("button", name=f"Still right: {first}").click()
    page.wait_for_url(f"{desk}/desk/stale")
    assert page.get_by_role("button", name=f"Still right: {first}").count() == 0
    reviewed = httpx.get(f"{desk}/api/briefs/{first_id}", headers={"Authorization": f"Bearer {BEN}"}).json()
    in_30_days = {(day + timedelta(days=30)).isoformat() for day in (before, datetime.now(UTC).date())}
    assert reviewed["review_by"] in in_30_days  # either side of midnight

    page.goto(f"{desk}/desk/briefs/lunar-mining-treaty-talks/edit")
    _check(page, "edit")
    colleague = httpx.get(
        f"{desk}/api/briefs/lunar-mining-treaty-talks", headers={"Authorization": f"Bearer {BEN}"}
    ).json()
    colleague["summary"] = "Talks on a lunar mining treaty open in Vienna on 9 December; Ben checked the agenda."
    put = httpx.put(
        f"{desk}/api/briefs/lunar-mining-treaty-talks",
        json=colleague,
        headers={"Authorization": f"Bearer {BEN}", "If-Match": '"1"'},
    )
    assert put.status_code == 200
    page.get_by_label("Tags").fill("space, treaties")
    page.get_by_role("button", name="Push").click()
    assert page.get_by_text("Their version: v2 by Ben Okafor").is_visible()
    assert page.get_by_label("Tags").input_value() == "space, treaties"  # what was typed is kept
    _check(page, "conflict")
    page.get_by_label("Bottom line").fill(colleague["summary"])
    page.get_by_role("button", name="Push").click()
    page.wait_for_url(f"{desk}/desk/briefs/lunar-mining-treaty-talks")
    page.goto(f"{desk}/desk/briefs/lunar-mining-treaty-talks?a=1&b=3#compare")
    assert page.get_by_text("v1 and v3 side by side").is_visible()
    _check(page, "history")

    page.get_by_role("link", name="Briefs", exact=True).click()
    page.get_by_label("Search").fill("lunar mining")
    page.get_by_role("button", name="Show").click()
    _check(page, "briefs")
    assert page.locator(".card").count() == 1

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{desk}/desk/signin")
    page.goto(f"{desk}/desk/stale")
    assert page.url.endswith("/desk/signin")
    page.close()


def test_a_hostile_brief_is_shown_as_text_and_runs_no_script(desk: str, browser: Any) -> None:
    """A brief whose title and body hold markup shows it as typed, and the page's script flag stays unset."""
    brief = {
        "id": "hostile-desk-brief",
        "title": f"Hostile {HOSTILE}",
        "summary": f"Bottom line {HOSTILE}.",
        "updated": datetime.now(UTC).isoformat(),
        "body": f"## Key points\n- {HOSTILE}",
    }
    put = httpx.put(f"{desk}/api/briefs/hostile-desk-brief", json=brief, headers={"Authorization": f"Bearer {ANNA}"})
    assert put.status_code == 201, put.text
    page = browser.new_page()
    _sign_in(page, desk)
    for path in ("/desk/briefs/hostile-desk-brief", "/desk/briefs", "/desk/briefs/hostile-desk-brief/edit"):
        page.goto(f"{desk}{path}")
        assert page.evaluate("window.pwned") is None, path
    page.goto(f"{desk}/desk/briefs/hostile-desk-brief")
    assert page.get_by_role("heading", level=1).inner_text() == f"Hostile {HOSTILE}"
    _check(page, "hostile")
    page.close()


def test_every_page_fits_a_phone_and_signing_in_needs_only_a_keyboard(desk: str, browser: Any) -> None:
    """At 375 px wide no page scrolls sideways, and an editor signs in with Tab, typing and Enter alone."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{desk}/desk/signin")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "token":
            break
    page.keyboard.type(ANNA)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk")
    for name, path in [
        ("phone-overview", "/desk"),
        ("phone-gaps", "/desk/gaps"),
        ("phone-stale", "/desk/stale"),
        ("phone-briefs", "/desk/briefs"),
        ("phone-brief", "/desk/briefs/kremlin-open-to-putin-trump-meeting?a=1&b=1"),
        ("phone-new", "/desk/new"),
    ]:
        page.goto(f"{desk}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        _check(page, name)
    page.close()


def _tab_to(page: Any, found: str, most: int = 60) -> None:
    """Press Tab until ``found`` (a script over the focused element ``e``) holds, each stop visibly focused."""
    for _ in range(most):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_SHOWN), page.evaluate("document.activeElement.outerHTML")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return Boolean({found}); }})()"):
            return
    raise AssertionError(f"no focusable element where {found} in {most} presses of Tab")


def test_an_editor_fills_a_gap_and_reverts_with_the_keyboard_alone(desk: str, browser: Any) -> None:
    """Without a mouse: skip to the page, reach Gaps, start a brief from a gap, fill it, push, revert and sign out."""
    assert _ask(desk, KEYBOARD_GAP)["status"] == "no_match"
    page = browser.new_page()
    page.goto(f"{desk}/desk/signin")
    _tab_to(page, "e.id === 'token'")
    page.keyboard.type(ANNA)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk")

    page.keyboard.press("Tab")  # the first stop is the skip link, shown when focused
    assert page.evaluate("document.activeElement.textContent") == "Skip to the page"
    assert page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0
    _tab_to(page, "e.textContent === 'Gaps'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk/gaps")
    _tab_to(page, f"e.textContent === 'Start a brief' && e.closest('.card').textContent.includes('{KEYBOARD_GAP}')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk/new?*")
    assert page.get_by_label("Title").input_value() == "Orbital debris tax proposal"
    _tab_to(page, "e.id === 'f-summary'")
    page.keyboard.type("A tax on orbital debris is proposed by the space agency; a vote is due in March.")
    page.keyboard.press("Tab")
    page.keyboard.type("## Key points\n- The tax is per object left in orbit.")
    _tab_to(page, "e.textContent === 'Push'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk/briefs/orbital-debris-tax-proposal")

    page.goto(f"{desk}/desk/briefs/orbital-debris-tax-proposal/edit")
    _tab_to(page, "e.id === 'f-tags'")
    page.keyboard.type("space, tax")
    page.keyboard.press("Enter")  # Enter in a field sends the form, as everywhere
    page.wait_for_url(f"{desk}/desk/briefs/orbital-debris-tax-proposal")
    _tab_to(page, "e.textContent === 'Revert to v1'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk/briefs/orbital-debris-tax-proposal/revert?to=1")
    _check(page, "revert")
    _tab_to(page, "e.tagName === 'BUTTON' && e.textContent === 'Revert to v1'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk/briefs/orbital-debris-tax-proposal")
    assert page.locator("main p").first.inner_text() == "orbital-debris-tax-proposal · v3 · published"
    answer = _ask(desk, KEYBOARD_GAP)
    assert (answer["status"], answer["brief"]["id"]) == ("answer", "orbital-debris-tax-proposal")

    page.goto(f"{desk}/desk")
    _tab_to(page, "e.textContent === 'Sign out'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{desk}/desk/signin")
    page.close()
