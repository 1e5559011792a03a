"""PDF lines back into paragraphs: running headers, footers and page numbers out, hyphenated
line breaks joined, and headings told by their size or weight."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.i18n import N_
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
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    r"|januar|februar|märz|juni|juli|oktober|dezember|janvier|février|mars|avril|mai|juin"
    r"|juillet|août|septembre|octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio"
    r"|julio|agosto|septiembre|octubre|noviembre|diciembre|janeiro|fevereiro|março|maio|junho"
    r"|julho|setembro|outubro|novembro|dezembro"
)
# A date on a line of its own ("December 1998", "3 March 2021", "2021-03-03") is a dateline.
_DATE_ONLY = re.compile(
    rf"^((\d{{1,2}}\.?\s+(de\s+)?)?({_MONTHS})\.?(\s+\d{{1,2}}(st|nd|rd|th)?,?)?(\s+de)?\s+\d{{4}}"
    r"|\d{4}-\d{2}(-\d{2})?|\d{1,2}[./]\d{1,2}[./]\d{2,4})$",
    re.I,
)
MIN_NOTE_WORDS = 3  # a footnote says something; a lone "i=1" is a formula's index
SMALL_CAPS_SCALE = 0.9  # a bold line in capitals this much smaller than the body is a heading


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    level: int  # 0 for body text, 1.. for headings
    page: int
    note: bool = False  # a footnote, read after its page's text


def remove_page_furniture(
    pages: Sequence[Sequence[PdfLine]],
) -> tuple[list[list[PdfLine]], list[Dropped]]:
    """Drop running headers and footers, page numbers and table-of-contents leader lines."""
    keys: Counter[tuple[str, int | None]] = Counter()
    for page in pages:
        keys.update({_key(line) for line in _edges(page)})
    threshold = max(3, RUNNING_SHARE * len(pages))

    def repeats(key: tuple[str, int | None]) -> int:
        # a header set a few points higher on some pages (a different first line below it)
        text, height = key
        if height is None:
            return keys[key]
        return sum(keys[(text, height + d)] for d in (-1, 0, 1))

    running = {k for k in keys if k[0] and repeats(k) >= threshold}
    found: dict[str, list[str]] = {}
    kept_pages: list[list[PdfLine]] = []
    for page in pages:
        edges = {id(line) for line in _edges(page)}
        # A lone number or numeral is a page number only where pypdf reads it first or last: at
        # the bottom of a figure it is the figure's.
        read_edges = {id(line) for line in _edges(page, placed=False)}
        kept: list[PdfLine] = []
        for line in page:
            text = line.text.strip()
            reason = None
            if id(line) in read_edges and _PAGE_NUMBER.match(text):
                reason = N_("page numbers")
            elif id(line) in edges and _key(line) in running:
                reason = N_("running headers and footers")
            elif text and _LEADER.search(text):
                reason = N_("a table of contents")
            if reason is None:
                kept.append(line)
            else:
                found.setdefault(reason, []).append(text)
        kept_pages.append(kept)
    dropped = [
        Dropped(where=N_("on the pages"), reason=r, lines=tuple(v)) for r, v in found.items()
    ]
    return kept_pages, dropped


def _edges(page: Sequence[PdfLine], *, placed: bool = True) -> list[PdfLine]:
    """The page's first and last few lines in the order pypdf reads them and, with `placed`,
    also by height on the page (a PDF may draw its footer or footnotes before its text)."""
    visible = [line for line in page if line.text.strip()]
    if len(visible) <= 2 * EDGE_LINES:
        return visible
    edges = visible[:EDGE_LINES] + visible[-EDGE_LINES:]
    by_height = sorted((ln for ln in visible if ln.y is not None), key=lambda ln: -(ln.y or 0.0))
    if placed and len(by_height) > 2 * EDGE_LINES:
        edges += by_height[:EDGE_LINES] + by_height[-EDGE_LINES:]
    return list({id(line): line for line in edges}.values())


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
        text, notes = _footnotes_apart(page, body)
        out.extend(_page_paragraphs(text, number, levels, width, body, words))
        notes_read = _page_paragraphs(notes, number, {}, width, body, words)
        out.extend(replace(note, note=True) for note in notes_read)
    return _across_pages(out, words)


def _footnotes_apart(page: Sequence[PdfLine], body: float) -> tuple[list[PdfLine], list[PdfLine]]:
    """The page's text, and its footnotes: lines in a smaller type below all of its body text
    (a PDF may draw them first, which would glue them to the page's opening sentence)."""
    heights = [
        line.y
        for line in page
        if line.y is not None and line.text.strip() and abs(line.size - body) < 0.6
    ]
    if not body or not heights:
        return list(page), []
    lowest = min(heights)
    notes: set[int] = set()
    run: list[PdfLine] = []  # consecutive lines in a smaller type below the text
    whole = True  # ... not the end of a run of smaller lines that starts higher up
    for line in [*page, None]:
        if line is not None and not line.text.strip():
            continue
        small = line is not None and 0 < line.size < body - 0.5
        if small and line is not None and line.y is not None and line.y < lowest:
            run.append(line)
            continue
        if whole and sum(len(ln.text.split()) for ln in run) >= MIN_NOTE_WORDS:
            notes.update(id(ln) for ln in run)  # not a formula's index ("i=1") either
        run = []
        whole = not small
    if not notes:
        return list(page), []
    return [ln for ln in page if id(ln) not in notes], [ln for ln in page if id(ln) in notes]


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
    capitals: Counter[tuple[float, bool]] = Counter()
    for page in pages:
        for line in page:
            text = line.text.strip()
            if _heading_shape(text) and (line.size >= body * HEADING_SCALE or line.bold):
                fonts[(line.size, line.bold)] += 1
                capitals[(line.size, line.bold)] += _in_capitals(text)
    # Bold at the body's size is a run-in heading; smaller bold text is a figure's labels,
    # unless it is a little smaller and always in capitals ("INTRODUCTION" in a memo).
    bold_body = [f for f in fonts if f[1] and body * 0.97 <= f[0] < body * HEADING_SCALE]
    small_capitals = [
        f
        for f in fonts
        if f[1] and body * SMALL_CAPS_SCALE <= f[0] < body * 0.97 and capitals[f] == fonts[f]
    ]
    larger = sorted((f for f in fonts if f[0] >= body * HEADING_SCALE), reverse=True)
    ranked = larger + sorted(bold_body, reverse=True) + sorted(small_capitals, reverse=True)
    return {font: min(k + 1, 4) for k, font in enumerate(ranked)}


def _heading_shape(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > 120:
        return False
    if text[-1] in ".,;" or not any(c.isalpha() for c in text):
        return False
    return not _PAGE_NUMBER.match(text) and not _DATE_ONLY.match(text)


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


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
    if line.size < body * 0.97 and not _in_capitals(text):
        return 0
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
        k = len(out) - 1
        while k >= 0 and out[k].note:
            k -= 1  # the page's footnotes sit between its text and the next page's
        last = out[k] if k >= 0 and not para.note else None
        if (
            last is not None
            and last.level == 0
            and para.level == 0
            and para.page == last.page + 1
            and not _ENDS_SENTENCE.search(last.text)
            and para.text[:1].islower()
        ):
            out[k] = Paragraph(_join([last.text, para.text], words), 0, para.page)
        else:
            out.append(para)
    return out
