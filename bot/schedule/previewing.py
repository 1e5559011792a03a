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
from bot.schedule.cadence import cadence_moments
from bot.schedule.ics import WEB_ADDRESS, CalendarEvent, calendar_ics, with_sequences

SESSION_LENGTH = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewEvent:
    number: int
    start: datetime
    sections: str
    reminders: tuple[datetime, ...]
    closes: datetime  # when responses close
    live: datetime | None  # the live discussion, where the group holds one
    reading: str  # the title of the reading the session reads
    source: str | None  # that reading's source (an address or a citation)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewBreak:
    """A date the cadence names that falls in one of the group's breaks: no session then."""

    start: datetime


def preview_events(
    group: Group, now: datetime, until: datetime, first_section: int | None = None
) -> Iterator[PreviewEvent]:
    """Sessions from `now` to `until` (breaks left out).

    Without `first_section`, sessions are numbered from the schedule's start, so a session
    keeps its number (and its calendar UID) whenever the preview is made.
    """
    for row in preview_rows(group, now, until, first_section):
        if isinstance(row, PreviewEvent):
            yield row


def preview_rows(
    group: Group, now: datetime, until: datetime, first_section: int | None = None
) -> Iterator[PreviewEvent | PreviewBreak]:
    """Sessions from `now` to `until`, and the break dates among them, in order."""
    per = group.spec.sections_per_session
    # the config alone knows nothing posted: the course from its start, a session per step
    steps = list(steps_ahead(group.course, frozenset(), per))
    if first_section is None:
        begin = datetime.combine(group.spec.start, time.min, tzinfo=group.zone)
        moments = cadence_moments(group.spec, group.zone, begin - timedelta(microseconds=1))
        index = 0
    else:
        moments = cadence_moments(group.spec, group.zone, now)
        # `first_section` counts the course's sections already read; start at the step after
        before = 0
        index = len(steps)
        for i, step in enumerate(steps):
            if before >= first_section:
                index = i
                break
            before += len(step.sections)
    number = index + 1
    for slot, resting in moments:
        if slot > until or index >= len(steps):
            return
        if resting:
            if slot > now:
                yield PreviewBreak(start=slot)
            continue
        if slot > now:
            step = steps[index].in_language(group.spec.language)  # as the room will read it
            yield PreviewEvent(
                number=number,
                start=slot,
                sections=" · ".join(s.title for s in step.sections),
                reminders=tuple(sorted(slot - lead for lead in group.spec.reminders)),
                closes=slot + group.spec.respond_for,
                live=slot + group.spec.live_after if group.spec.rsvp else None,
                reading=step.reading.title,
                source=step.reading.source,
            )
        index += 1
        number += 1


def group_calendar_events(group: Group, now: datetime, until: datetime) -> list[CalendarEvent]:
    # The UID names the session, not its time: when the schedule moves, calendars update the
    # event (write_ics numbers its revisions against the feed it replaces).
    words = resolve(group.spec.language)
    events: list[CalendarEvent] = []
    for event in preview_events(group, now, until):
        url = event.source if event.source and WEB_ADDRESS.fullmatch(event.source) else None
        about = _about_reading(words, event)
        events.append(
            CalendarEvent(
                uid=f"{group.id}-session-{event.number}@studybot",
                start=event.start,
                end=event.start + SESSION_LENGTH,
                summary=f"{group.spec.name}: {event.sections}",
                description="\n".join(
                    [
                        words.gettext(
                            "Session {number} of {course}: {sections}.",
                            number=event.number,
                            course=group.course.title,
                            sections=event.sections,
                        ),
                        words.gettext(
                            "Responses are open until {closes}.",
                            closes=words.moment(event.closes, group.zone),
                        ),
                        *(
                            [
                                words.gettext(
                                    "Live discussion: {when}.",
                                    when=words.moment(event.live, group.zone),
                                )
                            ]
                            if event.live is not None
                            else []
                        ),
                        *about,
                    ]
                ),
                alarms=tuple(group.spec.reminders),
                url=url,
            )
        )
        if event.live is not None:
            events.append(
                CalendarEvent(
                    uid=f"{group.id}-session-{event.number}-live@studybot",
                    start=event.live,
                    end=event.live + SESSION_LENGTH,
                    summary=words.gettext(
                        "{group}: live discussion of session {number}",
                        group=group.spec.name,
                        number=event.number,
                    ),
                    description="\n".join(
                        [
                            words.gettext(
                                "The live discussion of session {number} of {course}: {sections}.",
                                number=event.number,
                                course=group.course.title,
                                sections=event.sections,
                            ),
                            *about,
                        ]
                    ),
                    url=url,
                )
            )
    return events


def _about_reading(words: Words, event: PreviewEvent) -> list[str]:
    if not event.source:
        return []
    return [words.gettext("The reading: {source}", source=event.source)]


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
