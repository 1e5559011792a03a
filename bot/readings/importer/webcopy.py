"""What text copied from a web page brings besides the article: captions, share and category
lines, a byline at the top, and a comment thread at the bottom."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.i18n import N_
from bot.readings.importer.lines import MD_LINK
from bot.readings.importer.model import Dropped
from bot.readings.importer.plain import heading_like

_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}\.?\s+{_MONTH},?\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",
    re.I,
)
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\s*(am|pm|a\.m\.|p\.m\.|h)?\b", re.I)
_AGO = re.compile(
    r"\b(\d+|an?|one)\s+(seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b",
    re.I,
)
_CAPTION = re.compile(
    r"^(above|below|top|featured|header|cover|lead|main|left|right|inset)?\s*"
    r"(photo|photograph|image|picture|pic|illustration|graphic|video|credit)s?"
    r"(\s+(by|credit|courtesy|via|source)\b|\s*[:|/–—])",
    re.I,
)
_AGENCY_CREDIT = re.compile(
    r"\((ap|afp|reuters|getty|epa|dpa|efe|xinhua)\b[^)]*\)\s*$|"
    r"/\s*(getty images|reuters|afp|ap|shutterstock|alamy|wikimedia commons|flickr)\s*$",
    re.I,
)
_BYLINE = re.compile(r"^(by|written by|posted by|words by|story by|text by)\s+(.+)$", re.I)
_POSTED_BY = re.compile(r"^(?:posted|published|written|updated)\b.{0,60}?\b(by)\s+(.+)$", re.I)
_READING_TIME = re.compile(
    r"^(\d+\s*(min|mins|minutes?)\s*(read|reading)|(estimated\s+)?reading time\b.*"
    r"|(published|updated|posted|last updated)\b.*)$",
    re.I,
)
_SHARE_WORDS = frozenset(
    [
        "share",
        "shares",
        "sharing",
        "tweet",
        "email",
        "e-mail",
        "mail",
        "print",
        "facebook",
        "twitter",
        "x",
        "linkedin",
        "whatsapp",
        "reddit",
        "pinterest",
        "telegram",
        "copy",
        "link",
        "save",
        "comment",
        "comments",
        "pocket",
        "flipboard",
        "mastodon",
        "bluesky",
        "threads",
        "sms",
        "messenger",
        "this",
        "article",
        "on",
        "via",
    ]
)
_SECTION_WORDS = frozenset(
    [
        "news",
        "opinion",
        "analysis",
        "editorial",
        "commentary",
        "feature",
        "features",
        "interview",
        "review",
        "essay",
        "blog",
        "world",
        "politics",
        "culture",
        "science",
        "economy",
        "business",
        "sport",
        "sports",
        "history",
        "theory",
        "international",
        "national",
        "local",
        "breaking",
        "explainer",
        "column",
    ]
)
_SEPARATORS = re.compile(r"\s*(?:\||»|›|>|•|·|/|\u2022)\s*")
_BULLET = re.compile(r"^\s*([-*+•–—]|\d{1,3}[.)])\s+")
_NAME_CONNECTORS = frozenset(
    [
        "de",
        "da",
        "del",
        "do",
        "dos",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "y",
        "e",
        "and",
        "&",
        "bin",
        "ibn",
        "al",
        "el",
    ]
)
_HANDLE = re.compile(r"^@?[\w.-]{2,30}$")
_REPLY = re.compile(r"^(reply|reply ↓|like|likes?|report|log in to reply|\d+\s+likes?)$", re.I)

THREAD_GAP = 300  # most words between two comments' headers, and after the last one
TOP_ZONE_BLOCKS = 8  # page furniture sits in the first few paragraphs, above the article's lede


@dataclass(frozen=True, slots=True, kw_only=True)
class Furniture:
    """The lines left once captions and top-of-page furniture are taken out."""

    lines: list[str]
    dropped: tuple[Dropped, ...]
    author: str | None


def strip_furniture(lines: Sequence[str], *, markdown: bool) -> Furniture:
    """Take out caption and credit lines everywhere, and share, category, byline and date lines
    above the article's first paragraph; a byline's names become the reading's author."""
    kept: list[str] = []
    found: dict[tuple[str, str], list[str]] = {}
    author: str | None = None
    in_top = True
    top_blocks = 0
    for i, line in enumerate(lines):
        text = _plain(line, markdown)
        standalone = _standalone(lines, i)
        if not text:
            kept.append(line)
            continue
        reason = None
        if standalone and _is_caption(text):
            reason = N_("a photo caption or credit")
        elif in_top and standalone:
            reason, names = _top_furniture(text, lines, i, markdown)
            if names and author is None:
                author = names
        if reason is not None:
            where = N_("above the article") if in_top else N_("in the text")
            found.setdefault((where, reason), []).append(line)
            continue
        kept.append(line)
        if in_top and _is_prose(text):
            in_top = False
        if in_top and (i + 1 >= len(lines) or not lines[i + 1].strip()):
            top_blocks += 1
            in_top = top_blocks < TOP_ZONE_BLOCKS
    dropped = tuple(
        Dropped(where=where, reason=reason, lines=tuple(lines))
        for (where, reason), lines in found.items()
    )
    return Furniture(lines=kept, dropped=dropped, author=author)


def _plain(line: str, markdown: bool) -> str:
    text = line.strip()
    if markdown:
        text = MD_LINK.sub(r"\1", text).lstrip("#>").strip().strip("*_").strip()
    return " ".join(text.split())


def _standalone(lines: Sequence[str], i: int) -> bool:
    """A line that is a paragraph of its own (blank lines, or the page's edge, around it)."""
    before = i == 0 or not lines[i - 1].strip()
    after = i + 1 >= len(lines) or not lines[i + 1].strip()
    return before and after


def _is_prose(text: str) -> bool:
    words = len(text.split())
    return words >= 20 or (words >= 8 and text[-1:] in '.!?…"”’')


def _is_caption(text: str) -> bool:
    if len(text.split()) > 60:
        return False
    return _CAPTION.match(text) is not None or _AGENCY_CREDIT.search(text) is not None


def _top_furniture(
    text: str, lines: Sequence[str], i: int, markdown: bool
) -> tuple[str | None, str | None]:
    words = text.split()
    lowered = [w.strip(",.:;!?()[]").lower() for w in _SEPARATORS.split(text.lower())]
    tokens = [t for part in lowered for t in part.split() if t]
    if tokens and len(tokens) <= 16 and all(t in _SHARE_WORDS for t in tokens):
        return N_("a share line"), None
    byline = _BYLINE.match(text) or _POSTED_BY.match(text)
    if byline and len(words) <= 16:
        return N_("a byline (kept as the reading's author)"), _names(byline[2])
    if len(words) <= 14 and (_READING_TIME.match(text) or _only_date(text)):
        return N_("a date or reading-time line"), None
    parts = [p for p in _SEPARATORS.split(text) if p]
    if (
        len(parts) >= 2
        and _SEPARATORS.search(text)
        and all(len(p.split()) <= 4 and p[-1:] not in ".!?" for p in parts)
    ):
        return N_("a category line"), None
    if len(words) <= 3 and _is_category(text, lines, i, markdown):
        return N_("a category line"), None
    return None, None


def _only_date(text: str) -> bool:
    rest = _CLOCK.sub("", _DATE.sub("", text))
    return bool(_DATE.search(text)) and not re.sub(
        r"[\W_]+|\b(at|on|updated)\b", "", rest, flags=re.I
    )


def _is_category(text: str, lines: Sequence[str], i: int, markdown: bool) -> bool:
    """A one-to-three word section name above the title ("NEWS", "immunology", "Opinion")."""
    following = next((line for line in lines[i + 1 :] if line.strip()), "")
    next_text = _plain(following, markdown)
    if len(next_text.split()) <= len(text.split()) or _is_prose(next_text):
        return False
    if markdown:
        this_level = len(lines[i].strip()) - len(lines[i].strip().lstrip("#"))
        next_level = len(following.strip()) - len(following.strip().lstrip("#"))
        if this_level > next_level >= 1:
            return True  # a small heading right above the article's main heading
        if next_level == 0:
            return False
    elif not heading_like(next_text):
        return False  # a section name sits right above the title, not above a paragraph
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and (
        all(c.isupper() for c in letters)
        or all(c.islower() for c in letters)
        or all(w.lower() in _SECTION_WORDS for w in text.split())
    )


def _names(text: str) -> str | None:
    """The people in a byline, without the date or outlet that often follows them."""
    text = MD_LINK.sub(r"\1", text)
    text = re.split(r"\s+[|•·–—-]\s+|\s+(?:on|at|published|updated)\s+(?=\S*\d|" + _MONTH + ")",
                    text, maxsplit=1, flags=re.I)[0]  # fmt: skip
    text = _DATE.split(text)[0]
    names = text.strip(" ,;:|*_")
    return names or None


# -- comment threads -------------------------------------------------------------------


def _stamp(text: str) -> bool:
    """A line saying when a comment was posted: a date, a clock time or "3 days ago"."""
    if len(text.split()) > 12:
        return False
    return bool(_DATE.search(text) or _AGO.search(text) or _CLOCK.search(text))


def _name_line(text: str) -> bool:
    """A commenter's name: a few capitalized words or one handle, with no sentence end."""
    text = _BULLET.sub("", text).strip()
    words = text.split()
    if not 1 <= len(words) <= 5 or text[-1:] in ".!?,;" or _stamp(text):
        return False
    if len(words) == 1 and _HANDLE.match(words[0]):
        return True
    return words[0][:1].isupper() and all(
        w[:1].isupper() or w.lower() in _NAME_CONNECTORS or w.startswith(("(@", "@")) for w in words
    )


def comment_thread_start(lines: Sequence[str], *, min_words_before: int) -> int | None:
    """The line where readers' comments begin: a name, perhaps a place, then a date or time,
    seen at least twice, or once with a "Reply" after it."""
    texts = [" ".join(line.split()) for line in lines]
    nonblank = [i for i, t in enumerate(texts) if t]
    headers: list[int] = []
    for k, i in enumerate(nonblank):
        if not _name_line(texts[i]):
            continue
        ahead = nonblank[k + 1 : k + 4]
        if any(_stamp(texts[j]) for j in ahead) and not any(
            len(texts[j].split()) > 12 for j in ahead[:1]
        ):
            headers.append(i)
    if not headers:
        return None
    # replies_after[i]: a "Reply" line at i or later (one pass, so many headers stay linear)
    replies_after = [False] * (len(texts) + 1)
    for i in range(len(texts) - 1, -1, -1):
        replies_after[i] = replies_after[i + 1] or _REPLY.match(texts[i]) is not None
    # words_upto[i]: words on the lines before line i
    words_upto = [0]
    for text in texts:
        words_upto.append(words_upto[-1] + len(text.split()))
    # dense[k]: from header k to the end, a header comes at least every THREAD_GAP words, as
    # comments do; names and dates spread through an article are not a thread
    dense = [False] * len(headers)
    following = words_upto[-1]
    for k in range(len(headers) - 1, -1, -1):
        close = following - words_upto[headers[k]] <= THREAD_GAP
        dense[k] = close and (k == len(headers) - 1 or dense[k + 1])
        following = words_upto[headers[k]]
    words_before = 0
    position = 0
    for k, h in enumerate(headers):
        while position < h:
            words_before += len(texts[position].split())
            position += 1
        if words_before < min_words_before or not dense[k]:
            continue
        if len(headers) - k >= 2 or replies_after[h]:
            return h
    return None
