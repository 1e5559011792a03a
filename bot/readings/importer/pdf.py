"""PDF documents through pypdf: sections from the outline (bookmarks) when there is one,
otherwise from heading lines; refused with a clear reason when there is no text to read."""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from bot.core.i18n import N_
from bot.readings.importer.article import Extracted, Part
from bot.readings.importer.byline import without_initials
from bot.readings.importer.chunks import INTRO_MIN_WORDS
from bot.readings.importer.htmltext import escape_markdown
from bot.readings.importer.model import ArticleImportError, Metadata
from bot.readings.importer.pdflayout import Paragraph, paragraphs, remove_page_furniture
from bot.readings.importer.pdflines import page_lines

log = logging.getLogger(__name__)

MIN_WORDS_PER_PAGE = 5  # less than this on average: the pages are pictures of text
FRONT_MATTER = "Front matter"
MIN_FRONT_WORDS = 50  # less text than this before the first bookmark is not a section
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")


@dataclass(frozen=True, slots=True)
class _Bookmark:
    title: str
    page: int


def read_pdf(raw: bytes, *, name: str) -> Extracted:
    """The PDF's text as Markdown, and its parts when it has an outline."""
    # pypdf logs every odd font or filter it meets; the admin gets one sentence instead
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    reader = _open(raw, name)
    try:
        pages = [page_lines(page) for page in reader.pages]
    except Exception as exc:
        # pypdf raises what it meets in a damaged file (NotImplementedError for an unknown
        # filter, KeyError, ValueError...): any of them means the same to the admin
        log.debug("%s: pypdf failed: %r", name, exc)
        raise ArticleImportError(
            N_("{name}: the PDF is damaged and its text cannot be read ({why})"),
            name=name,
            why=type(exc).__name__,
        ) from None
    words = sum(len(line.text.split()) for page in pages for line in page)
    if words < MIN_WORDS_PER_PAGE * max(1, len(pages)) and words < 200:
        raise ArticleImportError(
            N_(
                "{name} has no text layer (its pages look like scanned images); run it through "
                "OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and import the result"
            ),
            name=name,
        )
    cleaned, dropped = remove_page_furniture(pages)
    paras = paragraphs(cleaned, headings=True)
    bookmarks = _bookmarks(reader)
    metadata = _metadata(reader)
    parts = _parts(paras, bookmarks, metadata.title) if bookmarks else ()
    if not parts:
        paras = _title_block(paras)
    return Extracted(
        kind="pdf",
        text=_markdown(paras),
        text_kind="markdown",
        parts=parts,
        metadata=metadata,
        dropped=tuple(dropped),
        web_copy=False,
    )


def _open(raw: bytes, name: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(raw))
        # Many PDFs are encrypted only to restrict printing, with an empty user password.
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("a password is needed")
        _ = len(reader.pages)
    except (FileNotDecryptedError, DependencyError):
        raise ArticleImportError(
            N_(
                "{name} is encrypted and needs a password to open; open it with the password, "
                "save a copy without one, and import that"
            ),
            name=name,
        ) from None
    except Exception as exc:  # as above: pypdf's errors on a damaged file are of every kind
        log.debug("%s: pypdf cannot open it: %r", name, exc)
        raise ArticleImportError(
            N_("{name} is not a readable PDF ({why})"), name=name, why=type(exc).__name__
        ) from None
    return reader


def _metadata(reader: PdfReader) -> Metadata:
    try:
        info = reader.metadata
    except Exception:  # the metadata is a nicety: a damaged info dictionary means none
        info = None
    if info is None:
        return Metadata()

    def text(key: str) -> str | None:
        value = info.get(key)
        cleaned = " ".join(str(value).split()) if value else ""
        return cleaned or None

    date = None
    created = _PDF_DATE.match(text("/CreationDate") or "")
    if created and created[1] != "0000":
        date = "-".join(part for part in created.groups() if part)
    return Metadata(title=text("/Title"), author=without_initials(text("/Author")), date=date)


def _bookmarks(reader: PdfReader) -> list[_Bookmark]:
    """Top-level outline entries with the page each points at (a lone root: its children)."""
    try:
        outline: Sequence[Any] = reader.outline
    except Exception:  # a damaged outline: cut at the heading lines instead
        return []
    top = [entry for entry in outline if not isinstance(entry, list)]
    if len(top) == 1:
        children = next((entry for entry in outline if isinstance(entry, list)), None)
        if children:
            top = [entry for entry in children if not isinstance(entry, list)]
    marks: list[_Bookmark] = []
    for entry in top:
        try:
            page = reader.get_destination_page_number(entry)
        except Exception:  # a bookmark pointing nowhere is skipped
            continue
        title = " ".join(str(getattr(entry, "title", "") or "").split())
        if page is not None and page >= 0 and title:
            marks.append(_Bookmark(title, page))
    marks.sort(key=lambda mark: mark.page)  # stable: entries on one page keep their order
    return marks


def _parts(
    paras: Sequence[Paragraph], marks: Sequence[_Bookmark], title: str | None
) -> tuple[Part, ...]:
    """Each bookmark's text: from its title's line on its page (or the page's top) onwards."""
    starts: list[int] = []
    position = 0
    for mark in marks:
        first = next((i for i in range(position, len(paras)) if paras[i].page >= mark.page), None)
        if first is None:
            starts.append(len(paras))
            continue
        on_page = [i for i in range(first, len(paras)) if paras[i].page == mark.page]
        titled = next((i for i in on_page if _starts_with(paras[i].text, mark.title)), first)
        starts.append(titled)
        position = titled
    parts: list[Part] = []
    front = [p for p in paras[: starts[0]] if not title or _letters(p.text) != _letters(title)]
    for k, mark in enumerate(marks):
        end = starts[k + 1] if k + 1 < len(starts) else len(paras)
        parts.append(Part(title=mark.title, text=_markdown(paras[starts[k] : end])))
    if sum(len(p.text.split()) for p in front) >= MIN_FRONT_WORDS:
        parts.insert(0, Part(title=FRONT_MATTER, text=_markdown(front)))
    elif front and parts:
        # a few lines before the first bookmark (a subtitle, the authors) open the first part
        parts[0] = Part(title=parts[0].title, text=_markdown(front) + "\n\n" + parts[0].text)
    return tuple(parts)


def _title_block(paras: Sequence[Paragraph]) -> list[Paragraph]:
    """Headings at the top of the first page with next to no text under them (a title, a
    subtitle, an office's name over a dateline) are the title block, not sections: they
    open the first section that has text. The document's one top-level heading stays its
    title."""
    out = list(paras)
    if not out:
        return out
    tops = sum(1 for p in out if p.level == 1)
    for k, para in enumerate(out):
        if para.page != out[0].page:
            break
        if not para.level:
            continue
        under = itertools.takewhile(lambda p: not p.level, out[k + 1 :])
        if sum(len(p.text.split()) for p in under) >= INTRO_MIN_WORDS:
            for j in range(k):
                if out[j].level and not (out[j].level == 1 and tops == 1):
                    out[j] = replace(out[j], level=0)
            break
    return out


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _starts_with(text: str, title: str) -> bool:
    wanted = _letters(title)
    return bool(wanted) and _letters(text).startswith(wanted[: max(8, len(wanted) // 2)])


def _markdown(paras: Sequence[Paragraph]) -> str:
    blocks = [
        ("#" * para.level + " " + para.text) if para.level else escape_markdown(para.text)
        for para in paras
    ]
    return "\n\n".join(blocks)
