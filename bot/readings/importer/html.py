"""Saved web pages: the article through trafilatura, the page's own metadata, and a plain
structural fallback where trafilatura finds no article."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.xml import xmltotxt

from bot.core.i18n import N_
from bot.readings.importer.article import Extracted
from bot.readings.importer.byline import TITLE_SEPARATOR as _TITLE_SEPARATOR
from bot.readings.importer.byline import clean_author, title_without_site
from bot.readings.importer.htmltext import html_pieces, local
from bot.readings.importer.model import AFTER_END, ArticleImportError, Dropped, Metadata

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
_COPYRIGHT = re.compile(r"copyright|\(c\)|©|\d{4}(\s*[-–]\s*\d{2,4})?|all rights reserved\.?", re.I)
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
            N_("{name}: the HTML cannot be parsed ({why})"), name=name, why=type(exc).__name__
        ) from None
    text = ""
    comments = ""
    metadata = Metadata()
    if document is not None and not isinstance(document, dict):
        text = _markdown(document.body)
        comments = _markdown(document.commentsbody)
        metadata = _metadata(document, raw)
    if _words(text) < MIN_ARTICLE_WORDS:
        log.debug("%s: trafilatura found %d words; trying the plain fallback", name, _words(text))
        text = _fallback(raw)
    if _words(text) < MIN_ARTICLE_WORDS:
        raise ArticleImportError(
            N_(
                "{name}: found no article on this page (only {count} words of text outside menus "
                "and forms); save the article's own page, or copy its text into a .txt file"
            ),
            name=name,
            count=_words(text),
        )
    dropped: list[Dropped] = []
    around = _left_out_lines(raw, text + "\n" + comments)
    if around:
        dropped.append(
            Dropped(
                where=N_("around the article"),
                reason=N_("the page's menus, share buttons, related links and footer"),
                lines=tuple(around),
            )
        )
    if comments.strip():
        dropped.append(
            Dropped(
                where=AFTER_END,
                reason=N_("a comment thread"),
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


def _metadata(document: Any, raw: bytes) -> Metadata:
    def clean(value: Any) -> str | None:
        text = " ".join(str(value).split()) if value else ""
        return text or None

    site = clean(document.sitename)
    url = clean(document.url)
    names = _page_names(raw)
    sites = names.sites + ([site] if site else [])
    host = urlsplit(url).hostname if url and "//" in url else None
    if host:
        sites.append(host.removeprefix("www."))
    title = clean(document.title)
    if title and names.title and title != names.title and _is_segment(title, names.title):
        title = _uncut_title(title, names.title, sites)
    elif title:
        title = title_without_site(title, sites) or title
    page = raw.decode("utf-8", "replace")
    author = clean_author(clean(document.author), not_authors=sites + names.publishers, page=page)
    return Metadata(title=title, author=author, date=clean(document.date), site=site, url=url)


def _uncut_title(cut: str, whole: str, sites: list[str]) -> str:
    """trafilatura cut the page's <title> at a separator, keeping `cut`: cut it at the site's
    name instead, or at a pipe before a short name, and otherwise not at all."""
    without_site = title_without_site(whole, sites)
    if without_site != whole:
        # "Title | Smart News | Smithsonian": what is left between title and site is the site's
        return (
            cut if without_site.startswith(cut) and _is_segment(cut, without_site) else without_site
        )
    rest = whole.removeprefix(cut).strip()
    if rest.startswith("|") and len(rest.split()) <= 6:
        return cut  # "Title | Site": the pipe's usual use
    return whole


def _is_segment(part: str, whole: str) -> bool:
    """`part` is what comes before or after a separator in `whole`."""
    return any(
        (whole[: cut.start()].strip() == part or whole[cut.end() :].strip() == part)
        for cut in _TITLE_SEPARATOR.finditer(whole)
    )


@dataclass(frozen=True, slots=True)
class _PageNames:
    title: str | None  # the <title> element's text
    sites: list[str]  # og:site_name, the JSON-LD website, what the link to the home page says
    publishers: list[str]  # the copyright holder, the JSON-LD organizations


def _page_names(raw: bytes) -> _PageNames:
    """The names a page gives itself: its <title>, its site's and its publisher's names."""
    try:
        raw.decode("utf-8")
        parser = lxml_html.HTMLParser(encoding="utf-8")
    except UnicodeDecodeError:
        parser = None  # lxml reads the page's own charset declaration
    try:
        root = lxml_html.document_fromstring(raw, parser=parser)
    except (etree.ParserError, ValueError):
        return _PageNames(None, [], [])
    sites: list[str] = []
    publishers: list[str] = []
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        value = " ".join((meta.get("content") or "").split())
        if not value or "//" in value:
            continue
        if key in ("og:site_name", "application-name", "twitter:site"):
            sites.append(value.lstrip("@"))
        elif key in ("copyright", "publisher", "article:publisher", "dc.publisher"):
            publishers.append(" ".join(_COPYRIGHT.sub(" ", value).split()).strip(" .,"))
    for script in root.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                _organizations(json.loads(script.text), sites, publishers, depth=0)
            except ValueError:
                continue
    for link in root.iter("a"):
        # the logo or name that links to the site's home page
        href = (link.get("href") or "").strip()
        parts = urlsplit(href)
        if href and not href.startswith("#") and parts.path in ("", "/") and not parts.query:
            texts = [link.text_content(), link.get("title") or ""]
            texts += [img.get("alt") or "" for img in link.iter("img")]
            sites.extend(" ".join(t.split()) for t in texts if 0 < len(t.strip()) <= 80)
    head_title = next(root.iter("title"), None)
    title = " ".join(head_title.text_content().split()) if head_title is not None else ""
    return _PageNames(title or None, [s for s in sites if s], [p for p in publishers if p])


def _organizations(node: Any, sites: list[str], publishers: list[str], *, depth: int) -> None:
    if depth > 8:
        return
    if isinstance(node, list):
        for item in node:
            _organizations(item, sites, publishers, depth=depth + 1)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    name = node.get("name")
    if isinstance(name, str) and any(
        k in ("WebSite", "Organization", "NewsMediaOrganization") for k in kinds
    ):
        (sites if "WebSite" in kinds else publishers).append(" ".join(name.split()))
    for key in ("publisher", "@graph", "isPartOf", "sourceOrganization"):
        if key in node:
            _organizations(node[key], sites, publishers, depth=depth + 1)


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
