"""Split an article (Markdown or plain text) into reading sections, leaving comment threads out."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rich.table import Table
from rich.text import Text

from bot.readings import ID_PATTERN
from bot.yamlsource import MAX_YAML_BYTES

log = logging.getLogger(__name__)

SourceKind = Literal["markdown", "plain"]

DEFAULT_MAX_WORDS = 600
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
SUFFIXES: dict[str, SourceKind] = {".md": "markdown", ".markdown": "markdown", ".txt": "plain"}
INTRO_MIN_WORDS = 15  # shorter text before the first heading joins the first section
TAIL_MIN_WORDS = 30  # a footer marker only counts once this much article precedes it
LONG_SECTION_FACTOR = 1.5  # a section longer than this many times max_words is chunked
MAX_SECTION_TITLE = 200
MAX_READING_TITLE = 300

# Characters YAML cannot carry in a block scalar: controls, and line breaks other than \n.
_UNPRINTABLE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ODD_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")

_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)(.*)$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_THEMATIC = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_MD_NOT_PROSE = re.compile(r"^( {4}|\t| {0,3}([-*+]|\d{1,9}[.)])([ \t]|$)| {0,3}[>|<])")
_BULLET = re.compile(r"^\s*([-*+•–—]|\d{1,3}[.)])\s")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s")
_BYLINE = re.compile(r"^(by|written by|posted by|published by)\s", re.I)
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b",
    re.I,
)
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")
_FRONT_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_SENTENCE_GAP = re.compile(r"(?<![.!?…])([.!?…]+[\"'”’»)\]]*)\s+")
_OPENERS = "\"'“‘«([¿¡"
_FIRST_AFTER_OPENERS = re.compile(r"[\"'“‘«(\[¿¡]*(.)")
_ABBREVIATION = re.compile(
    r"mr|mrs|ms|dr|prof|st|jr|sr|vs|etc|e\.g|i\.e|no|fig|gen|col|lt|sen|rep|gov|inc|ltd|co"
    r"|u\.s|u\.k|u\.n|a\.m|p\.m|approx|dept|est|[a-z]"
)

# Lines that mark the end of an article on a web page, each with the most words it may have.
_TAIL_MARKERS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern, re.I), max_words)
    for pattern, max_words in (
        (r"(\d[\d,.]*\s+)?comments?(\s*\(\d+\))?", 4),
        (r"comments are closed|show comments|view comments|load comments", 5),
        (r"(\d[\d,.]*|one|two|three|four|five)\s+(comments?|responses?|replies|thoughts)", 4),
        (
            r"(\d[\d,.]*|one|two|three|four|five)\s+(comments?|responses?|replies|thoughts)\s+"
            r"(on|to)\s.*",
            40,
        ),
        (r"(leave|post|add|write) a (reply|comment|response)(\s+to\s.*)?", 40),
        (r"(join|start) the (discussion|conversation)|reply|cancel reply", 4),
        (r"related( posts?| articles?| stories| reading| content| links)?", 3),
        (r"you (may|might) also (like|enjoy)|more (stories|articles|posts) like this", 8),
        (r"recommended( for you| reading)?|read next|what to read next", 5),
        (r"share( this( article| post| story| page)?)?|share (on|via)\s+\w+", 5),
        (r"like this|loading|like loading", 3),
        (r"subscribe( now| today| to [^.]*)?|sign up for (our|the) newsletter", 12),
        (r"print friendly.*|print( this)?( article| page| post)?", 8),
        (r"(posted|filed|published) (in|under)\s.*", 12),
        (r"(tags?|tagged( with)?|categories|category|topics)\s*:.*", 20),
        (r"(©|\(c\)|copyright)\s*(©\s*)?(\d{4}|by\s).*|.*\ball rights reserved", 20),
        (r"(facebook|twitter|email|e-mail|tweet|pinterest|reddit|whatsapp|linkedin|telegram)", 1),
    )
)
_SAYS = re.compile(r"^\S.{0,80}\ssays:$", re.I)


class ArticleImportError(Exception):
    """The article cannot be imported; the message says why and what to do instead."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedSection:
    title: str
    body: str
    words: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    """Sections found in an article; `dropped_tail_lines` counts non-blank lines cut as footer."""

    title: str
    sections: tuple[ImportedSection, ...]
    dropped_tail_lines: int
    source_kind: SourceKind
    reading_id: str = "imported-reading"


@dataclass(frozen=True, slots=True)
class _Block:
    text: str
    prose: bool  # may be cut at sentence ends when it is far too long on its own


@dataclass(slots=True)
class _Draft:
    title: str | None  # None for text that came before any heading
    blocks: list[_Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Piece:
    text: str
    words: int
    continues: bool  # the rest of a paragraph that was cut at a sentence end


# Public entry points


def import_article(
    path: Path,
    *,
    max_words: int = DEFAULT_MAX_WORDS,
    reading_id: str | None = None,
    title: str | None = None,
) -> ImportResult:
    """Read a .md/.markdown/.txt file and split it into sections (see `import_text`)."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ArticleImportError(
            f"{path}: cannot import a {path.suffix or 'extensionless'} file; "
            "give a Markdown (.md, .markdown) or plain-text (.txt) file"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArticleImportError(f"{path}: cannot read: {exc.strerror}") from None
    if not path.is_file():
        raise ArticleImportError(f"{path}: is not a file")
    if size > MAX_ARTICLE_BYTES:
        raise ArticleImportError(
            f"{path}: the file is {size / 1_048_576:.1f} MB; articles over "
            f"{MAX_ARTICLE_BYTES // 1_048_576} MB are refused (split it into several readings)"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleImportError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleImportError(
            f"{path}: not UTF-8 text (bad byte at offset {exc.start}); "
            "save the file as UTF-8 and import it again"
        ) from None
    if reading_id is None:
        reading_id = slugify(path.stem) or "imported-reading"
    fallback_title = " ".join(re.split(r"[-_\s]+", path.stem)).strip().capitalize()
    return import_text(
        text,
        kind=kind,
        max_words=max_words,
        reading_id=reading_id,
        title=title,
        fallback_title=fallback_title or "Imported reading",
        source=str(path),
    )


def import_text(
    text: str,
    *,
    kind: SourceKind,
    max_words: int = DEFAULT_MAX_WORDS,
    reading_id: str = "imported-reading",
    title: str | None = None,
    fallback_title: str = "Imported reading",
    source: str = "the article",
) -> ImportResult:
    """Split article text into sections, cutting any comment thread or footer after its end."""
    if not 1 <= max_words <= 100_000:
        raise ArticleImportError(f"max words must be between 1 and 100000, not {max_words}")
    if re.fullmatch(ID_PATTERN, reading_id) is None:
        raise ArticleImportError(
            f"reading id {reading_id!r} is not allowed: use 1-64 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit"
        )
    markdown = kind == "markdown"
    lines = _normalize(text).split("\n")
    meta_title = None
    if markdown:
        lines, meta_title = _strip_front_matter(lines)
    end = article_end(lines, markdown=markdown)
    dropped = 0
    if end is not None:
        dropped = sum(1 for line in lines[end:] if line.strip())
        log.debug(
            "%s: left out %d lines after the article's end (line %d)", source, dropped, end + 1
        )
        lines = lines[:end]
    if markdown:
        found_title, preamble, drafts = _markdown_outline(lines)
    else:
        found_title, preamble, drafts = _plain_outline(lines)
    sections = _finish(preamble, drafts, max_words, markdown=markdown)
    if not any(section.words for section in sections):
        raise ArticleImportError(f"{source}: there is no article text to import")
    chosen = title if title is not None and title.strip() else found_title or meta_title
    return ImportResult(
        title=_one_line(_normalize(chosen or fallback_title), MAX_READING_TITLE),
        sections=tuple(sections),
        dropped_tail_lines=dropped,
        source_kind=kind,
        reading_id=reading_id,
    )


def split_markdown(text: str, max_words: int | None = None) -> list[ImportedSection]:
    """Sections by Markdown headings (the single top `#` title is not a section).

    With `max_words`, a section far longer than that is cut into parts on paragraph boundaries.
    """
    lines, _ = _strip_front_matter(_normalize(text).split("\n"))
    _, preamble, drafts = _markdown_outline(lines)
    return _finish(preamble, drafts, max_words, markdown=True)


def split_plain(text: str, max_words: int = DEFAULT_MAX_WORDS) -> list[ImportedSection]:
    """Sections by heading-like lines, falling back to chunks of about `max_words` words."""
    if max_words < 1:
        raise ValueError("max_words must be positive")
    _, preamble, drafts = _plain_outline(_normalize(text).split("\n"))
    return _finish(preamble, drafts, max_words, markdown=False)


def article_end(lines: Sequence[str], *, markdown: bool) -> int | None:
    """Index of the line where a comment thread or page footer starts, if one can be told apart."""
    fenced = _fenced_lines(lines) if markdown else [False] * len(lines)
    words_before = 0
    for i, line in enumerate(lines):
        if not fenced[i] and words_before >= TAIL_MIN_WORDS and _starts_tail(lines, i, fenced):
            return i
        words_before += len(line.split())
    return None


# Footer detection


def _marker_text(line: str) -> str:
    text = _MD_LINK.sub(r"\1", line.strip())
    text = text.lstrip("#>*_-–—•| \t").rstrip(":.!*_#|… \t")
    return " ".join(text.split())


def _starts_tail(lines: Sequence[str], i: int, fenced: Sequence[bool]) -> bool:
    text = _marker_text(lines[i])
    if not text:
        return False
    words = len(text.split())
    if any(words <= most and rx.fullmatch(text) for rx, most in _TAIL_MARKERS):
        return True
    return _is_says_line(lines[i]) and any(
        not fenced[j] and (_is_says_line(lines[j]) or _marker_text(lines[j]).lower() == "reply")
        for j in range(i + 1, len(lines))
    )


def _is_says_line(line: str) -> bool:
    text = line.strip()
    return len(text.split()) <= 8 and _SAYS.match(text) is not None


# Markdown


def _strip_front_matter(lines: list[str]) -> tuple[list[str], str | None]:
    if not lines or lines[0].strip() != "---":
        return lines, None
    for j in range(1, min(len(lines), 200)):
        if lines[j].strip() in ("---", "..."):
            inner = [line for line in lines[1:j] if line.strip()]
            if not inner or not all(_FRONT_KEY.match(line) or line[:1] in " \t-" for line in inner):
                return lines, None
            title = None
            for line in inner:
                if line.lower().startswith("title:"):
                    title = line.split(":", 1)[1].strip().strip("\"'") or None
            return lines[j + 1 :], title
    return lines, None


def _fenced_lines(lines: Sequence[str]) -> list[bool]:
    flags: list[bool] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is not None:
            flags.append(True)
            if (
                m
                and m[1][0] == fence[0]
                and len(m[1]) >= len(fence)
                and not line.strip()[len(m[1]) :].strip()
            ):
                fence = None
        elif m:
            flags.append(True)
            fence = m[1]
        else:
            flags.append(False)
    return flags


@dataclass(frozen=True, slots=True)
class _Heading:
    start: int  # first line of the heading (a setext heading spans its paragraph)
    end: int  # line after the heading
    level: int
    title: str


def _markdown_headings(lines: Sequence[str]) -> list[_Heading]:
    fenced = _fenced_lines(lines)
    headings: list[_Heading] = []
    para_start: int | None = None
    para_ok = False
    for i, line in enumerate(lines):
        if fenced[i] or not line.strip():
            para_start = None
            continue
        atx = _ATX.match(line)
        if atx:
            content = re.sub(r"(^|[ \t])#+[ \t]*$", "", atx[2]).strip()
            headings.append(_Heading(i, i + 1, len(atx[1]), _clean_title(content) or "Untitled"))
            para_start = None
            continue
        setext = _SETEXT.match(line)
        if setext and para_start is not None and para_ok:
            content = " ".join(part.strip() for part in lines[para_start:i])
            level = 1 if setext[1][0] == "=" else 2
            headings.append(_Heading(para_start, i + 1, level, _clean_title(content) or "Untitled"))
            para_start = None
            continue
        if _THEMATIC.match(line):
            para_start = None
        elif para_start is None:
            para_start = i
            para_ok = _MD_NOT_PROSE.match(line) is None
    return headings


def _clean_title(title: str) -> str:
    title = _MD_LINK.sub(r"\1", title)
    while len(title) > 2 and title[0] in "*_`" and title[-1] == title[0]:
        title = title[1:-1].strip()
    return title


def _markdown_outline(lines: list[str]) -> tuple[str | None, list[_Block], list[_Draft]]:
    headings = _markdown_headings(lines)
    title: str | None = None
    skip: range = range(0)
    top = [h for h in headings if h.level == 1]
    if len(top) == 1 and headings[0] is top[0] and headings[0].title:
        title = headings[0].title
        skip = range(headings[0].start, headings[0].end)
        headings = headings[1:]
    first = headings[0].start if headings else len(lines)
    preamble = _blocks([line for n, line in enumerate(lines[:first]) if n not in skip], True)
    drafts = []
    for k, heading in enumerate(headings):
        stop = headings[k + 1].start if k + 1 < len(headings) else len(lines)
        drafts.append(_Draft(heading.title, _blocks(lines[heading.end : stop], True)))
    return title, preamble, drafts


# Plain text


def _plain_outline(lines: list[str]) -> tuple[str | None, list[_Block], list[_Draft]]:
    blocks = _blocks(lines, False)
    flags = [_plain_heading(blocks, i) for i in range(len(blocks))]
    title: str | None = None
    start = 0
    if len(blocks) > 1 and flags[0]:
        title = blocks[0].text.strip()
        start = 1
    rest = flags[start:]
    if sum(rest) * 2 > len(rest):  # mostly short lines: a poem or a list, not headings
        rest = [False] * len(rest)
    preamble: list[_Block] = []
    drafts: list[_Draft] = []
    for block, is_heading in zip(blocks[start:], rest, strict=True):
        if is_heading:
            drafts.append(_Draft(" ".join(block.text.split())))
        elif drafts:
            drafts[-1].blocks.append(block)
        else:
            preamble.append(block)
    return title, preamble, drafts


def _plain_heading(blocks: Sequence[_Block], i: int) -> bool:
    text = blocks[i].text.strip()
    if "\n" in text or not heading_like(text):
        return False
    if _NUMBERED.match(text):  # "1. Title" is a heading unless its neighbours are numbered too
        neighbours = [blocks[j].text for j in (i - 1, i + 1) if 0 <= j < len(blocks)]
        return not any(_NUMBERED.match(n) for n in neighbours)
    return True


def heading_like(line: str) -> bool:
    """A short line with no closing punctuation that is not a list item, byline or date."""
    text = line.strip()
    if not text or len(text) > 90 or len(text.split()) > 12:
        return False
    if _BULLET.match(text) and not _NUMBERED.match(text):
        return False
    core = text.rstrip("\"'”’»)]*_ ")
    if not core or core[-1] in ".,;:!?…":
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters or letters[0].islower():
        return False
    return not (_BYLINE.match(text) or _DATE.search(text))


# Blocks, chunks and sections


def _normalize(text: str) -> str:
    text = _ODD_BREAKS.sub("\n", text.replace("\ufeff", ""))
    return _UNPRINTABLE.sub("", text)


def _blocks(lines: Sequence[str], markdown: bool) -> list[_Block]:
    """Paragraphs separated by blank lines; a fenced code block stays one block."""
    fenced = _fenced_lines(lines) if markdown else [False] * len(lines)
    blocks: list[_Block] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            prose = not markdown or (_MD_NOT_PROSE.match(current[0]) is None and not fenced_start)
            blocks.append(_Block("\n".join(line.rstrip() for line in current), prose))
            current.clear()

    fenced_start = False
    for i, line in enumerate(lines):
        if not fenced[i] and not line.strip():
            flush()
            continue
        if current and fenced[i] != fenced[i - 1]:
            flush()  # a code fence is its own block even without blank lines around it
        if not current:
            fenced_start = fenced[i]
        current.append(line)
    flush()
    return blocks


def _finish(
    preamble: list[_Block], drafts: list[_Draft], max_words: int | None, *, markdown: bool
) -> list[ImportedSection]:
    drafts = list(drafts)
    if preamble:
        if not drafts:
            drafts = [_Draft(None, preamble)]
        elif _count(preamble) >= INTRO_MIN_WORDS:
            drafts.insert(0, _Draft("Introduction", preamble))
        else:
            drafts[0].blocks[:0] = preamble
    kept: list[_Draft] = []
    carried: list[_Block] = []
    for draft in drafts:
        if not draft.blocks and draft.title is not None:
            # A heading with nothing under it (a part title) leads into the next section.
            carried.append(_Block(f"**{draft.title}**" if markdown else draft.title, False))
            continue
        kept.append(_Draft(draft.title, carried + draft.blocks))
        carried = []
    if carried:
        if kept:
            kept[-1].blocks.extend(carried)
        else:
            kept.append(_Draft(drafts[0].title, carried[1:]))
    sections: list[ImportedSection] = []
    for draft in kept:
        words = _count(draft.blocks)
        if max_words is not None and words > max_words * LONG_SECTION_FACTOR:
            chunks = _chunk(draft.blocks, max_words)
        else:
            chunks = [[_Piece(b.text, len(b.text.split()), False) for b in draft.blocks]]
        for n, chunk in enumerate(chunks, start=1):
            if draft.title is None:
                title = f"Part {n}" if len(chunks) > 1 else "Full text"
            else:
                title = f"{draft.title} (part {n})" if len(chunks) > 1 else draft.title
            body = _join(chunk)
            sections.append(
                ImportedSection(title=title or "Untitled", body=body, words=len(body.split()))
            )
    return sections


def _count(blocks: Sequence[_Block]) -> int:
    return sum(len(b.text.split()) for b in blocks)


def _join(pieces: Sequence[_Piece]) -> str:
    out: list[str] = []
    for n, piece in enumerate(pieces):
        if n:
            out.append(" " if piece.continues else "\n\n")
        out.append(piece.text)
    return "".join(out)


def _chunk(blocks: Sequence[_Block], max_words: int) -> list[list[_Piece]]:
    """Group paragraphs into chunks near `max_words`; only an oversized paragraph is cut, at
    sentence ends."""
    pieces: list[_Piece] = []
    for block in blocks:
        words = len(block.text.split())
        if block.prose and words > max_words * LONG_SECTION_FACTOR:
            sentences = split_sentences(block.text)
            pieces.extend(
                _Piece(s, len(s.split()), continues=k > 0) for k, s in enumerate(sentences)
            )
        else:
            pieces.append(_Piece(block.text, words, False))
    chunks: list[list[_Piece]] = []
    current: list[_Piece] = []
    size = 0
    for piece in pieces:
        over = size + piece.words - max_words
        if current and over > 0 and max_words - size <= over:
            chunks.append(current)
            current, size = [], 0
        current.append(piece)
        size += piece.words
    if current:
        last = sum(p.words for p in current)
        if chunks and last * 4 < max_words:
            chunks[-1].extend(current)  # a small remainder joins the chunk before it
        else:
            chunks.append(current)
    return chunks


def split_sentences(text: str) -> list[str]:
    """Cut text at sentence ends (not after common abbreviations or initials)."""
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_GAP.finditer(text):
        following = _FIRST_AFTER_OPENERS.match(text, m.end())
        if following is None or not (following[1].isupper() or following[1].isdigit()):
            continue
        # Look only at a short window so a long run without sentence ends stays linear.
        window = text[max(start, m.start(1) - 40) : m.start(1) + 1].split()
        last = window[-1].lower().rstrip(".").lstrip(_OPENERS) if window else ""
        if m[1].startswith(".") and _ABBREVIATION.fullmatch(last):
            continue
        piece = text[start : m.end(1)].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# Output


def slugify(text: str, max_length: int = 48) -> str:
    """A lowercase ASCII id made of letters, digits and hyphens ("" when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut).strip("-")
    return slug


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _section_ids(sections: Sequence[ImportedSection]) -> list[str]:
    ids: list[str] = []
    seen: set[str] = set()
    for n, section in enumerate(sections, start=1):
        base = slugify(section.title) or f"section-{n}"
        candidate, k = base, 2
        while candidate in seen:
            candidate, k = f"{base}-{k}", k + 1
        seen.add(candidate)
        ids.append(candidate)
    return ids


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def reading_yaml(result: ImportResult, reading_id: str | None = None) -> str:
    """A reading file for `result`, loadable by `bot.readings.load_reading`, prompts left empty."""
    rid = reading_id if reading_id is not None else result.reading_id
    if re.fullmatch(ID_PATTERN, rid) is None:
        raise ArticleImportError(f"reading id {rid!r} is not allowed (lowercase, digits, - or _)")
    lines = [
        "# Imported by `studybot import`. Check where the sections break, fill in author,",
        "# source and publication, and give each section two or three open discussion prompts.",
        f"id: {_quoted(rid)}",
        f"title: {_quoted(_one_line(_normalize(result.title), MAX_READING_TITLE) or rid)}",
        'author: ""',
        "source: null  # the article's URL",
        "publication: null",
        "sections:",
    ]
    for section_id, section in zip(_section_ids(result.sections), result.sections, strict=True):
        title = _one_line(_normalize(section.title), MAX_SECTION_TITLE) or section_id
        lines += [
            f"  - id: {_quoted(section_id)}",
            f"    title: {_quoted(title)}",
            '    # TODO: add prompts, e.g. prompts: ["What is the main argument here?"]',
            "    prompts: []",
        ]
        body = [line.rstrip() for line in _normalize(section.body).strip().split("\n")]
        if body == [""]:
            lines.append('    body: ""')
        else:
            lines.append("    body: |")
            lines += [f"      {line}" if line else "" for line in body]
    text = "\n".join(lines) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_YAML_BYTES:
        raise ArticleImportError(
            f"the reading would be {size // 1000} kB, over the {MAX_YAML_BYTES // 1000} kB limit "
            "for a reading file; import a shorter article or split it into several readings"
        )
    return text


def sections_table(result: ImportResult) -> Table:
    """A table of the sections found: number, title and word count."""
    table = Table(title=Text(result.title))
    table.add_column("#", justify="right")
    table.add_column("Title")
    table.add_column("Words", justify="right")
    for n, section in enumerate(result.sections, start=1):
        table.add_row(str(n), Text(section.title), str(section.words))
    return table
