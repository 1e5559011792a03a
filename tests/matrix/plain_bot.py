"""Run the Matrix adapter as if matrix-nio's e2e extra were not installed; answer one command.

Used by a test as a subprocess: `python plain_bot.py HOMESERVER USER_ID ROOM DATA_DIR` with
the token in STUDYBOT_PLAIN_TOKEN. Prints READY once connected, exits after one answer.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.modules["vodozemac"] = None  # type: ignore[assignment]  # nio then runs without e2e
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nio.crypto import ENCRYPTION_ENABLED  # noqa: E402

from adapters.matrix import MatrixPlatform  # noqa: E402
from bot.commands.spec import COMMANDS  # noqa: E402
from bot.config.platform_settings import MatrixSettings  # noqa: E402
from bot.core.events import CommandReceived, InboundEvent  # noqa: E402
from bot.core.messages import Message, MessageKind  # noqa: E402
from bot.core.platform import PlatformContext  # noqa: E402


class AnswerOnce:
    commands = COMMANDS

    def __init__(self, platform: MatrixPlatform) -> None:
        self.platform = platform
        self.done = asyncio.Event()

    async def handle(self, event: InboundEvent) -> None:
        if isinstance(event, CommandReceived):
            body = f"plain answer to {event.name} (e2e available: {ENCRYPTION_ENABLED})"
            await self.platform.reply(event.origin, Message(kind=MessageKind.REPLY, body=body))
            self.done.set()

    async def current_prompts(self, platform: str, room: str) -> list[tuple[int, str]]:
        return []


async def main(homeserver: str, user_id: str, room: str, data_dir: str) -> None:
    settings = MatrixSettings(
        homeserver=homeserver, user_id=user_id, access_token_env="STUDYBOT_PLAIN_TOKEN"
    )
    platform = MatrixPlatform(settings, PlatformContext(data_dir=Path(data_dir), rooms=(room,)))
    core = AnswerOnce(platform)
    await platform.start(core)
    print("READY", flush=True)
    try:
        await asyncio.wait_for(core.done.wait(), 30)
    finally:
        await platform.stop()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
