"""Documents built for the importer's tests and benchmark: PDFs drawn with reportlab (with or
without an outline, in one or two columns, with running headers and page numbers) and EPUBs
zipped by hand."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

PAGE_WIDTH, PAGE_HEIGHT = 595.0, 842.0  # A4 in points
MARGIN = 64.0
BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 11.0, 14.0
HEADING_FONT, HEADING_SIZE = "Helvetica-Bold", 15.0


@dataclass(frozen=True)
class Chapter:
    title: str
    paragraphs: Sequence[str]
    subheadings: dict[int, str] = field(default_factory=dict)  # before paragraph N


def essay(n_chapters: int, paragraphs_each: int = 4, tag: str = "c") -> list[Chapter]:
    """Chapters of plain, sentence-shaped prose whose words say where they come from."""
    chapters = []
    for c in range(1, n_chapters + 1):
        paras = [
            " ".join(
                f"Sentence {tag}{c}p{p}s{s} discusses the organisation of tenants and workers "
                f"across the neighbourhood in considerable detail."
                for s in range(5)
            )
            for p in range(paragraphs_each)
        ]
        chapters.append(Chapter(f"Chapter {c}: Part Number {c}", paras))
    return chapters


def build_pdf(
    path: Path,
    chapters: Sequence[Chapter],
    *,
    title: str = "A Generated Study Text",
    outline: bool = False,
    columns: int = 1,
    running_header: str | None = None,
    page_numbers: bool = False,
    password: str | None = None,
) -> Path:
    """A PDF laid out like a pamphlet: a title, chapters with bold headings, justified-ish
    paragraphs, long words hyphenated at line ends."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    encrypt = StandardEncryption(password, "owner-" + password) if password else None
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), encrypt=encrypt)
    canvas.setTitle(title)
    canvas.setAuthor("Test Author")
    gap = 24.0
    width = (PAGE_WIDTH - 2 * MARGIN - gap * (columns - 1)) / columns
    state = {"page": 1, "column": 0, "y": PAGE_HEIGHT - MARGIN - 30}

    def furniture() -> None:
        if running_header:
            canvas.setFont(BODY_FONT, 9)
            canvas.drawString(MARGIN, PAGE_HEIGHT - 40, running_header)
        if page_numbers:
            canvas.setFont(BODY_FONT, 9)
            canvas.drawCentredString(PAGE_WIDTH / 2, 30, str(state["page"]))

    def x() -> float:
        return MARGIN + state["column"] * (width + gap)

    def need(height: float) -> None:
        if state["y"] - height >= MARGIN:
            return
        if state["column"] + 1 < columns:
            state["column"] += 1
        else:
            furniture()
            canvas.showPage()
            state["page"] += 1
            state["column"] = 0
        state["y"] = PAGE_HEIGHT - MARGIN - 30

    def heading(text: str, size: float, key: str | None) -> None:
        need(size * 3)
        state["y"] -= size * 0.8
        if key is not None:
            canvas.bookmarkPage(key, fit="XYZ", top=state["y"] + size)
            canvas.addOutlineEntry(text, key, level=0)
        canvas.setFont(HEADING_FONT, size)
        canvas.drawString(x(), state["y"], text)
        state["y"] -= size * 1.2

    def paragraph(text: str) -> None:
        canvas.setFont(BODY_FONT, BODY_SIZE)
        for line in _wrap(canvas, text, width):
            need(LEADING)
            canvas.setFont(BODY_FONT, BODY_SIZE)
            canvas.drawString(x(), state["y"], line)
            state["y"] -= LEADING
        state["y"] -= LEADING * 0.6

    canvas.setFont(HEADING_FONT, 22)
    canvas.drawString(MARGIN, state["y"], title)
    state["y"] -= 44
    for k, chapter in enumerate(chapters):
        heading(chapter.title, HEADING_SIZE, f"ch{k}" if outline else None)
        for n, text in enumerate(chapter.paragraphs):
            if n in chapter.subheadings:
                heading(chapter.subheadings[n], 12.5, None)
            paragraph(text)
    furniture()
    canvas.showPage()
    canvas.save()
    return path


def _wrap(canvas: object, text: str, width: float) -> list[str]:
    """Greedy lines; a long word that does not fit is hyphenated, as a typesetter would."""
    measure = canvas.stringWidth  # type: ignore[attr-defined]
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if measure(candidate, BODY_FONT, BODY_SIZE) <= width:
            current = candidate
            continue
        if len(word) >= 9 and current:
            for cut in range(len(word) - 3, 3, -1):
                head = f"{current} {word[:cut]}-"
                if measure(head, BODY_FONT, BODY_SIZE) <= width:
                    lines.append(head)
                    current = word[cut:]
                    break
            else:
                lines.append(current)
                current = word
            continue
        if current:
            lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


def build_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages that are pictures only: what a scanner without OCR produces."""
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    for _ in range(pages):
        for row in range(40):
            canvas.rect(MARGIN, PAGE_HEIGHT - MARGIN - row * 16, 400 - (row % 5) * 30, 8, fill=1)
        canvas.showPage()
    canvas.save()
    return path


_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def _xhtml(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{escape(title)}</title></head><body>{body}</body></html>"
    )


def build_epub(
    path: Path,
    chapters: Sequence[Chapter],
    *,
    title: str = "A Zipped Pamphlet",
    author: str = "Test Author",
    one_file: bool = False,
    epub2: bool = False,
    cover: bool = True,
    drm: bool = False,
) -> Path:
    """An EPUB 3 (navigation document) or EPUB 2 (NCX) book; `one_file` puts every chapter in
    one XHTML file, the table of contents pointing at anchors inside it."""
    files: dict[str, str] = {}
    toc: list[tuple[str, str]] = []
    bodies: list[str] = []
    for k, chapter in enumerate(chapters, start=1):
        paras = "".join(f"<p>{escape(p)}</p>" for p in chapter.paragraphs)
        section = f'<section id="ch{k}"><h2>{escape(chapter.title)}</h2>{paras}</section>'
        if one_file:
            bodies.append(section)
            toc.append((chapter.title, f"text.xhtml#ch{k}"))
        else:
            files[f"OEBPS/ch{k}.xhtml"] = _xhtml(chapter.title, section)
            toc.append((chapter.title, f"ch{k}.xhtml"))
    if one_file:
        files["OEBPS/text.xhtml"] = _xhtml(title, "".join(bodies))
    spine_files = ["cover.xhtml"] if cover else []
    if cover:
        files["OEBPS/cover.xhtml"] = _xhtml(
            "Cover", f"<h1>{escape(title)}</h1><p>{escape(author)}</p>"
        )
    spine_files += (
        ["text.xhtml"] if one_file else [f"ch{k}.xhtml" for k in range(1, len(chapters) + 1)]
    )
    nav_items = "".join(f'<li><a href="{h}">{escape(t)}</a></li>' for t, h in toc)
    files["OEBPS/nav.xhtml"] = _xhtml(
        "Contents", f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{nav_items}</ol></nav>'
    )
    points = "".join(
        f'<navPoint id="p{n}" playOrder="{n}"><navLabel><text>{escape(t)}</text></navLabel>'
        f'<content src="{h}"/></navPoint>'
        for n, (t, h) in enumerate(toc, start=1)
    )
    files["OEBPS/toc.ncx"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f"<docTitle><text>{escape(title)}</text></docTitle><navMap>{points}</navMap></ncx>"
    )
    manifest = "".join(
        f'<item id="f{n}" href="{name}" media-type="application/xhtml+xml"/>'
        for n, name in enumerate(spine_files)
    )
    nav_item = (
        ""
        if epub2
        else '<item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>'
    )
    spine = "".join(f'<itemref idref="f{n}"/>' for n in range(len(spine_files)))
    files["OEBPS/content.opf"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="{"2.0" if epub2 else "3.0"}" '
        'unique-identifier="uid"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="uid">urn:uuid:1234</dc:identifier><dc:title>{escape(title)}</dc:title>'
        f"<dc:creator>{escape(author)}</dc:creator><dc:date>2021-03-08</dc:date>"
        "<dc:publisher>Little Press</dc:publisher><dc:language>en</dc:language></metadata>"
        f'<manifest>{manifest}{nav_item}<item id="ncx" href="toc.ncx" '
        'media-type="application/x-dtbncx+xml"/></manifest>'
        f'<spine toc="ncx">{spine}</spine></package>'
    )
    files["META-INF/container.xml"] = _CONTAINER
    if drm:
        refs = "".join(
            '<enc:EncryptedData xmlns:enc="http://www.w3.org/2001/04/xmlenc#">'
            '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
            f'<enc:CipherData><enc:CipherReference URI="OEBPS/{name}"/></enc:CipherData>'
            "</enc:EncryptedData>"
            for name in spine_files
        )
        files["META-INF/encryption.xml"] = (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            f"{refs}</encryption>"
        )
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")  # stored, first
        for name, text in files.items():
            book.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return path
