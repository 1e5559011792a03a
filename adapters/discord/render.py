"""Turn the core's neutral `Message` into Discord messages within Discord's size limits.

Discord reads the core's Markdown itself (lists, quotes, emphasis; a line break is a line
break), so the body goes as written, but for its command hints: `/study respond ...`."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import discord

from bot.commands.hints import typed_message
from bot.core.messages import Message, MessageKind
from bot.core.specs import CommandSpec

from .commands import command_group_name

CONTENT_MAX = 2000
DESCRIPTION_MAX = 4096
TITLE_MAX = 256
MESSAGE_EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10

# One core part must fit in one Discord message: the title and a margin for a part marker
# come out of the 6,000-character embed budget.
BODY_PER_MESSAGE = MESSAGE_EMBED_TOTAL_MAX - TITLE_MAX - 144

_EMBED_COLOUR = {
    MessageKind.SECTION: discord.Colour.blurple(),
    MessageKind.PROMPT: discord.Colour.gold(),
    MessageKind.SUMMARY: discord.Colour.green(),
    MessageKind.REMINDER: discord.Colour.orange(),
}


@dataclass(slots=True)
class DiscordPiece:
    """What one Discord API message carries (the `Button`s are added by the caller)."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    files: list[discord.File] = field(default_factory=list)


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into chunks of at most `limit` characters, at the gentlest boundary found:
    a blank line, then a line break, then a sentence end, then a space; a hard cut last."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", ". ", "? ", "! ", " "):
            at = window.rfind(sep, 0, limit)
            if at > limit // 4:  # a split too near the start would make a sliver of a chunk
                cut = at + (1 if sep.endswith(" ") and sep != " " else 0)
                break
        if cut <= 0:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks or [""]


def slash_prefix(spec: CommandSpec) -> str:
    """What a member types before a command on Discord: `/study` or `/study-admin`."""
    return f"/{command_group_name(spec)}"


def _title(message: Message) -> str | None:
    title = message.title
    if title is None and message.kind is MessageKind.PROMPT and message.prompt_number is not None:
        title = f"Prompt {message.prompt_number}"
    if title is not None and message.parts > 1:
        title = f"{title} ({message.part}/{message.parts})"
    if title is not None and len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    return title


def _uses_embeds(message: Message, body: str) -> bool:
    if message.kind in (MessageKind.SECTION, MessageKind.PROMPT, MessageKind.SUMMARY):
        return True
    return message.title is not None or len(body) > CONTENT_MAX


def render(message: Message) -> list[DiscordPiece]:
    """Render one core message as one or more Discord messages (more only when the body
    exceeds what a single message holds). An attachment rides on the first piece."""
    body = typed_message(message, slash_prefix)
    pieces: list[DiscordPiece] = []
    if not _uses_embeds(message, body):
        # Discord refuses a message with nothing in it; an attachment alone is enough.
        empty = "…" if message.attachment is None else None
        pieces.append(DiscordPiece(content=body or empty))
    else:
        title = _title(message)
        colour = _EMBED_COLOUR.get(message.kind, discord.Colour.light_grey())
        current = DiscordPiece()
        budget = MESSAGE_EMBED_TOTAL_MAX
        for index, chunk in enumerate(split_text(body, DESCRIPTION_MAX)):
            chunk_title = title if index == 0 else None
            cost = len(chunk) + len(chunk_title or "")
            if current.embeds and (cost > budget or len(current.embeds) >= EMBEDS_PER_MESSAGE):
                pieces.append(current)
                current = DiscordPiece()
                budget = MESSAGE_EMBED_TOTAL_MAX
            current.embeds.append(
                discord.Embed(title=chunk_title, description=chunk or None, colour=colour)
            )
            budget -= cost
        pieces.append(current)
    if message.attachment is not None:
        attachment = message.attachment
        pieces[0].files.append(
            discord.File(io.BytesIO(attachment.content), filename=attachment.filename)
        )
    return pieces
