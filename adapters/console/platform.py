"""The console adapter: typed or piped lines in, the bot's messages rendered with rich out."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console

from adapters.console import words as say
from adapters.console.harmless import printable, printable_message
from adapters.console.keyboard import LineReader
from adapters.console.render import show_post, show_reply
from adapters.console.screen import Screen
from bot.config.platform_settings import ConsoleSettings
from bot.core.events import CommandReceived, MemberRef, Origin, ReplyReceived
from bot.core.i18n import Words, resolve
from bot.core.messages import Message, Posted
from bot.core.platform import CoreHandle, OpenPrompt, PlatformContext, PlatformLimits
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
        now: Callable[[], datetime] | None = None,
        stamp_note: str = "",
    ) -> None:
        self._settings = settings
        self._context = context
        self._stdin = stdin or sys.stdin
        self.console = Console(file=stdout or sys.stdout, highlight=False, soft_wrap=False)
        self.interactive = self._stdin.isatty()
        self.screen = Screen(self.console, prompting=self.interactive and self.console.is_terminal)
        self._local = settings.user
        self._speaker = printable(as_user or settings.user)
        self._core: CoreHandle | None = None
        # Ids stay unique across runs: the database keeps a prompt's message id, and a reused
        # "c3" from an earlier run would point a reply at an old session's prompt.
        self._run = uuid.uuid4().hex[:8]
        self._ids = itertools.count(1)
        self._now = now or (lambda: datetime.now(UTC))
        self._stamp_note = stamp_note
        self._reader: asyncio.Task[None] | None = None
        self._lines: LineReader | None = None
        self._in_hand: asyncio.Future[None] | None = None  # the line being handled
        self.input_finished = asyncio.Event()
        self.feed: asyncio.Queue[str | None] | None = None
        # what it showed this run, by message id: expiry forgets lines (a terminal cannot
        # take printed lines back; what it forgets no later command shows again)
        self.record: dict[str, Message] = {}
        # the console's own lines speak the language of the group meeting in its room
        languages = context.languages
        self.words: Words = resolve(languages.get(ROOM) or next(iter(languages.values()), None))

    # -- lifecycle ----------------------------------------------------------------

    async def start(self, core: CoreHandle) -> None:
        self._core = core
        if self.feed is None:
            self._lines = LineReader(self._stdin.fileno())
            self._lines.start()
            self._reader = asyncio.create_task(self._read_stdin(), name="console-input")
        else:
            self._reader = asyncio.create_task(self._read_feed(), name="console-feed")

    async def stop(self) -> None:
        reader, self._reader = self._reader, None
        if self._lines is not None:
            self._lines.close()
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
        in_hand, self._in_hand = self._in_hand, None
        if in_hand is not None:  # the line being handled when the reader stopped: finish it
            with contextlib.suppress(Exception):
                await in_hand
        self.screen.close()

    # -- outbound -----------------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        return f"{kind}{self._run}-{next(self._ids)}"

    async def post(
        self, room: str, message: Message, *, key: str, thread: str | None = None
    ) -> Posted:
        message_id = self._new_id("c")
        w = self.words
        where = say.in_thread(w) if thread else say.in_room(w)
        with self.screen.above_prompt() as console:
            show_post(
                console,
                printable_message(message),
                where=where,
                stamp=self._stamp(room),
                prefix=self.command_prefix,
                words=w,
            )
        self.record[message_id] = message
        return Posted(message_id=message_id, room=room, thread=thread)

    async def remove_message(
        self, room: str, message_id: str, *, thread: str | None, own: bool, reason: str, key: str
    ) -> bool:
        return self.record.pop(message_id, None) is not None

    async def remove_thread(self, room: str, thread: str, *, key: str) -> bool:
        return False  # a console thread is its lines

    async def open_thread(self, room: str, root: Posted, title: str, *, key: str) -> str:
        self.screen.line(say.thread_opened(self.words, title), style="dim")
        return f"thread-{root.message_id}"

    async def send_direct(self, member: MemberRef, message: Message, *, key: str) -> Posted:
        message_id = self._new_id("c")
        with self.screen.above_prompt() as console:
            show_post(
                console,
                printable_message(message),
                where=say.direct_to(self.words, printable(member.display_name)),
                stamp=self._stamp(ROOM),
                prefix=self.command_prefix,
                words=self.words,
            )
        return Posted(message_id=message_id, room=f"dm:{member.user_id}")

    async def reply(self, origin: Origin, message: Message) -> None:
        to = printable(origin.token or self._speaker)
        with self.screen.above_prompt() as console:
            show_reply(
                console,
                printable_message(message),
                to=to,
                prefix=self.command_prefix,
                words=self.words,
            )
        if message.attachment is not None:
            folder = self._context.data_dir / "exports"
            folder.mkdir(parents=True, exist_ok=True)
            path = _unused(folder / message.attachment.filename)
            path.write_bytes(message.attachment.content)
            self.screen.line(say.file_saved(self.words, str(path)), style="dim")

    def say(self, text: str) -> None:
        """A line of the bot's own, with rich markup (never a member's words)."""
        self.screen.show(text)

    def warn(self, line: str) -> None:
        self.screen.line(line, style="yellow")

    def command_prefix(self, spec: CommandSpec) -> str:
        return COMMAND_PREFIXES[0]

    async def is_admin(self, member: MemberRef, room: str) -> bool:
        """The person at the terminal is the console's admin; `--as` and `/as` grant nothing."""
        return member.platform == self.name and member.user_id == self._local.lower()

    def _stamp(self, room: str) -> str:
        """A post's time in its group's zone, as the times in its body are."""
        zone = self._context.zones.get(room) or next(iter(self._context.zones.values()), "UTC")
        try:
            where = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            where = ZoneInfo("UTC")
        return f"{self.words.weekday_time(self._now(), where)}{self._stamp_note}"

    # -- inbound ------------------------------------------------------------------

    async def _read_stdin(self) -> None:
        assert self._lines is not None
        try:
            while True:
                self.screen.ask(self._speaker)
                line = await self._lines.readline()
                self.screen.answered()
                if line is None:
                    break
                await self._handle_shielded(line)
        finally:
            self.input_finished.set()

    async def _handle_shielded(self, line: str) -> None:
        """Handle one line so that stopping the reader never cuts it short: an answer saved
        is an answer acknowledged (Ctrl-C amid pasted lines cancelled the reader between the
        two)."""
        task = asyncio.ensure_future(self.handle_line(line))
        self._in_hand = task
        try:
            await asyncio.shield(task)
        finally:
            if task.done():
                self._in_hand = None

    async def _read_feed(self) -> None:
        assert self.feed is not None
        try:
            while True:
                line = await self.feed.get()
                if line is None:
                    break
                await self._handle_shielded(line)
        finally:
            self.input_finished.set()

    async def handle_line(self, line: str) -> None:
        """One typed line: a command, `/as NAME`, `>N text` for prompt N, or an answer to the
        first open prompt the speaker has not answered."""
        core = self._core
        # Keys pressed by mistake (arrows, Esc) put control sequences in a line; they are
        # nobody's words, and another platform's client could obey them.
        text = printable(line).strip()
        if core is None or not text:
            return
        if not self.interactive:
            self.screen.line(f"{self._speaker}> {text}")
        if text.startswith("/as ") or text == "/as":
            self._speaker = text[4:].strip() or self._local
            self.screen.line(say.speaking_as(self.words, self._speaker), style="dim")
            return
        member = MemberRef(
            platform=self.name, user_id=self._speaker.lower(), display_name=self._speaker
        )
        origin = Origin(
            platform=self.name, room=ROOM, message_id=self._new_id("u"), token=self._speaker
        )
        for prefix in COMMAND_PREFIXES:
            if text == prefix or text.startswith(prefix + " "):
                name, _, args = text[len(prefix) :].strip().partition(" ")
                await core.handle(
                    CommandReceived(origin=origin, member=member, name=name or "help", args=args)
                )
                return
        number: int | None = None
        if text.startswith(">") and text[1:2].isdigit():
            digits, _, text = text[1:].partition(" ")
            if not digits.isdigit():
                self._tell(say.by_number(self.words))
                return
            number = int(digits)
        await self._answer(core, member, origin, text, number)

    async def _answer(
        self, core: CoreHandle, member: MemberRef, origin: Origin, text: str, number: int | None
    ) -> None:
        """Send `text` as a reply to prompt `number`, or to the first one not yet answered."""
        try:
            prompts = await core.open_prompts(member, self.name, ROOM)
        except Exception:
            log.exception("could not look up the open prompts")
            self._tell(say.not_taken(self.words))
            return
        target = _choose(self.words, prompts, number)
        if isinstance(target, str):
            self._tell(target)
            return
        if target.message_id is None:  # its post was cut off by a crash, and is sent again
            self._tell(say.not_posted(self.words, target.number))
            return
        await core.handle(
            ReplyReceived(origin=origin, member=member, in_reply_to=target.message_id, text=text)
        )

    def _tell(self, sentence: str) -> None:
        self.screen.line(sentence, style="dim")


def _choose(w: Words, prompts: tuple[OpenPrompt, ...], number: int | None) -> OpenPrompt | str:
    """The prompt a plain line (or `>N`) answers, or the one sentence saying why none."""
    if not prompts:
        return say.nothing_open(w)
    if number is None:
        chosen = next((p for p in prompts if not p.answered), None)
        if chosen is None:
            return say.all_answered(w)
    else:
        chosen = next((p for p in prompts if p.number == number), None)
        if chosen is None:
            numbers = ", ".join(str(p.number) for p in prompts)
            return say.no_such_prompt(w, number, numbers)
    return chosen


def _unused(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext`... when it exists: a file given earlier stays."""
    candidate = path
    for n in itertools.count(2):
        if not candidate.exists():
            return candidate
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    raise AssertionError("unreachable")
