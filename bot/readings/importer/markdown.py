"""Markdown articles: front matter, headings and the outline they give."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.readings.importer.chunks import Block, Draft, finish_sections, make_blocks
from bot.readings.importer.lines import MD_LINK, MD_NOT_PROSE, fenced_lines, normalize
from bot.readings.importer.model import ImportedSection

_ATX = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)(.*)$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
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


def _markdown_headings(lines: Sequence[str]) -> list[_Heading]:
    fenced = fenced_lines(lines)
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
            para_ok = MD_NOT_PROSE.match(line) is None
    return headings


def _clean_title(title: str) -> str:
    title = MD_LINK.sub(r"\1", title)
    while len(title) > 2 and title[0] in "*_`" and title[-1] == title[0]:
        title = title[1:-1].strip()
    return title


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
        drafts.append(Draft(heading.title, make_blocks(lines[heading.end : stop], True)))
    return title, preamble, drafts
