"""Words: how questions and briefs are cut into comparable terms.

Both sides go through the same steps (clean chat noise, fold case and
Unicode, drop function words, map irregular forms, stem), so "met",
"meeting" and "Meetings" all become the term ``meet``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

import snowballstemmer

__all__ = [
    "CHAT_NOISE",
    "RECENCY_WORDS",
    "STOPWORDS",
    "clean_question",
    "remember_stems",
    "stem",
    "without_filler",
    "words",
]

MAX_QUESTION_CHARS = 2_000

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been before being
    below between both but by can cannot could did didn do does doesn doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is isn it its itself
    just let me more most my myself no nor not of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what whats when where which while who whom why will with
    would you your yours yourself yourselves s t ll re ve d m o y
    anything something everything know tell say line take view position brief story thing things stuff
    give show get got find us anyone stance wo ca sha
    """.split()
)
"""Function words and the small talk of a question ("what's our line on", "do we have anything on")."""

RECENCY_WORDS = frozenset(
    "latest newest today tonight update updates updated recent recently current currently".split()
)
"""Words that ask for the most recent brief among close matches; not matched against text."""

CHAT_NOISE = frozenset(
    """thx thanks thank ty tia pls plz please hey hi hello yo briefbot bot lol cheers ok okay
    asap u ur fyi btw rn tks thnx thanx cc eod lmk""".split()
)
"""Pleasantries and chat shorthand that never carry the topic."""

_FILLER = re.compile(
    r"""\b(?:can|could|would|will)\s+(?:u|you|someone|somebody|anyone)\s+(?:pls\s+|please\s+|plz\s+)?
          (?:send|share|post|forward|dig\s+up|pull\s+up|find)(?:\s+(?:me|us))?\b
      | \b(?:someone|somebody|anyone)\s+(?:pls\s+|please\s+|plz\s+)?(?:send|share|post|forward)(?:\s+(?:me|us))?\b
      | \bsorry\s+to\s+(?:bug|bother|ping|chase)\b
      | \bquick\s+(?:q|qn|question)\b | \b(?:going\s+to|gonna)\s+be\b
      | ^\s*(?:i\s+|we\s+)?need\b | \bneed\s+(?:it|this|that|one)\b
      | \b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b""",
    re.IGNORECASE | re.VERBOSE,
)
"""How reporters wrap a request in chat ("can u send", "sorry to bug", "need it for the 3pm"), never its topic."""

IRREGULAR_FORMS = {
    "met": "meet",
    "said": "say",
    "says": "say",
    "won": "win",
    "lost": "lose",
    "held": "hold",
    "ran": "run",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "spoke": "speak",
    "spoken": "speak",
    "struck": "strike",
    "fell": "fall",
    "fallen": "fall",
    "rose": "rise",
    "risen": "rise",
    "sought": "seek",
    "told": "tell",
    "led": "lead",
    "fought": "fight",
    "bought": "buy",
    "sold": "sell",
    "paid": "pay",
    "brought": "bring",
    "chose": "choose",
    "chosen": "choose",
    "drew": "draw",
    "drawn": "draw",
    "grew": "grow",
    "grown": "grow",
    "knew": "know",
    "known": "know",
    "wrote": "write",
    "written": "write",
    "became": "become",
    "began": "begin",
    "begun": "begin",
    "broke": "break",
    "broken": "break",
    "came": "come",
    "went": "go",
    "gone": "go",
    "thought": "think",
    "men": "man",
    "women": "woman",
    "children": "child",
    "froze": "freeze",
    "frozen": "freeze",
    "shot": "shoot",
    "hid": "hide",
    "hidden": "hide",
    "stole": "steal",
    "stolen": "steal",
    "sank": "sink",
    "sunk": "sink",
    "swore": "swear",
    "sworn": "swear",
    "threw": "throw",
    "thrown": "throw",
    "wore": "wear",
    "worn": "wear",
    "flew": "fly",
    "flown": "fly",
    "dealt": "deal",
    "meant": "mean",
    "kept": "keep",
    "felt": "feel",
    "built": "build",
    "sent": "send",
    "spent": "spend",
    "lent": "lend",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
    "feb": "february",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "1st": "first",
    "2nd": "second",
    "3rd": "third",
    "4th": "fourth",
    "5th": "fifth",
}
"""Irregular word forms a stemmer cannot reach, and short forms of months and ordinals, mapped to their base form."""

PATH_NOISE = frozenset(
    "news article articles story stories amp index content live video videos www en html htm php aspx post posts "
    "p id item items page pages default home section".split()
)
"""Words of a link's path that name the site's layout, not the story."""

LINK_ID_LENGTH = 6
"""A token of a link's path that mixes letters and digits is an id when longer than this (cop31 and h3n2 are not)."""

_ANGLE_MENTION = re.compile(r"<[@#!][^<>\s]{0,100}>")
_LINK = re.compile(r"<(https?://[^<>\s|]{1,2000})(?:\|([^<>]{0,200}))?>|\b(?:https?://|www\.)\S{1,2000}")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}$", re.IGNORECASE)
_PATH_TOKEN = re.compile(r"[^\W_]+")
_YEAR = re.compile(r"(?:19|20)\d\d")
_LEADING_MENTION = re.compile(r"^\s*@\S{1,80}")
_SHORTCODE = re.compile(r":[a-z0-9_+-]{1,40}:")
_APOSTROPHE_S = re.compile(r"['\u2019\u2018`](?:s|ll|re|ve|d|m)\b")
_NOT = re.compile(r"n['\u2019\u2018`]t\b")
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_APOSTROPHE = re.compile(r"['\u2019\u2018`]")
_MAGNITUDE = re.compile(r"\b(\d+)(?:k|m|b|bn|mn|tn|mln|bln)\b")
_WORD = re.compile(r"[^\W_]+")

_stemmer = snowballstemmer.stemmer("english")


def clean_question(text: str) -> str:
    """Strip what chat adds around a question (mentions, emoji shortcodes, control characters); links count by the
    words of their path."""
    text = text[:MAX_QUESTION_CHARS]
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = _ANGLE_MENTION.sub(" ", text)
    text = _LINK.sub(_read_link, text)
    text = _LEADING_MENTION.sub(" ", text)
    text = _SHORTCODE.sub(" ", text)
    return " ".join(text.split())


def without_filler(question: str) -> str:
    """A question without the chat phrases around its topic: "can u send the fed brief" asks for "the fed brief"."""
    return _FILLER.sub(" ", question)


def link_words(url: str) -> str:
    """The words of a link's path, the story's slug: not its host, query string, file extension, dates or ids."""
    path = urlsplit(url if "://" in url else "//" + url).path
    found: list[str] = []
    for segment in unquote(path).split("/"):
        tokens = _PATH_TOKEN.findall(_EXTENSION.sub("", segment))
        if all(token.isdigit() for token in tokens):
            continue  # a date folder (2026/11) or a numeric id
        found.extend(token for token in tokens if _story_token(token))
    return " ".join(found)


def _story_token(token: str) -> bool:
    if token.isdigit():
        return _YEAR.fullmatch(token) is not None
    if any(ch.isdigit() for ch in token):
        return len(token) <= LINK_ID_LENGTH
    return token.casefold() not in PATH_NOISE


def _read_link(match: re.Match[str]) -> str:
    url = match.group(1) or match.group()
    return f" {link_words(url)} {match.group(2) or ''} "


def words(text: str) -> list[str]:
    """Lower-case words of ``text``, with possessives and apostrophes folded away and numbers' K, M or B dropped."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DOTTED.sub(lambda match: match.group().replace(".", ""), text)
    text = _NOT.sub(" not", text)
    text = _APOSTROPHE_S.sub("", text)
    text = _APOSTROPHE.sub("", text)
    text = _MAGNITUDE.sub(r"\1", text)  # 194K jobs, as 194,000 jobs
    return _WORD.findall(text)


STEM_MEMO_SIZE = 200_000
"""Words whose stems are remembered; past this the memo starts again, so odd questions cannot grow it for ever."""

_stems: dict[str, str] = {}


def stem(word: str) -> str:
    """The search term for one lower-case word."""
    term = _stems.get(word)
    if term is None:
        if len(_stems) >= STEM_MEMO_SIZE:
            _stems.clear()
        term = _stems[word] = str(_stemmer.stemWord(IRREGULAR_FORMS.get(word, word)))
    return term


def remember_stems(stems: Mapping[str, str]) -> None:
    """Take over stems worked out before (``stem`` of each word), so a new process need not stem them again."""
    if len(_stems) + len(stems) <= STEM_MEMO_SIZE:
        _stems.update(stems)
