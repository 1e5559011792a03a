"""Participation without punishment: streaks and silence that breaks and snoozes never break."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.records import Membership, Session, Snooze


@dataclass(frozen=True, slots=True, kw_only=True)
class Standing:
    """One member's record in one group."""

    member_id: int
    took_part: int  # sessions the member responded in
    counted: int  # sessions that count for them: responded, or closed while they could have
    sessions: int  # sessions held since they joined, open ones too, snoozed-through ones not
    streak: int  # the latest run of sessions responded in
    silent: int  # the latest run of counted sessions without a response


def session_end(session: Session) -> datetime:
    return session.closed_at or session.closes_at


def counts_for(
    member_id: int,
    joined_at: datetime,
    session: Session,
    responders: frozenset[int],
    snoozes: Sequence[Snooze],
) -> bool | None:
    """True if the member responded, False if they missed it, None if it does not count.

    A session does not count against a member while it is still open, when it ended before
    they joined, or when it fell entirely inside one of their snoozes. Group breaks hold no
    session at all, so they never count against anyone.
    """
    if member_id in responders:
        return True
    if session.closed_at is None:
        return None
    end = session_end(session)
    if end <= joined_at:
        return None
    if any(s.member_id == member_id and s.covers(session.opened_at, end) for s in snoozes):
        return None
    return False


def standing(
    member_id: int,
    joined_at: datetime,
    history: Sequence[tuple[Session, frozenset[int]]],
    snoozes: Sequence[Snooze],
) -> Standing:
    """Streak and silence from a group's sessions (oldest first) and who responded in each."""
    marks = [
        mark
        for session, responders in history
        if (mark := counts_for(member_id, joined_at, session, responders, snoozes)) is not None
    ]
    streak = 0
    for mark in reversed(marks):
        if not mark:
            break
        streak += 1
    held = sum(
        1
        for session, responders in history
        if member_id in responders
        or (
            session_end(session) > joined_at
            and not any(
                s.member_id == member_id and s.covers(session.opened_at, session_end(session))
                for s in snoozes
            )
        )
    )
    silent = 0
    for mark in reversed(marks):
        if mark:
            break
        silent += 1
    return Standing(
        member_id=member_id,
        took_part=sum(1 for mark in marks if mark),
        counted=len(marks),
        sessions=held,
        streak=streak,
        silent=silent,
    )


def standings(
    members: Sequence[Membership],
    history: Sequence[tuple[Session, frozenset[int]]],
    snoozes: Sequence[Snooze],
) -> dict[int, Standing]:
    return {m.member.id: standing(m.member.id, m.joined_at, history, snoozes) for m in members}


def drifting(
    members: Sequence[Membership],
    history: Sequence[tuple[Session, frozenset[int]]],
    snoozes: Sequence[Snooze],
    after: int,
) -> list[tuple[Membership, int]]:
    """Members silent for at least `after` counted sessions in a row, with how many."""
    if after <= 0:
        return []
    table = standings(members, history, snoozes)
    return [(m, table[m.member.id].silent) for m in members if table[m.member.id].silent >= after]


def snoozed_now(snoozes: Sequence[Snooze], now: datetime) -> set[int]:
    return {s.member_id for s in snoozes if s.active(now)}


def trend(
    history: Sequence[tuple[Session, frozenset[int]]], last: int = 6
) -> list[tuple[int, int]]:
    """(session number, members who responded) for the latest `last` sessions."""
    return [(session.number, len(who)) for session, who in history[-last:]]
