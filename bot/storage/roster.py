"""Who is in a group, as its admins see them: joined, last named response, reminders sent, snoozes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.records import Member, Snooze, from_db
from bot.storage.base import StoreBase
from bot.storage.rows import member_row

# A reminder's DM is keyed `GROUP@SLOT:remind:LEAD:dm:MEMBER`, a nudge's `GROUP:sN:nudge:MEMBER`
# (or `...:nudge:STAMP:MEMBER` when an admin asked), an RSVP reminder's `GROUP:sN:rsvp-remind:MEMBER`.
REMINDER_MARKS = (":remind:", ":nudge:", ":rsvp-remind:")

_MEMBERS = (
    "SELECT m.*, ms.reminders, ms.joined_at FROM memberships ms "
    "JOIN members m ON m.id = ms.member_id WHERE ms.group_id = ? ORDER BY ms.joined_at, m.id"
)
# Anonymous responses carry no member id, so they never count here: the roster says nothing
# about who wrote them.
_LAST_NAMED = (
    "SELECT r.member_id, MAX(r.created_at) AS last_at FROM responses r "
    "JOIN sessions s ON s.id = r.session_id "
    "WHERE s.group_id = ? AND r.member_id IS NOT NULL GROUP BY r.member_id"
)
_SNOOZES = "SELECT member_id, starts_at, ends_at FROM snoozes WHERE group_id = ?"
# the sent keys of one group (its id, then ":" or "@"); by prefix, not a range of keys, which
# PostgreSQL would compare in the database's collation, where punctuation may not sort by code
_SENT_KEYS = "SELECT key FROM sent WHERE substr(key, 1, ?) IN (?, ?)"


@dataclass(frozen=True, slots=True, kw_only=True)
class RosterEntry:
    member: Member
    joined_at: datetime
    reminders_on: bool
    last_response: datetime | None  # the latest named (never anonymous) response
    reminders_sent: int
    snoozes: tuple[Snooze, ...]

    def snoozed_until(self, now: datetime) -> datetime | None:
        active = [s.ends_at for s in self.snoozes if s.active(now)]
        return max(active) if active else None


class RosterStore(StoreBase):
    async def roster(self, group_id: str) -> list[RosterEntry]:
        """Every member of the group in joining order, read together in one trip."""
        members, last, snoozes, keys = await self.database.read(
            [
                (_MEMBERS, (group_id,)),
                (_LAST_NAMED, (group_id,)),
                (_SNOOZES, (group_id,)),
                (_SENT_KEYS, (len(group_id) + 1, f"{group_id}:", f"{group_id}@")),
            ]
        )
        last_at = {r["member_id"]: from_db(r["last_at"]) for r in last}
        rests: dict[int, list[Snooze]] = {}
        for r in snoozes:
            rests.setdefault(r["member_id"], []).append(
                Snooze(
                    member_id=r["member_id"],
                    starts_at=from_db(r["starts_at"]),
                    ends_at=from_db(r["ends_at"]),
                )
            )
        sent: dict[int, int] = {}
        for r in keys:
            key: str = r["key"]
            if any(mark in key for mark in REMINDER_MARKS):
                tail = key.rsplit(":", 1)[-1]
                if tail.isdigit():
                    sent[int(tail)] = sent.get(int(tail), 0) + 1
        entries = []
        for r in members:
            member = member_row(r)
            entries.append(
                RosterEntry(
                    member=member,
                    joined_at=from_db(r["joined_at"]),
                    reminders_on=bool(r["reminders"]),
                    last_response=last_at.get(member.id),
                    reminders_sent=sent.get(member.id, 0),
                    snoozes=tuple(rests.get(member.id, ())),
                )
            )
        return entries
