"""Render the core's neutral `Message` as Matrix `m.room.message` contents (plain body + safe HTML).

Size rule: the core splits long sections under `MAX_BODY_CHARS` characters; on top of that
every event's JSON content is kept under `MAX_CONTENT_BYTES`, well inside Matrix's 64 KiB
event limit, by splitting at paragraph, then line, then word boundaries.
"""

from __future__ import annotations

import json
import re
from typing import Any

import nh3
from markdown_it import MarkdownIt

from bot.messages import Message, MessageKind

MAX_BODY_CHARS = 8_000
MAX_CONTENT_BYTES = 48_000

# The HTML subset the Matrix spec suggests clients accept in formatted_body.
_TAGS = {
    "a", "b", "blockquote", "br", "caption", "code", "del", "details", "div", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span",
    "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "code": {"class"}}
_URL_SCHEMES = {"http", "https", "mailto"}

# html=False: raw HTML typed by anyone is shown as text, never passed through as markup.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    "strikethrough"
)

_NOTICE_KINDS = {MessageKind.REPLY, MessageKind.NOTICE, MessageKind.NUDGE}


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    # A matrix.to link to a user renders as a "pill"; the bot never makes one from text.
    if element == "a" and attribute == "href" and "matrix.to/" in value.lower():
        return None
    if element == "code" and attribute == "class" and not value.startswith("language-"):
        return None
    return value


def to_html(markdown: str) -> str:
    """Markdown -> HTML restricted to an allow-list (tags, attributes, URL schemes)."""
    rendered = _markdown.render(markdown)
    cleaned: str = nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        attribute_filter=_filter_attribute,
        link_rel=None,
    )
    return cleaned.strip()


def compose(message: Message) -> str:
    """The whole Markdown text of a message: title, body, part counter, button hints."""
    lines: list[str] = []
    if message.title:
        lines.append(f"**{_escape_inline(message.title)}**")
        lines.append("")
    lines.append(message.body)
    if message.parts > 1:
        lines.extend(["", f"*(part {message.part} of {message.parts})*"])
    hints = [b.fallback or b.label for b in message.buttons]
    if hints:
        lines.append("")
        lines.extend(f"- {hint}" for hint in hints)
    return "\n".join(lines)


def _escape_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


def content_for(markdown: str, kind: MessageKind) -> dict[str, Any]:
    """One event's content. `m.mentions: {}` says the bot mentions nobody, so no text pings."""
    return {
        "msgtype": "m.notice" if kind in _NOTICE_KINDS else "m.text",
        "body": markdown,
        "format": "org.matrix.custom.html",
        "formatted_body": to_html(markdown),
        "m.mentions": {},
    }


def _size(content: dict[str, Any]) -> int:
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))


def _fits(text: str, kind: MessageKind, limit: int) -> bool:
    return _size(content_for(text, kind)) <= limit


def _pieces(text: str, kind: MessageKind, limit: int) -> list[str]:
    """Split text that is too big at the coarsest boundary that works."""
    for separator in ("\n\n", "\n", " "):
        parts = text.split(separator)
        if len(parts) > 1:
            return _pack(parts, separator, kind, limit)
    # one enormous word: cut it by characters, halving until each half fits
    middle = len(text) // 2
    return _split(text[:middle], kind, limit) + _split(text[middle:], kind, limit)


def _pack(parts: list[str], separator: str, kind: MessageKind, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = part if not current else current + separator + part
        if _fits(candidate, kind, limit):
            current = candidate
            continue
        if current:
            chunks.append(current)
        if _fits(part, kind, limit):
            current = part
        else:
            chunks.extend(_pieces(part, kind, limit))
            current = ""
    if current:
        chunks.append(current)
    return chunks


def _split(text: str, kind: MessageKind, limit: int) -> list[str]:
    if _fits(text, kind, limit):
        return [text]
    return _pieces(text, kind, limit)


def render(message: Message, *, limit: int = MAX_CONTENT_BYTES) -> list[dict[str, Any]]:
    """The contents to send for a message, in order: one, or several when it is too big."""
    return [
        content_for(chunk, message.kind) for chunk in _split(compose(message), message.kind, limit)
    ]
