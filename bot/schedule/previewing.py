"""The upcoming sessions of each group as the config alone predicts them, and their iCalendar feed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config.model import Config, Group
from bot.core.i18n import ENGLISH, Words, resolve
from bot.readings.course import steps_ahead
from bot.schedule.cadence import slots
from bot.schedule.ics import CalendarEvent, calendar_ics, with_sequences

SESSION_LENGTH = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewEvent:
    number: int
    start: datetime
    sections: str
    reminders: tuple[datetime, ...]


def preview_events(
    group: Group, now: datetime, until: datetime, first_section: int | None = None
) -> Iterator[PreviewEvent]:
    """Sessions from `now` to `until`.

    Without `first_section`, sessions are numbered from the schedule's start, so a session
    keeps its number (and its calendar UID) whenever the preview is made.
    """
    per = group.spec.sections_per_session
    # the config alone knows nothing posted: the course from its start, a session per step
    steps = list(steps_ahead(group.course, frozenset(), per))
    if first_section is None:
        begin = datetime.combine(group.spec.start, time.min, tzinfo=group.zone)
        moments = slots(group.spec, group.zone, begin - timedelta(microseconds=1))
        index = 0
    else:
        moments = slots(group.spec, group.zone, now)
        # `first_section` counts the course's sections already read; start at the step after
        before = 0
        index = len(steps)
        for i, step in enumerate(steps):
            if before >= first_section:
                index = i
                break
            before += len(step.sections)
    number = index + 1
    for slot in moments:
        if slot > until or index >= len(steps):
            return
        if slot > now:
            titles = " · ".join(s.title for s in steps[index].sections)
            reminders = tuple(sorted(slot - lead for lead in group.spec.reminders))
            yield PreviewEvent(number=number, start=slot, sections=titles, reminders=reminders)
        index += 1
        number += 1


def group_calendar_events(group: Group, now: datetime, until: datetime) -> list[CalendarEvent]:
    # The UID names the session, not its time: when the schedule moves, calendars update the
    # event (write_ics numbers its revisions against the feed it replaces).
    w = resolve(group.spec.language)
    return [
        CalendarEvent(
            uid=f"{group.id}-session-{event.number}@studybot",
            start=event.start,
            end=event.start + SESSION_LENGTH,
            summary=f"{group.spec.name}: {event.sections}",
            description=w.gettext(
                "Session {number} of {course}. Responses stay open for a while after it starts.",
                number=event.number,
                course=group.course.title,
            ),
            alarms=tuple(group.spec.reminders),
        )
        for event in preview_events(group, now, until)
    ]


def write_ics(
    config: Config, now: datetime, until: datetime, path: Path, group_id: str | None = None
) -> None:
    events: list[CalendarEvent] = []
    names: list[str] = []
    for group in config.groups:
        if group_id is not None and group.id != group_id:
            continue
        names.append(group.spec.name)
        events.extend(group_calendar_events(group, now, until))
    try:
        previous: str | None = path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        previous = None
    events = with_sequences(events, previous)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        calendar_ics(" & ".join(names) or "Study Circle", events, stamp=now),
        encoding="utf-8",
        newline="",
    )


def describe_start(moment: datetime, zone: ZoneInfo, words: Words = ENGLISH) -> str:
    """A moment in a zone as admins read it: 'Tue 1 Dec 2026, 19:00 (America/La_Paz)'; in
    another language, Babel's: 'martes, 1 de diciembre de 2026, 19:00 (America/La_Paz)'."""
    if words.locale.language == "en":
        local = moment.astimezone(zone)
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({zone.key})"
    return words.moment(moment, zone)
