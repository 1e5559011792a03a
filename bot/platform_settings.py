"""Typed settings for each platform's section of the config (data only: no platform imports)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConsoleSettings(_Strict):
    """The local terminal."""

    user: str = Field(default="you", description="The console member's display name")


class MatrixSettings(_Strict):
    homeserver: str
    user_id: str
    access_token_env: str | None = None
    password_env: str | None = None
    device_name: str = "Study Circle"


class DiscordSettings(_Strict):
    token_env: str
    guilds: list[int] = Field(default_factory=list)
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    admin_roles: list[str] = Field(default_factory=list)


class PlatformsSettings(_Strict):
    console: ConsoleSettings | None = None
    matrix: MatrixSettings | None = None
    discord: DiscordSettings | None = None
