"""Reading a source file within the size limits and handing it to the reader for its kind."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.i18n import N_
from bot.readings.importer.article import Extracted
from bot.readings.importer.detect import SNIFF_BYTES, detect_kind
from bot.readings.importer.model import MAX_ARTICLE_BYTES, MAX_DOCUMENT_BYTES, ArticleImportError


def fallback_title(path: Path) -> str:
    return " ".join(re.split(r"[-_\s]+", path.stem)).strip().capitalize() or "Imported reading"


_CANNOT_READ = N_("{path}: cannot read: {why}")


def extract(path: Path) -> Extracted:
    """Read `path`, tell its kind by content, and extract its text, parts and metadata."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArticleImportError(_CANNOT_READ, path=str(path), why=exc.strerror) from None
    if not path.is_file():
        raise ArticleImportError(N_("{path}: is not a file"), path=str(path))
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise ArticleImportError(_CANNOT_READ, path=str(path), why=exc.strerror) from None
    document = head.startswith(b"PK\x03\x04") or b"%PDF-" in head[:1024]
    limit = MAX_DOCUMENT_BYTES if document else MAX_ARTICLE_BYTES
    if size > limit:
        message = (
            N_(
                "{path}: the file is {size} MB; a PDF or EPUB over {limit} MB is refused (split "
                "it into several readings)"
            )
            if document
            else N_(
                "{path}: the file is {size} MB; a text or HTML file over {limit} MB is refused "
                "(split it into several readings)"
            )
        )
        raise ArticleImportError(
            message, path=str(path), size=f"{size / 1_048_576:.1f}", limit=limit // 1_048_576
        )
    kind = detect_kind(path, head)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleImportError(_CANNOT_READ, path=str(path), why=exc.strerror) from None
    if kind == "pdf":
        from bot.readings.importer.pdf import read_pdf

        return read_pdf(raw, name=str(path))
    if kind == "epub":
        from bot.readings.importer.epub import read_epub

        return read_epub(raw, name=str(path))
    if kind == "html":
        from bot.readings.importer.html import read_html

        return read_html(raw, name=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleImportError(
            N_(
                "{path}: not UTF-8 text (bad byte at offset {offset}); save the file as UTF-8 "
                "and import it again"
            ),
            path=str(path),
            offset=str(exc.start),
        ) from None
    return Extracted(kind=kind, text=text, text_kind="markdown" if kind == "markdown" else "plain")
