"""Which groups one process serves when the bot runs as several processes of Discord shards.

Discord routes a server's events through shard `(guild_id >> 22) % shard_count`; a process
running `shard_ids` delivers to the groups whose server (`guild:` in the config) falls there.
"""

from __future__ import annotations

from bot.config.platform_settings import DiscordSettings


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes a server's events through."""
    return (guild_id >> 22) % shard_count


class Shards:
    """This process's part of the bot's shards, as the config sets them."""

    def __init__(self, settings: DiscordSettings) -> None:
        self._count = settings.shard_count
        self._ids = tuple(settings.shard_ids) if settings.shard_ids is not None else None

    @property
    def shard_ids(self) -> tuple[int, ...] | None:
        return self._ids

    def serves(self, room: str, server: int | None) -> bool:
        if self._count is None or self._ids is None or server is None:
            # all shards run here; (a sharded config without a guild is refused when loading)
            return True
        return shard_of(server, self._count) in self._ids
