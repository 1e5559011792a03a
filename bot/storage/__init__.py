"""Durable state: groups, members, sessions, responses and the pending actions that drive them.

One `Storage` (bot/storage/store.py, split by concept into groups, sessions, responses,
actions and community) holds every SQL statement; it runs on SQLite (bot/storage/sqlite.py,
the embedded default) or PostgreSQL (bot/storage/postgres.py).
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

# The store runs on either engine; the old name stays for callers that import it.
SqliteStorage = Storage

__all__ = [
    "Action",
    "GroupState",
    "Member",
    "PromptRow",
    "Response",
    "Session",
    "SqliteStorage",
    "Storage",
    "open_storage",
]
