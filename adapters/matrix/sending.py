"""Send rendered messages: idempotent transaction ids, thread relations, attachments."""

from __future__ import annotations

import hashlib
import html
import io
import logging
from typing import Any
from urllib.parse import quote

import nio

from adapters.matrix.calls import RATE_LIMITED, Retrier
from adapters.matrix.pacing import Pacer
from adapters.matrix.render import render
from bot.core.events import MemberRef
from bot.core.messages import Attachment, Message

log = logging.getLogger(__name__)


def transaction_id(key: str, part: int | str = 0) -> str:
    """The same key (and part) always gives the same transaction id, so the homeserver keeps
    one event when the same device resends it (Synapse remembers them for about a day)."""
    return "studybot-" + hashlib.sha256(f"{key}\x00{part}".encode()).hexdigest()[:40]


def thread_relation(
    root: str, reply_to: str | None = None, *, falling_back: bool = True
) -> dict[str, Any]:
    """An `m.thread` relation; `m.in_reply_to` is the fallback older clients show as a reply."""
    return {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": falling_back,
        "m.in_reply_to": {"event_id": reply_to or root},
    }


def reply_relation(event_id: str) -> dict[str, Any]:
    return {"m.in_reply_to": {"event_id": event_id}}


class Outbox:
    """Sends a message's events to one room through the retrier, in order, paced to the
    homeserver's per-account limit once it has shown one."""

    def __init__(
        self, client: nio.AsyncClient, retrier: Retrier, pacer: Pacer | None = None
    ) -> None:
        self._client = client
        self._retrier = retrier
        self.pacer = pacer or Pacer()

    async def send_event(
        self, room_id: str, content: dict[str, Any], txn: str, event_type: str = "m.room.message"
    ) -> str:
        async def request() -> nio.RoomSendResponse | nio.RoomSendError:
            await self.pacer.wait_turn()
            response = await self._client.room_send(
                room_id, event_type, content, tx_id=txn, ignore_unverified_devices=True
            )
            if isinstance(response, nio.RoomSendError) and response.status_code == RATE_LIMITED:
                wait_ms = response.retry_after_ms
                self.pacer.limited((1000 if wait_ms is None else wait_ms) / 1000)
            return response

        response = await self._retrier.run(f"send to {room_id}", request)
        assert isinstance(response, nio.RoomSendResponse)
        return str(response.event_id)

    async def react(self, room_id: str, event_id: str, emoji: str, *, key: str) -> str:
        relation = {"rel_type": "m.annotation", "event_id": event_id, "key": emoji}
        content = {"m.relates_to": relation}
        return await self.send_event(room_id, content, transaction_id(key), "m.reaction")

    async def send(
        self, room_id: str, message: Message, *, key: str, relation: dict[str, Any] | None = None
    ) -> list[str]:
        """Send all events of `message`; returns their event ids (the first is the message's id)."""
        ids: list[str] = []
        for index, content in enumerate(render(message)):
            if index == 0 and message.mentions:
                add_mentions(content, message.mentions)
            if relation is not None:
                content["m.relates_to"] = relation
            ids.append(await self.send_event(room_id, content, transaction_id(key, index)))
        if message.attachment is not None:
            content = await self._file_content(room_id, message.attachment)
            if relation is not None:
                content["m.relates_to"] = relation
            ids.append(await self.send_event(room_id, content, transaction_id(key, "file")))
        return ids

    async def _file_content(self, room_id: str, attachment: Attachment) -> dict[str, Any]:
        room = self._client.rooms.get(room_id)
        encrypt = bool(room is not None and room.encrypted and self._client.olm is not None)
        data = attachment.content

        keys: dict[str, Any] | None = None

        async def upload() -> nio.UploadResponse | nio.UploadError:
            nonlocal keys
            response, keys = await self._client.upload(
                io.BytesIO(data),  # a fresh reader per try
                content_type="application/octet-stream" if encrypt else attachment.mime_type,
                filename=attachment.filename,
                encrypt=encrypt,
                filesize=len(data),
            )
            return response

        response = await self._retrier.run(f"upload of {attachment.filename}", upload)
        assert isinstance(response, nio.UploadResponse)
        content: dict[str, Any] = {
            "msgtype": "m.file",
            "body": attachment.filename,
            "filename": attachment.filename,
            "info": {"mimetype": attachment.mime_type, "size": len(data)},
            "m.mentions": {},
        }
        if encrypt and keys:
            content["file"] = {**keys, "url": response.content_uri}
        else:
            content["url"] = response.content_uri
        return content


def add_mentions(content: dict[str, Any], members: tuple[MemberRef, ...]) -> None:
    """Ping exactly the members the core names (team announcements, a nudge when DMs are
    closed): a pill for each in front of the text, and their ids, only, in `m.mentions`."""
    users = [m for m in members if m.user_id.startswith("@")]
    if not users:
        return
    plain = " ".join(m.display_name for m in users)
    pills = " ".join(
        f'<a href="https://matrix.to/#/{quote(m.user_id, safe="@:")}">{html.escape(m.display_name)}</a>'
        for m in users
    )
    content["body"] = f"{plain}: {content['body']}"
    content["formatted_body"] = f"{pills}: {content['formatted_body']}"
    content["m.mentions"] = {"user_ids": [m.user_id for m in users]}
