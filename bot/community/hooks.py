"""Community features wired into the session lifecycle: what they plan when a session opens
or closes, and the action kinds they run (registered into the runtime's table)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.community import digest, facilitator
from bot.community.nudges import NUDGE, RSVP_REMIND, miss_you, nudge, remind_rsvps
from bot.community.teams import announce_teams
from bot.config.model import Group
from bot.core.i18n import N_
from bot.schedule.planner import FACILITATOR_NOTES
from bot.services import ActionKind, ActionKinds, ActionRun, Services, SessionHooks
from bot.sessions import rsvp
from bot.storage import Action, Session

DRIFT = "drift"
DIGEST = "digest"
WEEKLY_DIGEST = "weekly-digest"


async def on_session_opened(services: Services, group: Group, session: Session) -> None:
    """Pair members and plan this session's nudge and RSVP reminder. Safe to repeat."""
    now = services.clock.now()
    if group.spec.pairing.enabled:
        await announce_teams(services, group, session)
    rows: list[tuple[str, str, datetime, datetime, str]] = []
    base = f"{group.id}:s{session.number}"
    if group.spec.nudge_before is not None:
        due = session.closes_at - group.spec.nudge_before
        if now < due < session.closes_at:
            rows.append((group.id, NUDGE, due, session.opened_at, f"{base}:{NUDGE}"))
    if group.spec.rsvp and group.spec.live_after > timedelta(0):
        due = rsvp.reminder_due(group, session)
        rows.append((group.id, RSVP_REMIND, due, session.opened_at, f"{base}:{RSVP_REMIND}"))
    # an earlier session's follow-ups are over: the schema holds one pending of each per group
    await services.storage.cancel_actions(
        group.id, [NUDGE, RSVP_REMIND], other_than=session.opened_at
    )
    if rows:
        await services.storage.add_actions(rows)


async def on_session_closed(services: Services, group: Group, session: Session) -> None:
    """Record attendance, then plan the drift check and the digest. Safe to repeat."""
    storage = services.storage
    now = services.clock.now()
    if group.spec.rsvp:
        await storage.record_attendance(session.id)
    await storage.cancel_actions(group.id, [NUDGE], slot=session.opened_at)  # too late to nudge
    base = f"{group.id}:s{session.number}"
    rows = [(group.id, DRIFT, now, session.opened_at, f"{base}:{DRIFT}")]
    if group.spec.digest == "session":
        rows.append((group.id, DIGEST, now, session.opened_at, f"{base}:{DIGEST}"))
    elif group.spec.digest == "weekly":
        due = digest.next_weekly(now, group.zone)
        rows.append((group.id, WEEKLY_DIGEST, due, due, f"{group.id}:{WEEKLY_DIGEST}:{due.date()}"))
    await storage.add_actions(rows)


async def _session_at(services: Services, group: Group, opened_at: datetime) -> Session | None:
    return next(
        (s for s in await services.storage.sessions(group.id) if s.opened_at == opened_at), None
    )


def _on_session(run: Callable[[Services, Group, Session], Awaitable[None]]) -> ActionRun:
    """An action about the session that opened at the action's slot (skipped if there is none)."""

    async def runner(services: Services, group: Group, action: Action) -> None:
        session = await _session_at(services, group, action.slot)
        if session is not None:
            await run(services, group, session)

    return runner


async def _digest(services: Services, group: Group, action: Action) -> None:
    await digest.send_digest(services, group, action, weekly=action.kind == WEEKLY_DIGEST)


async def _drift(services: Services, group: Group, action: Action) -> None:
    if await _session_at(services, group, action.slot) is not None:
        await miss_you(services, group)


def register(kinds: ActionKinds, hooks: SessionHooks) -> None:
    """Hang the community features on the session lifecycle and the runtime's action table."""
    hooks.opened.append(on_session_opened)
    hooks.closed.append(on_session_closed)
    kinds[NUDGE] = ActionKind(
        run=_on_session(nudge),
        ends_with_course=True,
        label=N_("nudge to those who have not answered"),
    )
    kinds[DRIFT] = ActionKind(
        run=_drift, ends_with_course=True, label=N_("a word to members who went quiet")
    )
    kinds[DIGEST] = ActionKind(run=_digest, label=N_("digest for the admins"))
    kinds[WEEKLY_DIGEST] = ActionKind(run=_digest, label=N_("weekly digest for the admins"))
    kinds[RSVP_REMIND] = ActionKind(
        run=_on_session(remind_rsvps), label=N_("reminder of the live discussion")
    )
    kinds[FACILITATOR_NOTES] = ActionKind(
        run=facilitator.send_notes, label=N_("facilitator notes to the admins")
    )
