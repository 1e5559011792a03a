"""Study Circle on Discord, through discord.py (entry point `studybot.platforms`: discord)."""

from __future__ import annotations

from .platform import DiscordPlatform

__all__ = ["DiscordPlatform"]
