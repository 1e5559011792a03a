"""Durable state: groups, members, sessions, responses and the pending actions that drive them."""

from bot.storage.records import (
    Action,
    GroupState,
    Member,
    PromptRow,
    Response,
    Session,
)
from bot.storage.sqlite import SqliteStorage, open_storage

__all__ = [
    "Action",
    "GroupState",
    "Member",
    "PromptRow",
    "Response",
    "Session",
    "SqliteStorage",
    "open_storage",
]
