"""Helpers for the Discord adapter tests: a recording core and a way to build the adapter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from discord_standin import FakeDiscord

from adapters.discord import DiscordPlatform
from bot.commands.spec import COMMANDS, CommandSpec
from bot.config.platform_settings import DiscordSettings
from bot.core.events import CommandReceived, InboundEvent
from bot.core.messages import Message, MessageKind
from bot.core.platform import PlatformContext

TOKEN_ENV = "STUDYBOT_TEST_DISCORD_TOKEN"


@dataclass
class RecordingCore:
    """A stand-in core: records every event and answers commands with `answer`."""

    commands: tuple[CommandSpec, ...] = COMMANDS
    events: list[InboundEvent] = field(default_factory=list)
    prompts: list[tuple[int, str]] = field(default_factory=list)
    passages: list[tuple[str, str]] = field(default_factory=list)
    typed: list[tuple[str, int]] = field(default_factory=list)  # (what was typed, width)
    platform: DiscordPlatform | None = None
    answer: Callable[[CommandReceived], Awaitable[Message | None]] | None = None

    async def handle(self, event: InboundEvent) -> None:
        self.events.append(event)
        if isinstance(event, CommandReceived) and self.platform is not None:
            reply = await self.answer(event) if self.answer else default_answer(event)
            if reply is not None:
                await self.platform.reply(event.origin, reply)

    async def current_prompts(self, platform: str, room: str) -> list[tuple[int, str]]:
        return list(self.prompts)

    async def passage_choices(
        self, platform: str, room: str, typed: str, *, width: int = 100
    ) -> list[tuple[str, str]]:
        self.typed.append((typed, width))
        return list(self.passages)


def default_answer(event: CommandReceived) -> Message:
    return Message(kind=MessageKind.REPLY, body=f"ran {event.name} {event.args}".strip())


@dataclass
class Connected:
    platform: DiscordPlatform
    core: RecordingCore


def make_settings(fake: FakeDiscord, **overrides: object) -> DiscordSettings:
    values: dict[str, object] = {
        "token_env": TOKEN_ENV,
        "guilds": [fake.guild_id],
        "api_base": fake.api_base,
        "gateway_url": fake.gateway_url,
        "admin_roles": ["Facilitators"],
        "guild_ready_timeout": 0.05,
        "defer_after": 0.5,
        "connect_timeout": 10,
    }
    values.update(overrides)
    return DiscordSettings.model_validate(values)


def make_platform(fake: FakeDiscord, data_dir: Path, **overrides: object) -> DiscordPlatform:
    context = PlatformContext(
        data_dir=data_dir,
        rooms=(str(fake.channel_id),),
        admins={str(fake.channel_id): (str(fake.ben.id),)},
    )
    return DiscordPlatform(make_settings(fake, **overrides), context)
