"""What kind of document a file is, told by its content first and its name second."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.i18n import N_
from bot.core.said import Said
from bot.readings.importer.model import SUFFIXES, ArticleImportError, SourceKind

SNIFF_BYTES = 64 * 1024

# Formats people send that are not readable here, with what to do instead.
_UNSUPPORTED = {
    ".docx": N_("a Word document"),
    ".doc": N_("a Word document"),
    ".odt": N_("an OpenDocument text"),
    ".rtf": N_("a rich-text document"),
    ".pages": N_("a Pages document"),
    ".mobi": N_("a Kindle book"),
    ".azw": N_("a Kindle book"),
    ".azw3": N_("a Kindle book"),
    ".djvu": N_("a DjVu scan"),
}
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", N_("a PNG image")),
    (b"GIF8", N_("a GIF image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"\xd0\xcf\x11\xe0", N_("an old Word or Office document")),
    (b"{\\rtf", N_("a rich-text document")),
    (b"7z\xbc\xaf", N_("a 7-Zip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"\x7fELF", N_("a program")),
    (b"MZ", N_("a program")),
)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)", re.I | re.S)
_XML_HTML = re.compile(rb"^\s*<\?xml[^>]*>\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html)", re.I | re.S)
_TAG = re.compile(rb"<(p|div|h[1-6]|article|section|br|span|a|li|table|meta|title)\b", re.I)
_MD_SIGNS = re.compile(r"^(#{1,6} \S|\s{0,3}(=+|-+)\s*$|```|\s*[-*+] \S)|\]\(\S+\)", re.M)
_GZIP = b"\x1f\x8b"


def supported() -> Said:
    return Said.gettext(
        N_(
            "give an HTML page (.html), a PDF, an EPUB, Markdown (.md, .markdown) or plain text "
            "(.txt)"
        )
    )


def detect_kind(path: Path, head: bytes) -> SourceKind:
    """The kind of `path` from its first bytes; unreadable kinds raise a one-sentence error."""
    suffix = path.suffix.lower()
    if head[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "epub"  # the EPUB reader tells a Word or OpenDocument zip apart and says so
    if head.startswith(_GZIP):
        raise ArticleImportError(
            N_("{path} is compressed with gzip; unpack it first (gunzip) and import the result"),
            path=str(path),
        )
    if suffix in _UNSUPPORTED:
        raise ArticleImportError(
            N_(
                "cannot import a {suffix} file ({kind}); save it as HTML or PDF and import that, "
                "or {supported}"
            ),
            suffix=suffix,
            kind=Said.gettext(_UNSUPPORTED[suffix]),
            supported=supported(),
        )
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            raise ArticleImportError(
                N_("{path} is {kind}, not an article; {supported}"),
                path=str(path),
                kind=Said.gettext(name),
                supported=supported(),
            )
    if _binary(head):
        raise ArticleImportError(
            N_("{path} is not text, HTML, PDF or EPUB (it looks like binary data); {supported}"),
            path=str(path),
            supported=supported(),
        )
    if not head.strip():
        raise ArticleImportError(
            N_("{path} is empty; there is no article text to import"), path=str(path)
        )
    if _HTML_START.match(head) or _XML_HTML.match(head):
        return "html"
    if head.lstrip()[:1] == b"<" and len(_TAG.findall(head)) >= 3:
        return "html"  # a fragment saved without <html>: still markup, not prose
    known = SUFFIXES.get(suffix)
    if known == "html" and head.lstrip()[:1] == b"<" and _TAG.search(head):
        return "html"
    if known in ("markdown", "plain"):
        return known
    if known in ("html", "pdf", "epub"):
        raise ArticleImportError(
            N_(
                "{path} is named {suffix} but its content is not {kind}; check that the "
                "download finished"
            ),
            path=str(path),
            suffix=suffix,
            kind=known.upper(),
        )
    if suffix and suffix not in (".text", ".mdown", ".mkd"):
        raise ArticleImportError(
            N_("cannot import a {suffix} file; {supported}"), suffix=suffix, supported=supported()
        )
    text = head.decode("utf-8", "replace")
    return "markdown" if len(_MD_SIGNS.findall(text)) >= 2 else "plain"


def _binary(head: bytes) -> bool:
    """NUL bytes, or many control characters, or bytes that are no text encoding at all."""
    sample = head[:SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls * 20 > len(sample):
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # a character cut at the sample's edge is fine
            high = sum(1 for b in sample if b >= 128)
            return high * 3 > len(sample)  # mostly high bytes: not a Latin-1 text either
    return False
