"""A whole core on a file database, a fake clock and a platform that only counts its replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.fixtures import FIRST_SESSION, START, write_config
from bot.core.events import CommandReceived, MemberRef, Origin
from bot.core.messages import Message
from bot.testing import FakePlatform, Harness, make_harness


@dataclass
class CountingPlatform(FakePlatform):
    """Keeps only the last reply and a count, so long runs do not grow a list."""

    replies_seen: int = 0
    saved: int = 0  # acknowledgements of a recorded response
    last: Message | None = None
    failures: int = 0
    fail_words: tuple[str, ...] = field(default=("Sorry, something went wrong",))

    async def reply(self, origin: Origin, message: Message) -> None:
        self.replies_seen += 1
        self.last = message
        if message.body.startswith(("Saved your response", "Replaced your response")):
            self.saved += 1
        elif message.body.startswith(self.fail_words):
            self.failures += 1


async def open_core(folder: Path, *, groups: int = 1, storage: str | None = None) -> Harness:
    """A core whose first session is open (group g0 in the console room)."""
    config = write_config(folder, groups, storage=storage or "bench.db")
    harness = await make_harness(
        config,
        start=START,
        storage_path=str(folder / (storage or "bench.db")),
        platform=CountingPlatform(),
    )
    await harness.advance_to(FIRST_SESSION + timedelta(minutes=1))
    return harness


def member_ref(index: int) -> MemberRef:
    return MemberRef(platform="console", user_id=f"bench-{index}", display_name=f"Bench {index}")


def command(name: str, args: str, member: MemberRef) -> CommandReceived:
    origin = Origin(platform="console", room="console")
    return CommandReceived(origin=origin, member=member, name=name, args=args)
