"""An in-memory platform and a fake-clock harness, for testing the core without any network."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from bot.commands.spec import CommandSpec
from bot.config.load import load_config
from bot.config.model import Config
from bot.core.clock import FakeClock
from bot.core.events import (
    CommandReceived,
    InboundEvent,
    MemberRef,
    MessageDeleted,
    MessageEdited,
    Origin,
    ReplyReceived,
)
from bot.core.messages import Message, Posted
from bot.core.platform import CoreHandle, DirectMessagesClosed, PlatformLimits, RemovalRefused
from bot.runtime.circle import StudyCircle
from bot.storage import Storage, open_storage


@dataclass(frozen=True, slots=True)
class Sent:
    """One thing the bot sent, as the fake platform saw it."""

    where: str  # room id, "dm:<user>" or "reply:<room>"
    message: Message
    posted: Posted | None
    key: str | None
    thread: str | None = None


@dataclass
class FakePlatform:
    """Records every send; counts duplicate keys; can refuse DMs or fail sends on demand."""

    name: str = "console"
    limits: PlatformLimits = field(default_factory=lambda: PlatformLimits(max_body_chars=2000))
    sent: list[Sent] = field(default_factory=list)
    closed_dms: set[str] = field(default_factory=set)
    admins: set[tuple[str, str]] = field(
        default_factory=set
    )  # (user id, room) the platform rates admin
    fail_next: int = 0
    fail_when: Callable[[Message], bool] | None = None
    started: bool = False
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _by_key: dict[str, Posted] = field(default_factory=dict)
    # removals (expire_after): (room, message id) per removal asked, the threads removed, and
    # the right the platform lacks to remove members' messages (None: it has it)
    removals: list[tuple[str, str]] = field(default_factory=list)
    removed_threads: list[str] = field(default_factory=list)
    refuse_members: str | None = None
    retention: dict[str, timedelta] = field(default_factory=dict)

    async def start(self, core: CoreHandle) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    def _fail(self) -> None:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("simulated platform failure")

    async def post(
        self, room: str, message: Message, *, key: str, thread: str | None = None
    ) -> Posted:
        self._fail()
        if self.fail_when is not None and self.fail_when(message):
            raise ConnectionError("simulated platform failure")
        if key in self._by_key:  # the platform's own deduplication (txn id / nonce)
            return self._by_key[key]
        posted = Posted(message_id=f"m{next(self._ids)}", room=room, thread=thread)
        self._by_key[key] = posted
        self.sent.append(Sent(room, message, posted, key, thread))
        return posted

    async def open_thread(self, room: str, root: Posted, title: str, *, key: str) -> str:
        self._fail()
        return f"t-{root.message_id}"

    async def send_direct(self, member: MemberRef, message: Message, *, key: str) -> Posted:
        self._fail()
        if member.user_id in self.closed_dms:
            raise DirectMessagesClosed(member.user_id)
        if key in self._by_key:
            return self._by_key[key]
        posted = Posted(message_id=f"m{next(self._ids)}", room=f"dm:{member.user_id}")
        self._by_key[key] = posted
        self.sent.append(Sent(f"dm:{member.user_id}", message, posted, key))
        return posted

    async def reply(self, origin: Origin, message: Message) -> None:
        self.sent.append(Sent(f"reply:{origin.room}", message, None, None, origin.thread))

    async def is_admin(self, member: MemberRef, room: str) -> bool:
        return (member.user_id, room) in self.admins

    async def remove_message(
        self, room: str, message_id: str, *, thread: str | None, own: bool, reason: str, key: str
    ) -> bool:
        self._fail()
        if not own and self.refuse_members is not None:
            raise RemovalRefused("not allowed", right=self.refuse_members)
        if (room, message_id) in self.removals:
            return False
        self.removals.append((room, message_id))
        return True

    async def remove_thread(self, room: str, thread: str, *, key: str) -> bool:
        if thread in self.removed_threads:
            return False
        self.removed_threads.append(thread)
        return True

    async def set_retention(self, room: str, lifetime: timedelta) -> bool:
        if self.retention.get(room) == lifetime:
            return False
        self.retention[room] = lifetime
        return True

    # -- what tests read --------------------------------------------------------

    def replies(self) -> list[str]:
        return [s.message.body for s in self.sent if s.where.startswith("reply:")]

    def last_reply(self) -> str:
        return self.replies()[-1]

    def posts(self, kind: str | None = None) -> list[Sent]:
        return [
            s
            for s in self.sent
            if not s.where.startswith(("reply:", "dm:"))
            and (kind is None or s.message.kind == kind)
        ]

    def dms(self, user_id: str | None = None) -> list[Sent]:
        return [
            s
            for s in self.sent
            if s.where.startswith("dm:") and (user_id is None or s.where == f"dm:{user_id}")
        ]


@dataclass
class Harness:
    """A whole core on a fake clock and fake platform: drive it like members would."""

    circle: StudyCircle
    clock: FakeClock
    platform: FakePlatform
    storage: Storage
    config: Config

    async def command(
        self,
        text: str,
        *,
        member: MemberRef,
        room: str | None = None,
        admin: bool = False,
        direct: bool = False,
        locale: str | None = None,
    ) -> str:
        """Send `name args` as `member` from `room` (a DM when `direct`); returns the bot's reply.
        `admin`: for this command the platform rates `member` an admin of the room it is sent
        from (the room's own group; elsewhere that grants nothing). `locale`: the language the
        member's client is set to, as Discord tells it ("es-ES")."""
        name, _, args = text.strip().partition(" ")
        where = room or (f"dm-{member.user_id}" if direct else self._room())
        origin = Origin(platform=self.platform.name, room=where, is_direct=direct, locale=locale)
        grant = (member.user_id, where)
        granted = admin and grant not in self.platform.admins
        if granted:
            self.platform.admins.add(grant)
        before = len(self.platform.sent)
        try:
            await self.circle.handle(
                CommandReceived(origin=origin, member=member, name=name, args=args)
            )
        finally:
            if granted:
                self.platform.admins.discard(grant)
        replies = [s.message for s in self.platform.sent[before:] if s.where.startswith("reply:")]
        return replies[-1].body if replies else ""

    async def reply_to(
        self,
        message_id: str,
        text: str,
        *,
        member: MemberRef,
        own_id: str,
        thread: str | None = None,
    ) -> str:
        origin = Origin(
            platform=self.platform.name, room=self._room(), message_id=own_id, thread=thread
        )
        before = len(self.platform.sent)
        await self.circle.handle(
            ReplyReceived(origin=origin, member=member, in_reply_to=message_id, text=text)
        )
        replies = [s.message for s in self.platform.sent[before:] if s.where.startswith("reply:")]
        return replies[-1].body if replies else ""

    async def edit(self, message_id: str, text: str, *, member: MemberRef) -> None:
        origin = Origin(platform=self.platform.name, room=self._room())
        await self.circle.handle(
            MessageEdited(origin=origin, member=member, message_id=message_id, text=text)
        )

    async def delete(self, message_id: str, *, member: MemberRef | None = None) -> None:
        origin = Origin(platform=self.platform.name, room=self._room())
        await self.circle.handle(
            MessageDeleted(origin=origin, member=member, message_id=message_id)
        )

    async def send(self, event: InboundEvent) -> None:
        await self.circle.handle(event)

    async def advance(self, delta: timedelta) -> int:
        """Move the clock forward, running every action at its own due time on the way."""
        return await self.advance_to(self.clock.now() + delta)

    async def advance_to(self, target: datetime) -> int:
        ran = 0
        while True:
            due = await self.circle.next_due()
            if due is None or due > target:
                break
            if due > self.clock.now():
                self.clock.set(due)
            ran += await self.circle.run_due()
        if target > self.clock.now():
            self.clock.set(target)
        return ran

    def _room(self) -> str:
        rooms = [g.room for g in self.config.groups if g.platform == self.platform.name]
        return rooms[0] if rooms else "console"

    async def close(self) -> None:
        await self.storage.close()


def member(name: str, platform: str = "console") -> MemberRef:
    return MemberRef(platform=platform, user_id=name.lower(), display_name=name)


async def make_harness(
    config_path: Path,
    *,
    start: datetime,
    storage_path: str = ":memory:",
    platform: FakePlatform | None = None,
) -> Harness:
    config = load_config(config_path)
    clock = FakeClock(start)
    storage = await open_storage(storage_path)
    fake = platform or FakePlatform()
    circle = StudyCircle(
        config=config,
        storage=storage,
        platforms={fake.name: fake},
        clock=clock,
        reloader=None,
        anonymity_key=b"test-anonymity-key",
    )
    await circle.start()
    return Harness(circle=circle, clock=clock, platform=fake, storage=storage, config=config)


__all__ = ["CommandSpec", "FakePlatform", "Harness", "Sent", "make_harness", "member"]
