"""What keeps a group alive, wired into the session lifecycle: teams, nudges, drift, RSVPs, digests.

`lifecycle` calls `on_session_opened` and `on_session_closed`; they plan actions in the
pending-actions table, which `StudyCircle` runs through `run_action` like any other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.community import digest
from bot.community.pairing import PairHistory, make_teams
from bot.config.model import Group
from bot.core.messages import Message, MessageKind
from bot.core.platform import DirectMessagesClosed
from bot.core.records import Membership
from bot.core.text import clean_name
from bot.sessions import lifecycle, render, rsvp
from bot.sessions.participation import drifting, snoozed_now
from bot.storage import Action, Member, Session

if TYPE_CHECKING:
    from bot.runtime.circle import StudyCircle

log = logging.getLogger(__name__)

NUDGE = "nudge"
DRIFT = "drift"
DIGEST = "digest"
WEEKLY_DIGEST = "weekly-digest"
RSVP_REMIND = "rsvp-remind"
ACTION_KINDS = frozenset({NUDGE, DRIFT, DIGEST, WEEKLY_DIGEST, RSVP_REMIND})


# -- hooks ------------------------------------------------------------------------------


async def on_session_opened(circle: StudyCircle, group: Group, session_id: int) -> None:
    """Pair members and plan this session's nudge and RSVP reminder. Safe to repeat."""
    session = await circle.storage.session_by_id(session_id)
    if session is None:
        return
    now = circle.clock.now()
    if group.spec.pairing.enabled:
        await announce_teams(circle, group, session)
    rows: list[tuple[str, str, datetime, datetime, str]] = []
    base = f"{group.id}:s{session.number}"
    if group.spec.nudge_before is not None:
        due = session.closes_at - group.spec.nudge_before
        if now < due < session.closes_at:
            rows.append((group.id, NUDGE, due, session.opened_at, f"{base}:{NUDGE}"))
    if group.spec.rsvp and group.spec.live_after > timedelta(0):
        due = rsvp.reminder_due(group, session)
        rows.append((group.id, RSVP_REMIND, due, session.opened_at, f"{base}:{RSVP_REMIND}"))
    if rows:
        await circle.storage.add_actions(rows)


async def on_session_closed(circle: StudyCircle, group: Group, session: Session) -> None:
    """Record attendance, then plan the drift check and the digest. Safe to repeat."""
    storage = circle.storage
    now = circle.clock.now()
    if group.spec.rsvp:
        await storage.record_attendance(session.id)
    base = f"{group.id}:s{session.number}"
    rows = [(group.id, DRIFT, now, session.opened_at, f"{base}:{DRIFT}")]
    if group.spec.digest == "session":
        rows.append((group.id, DIGEST, now, session.opened_at, f"{base}:{DIGEST}"))
    elif group.spec.digest == "weekly":
        due = digest.next_weekly(now, group.zone)
        rows.append((group.id, WEEKLY_DIGEST, due, due, f"{group.id}:{WEEKLY_DIGEST}:{due.date()}"))
    await storage.add_actions(rows)


async def run_action(circle: StudyCircle, group: Group, action: Action) -> None:
    """Run one of this module's actions; an exception leaves it pending for a retry."""
    if action.kind in (DIGEST, WEEKLY_DIGEST):
        await digest.send_digest(circle, group, action, weekly=action.kind == WEEKLY_DIGEST)
        return
    session = await _session_at(circle, group, action.slot)
    if session is None:
        return
    if action.kind == NUDGE:
        await nudge(circle, group, session)
    elif action.kind == DRIFT:
        await miss_you(circle, group)
    elif action.kind == RSVP_REMIND:
        await remind_rsvps(circle, group, session)


async def _session_at(circle: StudyCircle, group: Group, opened_at: datetime) -> Session | None:
    return next(
        (s for s in await circle.storage.sessions(group.id) if s.opened_at == opened_at), None
    )


# -- who is around ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Roll:
    """The group's members right now, and who is resting: snoozed, or left alone after drifting."""

    members: list[Membership]
    snoozed: set[int]
    left_alone: set[int]

    def present(self) -> list[Membership]:
        return [
            m
            for m in self.members
            if m.member.id not in self.snoozed and m.member.id not in self.left_alone
        ]


async def roll(circle: StudyCircle, group: Group) -> Roll:
    storage = circle.storage
    members = await storage.memberships(group.id)
    snoozes = await storage.snoozes(group.id)
    notices = await storage.drift_notices(group.id)
    history = await storage.participation(group.id)
    left_alone: set[int] = set()
    for member_id, sent_at in notices.items():
        came_back = any(
            member_id in who and session.opened_at > sent_at for session, who in history
        )
        if not came_back:
            left_alone.add(member_id)
    return Roll(
        members=members, snoozed=snoozed_now(snoozes, circle.clock.now()), left_alone=left_alone
    )


# -- teams of two -------------------------------------------------------------------------


async def session_teams(circle: StudyCircle, group: Group, session: Session) -> list[list[Member]]:
    """The session's teams: made once from the members present, then read back on a retry."""
    storage = circle.storage
    earlier = await storage.pairings(group.id)
    stored = next((teams for s, teams in earlier if s.id == session.id), None)
    if stored is not None:
        return stored
    history = PairHistory()
    for past, teams in earlier:
        for team in teams:
            history.add(past.number, [m.id for m in team])
    present = (await roll(circle, group)).present()
    ids = make_teams([m.member.id for m in present], history, seed=session.id)
    if not ids:
        return []
    await storage.save_pairings(session.id, ids)
    return next((teams for s, teams in await storage.pairings(group.id) if s.id == session.id), [])


async def announce_teams(circle: StudyCircle, group: Group, session: Session) -> None:
    """Tell each team who they are with and a question to start on, in the thread or by DM."""
    teams = await session_teams(circle, group, session)
    if not teams:
        log.info("group %s: too few members to pair for session %d", group.id, session.number)
        return
    prompts = [p.text for p in await circle.storage.prompts(session.id)]
    # Rotate through the prompts so the teams do not all start on the same one.
    questions = [
        prompts[(i + session.number) % len(prompts)] if prompts else "" for i in range(len(teams))
    ]
    base = f"{group.id}:s{session.number}"
    in_thread = list(zip(teams, questions, strict=True))
    if group.spec.pairing.announce == "dm":
        platform = circle.platform(group.platform)
        unreachable: set[int] = set()
        for team, question in in_thread:
            for member in team:
                message = team_dm(group, session, [m for m in team if m.id != member.id], question)
                key = f"{base}:team:{member.id}"
                try:
                    await lifecycle.send_direct_once(circle, platform, member.ref, message, key)
                except DirectMessagesClosed:
                    unreachable.add(member.id)
        # Teams with someone whose DMs are closed hear it in the thread instead.
        in_thread = [(t, q) for t, q in in_thread if any(m.id in unreachable for m in t)]
    if in_thread:
        await lifecycle.post(
            circle, group, teams_post(session, in_thread), f"{base}:teams", thread=session.thread
        )
    log.info("group %s: %d teams announced for session %d", group.id, len(teams), session.number)


def teams_post(session: Session, teams: list[tuple[list[Member], str]]) -> Message:
    lines = [f"**Teams for session {session.number}**: say hello to your partner in this thread."]
    for team, question in teams:
        names = " & ".join(clean_name(m.display_name) for m in team)
        lines.append(f"• {names}" + (f" — to start: _{question}_" if question else ""))
    return Message(
        kind=MessageKind.NOTICE,
        title="Teams of two",
        body="\n".join(lines),
        member_text=True,
        mentions=tuple(m.ref for team, _ in teams for m in team),
    )


def team_dm(group: Group, session: Session, others: list[Member], question: str) -> Message:
    names = " and ".join(clean_name(m.display_name) for m in others)
    body = f"For session {session.number} of {group.spec.name} you are teamed with {names}."
    if question:
        body += f" A question to start with: _{question}_"
    body += " Say hello in the session's thread or by message; no pressure, a few lines are plenty."
    return Message(
        kind=MessageKind.NOTICE, title="Your partner this session", body=body, member_text=True
    )


# -- gentle nudges and one "we miss you" ----------------------------------------------------


async def nudge(circle: StudyCircle, group: Group, session: Session) -> None:
    """One gentle reminder to opted-in members who have not responded yet."""
    if not session.is_open:
        return
    storage = circle.storage
    answered = next(
        (who for s, who in await storage.participation(group.id) if s.id == session.id), frozenset()
    )
    people = await roll(circle, group)
    waiting = [m for m in people.present() if m.reminders and m.member.id not in answered]
    platform = circle.platform(group.platform)
    base = f"{group.id}:s{session.number}:{NUDGE}"
    when = render.local_time(session.closes_at, group.zone)
    closed: list[Member] = []
    for m in waiting:
        message = Message(
            kind=MessageKind.NUDGE,
            title=f"{group.spec.name}: session {session.number} closes soon",
            body=(
                f"Session {session.number} of *{group.reading.title}* is open until {when}. "
                "If you have a thought, short ones are welcome; if not, no worries. "
                "(`reminders off` stops these; `snooze DAYS` pauses everything.)"
            ),
        )
        key = f"{base}:{m.member.id}"
        try:
            await lifecycle.send_direct_once(circle, platform, m.member.ref, message, key)
        except DirectMessagesClosed:
            closed.append(m.member)
    if closed:
        names = ", ".join(clean_name(m.display_name) for m in closed)
        notice = Message(
            kind=MessageKind.NUDGE,
            body=f"{names}: session {session.number} is open until {when}; your thoughts are welcome.",
            member_text=True,
            mentions=tuple(m.ref for m in closed),
        )
        await lifecycle.post(circle, group, notice, f"{base}:thread", thread=session.thread)
    log.info("group %s: session %d nudged %d member(s)", group.id, session.number, len(waiting))


async def miss_you(circle: StudyCircle, group: Group) -> None:
    """One kind message to each member who has drifted away; then they are left alone."""
    after = group.spec.drift_after
    if after <= 0:
        return
    storage = circle.storage
    people = await roll(circle, group)
    history = await storage.participation(group.id)
    platform = circle.platform(group.platform)
    for m, silent in drifting(people.members, history, await storage.snoozes(group.id), after):
        if m.member.id in people.left_alone or m.member.id in people.snoozed:
            continue
        message = Message(
            kind=MessageKind.NOTICE,
            title=f"We miss you in {group.spec.name}",
            body=(
                f"We haven't heard from you in {group.spec.name} for a while, and that's all right. "
                "Whenever you want to come back, the current session is there with `now`; "
                "`snooze DAYS` takes a break and `leave` leaves the group. "
                "This is the only message like this you will get."
            ),
        )
        key = f"{group.id}:miss-you:{m.member.id}:{len(history)}"
        try:
            await lifecycle.send_direct_once(circle, platform, m.member.ref, message, key)
        except DirectMessagesClosed:
            log.info("group %s: a drifting member does not take DMs; left alone", group.id)
        await storage.add_drift_notice(group.id, m.member.id, circle.clock.now())
        log.info("group %s: one 'we miss you' after %d silent sessions", group.id, silent)


# -- RSVP ------------------------------------------------------------------------------------


async def remind_rsvps(circle: StudyCircle, group: Group, session: Session) -> None:
    storage = circle.storage
    live = rsvp.live_time(group, session)
    if circle.clock.now() >= live:
        return
    snoozed = (await roll(circle, group)).snoozed
    going = [
        r.member for r in await storage.rsvps(session.id) if r.going and r.member.id not in snoozed
    ]
    platform = circle.platform(group.platform)
    message = rsvp.reminder(group, session, render.local_time(live, group.zone))
    base = f"{group.id}:s{session.number}:{RSVP_REMIND}"
    for member in going:
        key = f"{base}:{member.id}"
        try:
            await lifecycle.send_direct_once(circle, platform, member.ref, message, key)
        except DirectMessagesClosed:
            log.info("group %s: an RSVP reminder could not be delivered", group.id)
