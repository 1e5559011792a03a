"""The store: every SQL statement of the core, written once and run on SQLite or PostgreSQL.

The SQL is in SQLite's `?` style and the portable subset both engines accept; the engine
behind `self.database` translates what must differ (see bot/storage/engines/database.py). It is
split by concept: groups.py, sessions.py, responses.py, actions.py and community.py (which
builds on sessions.py), on the foundation in base.py.
"""

from __future__ import annotations

from bot.storage.actions import ActionStore
from bot.storage.annotations import AnnotationStore
from bot.storage.calendar import CalendarStore
from bot.storage.community import CommunityStore
from bot.storage.groups import GroupStore
from bot.storage.harvests import HarvestStore
from bot.storage.responses import ResponseStore
from bot.storage.roster import RosterStore
from bot.storage.traces import TraceStore

# every table, parents before children: the order migrate-storage copies them in
TABLES = (
    "groups",
    "members",
    "memberships",
    "sessions",
    "session_prompts",
    "responses",
    "session_messages",
    "actions",
    "sent",
    "pairings",
    "snoozes",
    "rsvps",
    "drift_notices",
    "inbound_seen",
    "annotations",
    "annotation_replies",
    "harvests",
    "harvest_lessons",
    "platform_events",
)


async def open_storage(location: str) -> Storage:
    """Open (creating if needed) and migrate the store at `location`.

    `location` is a PostgreSQL URL (`postgresql://...`), an SQLite path, `sqlite:///path`
    or `:memory:`.
    """
    storage = Storage(location)
    await storage.open()
    return storage


class Storage(
    GroupStore,
    ResponseStore,
    ActionStore,
    CommunityStore,
    TraceStore,
    AnnotationStore,
    RosterStore,
    HarvestStore,
    CalendarStore,
):
    """Groups, members, sessions, responses and the pending actions that drive them."""
