"""The console adapter: typed or piped lines in, the bot's messages rendered with rich out."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from rich.console import Console

from adapters.console.render import show_post, show_reply
from bot.config.platform_settings import ConsoleSettings
from bot.core.events import CommandReceived, MemberRef, Origin, ReplyReceived
from bot.core.messages import Message, Posted
from bot.core.platform import CoreHandle, PlatformContext, PlatformLimits
from bot.core.specs import CommandSpec

log = logging.getLogger(__name__)

ROOM = "console"
COMMAND_PREFIXES = ("/study", "!study")


class ConsolePlatform:
    """A terminal chat: the local user is a member (and an admin); `/as NAME` speaks as another."""

    name = "console"
    limits = PlatformLimits(max_body_chars=3000)

    def __init__(
        self,
        settings: ConsoleSettings,
        context: PlatformContext,
        *,
        as_user: str | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        clock_text: Callable[[], str] | None = None,
    ) -> None:
        self._settings = settings
        self._context = context
        self._stdin = stdin or sys.stdin
        self.console = Console(file=stdout or sys.stdout, highlight=False, soft_wrap=False)
        self._local = settings.user
        self._speaker = as_user or settings.user
        self._core: CoreHandle | None = None
        self._ids = itertools.count(1)
        self._posts: dict[
            str, tuple[int | None, str | None]
        ] = {}  # message id -> (prompt no, thread)
        self._last_prompt: str | None = None
        self._prompt_ids: dict[int, str] = {}
        self._clock_text = clock_text or (lambda: f"{datetime.now().astimezone():%a %H:%M}")
        self._reader: asyncio.Task[None] | None = None
        self.input_finished = asyncio.Event()
        self.interactive = self._stdin.isatty()
        self.feed: asyncio.Queue[str | None] | None = None

    # -- lifecycle ----------------------------------------------------------------

    async def start(self, core: CoreHandle) -> None:
        self._core = core
        if self.feed is None:
            self._reader = asyncio.create_task(self._read_stdin(), name="console-input")
        else:
            self._reader = asyncio.create_task(self._read_feed(), name="console-feed")

    async def stop(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

    # -- outbound -----------------------------------------------------------------

    async def post(
        self, room: str, message: Message, *, key: str, thread: str | None = None
    ) -> Posted:
        message_id = f"c{next(self._ids)}"
        self._posts[message_id] = (message.prompt_number, thread)
        if message.prompt_number is not None:
            self._last_prompt = message_id
            self._prompt_ids[message.prompt_number] = message_id
        where = "thread" if thread else "room"
        show_post(self.console, message, where=where, stamp=self._clock_text())
        return Posted(message_id=message_id, room=room, thread=thread)

    async def open_thread(self, room: str, root: Posted, title: str, *, key: str) -> str:
        self.console.print(f"[dim]— thread opened: {title} —[/dim]")
        return f"thread-{root.message_id}"

    async def send_direct(self, member: MemberRef, message: Message, *, key: str) -> Posted:
        message_id = f"c{next(self._ids)}"
        show_post(
            self.console,
            message,
            where=f"direct message to {member.display_name}",
            stamp=self._clock_text(),
        )
        return Posted(message_id=message_id, room=f"dm:{member.user_id}")

    async def reply(self, origin: Origin, message: Message) -> None:
        to = origin.token or self._speaker
        show_reply(self.console, message, to=to)
        if message.attachment is not None:
            folder = self._context.data_dir / "exports"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / message.attachment.filename
            path.write_bytes(message.attachment.content)
            self.console.print(f"[dim]file saved: {path}[/dim]")

    def say(self, text: str) -> None:
        self.console.print(text)

    def command_prefix(self, spec: CommandSpec) -> str:
        return COMMAND_PREFIXES[0]

    async def is_admin(self, member: MemberRef, room: str) -> bool:
        """The person at the terminal is the console's admin; `--as` and `/as` grant nothing."""
        return member.platform == self.name and member.user_id == self._local.lower()

    # -- inbound ------------------------------------------------------------------

    async def _read_stdin(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                if self.interactive:
                    self.console.print(f"[bold]{self._speaker}>[/bold] ", end="")
                line = await loop.run_in_executor(None, self._stdin.readline)
                if line == "":
                    break
                await self.handle_line(line.rstrip("\n"))
        finally:
            self.input_finished.set()

    async def _read_feed(self) -> None:
        assert self.feed is not None
        try:
            while True:
                line = await self.feed.get()
                if line is None:
                    break
                await self.handle_line(line)
        finally:
            self.input_finished.set()

    async def handle_line(self, line: str) -> None:
        """One typed line: a command, `/as NAME`, `>N text` for prompt N, or a reply to the last prompt."""
        core = self._core
        text = line.strip()
        if core is None or not text:
            return
        if not self.interactive:
            self.console.print(f"[bold]{self._speaker}>[/bold] {text}")
        if text.startswith("/as "):
            self._speaker = text[4:].strip() or self._local
            self.console.print(f"[dim]now speaking as {self._speaker}[/dim]")
            return
        member = MemberRef(
            platform=self.name, user_id=self._speaker.lower(), display_name=self._speaker
        )
        message_id = f"u{next(self._ids)}"
        origin = Origin(
            platform=self.name,
            room=ROOM,
            message_id=message_id,
            token=self._speaker,
        )
        for prefix in COMMAND_PREFIXES:
            if text == prefix or text.startswith(prefix + " "):
                name, _, args = text[len(prefix) :].strip().partition(" ")
                await core.handle(
                    CommandReceived(origin=origin, member=member, name=name or "help", args=args)
                )
                return
        if text.startswith(">") and text[1:2].isdigit():
            number, _, answer = text[1:].partition(" ")
            target = self._prompt_ids.get(int(number)) if number.isdigit() else None
            if target is None:
                self.console.print(f"[dim]no prompt {number} has been posted[/dim]")
                return
            await core.handle(
                ReplyReceived(origin=origin, member=member, in_reply_to=target, text=answer)
            )
            return
        if self._last_prompt is None:
            self.console.print("[dim]type /study help for the commands[/dim]")
            return
        await core.handle(
            ReplyReceived(origin=origin, member=member, in_reply_to=self._last_prompt, text=text)
        )
