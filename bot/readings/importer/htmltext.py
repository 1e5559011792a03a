"""An HTML or XHTML tree as Markdown paragraphs, cut where given anchors start.

Used for EPUB chapters (which have no page furniture to remove, and whose table of contents
points at anchors inside a chapter) and as the plain fallback for web pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_SKIP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "form",
        "button",
        "select",
        "input",
        "textarea",
        "canvas",
        "audio",
        "video",
        "map",
    ]
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_PARAGRAPHS = frozenset(["p", "dt", "dd", "figcaption", "caption", "address", "summary"])
_CONTAINERS = frozenset(
    [
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "nav",
        "body",
        "html",
        "blockquote",
        "figure",
        "details",
        "ul",
        "ol",
        "dl",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "li",
        "center",
        "hgroup",
    ]
)
_BLOCKS = _CONTAINERS | _PARAGRAPHS | frozenset(_HEADINGS) | {"pre", "hr"}
_NOISE_CLASS = re.compile(r"\b(lnum|linenum|line-number|pagenum|page-number)\b", re.I)
_NOISE_TYPE = re.compile(r"\b(pagebreak|noteref)\b")
_MD_START = re.compile(r"^(\s*)(#{1,6}\s|[-+*]\s|\d{1,9}[.)]\s|>|=+\s*$|-+\s*$|```|~~~)")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@dataclass(slots=True)
class Piece:
    """The Markdown text from one anchor (or the start) up to the next."""

    anchor: str | None
    blocks: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)


def local(tag: Any) -> str:
    """An element's tag without its namespace ("" for comments and processing instructions)."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def html_pieces(root: Any, anchors: frozenset[str] = frozenset()) -> list[Piece]:
    """Markdown paragraphs of `root`, a new piece starting at each element whose id is in
    `anchors`; headings keep their level, list items their marker, verse lines their breaks."""
    walker = _Walker(anchors)
    walker.walk(root, quote=0)
    walker.flush()
    return [p for p in walker.pieces if p.blocks or p.anchor is not None]


class _Walker:
    def __init__(self, anchors: frozenset[str]) -> None:
        self.anchors = anchors
        self.pieces = [Piece(None)]
        self.lines: list[str] = []  # short lines in a row (verse, <br>): one paragraph

    def flush(self) -> None:
        if self.lines:
            self.pieces[-1].blocks.append("\n".join(self.lines))
            self.lines = []

    def block(self, text: str, quote: int) -> None:
        self.flush()
        if text.strip():
            self.pieces[-1].blocks.append(_quoted(text, quote))

    def line(self, text: str, quote: int) -> None:
        if text:
            self.lines.append(_quoted(text, quote))

    def start_piece(self, element: Any) -> None:
        anchor = element.get("id") or (element.get("name") if local(element.tag) == "a" else None)
        if anchor and anchor in self.anchors:
            self.flush()
            self.pieces.append(Piece(anchor))

    def walk(self, element: Any, *, quote: int) -> None:
        tag = local(element.tag)
        if not tag or tag in _SKIP or _noise(element):
            return
        self.start_piece(element)
        if tag in _HEADINGS:
            self._anchors_inside(element)
            title = _inline(element).replace("\n", " ")
            if title:
                self.block("#" * _HEADINGS[tag] + " " + title, quote)
            return
        if tag == "pre":
            code = "".join(element.itertext()).strip("\n")
            if code.strip():
                self.block("```\n" + code + "\n```", quote)
            return
        if tag == "hr":
            self.block("* * *", quote)
            return
        if _is_leaf(element):
            self._anchors_inside(element)
            text = escape_markdown(_inline(element))
            if tag == "li":
                parent = element.getparent()
                ordered = parent is not None and local(parent.tag) == "ol"
                self.block(("1. " if ordered else "- ") + text.replace("\n", " "), quote)
            elif tag in _PARAGRAPHS or tag == "blockquote" or len(text.split()) > 15:
                self.block(text, quote + (tag == "blockquote"))
            else:
                self.line(text, quote)  # a verse line or a short line of a page
            return
        inner = quote + (tag == "blockquote")
        self.flush()
        self.line(escape_markdown(_clean(element.text)), inner)
        for child in element:
            if _is_leaf(child) and local(child.tag) not in _BLOCKS:
                self.line(escape_markdown(_inline(child).replace("\n", " ")), inner)
            else:
                self.walk(child, quote=inner)
            self.line(escape_markdown(_clean(child.tail)), inner)
        self.flush()

    def _anchors_inside(self, element: Any) -> None:
        """An anchor inside a paragraph or heading starts the next piece at that paragraph."""
        for inner in element.iterdescendants():
            anchor = inner.get("id") if isinstance(inner.tag, str) else None
            if anchor and anchor in self.anchors:
                self.flush()
                self.pieces.append(Piece(anchor))
                return


def _quoted(text: str, quote: int) -> str:
    return "\n".join("> " * quote + line for line in text.split("\n")) if quote else text


def _is_leaf(element: Any) -> bool:
    """An element holding only text and inline markup: one paragraph, line or item."""
    return not any(local(inner.tag) in _BLOCKS for inner in element.iterdescendants())


def _noise(element: Any) -> bool:
    """Line numbers, page-break markers and note references: not part of the reading."""
    classes = element.get("class") or ""
    kind = element.get(EPUB_TYPE) or element.get("role") or ""
    return (
        bool(_NOISE_CLASS.search(classes) or _NOISE_TYPE.search(kind))
        and len(_clean("".join(element.itertext())).split()) <= 3
    )


def _inline(element: Any) -> str:
    """The text of an inline run, with <br> as a line break and noise left out."""
    return "\n".join(
        line for line in (_clean(part) for part in "".join(_texts(element)).split("\n")) if line
    )


def _texts(element: Any) -> Iterator[str]:
    tag = local(element.tag)
    if tag in _SKIP or (tag and _noise(element)):
        return
    if tag == "br":
        yield "\n"
    elif tag and element.text:
        yield element.text.replace("\n", " ")
    for child in element:
        yield from _texts(child)
        if child.tail:
            yield child.tail.replace("\n", " ")


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def escape_markdown(text: str) -> str:
    """Keep a paragraph that starts like Markdown syntax ("1. ", "# ") a paragraph."""
    return "\n".join(_MD_START.sub(r"\1\\\2", line, count=1) for line in text.split("\n"))
