"""Brief files: what a good one gives the newsroom, and how every bad one is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.briefs import Brief, Source, Status, brief_to_markdown, load_brief_files, parse_brief, with_key_points
from bot.errors import BriefError, ImportRejected
from bot.newsroom import Newsroom
from bot.store import TinyStore

EASTERN = timezone(timedelta(hours=-5))

GOOD_FRONT = """\
id: riverton-bridge-closure
title: Riverton's Main Street bridge closes for repairs
summary: The Main Street bridge closes on 1 December for six weeks of repairs.
updated: 2026-11-24T16:00:00-05:00
tags: [transport, riverton]
aliases: [Main Street bridge, bridge closure]
review_by: 2026-12-15
editor: Sofia Brandt
desk: Metro
sources:
  - title: City of Riverton notice
    url: https://riverton.example.gov/notices/bridge
  - title: Transit map
    url: http://transit.example.org/map
"""

GOOD_BODY = """\
The city announced the closure on Monday.

## Key points
- The bridge closes on 1 December.
- Buses divert via Oak Avenue.

## Quotes
- "We know it is a hassle," said the mayor.
"""

GOOD = f"---\n{GOOD_FRONT}---\n{GOOD_BODY}"

MINIMAL_FIELDS = {
    "id": "city-budget-vote",
    "title": "City council votes on the budget",
    "summary": "The council votes on the 2027 budget on Tuesday.",
    "updated": "2026-11-24T08:15:00+00:00",
}


def _front(**fields: str | None) -> str:
    """A brief file built from the minimal good fields, with some replaced (a value of None drops the field)."""
    merged = {**MINIMAL_FIELDS, **fields}
    lines = [f"{name}: {value}" for name, value in merged.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\nBody text.\n"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(tmp_path: Path, text: str) -> tuple[Path, BriefError]:
    """Import one file with ``text`` and return the single error the import was refused with."""
    path = _write(tmp_path, "brief.md", text)
    with pytest.raises(ImportRejected) as rejected:
        load_brief_files([path])
    assert len(rejected.value.errors) == 1, rejected.value.errors
    return path, rejected.value.errors[0]


def _assert_names(error: BriefError, path: Path, field: str, *expected: str) -> None:
    message = str(error)
    assert error.origin == str(path)
    assert error.field == field
    assert message.startswith(f"{path}: {field}: expected "), message
    for fragment in expected:
        assert fragment in message, message


# a good brief


def test_good_brief_file_gives_every_field(tmp_path: Path) -> None:
    """A well-formed brief file yields its id, title, summary, tags, aliases, editor, desk, review date and sources."""
    path = _write(tmp_path, "bridge.md", GOOD)
    [loaded] = load_brief_files([path])
    brief = loaded.brief
    assert loaded.origin == str(path)
    assert loaded.warnings == ()
    assert brief.id == "riverton-bridge-closure"
    assert brief.title == "Riverton's Main Street bridge closes for repairs"
    assert brief.summary == "The Main Street bridge closes on 1 December for six weeks of repairs."
    assert brief.tags == ("transport", "riverton")
    assert brief.aliases == ("Main Street bridge", "bridge closure")
    assert brief.review_by == date(2026, 12, 15)
    assert brief.editor == "Sofia Brandt"
    assert brief.desk == "Metro"
    assert brief.sources == (
        Source("City of Riverton notice", "https://riverton.example.gov/notices/bridge"),
        Source("Transit map", "http://transit.example.org/map"),
    )
    assert brief.embargo_until is None
    assert brief.body == GOOD_BODY.strip()


def test_brief_without_status_is_published() -> None:
    """A brief that does not say its status is published to reporters."""
    brief = parse_brief(GOOD, "bridge.md").brief
    assert brief.status is Status.PUBLISHED


def test_updated_keeps_the_editors_time_zone() -> None:
    """The `updated` stamp keeps the time zone the editor wrote, not a converted one."""
    updated = parse_brief(GOOD, "bridge.md").brief.updated
    assert updated == datetime(2026, 11, 24, 16, 0, tzinfo=EASTERN)
    assert updated.utcoffset() == timedelta(hours=-5)


def test_key_points_come_from_the_key_points_section() -> None:
    """The key points are the bullets under "## Key points", not the intro and not later sections."""
    brief = parse_brief(GOOD, "bridge.md").brief
    assert brief.key_points == ("The bridge closes on 1 December.", "Buses divert via Oak Avenue.")


def test_key_points_section_wins_over_an_earlier_bullet_list() -> None:
    """When the body has a bullet list before "## Key points", the key points are still that section's bullets."""
    body = (
        "What changes for readers:\n\n- Detours are signposted.\n\n"
        "## Key points\n- The bridge closes.\n- Buses divert.\n"
    )
    brief = parse_brief(f"---\n{GOOD_FRONT}---\n{body}", "bridge.md").brief
    assert brief.key_points == ("The bridge closes.", "Buses divert.")


def test_body_without_headings_gives_its_first_bullet_list_as_key_points() -> None:
    """A body with no headings offers its first bullet list as the key points."""
    body = "- The vote is on Tuesday.\n- The budget is $1.2bn.\n\nMore context follows.\n\n- Unrelated list.\n"
    brief = parse_brief(f"---\n{GOOD_FRONT}---\n{body}", "bridge.md").brief
    assert brief.key_points == ("The vote is on Tuesday.", "The budget is $1.2bn.")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(GOOD, id="published"),
        pytest.param(
            GOOD.replace("review_by:", "status: embargoed\nembargo_until: 2026-12-01T06:00:00+01:00\nreview_by:"),
            id="embargoed",
        ),
        pytest.param(_front(status="draft", summary="'Draft: the vote: maybe.'"), id="draft-with-colons"),
    ],
)
def test_brief_written_back_reads_as_the_same_brief(text: str) -> None:
    """A brief written back to Markdown reads back as exactly the same brief, time zones included."""
    brief = parse_brief(text, "original.md").brief
    again = parse_brief(brief_to_markdown(brief), "written.md")
    assert again.brief == brief
    assert again.brief.updated.utcoffset() == brief.updated.utcoffset()
    assert again.warnings == ()


def test_a_written_back_brief_records_the_version_it_was_based_on() -> None:
    """A brief written with its version number reads back with that version as what it is based on."""
    brief = parse_brief(_front(), "original.md").brief
    again = parse_brief(brief_to_markdown(brief, 4), "written.md")
    assert again.brief == brief
    assert again.based_on == 4
    assert parse_brief(_front(), "original.md").based_on is None


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5", "true"])
def test_a_version_that_is_not_a_positive_whole_number_is_refused(tmp_path: Path, bad: str) -> None:
    """A ``version`` field must be the whole number of an existing version."""
    path, error = _refusal(tmp_path, _front(version=bad))
    _assert_names(error, path, "version", "the whole number of the version this file was based on", "found ")


# bad brief files: one clear error naming file, field and expectation


def test_broken_yaml_is_refused_with_its_line_number(tmp_path: Path) -> None:
    """Front matter that is not valid YAML is refused, naming the file and the line the problem is on."""
    # Line 4 of the file is the summary, whose unquoted second colon is not valid YAML.
    path, error = _refusal(tmp_path, _front(summary="The vote: Tuesday"))
    _assert_names(error, path, "front matter", "valid YAML", "at line 4")


def test_file_without_front_matter_is_refused(tmp_path: Path) -> None:
    """A brief file that is only Markdown, with no front matter, is refused."""
    path, error = _refusal(tmp_path, "# City budget\n\nThe council votes on Tuesday.\n")
    _assert_names(error, path, "front matter", "YAML front matter between '---' lines")


def test_front_matter_without_closing_line_is_refused(tmp_path: Path) -> None:
    """Front matter that never closes with '---' is refused, saying the closing line is missing."""
    path, error = _refusal(tmp_path, _front().replace("\n---\nBody text.\n", "\nBody text.\n"))
    _assert_names(error, path, "front matter", "a closing '---' line")


def test_front_matter_that_is_a_list_is_refused(tmp_path: Path) -> None:
    """Front matter holding a YAML list instead of field: value pairs is refused."""
    path, error = _refusal(tmp_path, "---\n- id: city-budget-vote\n- title: Budget\n---\nBody\n")
    _assert_names(error, path, "front matter", "a YAML mapping of field: value", "found [")


@pytest.mark.parametrize("field", ["id", "title", "summary", "updated"])
def test_missing_required_field_is_refused(tmp_path: Path, field: str) -> None:
    """A brief missing a required field is refused, naming that field as required."""
    path, error = _refusal(tmp_path, _front(**{field: None}))
    _assert_names(error, path, field, "required field")


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        pytest.param({"title": "[City, budget]"}, "title", "non-empty text", id="title-list"),
        pytest.param({"summary": "42"}, "summary", "non-empty text", id="summary-number"),
        pytest.param({"tags": "economy"}, "tags", "a list of text items", id="tags-string"),
        pytest.param({"aliases": "[budget, 3]"}, "aliases", "a list of text items", id="alias-number"),
        pytest.param({"sources": "https://example.org"}, "sources", "a list of {title, url}", id="sources-string"),
        pytest.param({"sources": "[{title: Council}]"}, "sources[1].url", "an http:// or https:// link", id="no-url"),
        pytest.param(
            {"sources": "[{title: A, url: 'https://a.example'}, {url: 'https://b.example'}]"},
            "sources[2].title",
            "non-empty text",
            id="second-source-no-title",
        ),
        pytest.param({"editor": "[Sofia]"}, "editor", "non-empty text", id="editor-list"),
    ],
)
def test_wrongly_typed_field_is_refused(tmp_path: Path, fields: dict[str, str], field: str, expected: str) -> None:
    """A field holding the wrong kind of value is refused, naming the field and the kind expected."""
    path, error = _refusal(tmp_path, _front(**fields))
    _assert_names(error, path, field, expected)


@pytest.mark.parametrize(
    "bad_id",
    [
        pytest.param("City-Budget", id="uppercase"),
        pytest.param("'city budget'", id="spaces"),
        pytest.param("../etc", id="path"),
        pytest.param("-city-budget", id="leading-hyphen"),
        pytest.param("city--budget", id="double-hyphen"),
        pytest.param("a" * 81, id="too-long"),
        pytest.param("2026", id="number"),
    ],
)
def test_bad_id_is_refused(tmp_path: Path, bad_id: str) -> None:
    """An id that is not a short lowercase slug is refused, saying what a good id looks like."""
    path, error = _refusal(tmp_path, _front(id=bad_id))
    _assert_names(error, path, "id", "a slug of a-z, 0-9 and single hyphens, at most 80 characters", "found ")


def test_id_of_exactly_the_maximum_length_is_accepted() -> None:
    """An id of exactly 80 characters is still a good id."""
    brief = parse_brief(_front(id="a" * 80), "long.md").brief
    assert brief.id == "a" * 80


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        pytest.param({"updated": "yesterday"}, "updated", "an ISO 8601 date and time", id="updated-word"),
        pytest.param({"updated": "2026-11-24"}, "updated", "an ISO 8601 date and time", id="updated-date-only"),
        pytest.param(
            {"updated": "2026-11-24T08:15:00"}, "updated", "(the time zone is missing)", id="updated-no-time-zone"
        ),
        pytest.param(
            {"updated": "'2026-11-24T08:15:00'"}, "updated", "(the time zone is missing)", id="updated-quoted-no-zone"
        ),
        pytest.param(
            {"updated": "2026-02-30T08:15:00+00:00"}, "updated", "an ISO 8601 date and time", id="updated-no-such-day"
        ),
        pytest.param({"review_by": "next week"}, "review_by", "a date, e.g. 2026-12-31", id="review-by-words"),
        pytest.param({"review_by": "2026-13-45"}, "review_by", "a date, e.g. 2026-12-31", id="review-by-no-such-day"),
        pytest.param({"status": "live"}, "status", "one of published, draft, embargoed", id="status-unknown"),
        pytest.param({"status": "Published"}, "status", "one of published, draft, embargoed", id="status-capital"),
        pytest.param(
            {"status": "embargoed", "embargo_until": "tomorrow morning"},
            "embargo_until",
            "an ISO 8601 date and time",
            id="embargo-words",
        ),
        pytest.param(
            {"status": "embargoed", "embargo_until": "2026-12-01T06:00:00"},
            "embargo_until",
            "(the time zone is missing)",
            id="embargo-no-time-zone",
        ),
    ],
)
def test_bad_date_or_status_is_refused(tmp_path: Path, fields: dict[str, str], field: str, expected: str) -> None:
    """A date, time or status the bot cannot use is refused, naming the field and the form expected."""
    path, error = _refusal(tmp_path, _front(**fields))
    _assert_names(error, path, field, expected)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("'javascript:alert(1)'", id="javascript"),
        pytest.param("'ftp://files.example.org/budget.pdf'", id="ftp"),
        pytest.param("'mailto:desk@example.org'", id="mailto"),
        pytest.param("'https:///no-host'", id="no-host"),
        pytest.param("'https://[broken-host'", id="malformed"),
    ],
)
def test_source_link_that_is_not_http_is_refused(tmp_path: Path, url: str) -> None:
    """A source whose link is not a well-formed http(s) address is refused, naming that source's url."""
    path, error = _refusal(tmp_path, _front(sources=f"[{{title: Council, url: {url}}}]"))
    _assert_names(error, path, "sources[1].url", "an http:// or https:// link")


def test_unknown_field_warns_but_the_brief_loads(tmp_path: Path) -> None:
    """A field the bot does not know is reported as a warning naming the file and field, and the brief still loads."""
    path = _write(tmp_path, "budget.md", _front(byline="Sofia Brandt"))
    [loaded] = load_brief_files([path])
    assert loaded.brief.id == "city-budget-vote"
    assert len(loaded.warnings) == 1
    assert loaded.warnings[0].startswith(f"{path}: byline: unknown field"), loaded.warnings


# importing files and folders


def test_folder_import_reads_every_brief_file_in_it(tmp_path: Path) -> None:
    """Importing a folder reads every .md and .markdown brief in it and its subfolders, and nothing else."""
    _write(tmp_path, "briefs/budget.md", _front())
    _write(tmp_path, "briefs/metro/bridge.markdown", GOOD)
    _write(tmp_path, "briefs/notes.txt", "not a brief, never read")
    loaded = load_brief_files([tmp_path / "briefs"])
    assert sorted(item.brief.id for item in loaded) == ["city-budget-vote", "riverton-bridge-closure"]


def test_folder_with_one_bad_file_is_refused_whole(tmp_path: Path) -> None:
    """A folder with one bad brief is refused as a whole, with the bad file's error and nothing loaded."""
    _write(tmp_path, "briefs/budget.md", _front())
    bad = _write(tmp_path, "briefs/bridge.md", _front(id="Bad Id", title="Bridge"))
    with pytest.raises(ImportRejected) as rejected:
        load_brief_files([tmp_path / "briefs"])
    [error] = rejected.value.errors
    assert (error.origin, error.field) == (str(bad), "id")
    assert str(rejected.value).startswith("nothing imported: 1 bad file\n")
    assert f"{bad}: id: expected" in str(rejected.value)


def test_every_bad_file_in_an_import_is_listed(tmp_path: Path) -> None:
    """An import with two bad files lists one error for each of them."""
    _write(tmp_path, "briefs/good.md", _front())
    no_title = _write(tmp_path, "briefs/no-title.md", _front(id="no-title", title=None))
    bad_date = _write(tmp_path, "briefs/bad-date.md", _front(id="bad-date", updated="yesterday"))
    with pytest.raises(ImportRejected) as rejected:
        load_brief_files([tmp_path / "briefs"])
    found = {(error.origin, error.field) for error in rejected.value.errors}
    assert found == {(str(no_title), "title"), (str(bad_date), "updated")}
    assert len(rejected.value.errors) == 2
    assert str(rejected.value).startswith("nothing imported: 2 bad files\n")


def test_same_id_in_two_files_is_refused_naming_both(tmp_path: Path) -> None:
    """Two files in one import carrying the same id are refused with an error naming both files."""
    first = _write(tmp_path, "briefs/a-budget.md", _front())
    second = _write(tmp_path, "briefs/b-budget.md", _front(title="Budget vote, again"))
    with pytest.raises(ImportRejected) as rejected:
        load_brief_files([tmp_path / "briefs"])
    [error] = rejected.value.errors
    assert error.field == "id"
    assert str(first) in str(error)
    assert str(second) in str(error)
    assert "city-budget-vote" in str(error)


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """A brief file saved in a non-UTF-8 encoding is refused, saying UTF-8 text was expected."""
    path = tmp_path / "budget.md"
    path.write_bytes(_front(title="Café budget").encode("latin-1"))
    with pytest.raises(ImportRejected) as rejected:
        load_brief_files([path])
    [error] = rejected.value.errors
    _assert_names(error, path, "file", "UTF-8 text")


def test_missing_path_is_refused(tmp_path: Path) -> None:
    """Importing a path that does not exist is refused, naming the path."""
    missing = tmp_path / "no-such-folder"
    with pytest.raises(ImportRejected) as rejected:
        load_brief_files([missing])
    [error] = rejected.value.errors
    _assert_names(error, missing, "path", "an existing brief file or folder")


def test_newsroom_import_with_one_bad_file_stores_nothing(tmp_path: Path) -> None:
    """When one file of an import is bad, the newsroom stores none of the files, not even the good ones."""
    _write(tmp_path, "briefs/budget.md", _front())
    _write(tmp_path, "briefs/bridge.md", GOOD)
    _write(tmp_path, "briefs/broken.md", _front(id="broken", summary=None))
    store = TinyStore(tmp_path / "store")
    newsroom = Newsroom(store, clock=lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    with pytest.raises(ImportRejected):
        newsroom.import_paths([tmp_path / "briefs"], editor="Sofia Brandt")
    assert store.ids() == []
    assert TinyStore(tmp_path / "store").ids() == []


# who may see a brief, and when it needs review

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _brief(**changes: object) -> Brief:
    fields: dict[str, object] = {
        "id": "city-budget-vote",
        "title": "City council votes on the budget",
        "summary": "The council votes on Tuesday.",
        "updated": datetime(2026, 11, 24, 8, 15, tzinfo=UTC),
    }
    return Brief(**{**fields, **changes})  # type: ignore[arg-type]


def test_published_brief_is_visible() -> None:
    """A published brief is visible to reporters at any time."""
    brief = _brief(status=Status.PUBLISHED)
    assert brief.visible_at(NOW)
    assert brief.visible_at(datetime(2000, 1, 1, tzinfo=UTC))


def test_draft_is_never_visible() -> None:
    """A draft is never visible to reporters, even with an embargo time long past."""
    brief = _brief(status=Status.DRAFT, embargo_until=NOW - timedelta(days=30))
    assert not brief.visible_at(NOW)
    assert not brief.visible_at(NOW + timedelta(days=3650))


def test_embargoed_brief_is_visible_only_from_its_embargo_time() -> None:
    """An embargoed brief stays hidden until its embargo time and is visible from that moment on."""
    lifted = datetime(2026, 12, 1, 6, 0, tzinfo=timezone(timedelta(hours=1)))
    brief = _brief(status=Status.EMBARGOED, embargo_until=lifted)
    assert not brief.visible_at(lifted - timedelta(seconds=1))
    assert brief.visible_at(lifted)
    # The same instant seen from UTC: 05:00 UTC is 06:00 at +01:00.
    assert brief.visible_at(datetime(2026, 12, 1, 5, 0, tzinfo=UTC))
    assert not brief.visible_at(datetime(2026, 12, 1, 4, 59, tzinfo=UTC))


def test_embargoed_brief_without_embargo_time_is_never_visible() -> None:
    """An embargoed brief with no embargo time is never shown to reporters."""
    brief = _brief(status=Status.EMBARGOED, embargo_until=None)
    assert not brief.visible_at(NOW)
    assert not brief.visible_at(NOW + timedelta(days=3650))


def test_brief_is_stale_only_after_its_review_date() -> None:
    """A brief is due for review only once its review date has passed, and never without one."""
    brief = _brief(review_by=date(2026, 12, 15))
    assert not brief.stale_at(datetime(2026, 12, 15, 23, 59, tzinfo=UTC))
    assert brief.stale_at(datetime(2026, 12, 16, 0, 0, tzinfo=UTC))
    assert not _brief(review_by=None).stale_at(datetime(2099, 1, 1, tzinfo=UTC))


def test_key_points_can_be_replaced_leaving_the_rest_of_the_body() -> None:
    """Replacing key points rewrites only that section; a body without one gets a section at the top."""
    body = "Intro.\n\n## Key points\n- Old one.\n- Old two.\n\n## Background\nMore.\n"
    replaced = with_key_points(body, ["New one.", " ", "New two."])
    assert replaced == "Intro.\n\n## Key points\n- New one.\n- New two.\n\n## Background\nMore.\n"
    brief = Brief("b", "T", "S.", datetime(2026, 11, 25, tzinfo=UTC), body=replaced)
    assert brief.key_points == ("New one.", "New two.")
    assert with_key_points("Just text.\n", ["Only point."]) == "## Key points\n- Only point.\n\nJust text.\n"
