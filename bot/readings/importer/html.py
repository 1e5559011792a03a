"""Saved web pages: the article through trafilatura, the page's own metadata, and a plain
structural fallback where trafilatura finds no article."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import xmltotxt

from bot.readings.importer.article import Extracted
from bot.readings.importer.htmltext import html_pieces, local
from bot.readings.importer.model import ArticleImportError, Dropped, Metadata

log = logging.getLogger(__name__)

MIN_ARTICLE_WORDS = 30  # less than this on a whole page is a menu or a form, not an article
COMMENTS_HEADING = "Comments"

# Blocks the fallback leaves out, by tag or by what their id or class says they are.
_FURNITURE_TAGS = frozenset(("nav", "header", "footer", "aside", "form", "menu", "dialog"))
_FURNITURE_NAMES = re.compile(
    r"comment|share|sharing|social|related|sidebar|footer|menu|navbar|breadcrumb|cookie|"
    r"subscribe|newsletter|advert|promo|popup|modal|(^|[-_ ])ad([-_ ]|$)",
    re.I,
)
_MONTH_TAIL = re.compile(
    r"\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(\s+\d.*)?$", re.I
)
_WORD = re.compile(r"\w+")


def read_html(raw: bytes, *, name: str) -> Extracted:
    """The page's article as Markdown, its comments kept apart, and its metadata."""
    _quiet_libraries()
    try:
        document = trafilatura.bare_extraction(
            raw,
            include_comments=True,
            include_formatting=True,
            include_tables=True,
            with_metadata=True,
        )
    except Exception as exc:  # lxml and trafilatura fail on broken markup in many ways
        log.debug("%s: trafilatura failed: %r", name, exc)
        raise ArticleImportError(
            f"{name}: the HTML cannot be parsed ({type(exc).__name__})"
        ) from None
    text = ""
    comments = ""
    metadata = Metadata()
    if document is not None and not isinstance(document, dict):
        text = _markdown(document.body)
        comments = _markdown(document.commentsbody)
        metadata = _metadata(document)
    if _words(text) < MIN_ARTICLE_WORDS:
        log.debug("%s: trafilatura found %d words; trying the plain fallback", name, _words(text))
        text = _fallback(raw)
    if _words(text) < MIN_ARTICLE_WORDS:
        raise ArticleImportError(
            f"{name}: found no article on this page (only {_words(text)} words of text outside "
            "menus and forms); save the article's own page, or copy its text into a .txt file"
        )
    dropped: list[Dropped] = []
    around = _left_out_lines(raw, text + "\n" + comments)
    if around:
        dropped.append(
            Dropped(
                where="around the article",
                reason="the page's menus, share buttons, related links and footer",
                lines=tuple(around),
            )
        )
    if comments.strip():
        dropped.append(
            Dropped(
                where="after the article's end",
                reason="a comment thread",
                lines=tuple(comments.split("\n")),
            )
        )
    return Extracted(
        kind="html",
        text=text,
        text_kind="markdown",
        metadata=metadata,
        dropped=tuple(dropped),
        tail=f"## {COMMENTS_HEADING}\n\n{comments}" if comments.strip() else "",
    )


def _quiet_libraries() -> None:
    # trafilatura and htmldate log every page they find odd at WARNING; the import prints its
    # own one-sentence verdict instead.
    for logger in ("trafilatura", "htmldate", "courlan", "readability", "justext"):
        logging.getLogger(logger).setLevel(logging.ERROR)


def _markdown(body: Any) -> str:
    if body is None:
        return ""
    return unicodedata.normalize("NFC", xmltotxt(body, True) or "")


def _metadata(document: Any) -> Metadata:
    def clean(value: Any) -> str | None:
        text = " ".join(str(value).split()) if value else ""
        return text or None

    author = clean(document.author)
    if author:
        # trafilatura sometimes takes the dateline's month along with the byline
        author = _MONTH_TAIL.sub("", author).strip(" ,;|") or None
    return Metadata(
        title=clean(document.title),
        author=author,
        date=clean(document.date),
        site=clean(document.sitename),
        url=clean(document.url),
    )


def _words(text: str) -> int:
    return len(text.split())


def _fallback(raw: bytes) -> str:
    """The page's main block as Markdown, without the blocks that are page furniture."""
    try:
        root = lxml_html.document_fromstring(raw)
    except (etree.ParserError, ValueError):
        return ""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        names = f"{element.get('id', '')} {element.get('class', '')}"
        if local(element.tag) in _FURNITURE_TAGS or (
            _FURNITURE_NAMES.search(names) and local(element.tag) not in ("body", "html")
        ):
            parent = element.getparent()
            if parent is not None:
                element.drop_tree()
    main = next(
        (e for tag in ("article", "main") for e in root.iter(tag)),
        next((e for e in root.iter() if e.get("role") == "main"), None),
    )
    if main is None:
        main = next(root.iter("body"), root)
    return "\n\n".join(piece.text for piece in html_pieces(main))


def _left_out_lines(raw: bytes, kept: str) -> list[str]:
    """The page's visible lines that are not in the reading: menus, share and related links."""
    try:
        root = lxml_html.document_fromstring(raw)
    except (etree.ParserError, ValueError):
        return []
    body = next(root.iter("body"), None)
    if body is None:
        return []
    for element in list(body.iter("script", "style", "noscript", "template", "svg")):
        element.drop_tree()
    kept_words = set(_WORD.findall(kept.lower()))
    out: list[str] = []
    for line in body.text_content().split("\n"):
        text = " ".join(line.split())
        words = _WORD.findall(text.lower())
        if words and sum(w in kept_words for w in words) * 5 < len(words) * 4:
            out.append(text)
    return out
