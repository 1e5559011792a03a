"""Taking messages away again on Discord: deletes of the bot's and members' messages, a thread's
messages listed page by page, and the thread channel itself when the bot opened it.

Every request goes through discord.py's HTTP client, so each route's bucket (deletes have a
bucket of their own per channel) and the adapter's global pacer hold for removals as for sends;
discord.py waits out a 429 and tries again by itself.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

import discord
from discord.http import HTTPClient

from bot.core.platform import AdapterError, RemovalRefused

log = logging.getLogger(__name__)

MANAGE_MESSAGES = "Manage Messages"  # Discord's own name for the right, as admins see it
MANAGE_THREADS = "Manage Threads"
READ_HISTORY = "View Channel and Read Message History"
PAGE = 100  # the most messages Discord lists in one request
AUDIT_REASON_MAX = 512  # Discord's limit on X-Audit-Log-Reason
THREAD_STARTER = 21
THREAD_ARCHIVED = 50083  # "Thread is archived"
THREAD_TYPES = (10, 11, 12)  # announcement, public and private threads
REMEMBERED = 4096  # deletes of our own making, long enough for the gateway's echo


class Eraser:
    """Deletes through the bot's HTTP client; `bot_id` tells the bot's own messages apart."""

    def __init__(self, http: Callable[[], HTTPClient], bot_id: Callable[[], int | None]) -> None:
        self._http = http
        self._bot_id = bot_id
        self._ours: deque[int] = deque(maxlen=REMEMBERED)

    def deleted_by_us(self, message_id: int) -> bool:
        """Whether the bot itself deleted this message: the gateway's MESSAGE_DELETE does not
        say who did, and an expired reply must not read as a member taking back a response."""
        return message_id in self._ours

    async def delete_message(self, channel_id: int, message_id: int, *, own: bool,
                             reason: str) -> bool:  # fmt: skip
        """Delete one message; True if it went now, False if Discord no longer had it."""
        self._ours.append(message_id)
        try:
            try:
                await self._http().delete_message(
                    channel_id, message_id, reason=reason[:AUDIT_REASON_MAX]
                )
            except discord.HTTPException as exc:
                if exc.code != THREAD_ARCHIVED:
                    raise
                # A week without a message archives a session's thread; open it again to delete.
                await self._http().edit_channel(channel_id, archived=False)
                await self._http().delete_message(
                    channel_id, message_id, reason=reason[:AUDIT_REASON_MAX]
                )
        except discord.NotFound:
            return False
        except discord.Forbidden as exc:
            # The bot may always delete its own messages where it can see them; another's
            # needs Manage Messages in the channel.
            right = READ_HISTORY if own else MANAGE_MESSAGES
            raise RemovalRefused(f"Discord refused a delete: {exc.code}", right=right) from exc
        except discord.HTTPException as exc:
            raise AdapterError(f"deleting a message failed: {exc.status} {exc.code}") from exc
        return True

    async def delete_thread(self, thread_id: int, *, reason: str) -> bool:
        """Delete a thread channel the bot opened; False when it is gone, or another's."""
        http = self._http()
        try:
            channel = await http.get_channel(thread_id)
        except discord.NotFound:
            return False
        except discord.HTTPException as exc:
            raise AdapterError(f"looking up thread {thread_id} failed: {exc.status}") from exc
        owner = str(channel.get("owner_id"))
        if channel.get("type") not in THREAD_TYPES or owner != str(self._bot_id()):
            log.info("channel %s is not a thread the bot opened; it stays", thread_id)
            return False
        try:
            await http.delete_channel(thread_id, reason=reason[:AUDIT_REASON_MAX])
        except discord.NotFound:
            return False
        except discord.Forbidden as exc:
            raise RemovalRefused(
                f"Discord refused to delete a thread: {exc.code}", right=MANAGE_THREADS
            ) from exc
        except discord.HTTPException as exc:
            raise AdapterError(f"deleting thread {thread_id} failed: {exc.status}") from exc
        return True

    async def thread_messages(self, thread_id: int) -> tuple[tuple[str, bool], ...]:
        """(message id, the bot's) for every message still in the thread, oldest first."""
        http = self._http()
        bot = self._bot_id()
        found: list[tuple[str, bool]] = []
        before: int | None = None
        while True:
            try:
                page = await http.logs_from(thread_id, PAGE, before=before)
            except discord.NotFound:
                break
            except discord.HTTPException as exc:
                raise AdapterError(f"listing thread {thread_id} failed: {exc.status}") from exc
            for message in page:
                if message.get("type") == THREAD_STARTER:
                    continue  # a system message Discord itself keeps with the thread
                author = message.get("author") or {}
                found.append((str(message["id"]), bot is not None and author.get("id") == str(bot)))
            if len(page) < PAGE:
                break
            before = min(int(m["id"]) for m in page)
        found.sort(key=lambda pair: int(pair[0]))
        return tuple(found)
