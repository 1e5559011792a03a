"""Gentle nudges before a window closes, one "we miss you" to the drifting, and RSVP reminders."""

from __future__ import annotations

import logging

from bot.community import community_words as say
from bot.community.roll import roll
from bot.config.model import Group
from bot.core.messages import Message, MessageKind
from bot.core.platform import DirectMessagesClosed
from bot.readings.course import session_step
from bot.services import Services
from bot.sessions import outbox, render, rsvp
from bot.sessions.language import for_member, for_room, member_language
from bot.sessions.naming import names_shown
from bot.sessions.own_answers import participation, responders
from bot.sessions.participation import drifting
from bot.storage import Member, Session

log = logging.getLogger(__name__)

NUDGE = "nudge"
RSVP_REMIND = "rsvp-remind"


async def nudge(services: Services, group: Group, session: Session) -> None:
    """One gentle reminder to opted-in members who have not responded yet."""
    if not session.is_open:
        return
    people = await roll(services, group)
    wanted = [m for m in people.present() if m.reminders]
    answered = await responders(services, group.id, session, [m.member for m in wanted])
    waiting = [m for m in wanted if m.member.id not in answered]
    platform = services.platform(group.platform)
    base = f"{group.id}:s{session.number}:{NUDGE}"
    read = session_step(services.config.readings_for(group), session).reading
    closed: list[Member] = []
    for m in waiting:
        w = for_member(m.member, None, group)
        when = render.local_time(session.closes_at, group.zone, w)
        reading = read.title_in(member_language(m.member, None, group))
        message = Message(
            kind=MessageKind.NUDGE,
            title=say.nudge_title(w, group.spec.name, session.number),
            body=say.nudge_body(w, session.number, reading, when),
        )
        key = f"{base}:{m.member.id}"
        try:
            await outbox.send_direct_once(services, platform, m.member.ref, message, key)
        except DirectMessagesClosed:
            closed.append(m.member)
    if closed:
        shown = await names_shown(services, group, closed)
        names = ", ".join(shown[m.id] for m in closed)
        room = for_room(group)
        when = render.local_time(session.closes_at, group.zone, room)
        notice = Message(
            kind=MessageKind.NUDGE,
            body=say.nudge_in_thread(room, names, session.number, when),
            member_text=True,
            mentions=tuple(m.ref for m in closed),
        )
        await outbox.post(services, group, notice, f"{base}:thread", thread=session.thread)
    log.info("group %s: session %d nudged %d member(s)", group.id, session.number, len(waiting))


async def miss_you(services: Services, group: Group) -> None:
    """One kind message to each member who has drifted away; then they are left alone."""
    after = group.spec.drift_after
    if after <= 0:
        return
    storage = services.storage
    people = await roll(services, group)
    history = await participation(services, group.id, [m.member for m in people.members])
    platform = services.platform(group.platform)
    for m, silent in drifting(people.members, history, await storage.snoozes(group.id), after):
        if m.member.id in people.left_alone or m.member.id in people.snoozed:
            continue
        w = for_member(m.member, None, group)
        message = Message(
            kind=MessageKind.NOTICE,
            title=say.miss_you_title(w, group.spec.name),
            body=say.miss_you_body(w, group.spec.name),
        )
        key = f"{group.id}:miss-you:{m.member.id}:{len(history)}"
        try:
            await outbox.send_direct_once(services, platform, m.member.ref, message, key)
        except DirectMessagesClosed:
            log.info("group %s: a drifting member does not take DMs; left alone", group.id)
        await storage.add_drift_notice(group.id, m.member.id, services.clock.now())
        log.info("group %s: one 'we miss you' after %d silent sessions", group.id, silent)


async def remind_rsvps(services: Services, group: Group, session: Session) -> None:
    storage = services.storage
    live = rsvp.live_time(group, session)
    if services.clock.now() >= live:
        return
    snoozed = (await roll(services, group)).snoozed
    going = [
        r.member for r in await storage.rsvps(session.id) if r.going and r.member.id not in snoozed
    ]
    platform = services.platform(group.platform)
    base = f"{group.id}:s{session.number}:{RSVP_REMIND}"
    for member in going:
        key = f"{base}:{member.id}"
        message = rsvp.reminder(group, session, live, for_member(member, None, group))
        try:
            await outbox.send_direct_once(services, platform, member.ref, message, key)
        except DirectMessagesClosed:
            log.info("group %s: an RSVP reminder could not be delivered", group.id)
