"""EPUB books: the zip's package document, spine order and table of contents, read with the
standard library's zipfile and lxml's XML parser (an EPUB is a zip of XHTML files)."""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag

from lxml import etree
from lxml import html as lxml_html

from bot.core.i18n import N_
from bot.readings.importer.article import Extracted, Part
from bot.readings.importer.htmltext import EPUB_TYPE, Piece, html_pieces, local
from bot.readings.importer.model import ArticleImportError, Dropped, Metadata

MIN_PART_WORDS = 50  # a cover or title page this short joins the part after it
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one chapter's XHTML, uncompressed
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # the whole book uncompressed: a bigger one is a zip bomb
MAX_MEMBERS = 20_000

# Font obfuscation (IDPF and Adobe) is declared in encryption.xml without being DRM.
_FONT_OBFUSCATION = frozenset(
    ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")
)
_XHTML_TYPES = frozenset(("application/xhtml+xml", "text/html", "application/x-dtbook+xml"))
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)


@dataclass(frozen=True, slots=True)
class _Entry:
    title: str
    path: str
    fragment: str | None


def read_epub(raw: bytes, *, name: str) -> Extracted:
    """The book's parts, one per top-level table-of-contents entry, in spine order."""
    try:
        return _read_book(raw, name)
    except ArticleImportError:
        raise
    except Exception as exc:
        # a damaged zip fails in zipfile or zlib with errors of many kinds (BadZipFile, EOFError,
        # NotImplementedError for an unknown compression, zlib.error...): one sentence for all
        raise ArticleImportError(
            N_("{name} is a damaged EPUB; its files cannot be unpacked ({why})"),
            name=name,
            why=type(exc).__name__,
        ) from None


def _read_book(raw: bytes, name: str) -> Extracted:
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ArticleImportError(
            N_("{name} is not a valid EPUB (the zip is damaged)"), name=name
        ) from None
    with book:
        members = {info.filename: info for info in book.infolist()}
        _check_is_epub(members, book, name)
        _check_sizes(members.values(), name)
        _check_drm(members, book, name)
        opf_path = _rootfile(_read(book, "META-INF/container.xml", name), name)
        opf = _xml(_read(book, opf_path, name), f"{name}: {opf_path}")
        package = _Package(opf, opf_path)
        documents = {
            path: _xml(_read(book, path, name), f"{name}: {path}")
            for path in package.spine_paths
            if path in members
        }
        nonlinear = [p for p in package.nonlinear_paths if p in members]
        entries = _toc(book, members, package, name)
        return _parts(documents, entries, package, nonlinear, book, name)


def _check_is_epub(members: dict[str, zipfile.ZipInfo], book: zipfile.ZipFile, name: str) -> None:
    mimetype = (
        book.read("mimetype")[:100].decode("ascii", "replace").strip()
        if "mimetype" in members
        else ""
    )
    if mimetype == "application/epub+zip" or "META-INF/container.xml" in members:
        return
    if "word/document.xml" in members:
        raise ArticleImportError(
            N_("{name} is a Word document, not an EPUB; save it as PDF or HTML and import that"),
            name=name,
        )
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        raise ArticleImportError(
            N_(
                "{name} is an OpenDocument file, not an EPUB; save it as PDF or HTML and import "
                "that"
            ),
            name=name,
        )
    raise ArticleImportError(
        N_("{name} is a zip archive, not an EPUB book; unpack it first"), name=name
    )


def _check_sizes(members: Iterable[zipfile.ZipInfo], name: str) -> None:
    infos = list(members)
    total = sum(info.file_size for info in infos)
    if len(infos) > MAX_MEMBERS or total > MAX_TOTAL_BYTES:
        raise ArticleImportError(
            N_(
                "{name} unpacks to {size} MB in {count} files, more than a book holds; it is refused"
            ),
            name=name,
            size=f"{total / 1_048_576:.0f}",
            count=len(infos),
        )


def _check_drm(members: dict[str, zipfile.ZipInfo], book: zipfile.ZipFile, name: str) -> None:
    drm = N_("{name} is protected by DRM, so its text cannot be read; import a DRM-free copy")
    if "META-INF/rights.xml" in members:
        raise ArticleImportError(
            drm, name=name
        )  # Adobe ADEPT and similar schemes leave their licence here
    if "META-INF/encryption.xml" not in members:
        return
    root = _xml(_read(book, "META-INF/encryption.xml", name), f"{name}: encryption.xml")
    for data in root.iter():
        if local(data.tag) != "encrypteddata":
            continue
        method = next((e for e in data.iter() if local(e.tag) == "encryptionmethod"), None)
        algorithm = method.get("Algorithm", "") if method is not None else ""
        if algorithm not in _FONT_OBFUSCATION:
            raise ArticleImportError(drm, name=name)


def _read(book: zipfile.ZipFile, path: str, name: str) -> bytes:
    try:
        info = book.getinfo(path)
    except KeyError:
        raise ArticleImportError(
            N_("{name}: the EPUB has no {path}; it is damaged"), name=name, path=path
        ) from None
    if info.file_size > MAX_MEMBER_BYTES:
        raise ArticleImportError(
            N_("{name}: {path} is over {size} MB"),
            name=name,
            path=path,
            size=MAX_MEMBER_BYTES // 1_048_576,
        )
    try:
        with book.open(info) as f:
            return f.read(MAX_MEMBER_BYTES + 1)[:MAX_MEMBER_BYTES]
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise ArticleImportError(
            N_("{name}: cannot unpack {path} ({why})"), name=name, path=path, why=str(exc)
        ) from None


def _xml(data: bytes, where: str) -> Any:
    root = etree.fromstring(data, _PARSER) if data.strip() else None
    if root is None:
        try:
            root = lxml_html.fromstring(data)  # a chapter written as loose HTML
        except (etree.ParserError, ValueError):
            raise ArticleImportError(
                N_("{where} is not XML or HTML; the EPUB is damaged"), where=where
            ) from None
    return root


def _rootfile(container: bytes, name: str) -> str:
    root = _xml(container, f"{name}: container.xml")
    for element in root.iter():
        if local(element.tag) == "rootfile" and element.get("full-path"):
            return str(element.get("full-path"))
    raise ArticleImportError(
        N_("{name}: the EPUB names no package document; it is damaged"), name=name
    )


class _Package:
    """The OPF: metadata, the manifest of files and the spine that orders them."""

    def __init__(self, opf: Any, opf_path: str) -> None:
        base = posixpath.dirname(opf_path)
        self.items: dict[str, tuple[str, str, str]] = {}  # id -> (path, media type, properties)
        for item in (e for e in opf.iter() if local(e.tag) == "item"):
            href = unquote(item.get("href", ""))
            path = posixpath.normpath(posixpath.join(base, href))
            self.items[item.get("id", "")] = (
                path,
                item.get("media-type", ""),
                item.get("properties", ""),
            )
        self.spine_paths: list[str] = []
        self.nonlinear_paths: list[str] = []
        self.ncx: str | None = None
        for spine in (e for e in opf.iter() if local(e.tag) == "spine"):
            toc = spine.get("toc")
            if toc in self.items:
                self.ncx = self.items[toc][0]
            for ref in (e for e in spine if local(e.tag) == "itemref"):
                path, media, _ = self.items.get(ref.get("idref", ""), ("", "", ""))
                if not path or media not in _XHTML_TYPES:
                    continue
                if ref.get("linear", "yes").strip().lower() == "no":
                    self.nonlinear_paths.append(path)
                else:
                    self.spine_paths.append(path)
        self.nav = next((p for p, _, props in self.items.values() if "nav" in props.split()), None)
        if self.ncx is None:
            self.ncx = next(
                (p for p, media, _ in self.items.values() if media == "application/x-dtbncx+xml"),
                None,
            )
        self.metadata = _metadata(opf)


def _metadata(opf: Any) -> Metadata:
    def texts(tag: str) -> list[str]:
        return [
            " ".join("".join(e.itertext()).split())
            for e in opf.iter()
            if local(e.tag) == tag and "".join(e.itertext()).strip()
        ]

    sources = [s for s in texts("source") + texts("identifier") if s.startswith("http")]
    creators = texts("creator")
    return Metadata(
        title=next(iter(texts("title")), None),
        author=" and ".join(creators) if creators else None,
        date=next(iter(texts("date")), None),
        site=next(iter(texts("publisher")), None),
        url=next(iter(sources), None),
    )


def _toc(
    book: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], package: _Package, name: str
) -> list[_Entry]:
    """Top-level entries of the navigation document (EPUB 3) or the NCX (EPUB 2)."""
    if package.nav and package.nav in members:
        root = _xml(_read(book, package.nav, name), f"{name}: {package.nav}")
        nav = next(
            (
                e
                for e in root.iter()
                if local(e.tag) == "nav" and "toc" in (e.get(EPUB_TYPE) or "").split()
            ),
            None,
        )
        if nav is not None:
            entries = _nav_entries(nav, package.nav)
            if entries:
                return entries
    if package.ncx and package.ncx in members:
        root = _xml(_read(book, package.ncx, name), f"{name}: {package.ncx}")
        return _ncx_entries(root, package.ncx)
    return []


def _nav_entries(nav: Any, nav_path: str) -> list[_Entry]:
    ol = next((e for e in nav if local(e.tag) == "ol"), None)
    if ol is None:
        ol = next((e for e in nav.iter() if local(e.tag) == "ol"), None)
    if ol is None:
        return []
    items = [li for li in ol if local(li.tag) == "li"]
    if len(items) == 1:
        inner = next((e for e in items[0] if local(e.tag) == "ol"), None)
        if inner is not None:
            items = [li for li in inner if local(li.tag) == "li"]  # one root: its chapters
    entries: list[_Entry] = []
    for li in items:
        link = next((e for e in li if local(e.tag) in ("a", "span")), None)
        if link is None or not link.get("href"):
            continue
        entries.append(
            _entry(" ".join("".join(link.itertext()).split()), link.get("href"), nav_path)
        )
    return entries


def _ncx_entries(root: Any, ncx_path: str) -> list[_Entry]:
    nav_map = next((e for e in root.iter() if local(e.tag) == "navmap"), None)
    if nav_map is None:
        return []
    points = [p for p in nav_map if local(p.tag) == "navpoint"]
    if len(points) == 1:
        points = [p for p in points[0] if local(p.tag) == "navpoint"] or points
    entries: list[_Entry] = []
    for point in points:
        label = next((e for e in point if local(e.tag) == "navlabel"), None)
        content = next((e for e in point if local(e.tag) == "content"), None)
        if content is None or not content.get("src"):
            continue
        title = " ".join("".join(label.itertext()).split()) if label is not None else ""
        entries.append(_entry(title, content.get("src"), ncx_path))
    return entries


def _entry(title: str, href: str, base_path: str) -> _Entry:
    target, fragment = urldefrag(href)
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base_path), unquote(target)))
    return _Entry(title=title or "Untitled", path=path, fragment=fragment or None)


def _parts(
    documents: dict[str, Any],
    entries: list[_Entry],
    package: _Package,
    nonlinear: list[str],
    book: zipfile.ZipFile,
    name: str,
) -> Extracted:
    anchors: dict[str, set[str]] = {}
    for entry in entries:
        if entry.fragment:
            anchors.setdefault(entry.path, set()).add(entry.fragment)
    # Each piece of text belongs to the last entry that starts at or before it.
    starts: dict[tuple[str, str | None], int] = {}
    for k, entry in enumerate(entries):
        starts.setdefault((entry.path, entry.fragment), k)
    owned: list[tuple[int | None, str]] = []
    current: int | None = None
    for path, root in documents.items():
        body = next((e for e in root.iter() if local(e.tag) == "body"), root)
        pieces: list[Piece] = html_pieces(body, frozenset(anchors.get(path, ())))
        for n, piece in enumerate(pieces):
            key = (path, piece.anchor) if piece.anchor else (path, None)
            if key in starts and (piece.anchor or n == 0):
                current = starts[key]
            elif n == 0 and (path, None) in starts:
                current = starts[(path, None)]
            owned.append((current, piece.text))
    texts: dict[int | None, list[str]] = {}
    for owner, text in owned:
        if text.strip():
            texts.setdefault(owner, []).append(text)
    whole = "\n\n".join(t for _, t in owned if t.strip())
    if not whole.strip():
        raise ArticleImportError(N_("{name}: the EPUB has no text in its reading order"), name=name)
    parts = [
        Part(title=entries[k].title, text="\n\n".join(texts[k]))
        for k in sorted(i for i in texts if i is not None)
    ]
    parts = _merge_short(parts, "\n\n".join(texts.get(None, [])))
    dropped = []
    if nonlinear:
        dropped.append(
            Dropped(
                where=N_("outside the book's reading order"),
                reason=N_("items the EPUB marks as non-linear (contents, notes or similar)"),
                lines=tuple(posixpath.basename(p) for p in nonlinear),
            )
        )
    return Extracted(
        kind="epub",
        text=whole,
        text_kind="markdown",
        parts=tuple(parts),
        metadata=package.metadata,
        dropped=tuple(dropped),
        web_copy=False,
    )


def _merge_short(parts: list[Part], before: str) -> list[Part]:
    """Text before the first entry, and parts under MIN_PART_WORDS words (a cover, a title
    page), join the part after them, so nothing is lost and no section is a stub."""
    merged: list[Part] = []
    carry = before
    for part in parts:
        text = f"{carry}\n\n{part.text}" if carry.strip() else part.text
        if len(part.text.split()) < MIN_PART_WORDS and part is not parts[-1]:
            carry = text
            continue
        merged.append(Part(title=part.title, text=text))
        carry = ""
    if carry.strip() and merged:
        last = merged[-1]
        merged[-1] = Part(title=last.title, text=f"{last.text}\n\n{carry}")
    return merged
