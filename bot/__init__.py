"""briefbot's platform-neutral core: briefs, the versioned store, search and answers."""

from bot.answers import Answer, Choice, Freshness, Outcome, answer_to_json
from bot.brief_store import BriefStore
from bot.briefs import Brief, Source, Status, brief_from_mapping, brief_to_markdown, load_brief_files, parse_brief
from bot.errors import (
    BriefbotError,
    BriefError,
    ImportRejected,
    SettingsError,
    StoreDamaged,
    UnknownBrief,
    VersionConflict,
)
from bot.newsroom import Asker, Gap, ImportReport, Newsroom, open_newsroom
from bot.settings import Settings
from bot.store import Pushed, TinyStore, Version

__all__ = [
    "Answer",
    "Asker",
    "Brief",
    "BriefError",
    "BriefStore",
    "BriefbotError",
    "Choice",
    "Freshness",
    "Gap",
    "ImportRejected",
    "ImportReport",
    "Newsroom",
    "Outcome",
    "Pushed",
    "Settings",
    "SettingsError",
    "Source",
    "Status",
    "StoreDamaged",
    "TinyStore",
    "UnknownBrief",
    "Version",
    "VersionConflict",
    "answer_to_json",
    "brief_from_mapping",
    "brief_to_markdown",
    "load_brief_files",
    "open_newsroom",
    "parse_brief",
]
