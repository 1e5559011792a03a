"""Render the core's neutral `Message` as Matrix `m.room.message` contents: safe HTML in
`formatted_body` (org.matrix.custom.html) and the same words as plain text in `body`, which
notifications show, so it carries no Markdown markup. Command hints get the `!study` prefix.

Size rule: the core splits long sections under `MAX_BODY_CHARS` characters; on top of that
every event's JSON content is kept under `MAX_CONTENT_BYTES`, well inside Matrix's 64 KiB
event limit, by splitting at paragraph, then line, then word boundaries.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt

from adapters.matrix.inbound import PREFIX
from adapters.matrix.plaintext import to_plain
from bot.commands.hints import typed_command, typed_message
from bot.core.messages import Message, MessageKind

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


@lru_cache(maxsize=32)  # splitting renders a piece to measure it, then again to send it
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
    """The whole Markdown text of a message: title, body, part counter, button hints; every
    command in it written as it is typed on Matrix."""
    lines: list[str] = []
    if message.title:
        lines.append(f"**{_escape_inline(message.title)}**")
        lines.append("")
    lines.append(typed_message(message, _prefix))
    if message.parts > 1:
        lines.extend(["", f"*(part {message.part} of {message.parts})*"])
    hints = [_as_command(b.fallback or b.label) for b in message.buttons]
    if hints:
        lines.append("")
        lines.extend(f"- {hint}" for hint in hints)
    return "\n".join(lines)


def _prefix(_spec: object) -> str:
    return PREFIX


def _as_command(hint: str) -> str:
    # a button's fallback is a command to type (`respond 2 ...`), shown as code on Matrix
    shown = typed_command(hint, _prefix)
    return f"`{shown}`" if shown != hint else hint


def _escape_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", text)


def content_for(markdown: str, kind: MessageKind) -> dict[str, Any]:
    """One event's content. `m.mentions: {}` says the bot mentions nobody, so no text pings."""
    return {
        "msgtype": "m.notice" if kind in _NOTICE_KINDS else "m.text",
        "body": _plain(markdown),
        "format": "org.matrix.custom.html",
        "formatted_body": to_html(markdown),
        "m.mentions": {},
    }


@lru_cache(maxsize=32)
def _plain(markdown: str) -> str:
    return to_plain(markdown)


def _size(content: dict[str, Any]) -> int:
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))


def _fits(text: str, kind: MessageKind, limit: int) -> bool:
    return _size(content_for(text, kind)) <= limit


_SEPARATORS = ("\n\n", "\n", " ")


def _cut(text: str) -> tuple[int, int]:
    """Where to cut text in two: (end of the left part, start of the right part), at the
    coarsest boundary available, as near the middle as it can be."""
    middle = len(text) // 2
    for separator in _SEPARATORS:
        before = text.rfind(separator, 1, middle + 1)
        after = text.find(separator, middle)
        candidates = [i for i in (before, after) if 0 < i < len(text) - len(separator)]
        if candidates:
            best = min(candidates, key=lambda i: abs(i - middle))
            return best, best + len(separator)
    return middle, middle


def _halve(text: str, kind: MessageKind, limit: int) -> list[tuple[str, str]]:
    """(piece, separator that followed it) pieces, each small enough for one event."""
    if _fits(text, kind, limit):
        return [(text, "")]
    left, right = _cut(text)
    head = _halve(text[:left], kind, limit)
    head[-1] = (head[-1][0], text[left:right])
    return head + _halve(text[right:], kind, limit)


def _split(text: str, kind: MessageKind, limit: int) -> list[str]:
    """Halve until every piece fits (few renders), then merge neighbours back while they fit."""
    chunks: list[str] = []
    current, glue = "", ""
    for piece, separator in _halve(text, kind, limit):
        candidate = current + glue + piece if current else piece
        if current and not _fits(candidate, kind, limit):
            chunks.append(current)
            candidate = piece
        current, glue = candidate, separator
    if current or not chunks:
        chunks.append(current)
    return chunks


def render(message: Message, *, limit: int = MAX_CONTENT_BYTES) -> list[dict[str, Any]]:
    """The contents to send for a message, in order: one, or several when it is too big."""
    return [
        content_for(chunk, message.kind) for chunk in _split(compose(message), message.kind, limit)
    ]
