"""The words the bot says about a group's course: where it is, the next reading, and what a
change of config or a restarted reading did to the plan."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config.model import Group
from bot.core.i18n import ENGLISH, Words
from bot.core.messages import Message, MessageKind
from bot.readings.course import Step
from bot.readings.model import Reading
from bot.schedule.course_plan import Plan, PlanChange, Progress
from bot.sessions.render import local_time


def next_reading(
    group: Group, done: Reading, step: Step, slot: datetime | None, w: Words = ENGLISH
) -> Message:
    """Posted when a reading's last section closes and the course goes on with another."""
    values = {
        "done": done.title,
        "group": group.spec.name,
        "reading": step.reading.title,
        "author": step.reading.author,
        "titles": step.titles,
    }
    if step.reading.author and slot is not None:
        body = w.gettext(
            "That was the last section of *{done}*. Next, {group} reads *{reading}* by "
            "{author}, from {when}, starting with {titles}.",
            when=local_time(slot, group.zone, w),
            **values,
        )
    elif step.reading.author:
        body = w.gettext(
            "That was the last section of *{done}*. Next, {group} reads *{reading}* by "
            "{author}, starting with {titles}.",
            **values,
        )
    elif slot is not None:
        body = w.gettext(
            "That was the last section of *{done}*. Next, {group} reads *{reading}*, from "
            "{when}, starting with {titles}.",
            when=local_time(slot, group.zone, w),
            **values,
        )
    else:
        body = w.gettext(
            "That was the last section of *{done}*. Next, {group} reads *{reading}*, starting "
            "with {titles}.",
            **values,
        )
    return Message(kind=MessageKind.NOTICE, title=w.gettext("Next reading"), body=body)


def _sections(w: Words, step: Step) -> str:
    first, last = step.first + 1, step.first + len(step.sections)
    total = len(step.reading.sections)
    if len(step.sections) <= 1:
        if total:
            return w.gettext("section {first} of {total}", first=first, total=total)
        return w.gettext("section {first}", first=first)
    if total:
        return w.gettext("sections {first}–{last} of {total}", first=first, last=last, total=total)
    return w.gettext("sections {first}–{last}", first=first, last=last)


def _where(group: Group, step: Step, w: Words) -> str:
    """'reading 2 of 3, *Title*, section 1 of 4' (the reading's place left out in a course of one)."""
    reading = step.reading
    of = _sections(w, step)
    count = len(group.course.readings)
    number = group.course.number_of(reading.id)
    if number is None:
        return w.gettext("*{title}* (no longer in the course), {of}", title=reading.title, of=of)
    if count == 1:
        return f"*{reading.title}*, {of}"
    return w.gettext(
        "reading {number} of {count}, *{title}*, {of}",
        number=number,
        count=count,
        title=reading.title,
        of=of,
    )


def status_lines(group: Group, progress: Progress, w: Words = ENGLISH) -> list[str]:
    """`status`'s lines on the course: how much is posted, where the group is, what is next."""
    readings = len(group.course.readings)
    what = (
        f"*{group.course.readings[0].title}*"
        if readings == 1
        else w.ngettext("{n} reading", "{n} readings", readings)
    )
    lines = [
        w.ngettext(
            "Course: {what}, {posted} of {n} section posted",
            "Course: {what}, {posted} of {n} sections posted",
            progress.total,
            what=what,
            posted=w.number(progress.posted),
        )
    ]
    if progress.latest is None or progress.latest_step is None:
        lines.append(w.gettext("Now at: nothing posted yet"))
    else:
        latest = progress.latest
        values = {
            "where": _where(group, progress.latest_step, w),
            "number": latest.number,
            "titles": progress.latest_step.titles,
        }
        if latest.is_open:
            lines.append(w.gettext("Now at: {where} (session {number}, open); {titles}", **values))
        else:
            lines.append(
                w.gettext("Now at: {where} (session {number}, closed); {titles}", **values)
            )
    if progress.next is None:
        lines.append(w.gettext("Next: nothing; every section of the course has been posted"))
    else:
        when = (
            local_time(progress.slot, group.zone, w)
            if progress.slot is not None
            else w.gettext("no date planned yet")
        )
        lines.append(
            w.gettext(
                "Next: {where}, {titles}, {when}",
                where=_where(group, progress.next, w),
                titles=progress.next.titles,
                when=when,
            )
        )
    return lines


def _what(step: Step, other: Step | None, w: Words) -> str:
    """A step's titles, with its reading named when the other plan reads another one."""
    if other is not None and other.reading.id == step.reading.id:
        return step.titles
    return w.gettext("{titles} from *{reading}*", titles=step.titles, reading=step.reading.title)


def _describe(plan: Plan, other: Plan, zone: ZoneInfo, w: Words) -> str:
    """A plan as the 'was' part of a change line."""
    if plan.step is None:
        return w.gettext("nothing left to read")
    if plan.slot is None:
        return w.gettext("{what}, with no date", what=_what(plan.step, other.step, w))
    return f"{local_time(plan.slot, zone, w)}: {_what(plan.step, other.step, w)}"


def plan_change_line(change: PlanChange, w: Words = ENGLISH) -> str:
    """'Readers: next session Tue 8 Dec, 19:00 (Europe/Berlin): “X” (was “Y”)'."""
    group, old, new = change.group, change.before, change.after
    zone = group.zone
    name = group.spec.name
    if new.step is None:
        return w.gettext(
            "{name}: no next session, every section of the course has been posted (was {was})",
            name=name,
            was=_describe(old, new, zone, w),
        )
    if new.slot is None:
        return w.gettext(
            "{name}: no session is planned (paused, or no date left in the schedule); next to "
            "read: {what} (was {was})",
            name=name,
            what=_what(new.step, old.step, w),
            was=_describe(old, new, zone, w),
        )
    when = local_time(new.slot, zone, w)
    what = _what(new.step, old.step, w)
    if old.step is None or old.slot is None:
        return w.gettext(
            "{name}: next session {when}: {what} (nothing was planned)",
            name=name,
            when=when,
            what=what,
        )
    if old.slot == new.slot:
        return w.gettext(
            "{name}: next session {when}: {what} (was {was})",
            name=name,
            when=when,
            what=what,
            was=_what(old.step, new.step, w),
        )
    before = local_time(old.slot, zone, w)
    if old.step.keys == new.step.keys:
        return w.gettext(
            "{name}: next session {when} (was {before}): {titles}",
            name=name,
            when=when,
            before=before,
            titles=new.step.titles,
        )
    return w.gettext(
        "{name}: next session {when}: {what} (was {before}: {was})",
        name=name,
        when=when,
        what=what,
        before=before,
        was=_what(old.step, new.step, w),
    )
