"""How the core writes a message's Markdown: blocks apart, lists as lists, quotes closed.

A message body is CommonMark. Blocks (paragraphs, lists, quotes, headings) are separated by a
blank line, because Markdown joins lines that only a line break separates, and a quote runs on
into whatever follows it without one. Inside a paragraph a single line break is a line break:
every adapter keeps it (members' own line breaks are kept that way too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# what would start another block inside a list item: a list marker, a quote, a heading
_BLOCK_START = re.compile(r"^(?:(\d{1,9})([.)])(?=\s|$)|([-+*>#])(?=\s|$|#))")


def blocks(*parts: str | None) -> str:
    """The non-empty parts as separate Markdown blocks."""
    return "\n\n".join(p.strip("\n") for p in parts if p and p.strip())


def bullets(items: Iterable[str]) -> str:
    """A bulleted list, one item a line; an item's own line breaks stay inside the item."""
    return "\n".join("- " + _inline(item).replace("\n", "\n  ") for item in items)


def _inline(item: str) -> str:
    """An item's text, read as text even when it starts like a list or a quote ("2. Why?")."""
    item = item.strip()
    match = _BLOCK_START.match(item)
    if match is None:
        return item
    if match.group(1) is not None:
        digits = match.group(1)
        return f"{digits}\\{item[len(digits) :]}"
    return "\\" + item


def quotation(text: str, author: str | None = None) -> str:
    """A quote of `text`, signed by `author` on its last line; a block of its own."""
    lines = [f"> {line}" if line.strip() else ">" for line in text.strip().split("\n")]
    if author:
        lines.append(f"> — {author}")
    return "\n".join(lines)


# a line that starts a block or a list item of its own, so the line break before it stays
_OWN_LINE = re.compile(r"^\s*(?:[-+*>#|]|\d{1,9}[.)](?:\s|$)|```|~~~)")


def prose(text: str) -> str:
    """A reading's Markdown with the line breaks its source file wrapped paragraphs at taken
    out (a YAML body is often wrapped at 80 or 100 columns, and every platform here shows a
    single line break as one). Paragraph breaks, list items, quotes, headings, tables, fenced
    and indented code, and Markdown's own hard breaks (two spaces or a backslash at a line's
    end) stay as written."""
    out: list[str] = []
    fenced = False
    for line in text.split("\n"):
        opens_fence = line.lstrip().startswith(("```", "~~~"))
        previous = out[-1] if out else ""
        joinable = (
            not fenced
            and not opens_fence
            and out
            and previous.strip()
            and line.strip()
            and not _OWN_LINE.match(line)
            and not line.startswith(("    ", "\t"))
            and not previous.endswith(("  ", "\\"))
            and not previous.lstrip().startswith(("#", "|", "```", "~~~", "    "))
        )
        if joinable:
            out[-1] = previous.rstrip() + " " + line.strip()
        else:
            out.append(line)
        if opens_fence:
            fenced = not fenced
    return "\n".join(out)
