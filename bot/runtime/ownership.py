"""Which groups this process may deliver to: its running platforms and, where a platform runs
in parts (Discord's shards), the part that runs here.

Several processes can share one PostgreSQL database. Each claims only the due actions of
groups it can deliver: the group's platform runs here and, for a `Sharded` platform, serves the
group's room and server (`guild:`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
from collections.abc import Mapping
from pathlib import Path

from bot.config.model import Config, Group
from bot.core.platform import Sharded


def delivers(group: Group, platforms: Mapping[str, object]) -> bool:
    """Whether a process running `platforms` can deliver the group's posts."""
    platform = platforms.get(group.platform)
    if platform is None:
        return False
    if isinstance(platform, Sharded):
        return platform.serves(group.room, group.spec.guild)
    return True


def deliverable_groups(config: Config, platforms: Mapping[str, object]) -> list[str]:
    return [g.id for g in config.groups if delivers(g, platforms)]


def instance_name(config: Config, platforms: Mapping[str, object]) -> str:
    """What stays the same when this process restarts: host, config file, platforms and shards.

    A restarted process takes back the claims its previous run left, at once, instead of
    waiting for their lease. Two processes on one host with the same config, platforms and
    shards must tell themselves apart with STUDYBOT_INSTANCE.
    """
    named = os.environ.get("STUDYBOT_INSTANCE")
    if named:
        return named
    shards = next(
        (
            list(p.shard_ids) if p.shard_ids is not None else None
            for p in platforms.values()
            if isinstance(p, Sharded)
        ),
        None,
    )
    what = f"{Path(config.path).resolve()}|{','.join(sorted(platforms))}|{shards}"
    return f"{socket.gethostname()}:{hashlib.sha256(what.encode()).hexdigest()[:8]}"


def process_name(instance: str) -> str:
    """This run's name for its claims: the instance, then what tells its runs apart."""
    return f"{instance}/{os.getpid()}-{secrets.token_hex(3)}"
