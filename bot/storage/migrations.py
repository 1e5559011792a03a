"""Append-only schema migrations: register a new step at the end; never edit an old one.

Each step has a description and is either SQL (statements separated by `;`, in SQLite's types;
each engine translates its DDL) or an async function given the connection and the dialect,
for a change SQL alone cannot say. Each runs in its own transaction (see StoreBase._migrate).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from bot.storage.engines.database import Connection

Change = Callable[[Connection, str], Awaitable[None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Migration:
    """One step of the schema: number `version` (from 1), what it does, and how."""

    version: int
    description: str
    sql: str | None = None
    change: Change | None = None


class Migrations:
    """The schema's steps in order. `len()` is the schema version the code expects."""

    def __init__(self) -> None:
        self._steps: list[Migration] = []

    def sql(self, description: str, script: str) -> None:
        self._steps.append(
            Migration(version=len(self._steps) + 1, description=description, sql=script)
        )

    def step(self, description: str) -> Callable[[Change], Change]:
        """Register an async function `(connection, dialect)` as the next step."""

        def register(change: Change) -> Change:
            self._steps.append(
                Migration(version=len(self._steps) + 1, description=description, change=change)
            )
            return change

        return register

    def __len__(self) -> int:
        return len(self._steps)

    def __iter__(self) -> Iterator[Migration]:
        return iter(self._steps)

    def __getitem__(self, version: int) -> Migration:
        """The step that brings the schema to `version`."""
        return self._steps[version - 1]


MIGRATIONS = Migrations()

MIGRATIONS.sql(
    "the first schema",
    """
    CREATE TABLE groups (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        room TEXT NOT NULL,
        reading_id TEXT NOT NULL,
        next_section INTEGER NOT NULL DEFAULT 0,
        paused INTEGER NOT NULL DEFAULT 0,
        archived INTEGER NOT NULL DEFAULT 0,
        finished INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        timezone TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (platform, user_id)
    );
    CREATE TABLE memberships (
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        joined_at TEXT NOT NULL,
        reminders INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (group_id, member_id)
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        first_section INTEGER NOT NULL,
        section_count INTEGER NOT NULL,
        opened_at TEXT NOT NULL,
        closes_at TEXT NOT NULL,
        closed_at TEXT,
        thread TEXT,
        root_message TEXT,
        open_key TEXT UNIQUE,
        UNIQUE (group_id, number)
    );
    CREATE TABLE session_prompts (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        text TEXT NOT NULL,
        message_id TEXT,
        anonymous INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, number)
    );
    CREATE INDEX session_prompts_by_message ON session_prompts (message_id);
    CREATE TABLE responses (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        -- NULL for an anonymous response: then only author_key, a keyed hash, ties it to its author
        member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
        author_key TEXT NOT NULL,
        prompt INTEGER NOT NULL,
        text TEXT NOT NULL,
        private INTEGER NOT NULL DEFAULT 0,
        late INTEGER NOT NULL DEFAULT 0,
        message_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (session_id, author_key, prompt)
    );
    CREATE INDEX responses_by_message ON responses (message_id);
    CREATE INDEX responses_by_member ON responses (member_id);
    CREATE TABLE actions (
        id INTEGER PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        due_at TEXT NOT NULL,
        slot TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        finished_at TEXT
    );
    CREATE INDEX actions_by_due ON actions (state, due_at);
    CREATE TABLE sent (
        key TEXT PRIMARY KEY,
        message_id TEXT NOT NULL,
        room TEXT NOT NULL,
        thread TEXT,
        sent_at TEXT NOT NULL
    );
    """,
)

MIGRATIONS.sql(
    "community (issue 8): teams of two, snoozes, RSVPs, 'we miss you' notices",
    """
    CREATE TABLE pairings (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        team INTEGER NOT NULL,
        member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        PRIMARY KEY (session_id, member_id)
    );
    CREATE TABLE snoozes (
        id INTEGER PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL
    );
    CREATE INDEX snoozes_by_member ON snoozes (group_id, member_id);
    CREATE TABLE rsvps (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        going INTEGER NOT NULL,
        attended INTEGER,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (session_id, member_id)
    );
    CREATE TABLE drift_notices (
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (group_id, member_id, sent_at)
    );
    """,
)

MIGRATIONS.sql(
    "scale-out (issue 7): a due action is claimed by one process for a lease before it runs",
    """
    ALTER TABLE actions ADD COLUMN claimed_by TEXT;
    ALTER TABLE actions ADD COLUMN lease_until TEXT;
    """,
)

MIGRATIONS.sql(
    "scale-out (issue 7): several processes syncing one Matrix account each see every message; the first to record its id handles it",
    """
    CREATE TABLE inbound_seen (
        platform TEXT NOT NULL,
        message_id TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (platform, message_id)
    );
    CREATE INDEX inbound_seen_by_time ON inbound_seen (seen_at);
    """,
)

MIGRATIONS.sql(
    "performance (issue 6): one group's actions without reading every pending one (planning 10,000 groups read 10,000 x 10,000 rows), and a member's responses by session (progress)",
    """
    CREATE INDEX actions_by_group ON actions (group_id, state, due_at);
    CREATE INDEX actions_by_group_slot ON actions (group_id, kind, slot);
    CREATE INDEX responses_by_member_session ON responses (member_id, session_id);
    """,
)

MIGRATIONS.sql(
    "performance (issue 6): saving a response is one upsert; `revision` counts its replacements, and 0 tells the caller it was new",
    """
    ALTER TABLE responses ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    """,
)

MIGRATIONS.sql(
    "performance (issue 6): responses_by_member_session (member_id, session_id) serves every lookup by member too; one index less to update on each new response",
    """
    DROP INDEX responses_by_member;
    """,
)

MIGRATIONS.sql(
    "courses (issue 14): a session records the reading and the section ids it posted, so "
    "changing a group's readings never rewrites its history; sessions from before get the "
    "group's reading (their section ids are filled in from it at the next start, when the "
    "readings are loaded); `restarted` marks sections an admin's restart-reading lets be read "
    "again. groups.next_section is no longer read: what comes next is worked out from the "
    "sessions",
    """
    ALTER TABLE sessions ADD COLUMN reading_id TEXT;
    ALTER TABLE sessions ADD COLUMN section_ids TEXT;
    ALTER TABLE sessions ADD COLUMN restarted INTEGER NOT NULL DEFAULT 0;
    UPDATE sessions SET reading_id = (SELECT g.reading_id FROM groups g WHERE g.id = sessions.group_id);
    CREATE INDEX sessions_without_section_ids ON sessions (section_ids) WHERE section_ids IS NULL;
    """,
)

MIGRATIONS.sql(
    "security culture (issue 17): every platform message of a session (the bot's posts, the "
    "ids of members' messages in its thread; never their text), so that `expire_after` can "
    "remove them, each once, and a session records when its discussion expired",
    """
    CREATE TABLE session_messages (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        room TEXT NOT NULL,
        thread TEXT,
        message_id TEXT NOT NULL,
        own INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'kept',
        recorded_at TEXT NOT NULL,
        removed_at TEXT,
        UNIQUE (session_id, message_id)
    );
    CREATE INDEX session_messages_by_state ON session_messages (session_id, state);
    ALTER TABLE sessions ADD COLUMN expired_at TEXT;
    """,
)

MIGRATIONS.sql(
    "passages (issue 18): annotations anchor a member's comment to a sentence of a section "
    "(the W3C TextQuoteSelector's exact, prefix and suffix, and the offsets in the text whose "
    "fingerprint is body_hash); `orphaned` marks one whose words an edit of the reading "
    "removed (kept, shown apart). Replies to the bot's quotation post are annotation replies. "
    "Like responses, an anonymous one has no member id, only a keyed hash. A reply to a "
    "section post is found by the post's id (sessions' root message and thread, the outbox)",
    """
    CREATE TABLE annotations (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        reading_id TEXT NOT NULL,
        section_id TEXT NOT NULL,
        sentence INTEGER NOT NULL,
        pos_start INTEGER NOT NULL,
        pos_end INTEGER NOT NULL,
        exact TEXT NOT NULL,
        prefix TEXT NOT NULL,
        suffix TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        orphaned INTEGER NOT NULL DEFAULT 0,
        member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
        author_key TEXT NOT NULL,
        text TEXT NOT NULL,
        private INTEGER NOT NULL DEFAULT 0,
        late INTEGER NOT NULL DEFAULT 0,
        source_message_id TEXT,
        message_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX annotations_by_session ON annotations (session_id, section_id, sentence);
    CREATE INDEX annotations_by_message ON annotations (message_id);
    CREATE INDEX annotations_by_source ON annotations (source_message_id);
    CREATE INDEX annotations_by_member ON annotations (member_id);
    CREATE INDEX annotations_by_author ON annotations (author_key);
    CREATE INDEX annotations_by_text ON annotations (reading_id, section_id, body_hash);
    CREATE TABLE annotation_replies (
        id INTEGER PRIMARY KEY,
        annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
        member_id INTEGER REFERENCES members (id) ON DELETE CASCADE,
        author_key TEXT NOT NULL,
        text TEXT NOT NULL,
        message_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX annotation_replies_by_annotation ON annotation_replies (annotation_id);
    CREATE INDEX annotation_replies_by_message ON annotation_replies (message_id);
    CREATE INDEX annotation_replies_by_author ON annotation_replies (author_key);
    CREATE INDEX annotation_replies_by_member ON annotation_replies (member_id);
    CREATE INDEX sessions_by_root_message ON sessions (root_message);
    CREATE INDEX sessions_by_thread ON sessions (thread);
    CREATE INDEX sent_by_message ON sent (message_id);
    """,
)

MIGRATIONS.sql(
    "languages (issue 15): a member may choose the language the bot writes to them in "
    "(NULL: their Discord client's, else the group's)",
    """
    ALTER TABLE members ADD COLUMN language TEXT;
    """,
)

MIGRATIONS.sql(
    "one pending nudge and one pending RSVP reminder per group (issue 12): both are about the "
    "group's current session; doubles left by sessions closed early are cancelled first",
    """
    UPDATE actions SET state = 'cancelled', lease_until = NULL
    WHERE state = 'pending' AND kind IN ('nudge', 'rsvp-remind') AND EXISTS (
        SELECT 1 FROM actions b WHERE b.group_id = actions.group_id AND b.kind = actions.kind
        AND b.state = 'pending' AND (b.slot > actions.slot OR (b.slot = actions.slot AND b.id > actions.id))
    );
    CREATE UNIQUE INDEX actions_one_pending_follow_up ON actions (group_id, kind)
        WHERE state = 'pending' AND kind IN ('nudge', 'rsvp-remind');
    """,
)

# The channel PostgreSQL notifies when an action becomes claimable; the waker LISTENs on it.
ACTIONS_CHANNEL = "studybot_actions"


@MIGRATIONS.step(
    "scale-out (issue 12): on PostgreSQL, an action that becomes pending (planned, planned "
    "again, retried or released) is announced with NOTIFY, so other processes need not poll"
)
async def _announce_pending_actions(conn: Connection, dialect: str) -> None:
    if dialect != "postgresql":
        return  # SQLite has one process per file: nobody else to tell
    await conn.execute(
        "CREATE OR REPLACE FUNCTION studybot_action_pending() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM pg_notify('{ACTIONS_CHANNEL}', ''); RETURN NULL; END $$"
    )
    # PostgreSQL folds the notices of one transaction into one, so a plan of 10,000 rows is one
    await conn.execute(
        "CREATE TRIGGER actions_planned AFTER INSERT ON actions FOR EACH ROW "
        "WHEN (NEW.state = 'pending') EXECUTE FUNCTION studybot_action_pending()"
    )
    # a claim changes only claimed_by and lease_until: it is no news
    await conn.execute(
        "CREATE TRIGGER actions_pending_again AFTER UPDATE ON actions FOR EACH ROW "
        "WHEN (NEW.state = 'pending' AND (OLD.state <> 'pending' OR NEW.due_at <> OLD.due_at "
        "OR (OLD.lease_until IS NOT NULL AND NEW.lease_until IS NULL))) "
        "EXECUTE FUNCTION studybot_action_pending()"
    )


MIGRATIONS.sql(
    "the clearing house (issue 16): a response a member shares beyond the group (`respond "
    "--public`), and the harvests proposed from them, so forget-me finds its words in those not "
    "yet approved",
    """
    ALTER TABLE responses ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE harvests (
        id INTEGER PRIMARY KEY,
        group_id TEXT NOT NULL,
        folder TEXT NOT NULL,
        created_at TEXT NOT NULL,
        approved_at TEXT
    );
    CREATE TABLE harvest_lessons (
        id INTEGER PRIMARY KEY,
        harvest_id INTEGER NOT NULL REFERENCES harvests (id) ON DELETE CASCADE,
        lesson TEXT NOT NULL,
        -- whose words the lesson is: NULL and a keyed hash for an anonymous response
        member_id INTEGER,
        author_key TEXT NOT NULL
    );
    CREATE INDEX harvest_lessons_by_author ON harvest_lessons (author_key);
    CREATE INDEX harvest_lessons_by_member ON harvest_lessons (member_id);
    """,
)


MIGRATIONS.sql(
    "platform events (issue 17): each planned session's entry in the server's own calendar "
    "(Discord Scheduled Events), its platform id kept with the opening action it mirrors",
    """
    CREATE TABLE platform_events (
        id INTEGER PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        action_key TEXT NOT NULL,
        slot TEXT NOT NULL,
        event_id TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'scheduled',
        updated_at TEXT NOT NULL
    );
    CREATE INDEX platform_events_by_group ON platform_events (group_id, state);
    """,
)
