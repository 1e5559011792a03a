"""Rows as the core sees them: frozen, typed, with aware UTC datetimes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.events import MemberRef


def to_db(moment: datetime) -> str:
    """One fixed, sortable text form for every stored moment."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached storage")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupState:
    id: str
    platform: str
    room: str
    reading_id: str  # the ids of the group's readings as last configured, space-separated
    paused: bool
    archived: bool
    finished: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    id: int
    platform: str
    user_id: str
    display_name: str
    timezone: str | None
    language: str | None = None  # chosen with `language`; None follows the client, then the group

    @property
    def ref(self) -> MemberRef:
        """The member as platforms know them, for sending to them."""
        return MemberRef(
            platform=self.platform, user_id=self.user_id, display_name=self.display_name
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    id: int
    group_id: str
    number: int
    first_section: int
    section_count: int
    opened_at: datetime
    closes_at: datetime
    closed_at: datetime | None
    thread: str | None
    root_message: str | None
    # what it read, recorded when it opened: history does not move when the config does
    reading_id: str | None = None
    section_ids: tuple[str, ...] = ()  # empty only for sessions older than this record
    # `restart-reading` was said after it: its sections may be planned again
    restarted: bool = False
    # when `expire_after` removed its discussion from the platform (None: not, or not yet)
    expired_at: datetime | None = None
    open_key: str | None = None  # the key of the `open` action that opened it

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True, slots=True, kw_only=True)
class PromptRow:
    session_id: int
    number: int
    text: str
    message_id: str | None
    anonymous: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Response:
    id: int
    session_id: int
    member_id: int | None  # None for an anonymous response
    author_key: str
    prompt: int
    text: str
    private: bool
    late: bool
    message_id: str | None
    created_at: datetime
    updated_at: datetime
    public: bool = False  # the member shared it beyond the group (`respond --public`)


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """Something due at a moment: the source of truth for what the bot will do next."""

    id: int
    group_id: str
    kind: str  # remind | open | close
    due_at: datetime
    slot: datetime
    key: str
    state: str  # pending | done | missed | cancelled
    attempts: int


# -- community (issue 8): memberships with dates, snoozes, RSVPs, shared responses -----------


@dataclass(frozen=True, slots=True, kw_only=True)
class Membership:
    member: Member
    reminders: bool
    joined_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Snooze:
    """A member's pause from pairing, reminders and nudges in one group, `starts_at` to `ends_at`."""

    member_id: int
    starts_at: datetime
    ends_at: datetime

    def covers(self, start: datetime, end: datetime) -> bool:
        return self.starts_at <= start and end <= self.ends_at

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True, slots=True, kw_only=True)
class Rsvp:
    member: Member
    going: bool
    attended: bool | None  # recorded when the session closes, for those who said yes


@dataclass(frozen=True, slots=True, kw_only=True)
class SharedResponse:
    """A response the group may read: `author` is None when it was given anonymously."""

    session_id: int
    prompt: int
    text: str
    late: bool
    author: str | None
    public: bool = False  # shared beyond the group too: it outlives the discussion's expiry


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedResponse:
    """What saving a response did."""

    created: bool  # False: it replaced the author's earlier response to the prompt
    private: bool  # as stored: asked for, kept from the earlier response, or the group's default
    joined: bool  # the author became a member of the group with it
    public: bool = False  # shared beyond the group: it may go into a harvested pack


# -- security culture (issue 17): what a session left on the platform ------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionMessage:
    """One platform message of a session, to remove when its discussion expires: the bot's own
    post, or a member's message in the session thread (its id only, never its text).
    `state`: kept, removed, gone (already deleted by someone else), refused (no right to)."""

    id: int
    session_id: int
    room: str
    thread: str | None
    message_id: str
    own: bool
    state: str
