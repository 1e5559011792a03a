"""Typed settings for each platform's section of the config, and what each platform needs of a
group (data and rules only: no platform imports)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.core.i18n import N_
from bot.core.said import Refusal, Said, said


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConsoleSettings(_Strict):
    """The local terminal."""

    user: str = Field(default="you", description="The console member's display name")


class MatrixSettings(_Strict):
    """A Matrix account; its secrets come from the environment variables named here."""

    homeserver: str
    user_id: str
    access_token_env: str | None = None
    password_env: str | None = None
    device_name: str = "Study Circle"
    encryption: bool = Field(
        default=True, description="Use end-to-end encryption when matrix-nio's e2e extra is present"
    )
    sync_timeout_ms: int = Field(default=30_000, ge=0, description="Long-poll time of one sync")
    sync_backoff_max_s: float = Field(
        default=60.0, gt=0, description="Longest wait between sync attempts after errors"
    )
    send_attempts: int = Field(
        default=5, ge=1, description="Tries per send (429s and timeouts) before the core retries"
    )
    max_rate_limit_wait_s: float = Field(
        default=30.0, ge=0, description="A 429 asking to wait longer fails the send instead"
    )
    messages_per_second: float = Field(
        default=0.2,
        gt=0,
        description="The homeserver's message limit for the bot (Synapse's rc_message or the "
        "admin's override_ratelimit); sends are paced to it once the homeserver first says 429",
    )
    message_burst: int = Field(
        default=10, ge=1, description="Messages the homeserver lets the bot send at once"
    )


class DiscordSettings(_Strict):
    token_env: str
    guilds: list[int] = Field(default_factory=list)
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    admin_roles: list[str] = Field(default_factory=list)
    sync_global: bool = Field(
        default=False, description="Also sync /study globally at start-up (slow to appear)"
    )
    guild_ready_timeout: float = Field(
        default=2.0, gt=0, description="Seconds discord.py waits for guilds before 'ready'"
    )
    defer_after: float = Field(
        default=2.0, gt=0, lt=3, description="Seconds before a command still running is deferred"
    )
    connect_timeout: float = Field(default=60.0, gt=0, description="Seconds to wait for 'ready'")
    shard_count: int | None = Field(
        default=None, ge=1, description="Shards of the whole bot, across every process"
    )
    shard_ids: list[int] | None = Field(
        default=None, description="The shards this process runs (default: all of shard_count)"
    )

    @model_validator(mode="after")
    def _shards_fit(self) -> DiscordSettings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise Refusal(N_("shard_ids needs shard_count (the total across every process)"))
            wrong = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if wrong:
                raise Refusal(
                    N_("shard_ids {wrong} are outside 0..{last} (shard_count)"),
                    wrong=str(wrong),
                    last=self.shard_count - 1,
                )
        return self


class PlatformsSettings(_Strict):
    console: ConsoleSettings | None = None
    matrix: MatrixSettings | None = None
    discord: DiscordSettings | None = None


# -- what each platform needs of a group ---------------------------------------------------


def place_problem(platform: str, *, room: str | None, channel: int | str | None) -> Said | None:
    """What is missing from a group's own keys for its platform to find its room, if anything."""
    if platform == "matrix" and not room:
        return said(N_('a matrix group needs `room: "!id:server"`'))
    if platform == "discord" and channel is None:
        return said(N_("a discord group needs `channel: <channel id>`"))
    return None


def room_of(platform: str, *, room: str | None, channel: int | str | None) -> str:
    """The group's room as its platform names it: a Discord channel id, a Matrix room, or the
    console's one room (console groups may name rooms of their own)."""
    if platform == "discord":
        return str(channel)
    return room or "console"


def config_problem(
    platform: str, settings: PlatformsSettings, *, server: int | None
) -> Said | None:
    """What the rest of the config lacks for a group on `platform`, if anything."""
    configured = getattr(settings, platform, None)
    if platform != "console" and configured is None:
        return said(
            N_("group uses platform {platform} but platforms.{key} is not set"),
            platform=repr(platform),
            key=platform,
        )
    discord = settings.discord
    sharded = discord is not None and discord.shard_count is not None
    if platform == "discord" and sharded and server is None:
        return said(
            N_(
                "a discord group needs `guild: <server id>` when platforms.discord.shard_count "
                "is set: the server decides which shard (and process) serves the group"
            )
        )
    return None
