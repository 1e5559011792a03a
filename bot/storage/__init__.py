"""Durable state: groups, members, sessions, responses and the pending actions that drive them.

One `Storage` (bot/storage/store.py, split by concept into groups, sessions, responses,
actions and community) holds every SQL statement; it runs on an engine from
bot/storage/engines/: SQLite (the embedded default) or PostgreSQL.
"""

from bot.core.records import (
    Action,
    GroupState,
    Member,
    PromptRow,
    Response,
    Session,
)
from bot.storage.store import Storage, open_storage

__all__ = [
    "Action",
    "GroupState",
    "Member",
    "PromptRow",
    "Response",
    "Session",
    "Storage",
    "open_storage",
]
