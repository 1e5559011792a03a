"""Sending one core message to a Discord channel, piece by piece, each with its nonce."""

from __future__ import annotations

import hashlib
from typing import Any

import discord

from bot.core.messages import Message
from bot.core.platform import AdapterError, DirectMessagesClosed

from .components import view_for
from .render import render

NO_MENTIONS = discord.AllowedMentions.none()
NONCE_MAX = 25  # Discord accepts a nonce string of at most 25 characters
CANNOT_DM_USER = 50007


def nonce_for(key: str, part: int = 1) -> str:
    """A deterministic nonce for the core's idempotency key (and part of a split message)."""
    return hashlib.sha256(f"{key}#{part}".encode()).hexdigest()[:NONCE_MAX]


async def send_message(
    channel: discord.abc.Messageable,
    message: Message,
    *,
    key: str | None,
    reference: discord.MessageReference | None = None,
    mentions: discord.AllowedMentions = NO_MENTIONS,
    prefix: str | None = None,
    start: int = 1,
) -> list[discord.Message]:
    """Send every piece of a rendered message (from piece `start`: a forum post's starter
    message carried the first). A piece's nonce derives from `key`, so a resend after a crash
    or a failed attempt is deduplicated by Discord."""
    pieces = render(message)
    view = view_for(message.buttons, message.prompt_number)
    sent: list[discord.Message] = []
    for index, piece in enumerate(pieces, start=1):
        if index < start:
            continue
        kwargs: dict[str, Any] = {"allowed_mentions": mentions}
        content = piece.content
        if prefix is not None and index == 1:
            content = f"{prefix}\n{content}" if content else prefix
        if content is not None:
            kwargs["content"] = content
        if piece.embeds:
            kwargs["embeds"] = piece.embeds
        if piece.files:
            kwargs["files"] = piece.files
        if view is not None and index == len(pieces):
            kwargs["view"] = view
        if key is not None:
            # discord.py sends `enforce_nonce: true` with every nonce.
            kwargs["nonce"] = nonce_for(key, index)
        if reference is not None and index == 1:
            kwargs["reference"] = reference
            kwargs["mention_author"] = False
        try:
            sent.append(await channel.send(**kwargs))
        except discord.Forbidden as exc:
            if exc.code == CANNOT_DM_USER:
                raise DirectMessagesClosed("the member does not accept direct messages") from exc
            raise AdapterError(f"sending a message was refused: {exc.code}") from exc
        except discord.HTTPException as exc:
            raise AdapterError(f"sending a message failed: {exc.status} {exc.code}") from exc
    return sent
