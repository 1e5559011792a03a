"""Pairings, snoozes, RSVPs, participation and drift notices (issue 8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.records import (
    Member,
    Membership,
    Rsvp,
    Session,
    SharedResponse,
    Snooze,
    from_db,
    to_db,
)
from bot.storage.engines.database import Row
from bot.storage.rows import (
    member_row,
    session_row,
)
from bot.storage.sessions import SessionStore

MEMBERSHIP = (
    "SELECT m.*, ms.reminders, ms.joined_at FROM memberships ms "
    "JOIN members m ON m.id = ms.member_id WHERE ms.group_id = ?"
)
SNOOZES = (
    "SELECT member_id, starts_at, ends_at FROM snoozes WHERE group_id = ? ORDER BY starts_at, id"
)
# every session of a group with whether one member responded in it (an index lookup each)
ATTENDANCE = (
    "SELECT s.*, EXISTS (SELECT 1 FROM responses r WHERE r.session_id = s.id AND r.member_id = ?) "
    "AS responded FROM sessions s WHERE s.group_id = ? ORDER BY s.number"
)


def membership_row(row: Row) -> Membership:
    return Membership(
        member=member_row(row),
        reminders=bool(row["reminders"]),
        joined_at=from_db(row["joined_at"]),
    )


def snooze_row(row: Row) -> Snooze:
    return Snooze(
        member_id=row["member_id"],
        starts_at=from_db(row["starts_at"]),
        ends_at=from_db(row["ends_at"]),
    )


class CommunityStore(SessionStore):
    """What keeps a group alive: teams, rests, RSVPs and participation."""

    # -- community (issue 8): pairings, snoozes, RSVPs, participation, drift notices -----

    async def memberships(self, group_id: str) -> list[Membership]:
        """A group's members with their reminders opt-in and when they joined, in joining order."""
        rows = await self._all(f"{MEMBERSHIP} ORDER BY ms.joined_at, m.id", (group_id,))
        return [membership_row(r) for r in rows]

    async def add_snooze(
        self, group_id: str, member_id: int, starts_at: datetime, ends_at: datetime
    ) -> None:
        """Start a snooze, replacing the end of any snooze still running."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE snoozes SET ends_at = ? WHERE group_id = ? AND member_id = ? AND ends_at > ?",
                (to_db(starts_at), group_id, member_id, to_db(starts_at)),
            )
            await db.execute(
                "INSERT INTO snoozes (group_id, member_id, starts_at, ends_at) VALUES (?, ?, ?, ?)",
                (group_id, member_id, to_db(starts_at), to_db(ends_at)),
            )

    async def end_snooze(self, group_id: str, member_id: int, now: datetime) -> bool:
        """End a running snooze now; False if none was running."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE snoozes SET ends_at = ? WHERE group_id = ? AND member_id = ? "
                "AND starts_at <= ? AND ends_at > ?",
                (to_db(now), group_id, member_id, to_db(now), to_db(now)),
            )
            return cursor.rowcount > 0

    async def attendance(self, group_id: str, member_id: int) -> list[tuple[Session, bool]]:
        """Every session of the group, oldest first, with whether the member responded in it."""
        rows = await self._all(ATTENDANCE, (member_id, group_id))
        return [(session_row(r), bool(r["responded"])) for r in rows]

    async def standing_inputs(
        self, group_id: str, member_id: int
    ) -> tuple[Membership | None, list[tuple[Session, bool]], list[Snooze]]:
        """A member's membership, attendance and the group's snoozes, read together in one trip."""
        found, sessions, snoozes = await self.database.read(
            [
                (f"{MEMBERSHIP} AND ms.member_id = ?", (group_id, member_id)),
                (ATTENDANCE, (member_id, group_id)),
                (SNOOZES, (group_id,)),
            ]
        )
        return (
            membership_row(found[0]) if found else None,
            [(session_row(r), bool(r["responded"])) for r in sessions],
            [snooze_row(r) for r in snoozes],
        )

    async def snoozes(self, group_id: str) -> list[Snooze]:
        """Every snooze in the group, past and present, oldest first."""
        return [snooze_row(r) for r in await self._all(SNOOZES, (group_id,))]

    async def save_pairings(self, session_id: int, teams: list[list[int]]) -> bool:
        """Store a session's teams once; False (and nothing changed) if it already has some."""
        async with self.transaction() as db:
            row = await self._one("SELECT 1 FROM pairings WHERE session_id = ?", (session_id,))
            if row is not None:
                return False
            await db.executemany(
                "INSERT INTO pairings (session_id, team, member_id) VALUES (?, ?, ?)",
                [
                    (session_id, number, member_id)
                    for number, team in enumerate(teams, start=1)
                    for member_id in team
                ],
            )
            return True

    async def pairings(self, group_id: str) -> list[tuple[Session, list[list[Member]]]]:
        """Every session of the group that has teams, oldest first, with its teams."""
        rows = await self._all(
            "SELECT p.session_id, p.team, m.* FROM pairings p "
            "JOIN sessions s ON s.id = p.session_id JOIN members m ON m.id = p.member_id "
            "WHERE s.group_id = ? ORDER BY s.number, p.team, m.id",
            (group_id,),
        )
        teams: dict[int, dict[int, list[Member]]] = {}
        for r in rows:
            teams.setdefault(r["session_id"], {}).setdefault(r["team"], []).append(member_row(r))
        out: list[tuple[Session, list[list[Member]]]] = []
        for session in await self.sessions(group_id):
            if session.id in teams:
                out.append((session, list(teams[session.id].values())))
        return out

    async def set_rsvp(self, session_id: int, member_id: int, going: bool, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO rsvps (session_id, member_id, going, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (session_id, member_id) DO UPDATE SET going = excluded.going, "
                "updated_at = excluded.updated_at",
                (session_id, member_id, int(going), to_db(now)),
            )

    async def rsvps(self, session_id: int) -> list[Rsvp]:
        rows = await self._all(
            "SELECT m.*, r.going, r.attended FROM rsvps r JOIN members m ON m.id = r.member_id "
            "WHERE r.session_id = ? ORDER BY r.updated_at, m.id",
            (session_id,),
        )
        return [
            Rsvp(
                member=member_row(r),
                going=bool(r["going"]),
                attended=None if r["attended"] is None else bool(r["attended"]),
            )
            for r in rows
        ]

    async def record_attendance(self, session_id: int) -> None:
        """Mark who said yes as attended if they took part (responded) in the session."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE rsvps SET attended = CASE WHEN going = 1 AND EXISTS (SELECT 1 FROM responses x "
                "WHERE x.session_id = rsvps.session_id AND x.member_id = rsvps.member_id) "
                "THEN 1 ELSE 0 END WHERE session_id = ?",
                (session_id,),
            )

    async def participation(self, group_id: str) -> list[tuple[Session, frozenset[int]]]:
        """Every session of the group, oldest first, with the ids of members who responded."""
        rows = await self._all(
            "SELECT DISTINCT r.session_id, r.member_id FROM responses r "
            "JOIN sessions s ON s.id = r.session_id "
            "WHERE s.group_id = ? AND r.member_id IS NOT NULL",
            (group_id,),
        )
        who: dict[int, set[int]] = {}
        for r in rows:
            who.setdefault(r["session_id"], set()).add(r["member_id"])
        return [(s, frozenset(who.get(s.id, ()))) for s in await self.sessions(group_id)]

    async def shared_responses(self, session_id: int) -> list[SharedResponse]:
        """A session's responses that are not private, by prompt; anonymous ones without author."""
        rows = await self._all(
            "SELECT r.session_id, r.prompt, r.text, r.late, r.public, m.display_name FROM responses r "
            "LEFT JOIN members m ON m.id = r.member_id "
            "WHERE r.session_id = ? AND r.private = 0 ORDER BY r.prompt, r.created_at, r.id",
            (session_id,),
        )
        return [
            SharedResponse(
                session_id=r["session_id"],
                prompt=r["prompt"],
                text=r["text"],
                late=bool(r["late"]),
                author=r["display_name"],
                public=bool(r["public"]),
            )
            for r in rows
        ]

    async def response_counts(self, session_id: int) -> dict[int, int]:
        """How many responses (of any kind) each prompt of a session has."""
        rows = await self._all(
            "SELECT prompt, COUNT(*) AS n FROM responses WHERE session_id = ? GROUP BY prompt",
            (session_id,),
        )
        return {r["prompt"]: int(r["n"]) for r in rows}

    async def add_drift_notice(self, group_id: str, member_id: int, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO drift_notices (group_id, member_id, sent_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (group_id, member_id, to_db(now)),
            )

    async def drift_notices(self, group_id: str) -> dict[int, datetime]:
        """When each member of the group last got a "we miss you" message."""
        rows = await self._all(
            "SELECT member_id, MAX(sent_at) AS at FROM drift_notices WHERE group_id = ? "
            "GROUP BY member_id",
            (group_id,),
        )
        return {r["member_id"]: from_db(r["at"]) for r in rows}

    async def member_community_data(self, member_id: int) -> dict[str, Any]:
        """A member's snoozes, RSVPs, teams and "we miss you" notices, for export-mine."""
        snoozes = await self._all(
            "SELECT group_id, starts_at, ends_at FROM snoozes WHERE member_id = ? ORDER BY starts_at",
            (member_id,),
        )
        rsvps = await self._all(
            "SELECT s.group_id, s.number AS session_number, r.going, r.attended, r.updated_at "
            "FROM rsvps r JOIN sessions s ON s.id = r.session_id WHERE r.member_id = ? "
            "ORDER BY s.group_id, s.number",
            (member_id,),
        )
        teams = await self._all(
            "SELECT s.group_id, s.number AS session_number, m.display_name AS partner "
            "FROM pairings mine JOIN pairings p ON p.session_id = mine.session_id "
            "AND p.team = mine.team AND p.member_id != mine.member_id "
            "JOIN members m ON m.id = p.member_id JOIN sessions s ON s.id = mine.session_id "
            "WHERE mine.member_id = ? ORDER BY s.group_id, s.number, m.display_name",
            (member_id,),
        )
        notices = await self._all(
            "SELECT group_id, sent_at FROM drift_notices WHERE member_id = ? ORDER BY sent_at",
            (member_id,),
        )
        return {
            "snoozes": [dict(r) for r in snoozes],
            "rsvps": [dict(r) for r in rsvps],
            "teams": [dict(r) for r in teams],
            "we_miss_you_messages": [dict(r) for r in notices],
        }
