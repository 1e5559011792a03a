"""The words the bot says about a group's course: where it is, the next reading, and what a
change of config or a restarted reading did to the plan."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config.model import Group
from bot.core.messages import Message, MessageKind
from bot.readings.course import Step
from bot.readings.model import Reading
from bot.schedule.course_plan import Plan, PlanChange, Progress
from bot.sessions.render import local_time


def next_reading(group: Group, done: Reading, step: Step, slot: datetime | None) -> Message:
    """Posted when a reading's last section closes and the course goes on with another."""
    by = f" by {step.reading.author}" if step.reading.author else ""
    when = f", from {local_time(slot, group.zone)}" if slot is not None else ""
    return Message(
        kind=MessageKind.NOTICE,
        title="Next reading",
        body=(
            f"That was the last section of *{done.title}*. Next, {group.spec.name} reads "
            f"*{step.reading.title}*{by}{when}, starting with {step.titles}."
        ),
    )


def _where(group: Group, step: Step) -> str:
    """'reading 2 of 3, *Title*, section 1 of 4' (the reading's place left out in a course of one)."""
    reading = step.reading
    last = step.first + len(step.sections)
    sections = (
        f"section {step.first + 1}"
        if len(step.sections) <= 1
        else f"sections {step.first + 1}–{last}"
    )
    of = f"{sections} of {len(reading.sections)}" if reading.sections else sections
    count = len(group.course.readings)
    number = group.course.number_of(reading.id)
    if number is None:
        return f"*{reading.title}* (no longer in the course), {of}"
    if count == 1:
        return f"*{reading.title}*, {of}"
    return f"reading {number} of {count}, *{reading.title}*, {of}"


def status_lines(group: Group, progress: Progress) -> list[str]:
    """`status`'s lines on the course: how much is posted, where the group is, what is next."""
    readings = len(group.course.readings)
    what = f"*{group.course.readings[0].title}*" if readings == 1 else f"{readings} readings"
    lines = [f"Course: {what}, {progress.posted} of {progress.total} sections posted"]
    if progress.latest is None or progress.latest_step is None:
        lines.append("Now at: nothing posted yet")
    else:
        latest = progress.latest
        state = "open" if latest.is_open else "closed"
        lines.append(
            f"Now at: {_where(group, progress.latest_step)} "
            f"(session {latest.number}, {state}); {progress.latest_step.titles}"
        )
    if progress.next is None:
        lines.append("Next: nothing; every section of the course has been posted")
    else:
        when = (
            local_time(progress.slot, group.zone)
            if progress.slot is not None
            else "no date planned yet"
        )
        lines.append(f"Next: {_where(group, progress.next)}, {progress.next.titles}, {when}")
    return lines


def _what(step: Step, other: Step | None) -> str:
    """A step's titles, with its reading named when the other plan reads another one."""
    if other is not None and other.reading.id == step.reading.id:
        return step.titles
    return f"{step.titles} from *{step.reading.title}*"


def _describe(plan: Plan, other: Plan, zone: ZoneInfo) -> str:
    """A plan as the 'was' part of a change line."""
    if plan.step is None:
        return "nothing left to read"
    if plan.slot is None:
        return f"{_what(plan.step, other.step)}, with no date"
    return f"{local_time(plan.slot, zone)}: {_what(plan.step, other.step)}"


def plan_change_line(change: PlanChange) -> str:
    """'Readers: next session Tue 8 Dec, 19:00 (Europe/Berlin): “X” (was “Y”)'."""
    group, old, new = change.group, change.before, change.after
    zone = group.zone
    name = group.spec.name
    if new.step is None:
        was = _describe(old, new, zone)
        return f"{name}: no next session, every section of the course has been posted (was {was})"
    if new.slot is None:
        return (
            f"{name}: no session is planned (paused, or no date left in the schedule); "
            f"next to read: {_what(new.step, old.step)} (was {_describe(old, new, zone)})"
        )
    when = local_time(new.slot, zone)
    if old.step is None or old.slot is None:
        return f"{name}: next session {when}: {_what(new.step, old.step)} (nothing was planned)"
    same_step = old.step.keys == new.step.keys
    if old.slot == new.slot:
        return f"{name}: next session {when}: {_what(new.step, old.step)} (was {_what(old.step, new.step)})"
    if same_step:
        return f"{name}: next session {when} (was {local_time(old.slot, zone)}): {new.step.titles}"
    return (
        f"{name}: next session {when}: {_what(new.step, old.step)} "
        f"(was {local_time(old.slot, zone)}: {_what(old.step, new.step)})"
    )
