"""PDF lines back into paragraphs: running headers, footers and page numbers out, hyphenated
line breaks joined, and headings told by their size or weight."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.readings.importer.hyphens import NO_WORDS, Vocabulary, join_lines
from bot.readings.importer.model import Dropped
from bot.readings.importer.pdflines import PdfLine

EDGE_LINES = 3  # running headers and footers sit among a page's first or last few lines
RUNNING_SHARE = 0.3  # ... and repeat on at least this share of the pages
HEADING_SCALE = 1.12  # a line this much larger than the body text is a heading
MAX_HEADING_WORDS = 14

_PAGE_NUMBER = re.compile(
    r"^([-–—]\s*)?(page\s+|p\.\s*|seite\s+)?(\d{1,4}|[ivxlcdm]{1,7})(\s*(of|/|von)\s*\d{1,4})?"
    r"(\s*[-–—])?$",
    re.I,
)
_LEADER = re.compile(
    r"(\.\s?){4,}\s*([\divxlc]{1,5}|\d{1,4}\s*[-–]\s*\d{1,4})\s*$|…{2,}\s*\d{1,4}\s*$", re.I
)
_ENDS_SENTENCE = re.compile(r"[.!?…:;]['\"”’)\]]*$")
_BULLET = re.compile(r"^([•▪◦●■–—*]|-(?=\s)|!(?=\s)|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")
_NUMBERED = re.compile(r"^(\d{1,2}(\.\d{1,2}){0,3})\.?\s+\w")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    level: int  # 0 for body text, 1.. for headings
    page: int


def remove_page_furniture(
    pages: Sequence[Sequence[PdfLine]],
) -> tuple[list[list[PdfLine]], list[Dropped]]:
    """Drop running headers and footers, page numbers and table-of-contents leader lines."""
    keys: Counter[tuple[str, int | None]] = Counter()
    for page in pages:
        keys.update({_key(line) for line in _edges(page)})
    threshold = max(3, RUNNING_SHARE * len(pages))
    running = {k for k, n in keys.items() if n >= threshold and k[0]}
    found: dict[str, list[str]] = {}
    kept_pages: list[list[PdfLine]] = []
    for page in pages:
        edges = {id(line) for line in _edges(page)}
        kept: list[PdfLine] = []
        for line in page:
            text = line.text.strip()
            reason = None
            if id(line) in edges and _PAGE_NUMBER.match(text):
                reason = "page numbers"
            elif id(line) in edges and _key(line) in running:
                reason = "running headers and footers"
            elif text and _LEADER.search(text):
                reason = "a table of contents"
            if reason is None:
                kept.append(line)
            else:
                found.setdefault(reason, []).append(text)
        kept_pages.append(kept)
    dropped = [Dropped(where="on the pages", reason=r, lines=tuple(v)) for r, v in found.items()]
    return kept_pages, dropped


def _edges(page: Sequence[PdfLine]) -> list[PdfLine]:
    visible = [line for line in page if line.text.strip()]
    if len(visible) <= 2 * EDGE_LINES:
        return visible
    return visible[:EDGE_LINES] + visible[-EDGE_LINES:]


def _key(line: PdfLine) -> tuple[str, int | None]:
    """A line's words with digits masked, and where it sits: a running header repeats both."""
    text = " ".join(_DIGITS.sub("#", line.text.lower()).split())
    return text, None if line.y is None else round(line.y / 6)


def paragraphs(pages: Sequence[Sequence[PdfLine]], *, headings: bool) -> list[Paragraph]:
    """Lines joined into paragraphs; with `headings`, heading lines become their own."""
    body = _body_size(pages)
    width = _typical_length(pages, body)
    levels = _heading_levels(pages, body) if headings else {}
    words = Vocabulary(line.text for page in pages for line in page)
    out: list[Paragraph] = []
    for number, page in enumerate(pages):
        out.extend(_page_paragraphs(page, number, levels, width, body, words))
    return _across_pages(out, words)


def _page_paragraphs(
    page: Sequence[PdfLine],
    number: int,
    levels: dict[tuple[float, bool], int],
    width: float,
    body: float,
    words: Vocabulary,
) -> list[Paragraph]:
    out: list[Paragraph] = []
    current: list[str] = []
    previous: tuple[PdfLine, int] | None = None  # the line before, and its heading level

    def flush() -> None:
        if current:
            out.append(Paragraph(_join(current, words), 0, number))
            current.clear()

    for line in page:
        text = " ".join(line.text.split())
        if not text:
            flush()
            previous = None
            continue
        level = _level(line, text, levels, previous, width, body)
        if level:
            flush()
            if previous is not None and previous[1] == level and out and out[-1].level:
                text = _join([out.pop().text, text], words)  # a heading set on two lines
            out.append(Paragraph(text, level, number))
            previous = (line, level)
            continue
        if current and (
            _BULLET.match(text)
            or (_ENDS_SENTENCE.search(current[-1]) and len(current[-1]) < 0.8 * width)
        ):
            flush()
        current.append(text)
        previous = (line, 0)
    flush()
    return out


def _body_size(pages: Sequence[Sequence[PdfLine]]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page:
            if line.size:
                sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _typical_length(pages: Sequence[Sequence[PdfLine]], body: float) -> float:
    lengths = [
        len(line.text.strip())
        for page in pages
        for line in page
        if len(line.text.strip()) >= 20 and (not body or abs(line.size - body) < 0.6)
    ]
    return statistics.median(lengths) if lengths else 60.0


def _heading_levels(
    pages: Sequence[Sequence[PdfLine]], body: float
) -> dict[tuple[float, bool], int]:
    """Heading levels by font: larger sizes first, then bold at the body's size."""
    if not body:
        return {}
    fonts: Counter[tuple[float, bool]] = Counter()
    for page in pages:
        for line in page:
            text = line.text.strip()
            if _heading_shape(text) and (line.size >= body * HEADING_SCALE or line.bold):
                fonts[(line.size, line.bold)] += 1
    # Bold at the body's size is a run-in heading; smaller bold text is a figure's labels.
    bold_body = [f for f in fonts if f[1] and body * 0.97 <= f[0] < body * HEADING_SCALE]
    larger = sorted((f for f in fonts if f[0] >= body * HEADING_SCALE), reverse=True)
    ranked = larger + sorted(bold_body, reverse=True)
    return {font: min(k + 1, 4) for k, font in enumerate(ranked)}


def _heading_shape(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > 120:
        return False
    if text[-1] in ".,;" or not any(c.isalpha() for c in text):
        return False
    return not _PAGE_NUMBER.match(text)


def _level(
    line: PdfLine,
    text: str,
    levels: dict[tuple[float, bool], int],
    previous: tuple[PdfLine, int] | None,
    width: float,
    body: float,
) -> int:
    level = levels.get((line.size, line.bold), 0)
    if not level or not _heading_shape(text) or _BULLET.match(text):
        return 0
    if previous is not None and previous[1] == level and previous[0].size == line.size:
        return level  # the second line of a heading
    if line.size < body * HEADING_SCALE:
        if len(text) > 0.9 * width:
            return 0  # a full line of bold text is emphasis in a paragraph
        if previous is not None and not _ends_block(previous[0].text, width):
            return 0  # bold words inside a running paragraph
    numbered = _NUMBERED.match(text)
    if numbered:
        level = max(level, numbered[1].count(".") + 1)
    return level


def _ends_block(text: str, width: float) -> bool:
    text = text.strip()
    return not text or bool(_ENDS_SENTENCE.search(text)) or len(text) < 0.6 * width


def _join(lines: Sequence[str], words: Vocabulary = NO_WORDS) -> str:
    text = lines[0]
    for line in lines[1:]:
        text = join_lines(text, line, words)
    return text


def _across_pages(paras: list[Paragraph], words: Vocabulary) -> list[Paragraph]:
    """A paragraph cut by a page break continues on the next page."""
    out: list[Paragraph] = []
    for para in paras:
        last = out[-1] if out else None
        if (
            last is not None
            and last.level == 0
            and para.level == 0
            and para.page == last.page + 1
            and not _ENDS_SENTENCE.search(last.text)
            and para.text[:1].islower()
        ):
            out[-1] = Paragraph(_join([last.text, para.text], words), 0, para.page)
        else:
            out.append(para)
    return out
