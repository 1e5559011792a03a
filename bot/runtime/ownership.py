"""Which groups this process may deliver to: its running platforms and, on Discord, its shards.

Several processes can share one PostgreSQL database. Each claims only the due actions of
groups it can deliver: the group's platform runs here, and for Discord the group's server
(`guild:`) falls in one of this process's shards, as Discord assigns them:
`(guild_id >> 22) % shard_count`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
from collections.abc import Collection
from pathlib import Path

from bot.config.model import Config, Group


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes a server's events through."""
    return (guild_id >> 22) % shard_count


def delivers(group: Group, config: Config, platforms: Collection[str]) -> bool:
    """Whether a process running `platforms` under `config` can deliver the group's posts."""
    if group.platform not in platforms:
        return False
    discord = config.spec.platforms.discord
    if group.platform != "discord" or discord is None or discord.shard_count is None:
        return True
    if discord.shard_ids is None or group.spec.guild is None:
        # all shards run here; (a sharded config without a guild is refused when loading)
        return True
    return shard_of(group.spec.guild, discord.shard_count) in discord.shard_ids


def deliverable_groups(config: Config, platforms: Collection[str]) -> list[str]:
    return [g.id for g in config.groups if delivers(g, config, platforms)]


def instance_name(config: Config, platforms: Collection[str]) -> str:
    """What stays the same when this process restarts: host, config file, platforms and shards.

    A restarted process takes back the claims its previous run left, at once, instead of
    waiting for their lease. Two processes on one host with the same config, platforms and
    shards must tell themselves apart with STUDYBOT_INSTANCE.
    """
    named = os.environ.get("STUDYBOT_INSTANCE")
    if named:
        return named
    discord = config.spec.platforms.discord
    shards = discord.shard_ids if discord is not None else None
    what = f"{Path(config.path).resolve()}|{','.join(sorted(platforms))}|{shards}"
    return f"{socket.gethostname()}:{hashlib.sha256(what.encode()).hexdigest()[:8]}"


def process_name(instance: str) -> str:
    """This run's name for its claims: the instance, then what tells its runs apart."""
    return f"{instance}/{os.getpid()}-{secrets.token_hex(3)}"
