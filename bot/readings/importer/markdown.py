"""Markdown articles: front matter, headings and the outline they give."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.readings.importer.chunks import Block, Draft, finish_sections, make_blocks
from bot.readings.importer.lines import normalize
from bot.readings.importer.model import ImportedSection

_FRONT_KEY = re.compile(r"^[A-Za-z_][\w-]*\s*:")


def split_markdown(text: str, max_words: int | None = None) -> list[ImportedSection]:
    """Sections by Markdown headings (the single top `#` title is not a section).

    With `max_words`, a section far longer than that is cut into parts on paragraph boundaries.
    """
    lines, _ = strip_front_matter(normalize(text).split("\n"))
    _, preamble, drafts = markdown_outline(lines)
    return finish_sections(preamble, drafts, max_words, markdown=True)


def strip_front_matter(lines: list[str]) -> tuple[list[str], str | None]:
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


@dataclass(frozen=True, slots=True)
class _Heading:
    start: int  # first line of the heading (a setext heading spans its paragraph)
    end: int  # line after the heading
    level: int
    title: str


_PARSER = MarkdownIt("commonmark")


def _markdown_headings(lines: Sequence[str]) -> list[_Heading]:
    """Top-level ATX and setext headings, as markdown-it finds them (not inside quotes or code)."""
    tokens = _PARSER.parse("\n".join(lines))
    headings: list[_Heading] = []
    for k, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        inline = tokens[k + 1] if k + 1 < len(tokens) else None
        title = _inline_text(inline.children or []) if inline is not None else ""
        start, end = token.map
        headings.append(_Heading(start, end, int(token.tag[1:]), title or "Untitled"))
    return headings


def _inline_text(children: Sequence[Token]) -> str:
    """The words of a heading, without emphasis, link targets or inline HTML."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return " ".join("".join(parts).split())


def markdown_outline(lines: list[str]) -> tuple[str | None, list[Block], list[Draft]]:
    headings = _markdown_headings(lines)
    title: str | None = None
    skip: range = range(0)
    top = [h for h in headings if h.level == 1]
    if len(top) == 1 and headings[0] is top[0] and headings[0].title:
        title = headings[0].title
        skip = range(headings[0].start, headings[0].end)
        headings = headings[1:]
    first = headings[0].start if headings else len(lines)
    preamble = make_blocks([line for n, line in enumerate(lines[:first]) if n not in skip], True)
    drafts = []
    for k, heading in enumerate(headings):
        stop = headings[k + 1].start if k + 1 < len(headings) else len(lines)
        drafts.append(
            Draft(heading.title, make_blocks(lines[heading.end : stop], True), heading.level)
        )
    return title, preamble, drafts
