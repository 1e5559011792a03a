"""A message's Markdown as the plain text of a Matrix event's `body`: what notifications,
bridges and clients without HTML show, so it carries no Markdown markup (no asterisks, no
backticks), with lists as "•" lines and quotes marked by a bar."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

_parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")

QUOTE_MARK = "│ "
BULLET = "• "


def to_plain(markdown: str) -> str:
    """The text a reader sees in `markdown`, laid out in lines, without its markup."""
    blocks, _ = _blocks(_parser.parse(markdown), 0, closing=None)
    return "\n\n".join(b for b in blocks if b).strip()


def _blocks(tokens: Sequence[Token], start: int, *, closing: str | None) -> tuple[list[str], int]:
    """The blocks from `start` up to the token `closing` (or the end); and where it stopped."""
    out: list[str] = []
    i = start
    while i < len(tokens):
        token = tokens[i]
        if closing is not None and token.type == closing:
            return out, i + 1
        if token.type == "inline":
            out.append(_inline(token.children or []))
        elif token.type in ("fence", "code_block"):
            out.append(token.content.rstrip("\n"))
        elif token.type == "hr":
            out.append("———")
        elif token.type == "blockquote_open":
            inner, i = _blocks(tokens, i + 1, closing="blockquote_close")
            text = "\n\n".join(inner)
            out.append("\n".join(QUOTE_MARK + line if line else "│" for line in text.split("\n")))
            continue
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            items, i = _list(tokens, i)
            out.append(items)
            continue
        i += 1
    return out, i


def _list(tokens: Sequence[Token], start: int) -> tuple[str, int]:
    """A list as lines, "• item" or "3. item", an item's further lines indented under it."""
    opening = tokens[start]
    ordered = opening.type == "ordered_list_open"
    closing = "ordered_list_close" if ordered else "bullet_list_close"
    number = int(str(opening.attrs.get("start", 1))) if ordered else 0
    lines: list[str] = []
    i = start + 1
    while i < len(tokens) and tokens[i].type != closing:
        if tokens[i].type != "list_item_open":
            i += 1
            continue
        inner, i = _blocks(tokens, i + 1, closing="list_item_close")
        marker = f"{number}. " if ordered else BULLET
        number += 1
        text = "\n".join(b for b in inner if b)
        pad = " " * len(marker)
        first, *rest = text.split("\n") if text else [""]
        lines.append(marker + first)
        lines.extend(pad + line if line else "" for line in rest)
    return "\n".join(lines), i + 1


def _inline(children: Sequence[Token]) -> str:
    """A paragraph's text: markup dropped, a link's address after its words, breaks kept."""
    parts: list[str] = []
    link: str | None = None
    words_at = 0
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif kind == "image":
            parts.append(child.content or str(child.attrs.get("alt", "")))
        elif kind == "link_open":
            link = str(child.attrs.get("href", ""))
            words_at = len(parts)
        elif kind == "link_close" and link is not None:
            words = "".join(parts[words_at:])
            if link and link != words and link.removeprefix("mailto:") != words:
                parts.append(f" ({link})")
            link = None
    return "".join(parts)
