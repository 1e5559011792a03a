"""Where a group is in its course, worked out from what its sessions recorded: what comes
next, how far it has come, and what a change of config (or `restart-reading`) moved."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.config.model import Group
from bot.core.records import Session
from bot.readings.course import Step, next_step, session_step, steps_ahead
from bot.readings.model import Reading
from bot.storage import Storage

log = logging.getLogger(__name__)


async def coming_step(storage: Storage, group: Group) -> Step | None:
    """What the group's next session will read; None when the course has all been posted."""
    posted = await storage.posted_sections(group.id)
    return next_step(group.course, posted, group.spec.sections_per_session)


async def coming_steps(storage: Storage, group: Group, count: int) -> list[Step]:
    """The next `count` sessions' sections, in order."""
    posted = await storage.posted_sections(group.id)
    ahead = steps_ahead(group.course, posted, group.spec.sections_per_session)
    return [step for _, step in zip(range(count), ahead, strict=False)]


# -- what a change moved ------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """A group's next session as planned: when (None: not planned) and what it reads."""

    slot: datetime | None
    step: Step | None

    def same_as(self, other: Plan) -> bool:
        mine = self.step.keys if self.step else None
        theirs = other.step.keys if other.step else None
        return self.slot == other.slot and mine == theirs


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanChange:
    """The next session of `group` was `before` and is now `after`."""

    group: Group
    before: Plan
    after: Plan


async def plans(storage: Storage, groups: Sequence[Group]) -> dict[str, Plan]:
    """The plan of each group, in two queries however many groups there are."""
    if not groups:
        return {}
    posted = await storage.posted_sections_of([g.id for g in groups])
    openings = await storage.planned_openings()
    return {
        g.id: Plan(
            slot=openings.get(g.id),
            step=next_step(g.course, posted.get(g.id, frozenset()), g.spec.sections_per_session),
        )
        for g in groups
    }


def plan_changes(
    before: Mapping[str, Plan], after: Mapping[str, Plan], groups: Sequence[Group]
) -> list[PlanChange]:
    """The groups whose next session moved or reads something else, in config order."""
    changed: list[PlanChange] = []
    for group in groups:
        old, new = before.get(group.id), after.get(group.id)
        if old is not None and new is not None and not old.same_as(new):
            changed.append(PlanChange(group=group, before=old, after=new))
    return changed


# -- sessions recorded before they kept their section ids -----------------------------------


async def record_old_section_ids(storage: Storage, readings: Mapping[str, Reading]) -> int:
    """Write down, once, which sections older sessions posted, by id, from the reading as it
    is now (they recorded only positions). Returns how many sessions were filled in."""
    older = await storage.sessions_without_section_ids()
    filled: list[tuple[int, tuple[str, ...]]] = []
    for session in older:
        reading = readings.get(session.reading_id or "")
        if reading is None:
            continue  # kept as it is until its reading is back in the folder
        end = session.first_section + session.section_count
        ids = tuple(s.id for s in reading.sections[session.first_section : end])
        if ids:
            filled.append((session.id, ids))
    await storage.set_section_ids(filled)
    if filled:
        log.info("recorded the section ids of %d older sessions", len(filled))
    return len(filled)


# -- how far the group has come -------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """The group's place in its course, for `status`."""

    posted: int  # sections of the course posted (a restarted reading counts afresh)
    total: int  # sections in the course
    latest: Session | None
    latest_step: Step | None  # what the latest session read
    next: Step | None
    slot: datetime | None  # when the next session is planned


async def progress(storage: Storage, group: Group, readings: Mapping[str, Reading]) -> Progress:
    posted = await storage.posted_sections(group.id)
    keys = group.course.section_keys
    latest = await storage.latest_session(group.id)
    pending = await storage.pending_actions(group.id)
    slot = next((a.slot for a in pending if a.kind == "open"), None)
    return Progress(
        posted=sum(1 for k in keys if k in posted),
        total=len(keys),
        latest=latest,
        latest_step=session_step(readings, latest) if latest is not None else None,
        next=next_step(group.course, posted, group.spec.sections_per_session),
        slot=slot,
    )
