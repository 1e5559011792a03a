"""The course as the archive shows it: each reading's sections with the sessions that read them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from bot.core.records import Session
from bot.readings.course import Course, Step, session_step
from bot.readings.model import Reading


@dataclass(frozen=True, slots=True, kw_only=True)
class OutlineSection:
    title: str
    sessions: tuple[int, ...]  # the numbers of the sessions that read it, oldest first


@dataclass(frozen=True, slots=True, kw_only=True)
class OutlineReading:
    title: str
    author: str
    source: str | None  # a web address safe to link to, or None
    in_course: bool  # False: read once, since taken out of the group's readings
    sections: tuple[OutlineSection, ...]


def link_target(source: str | None) -> str | None:
    """`source` when it is an http(s) address a page may link to; anything else stays text."""
    if not source:
        return None
    parsed = urlparse(source.strip())
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        return None
    return source.strip()


def outline(
    course: Course,
    sessions: Sequence[Session],
    readings: Mapping[str, Reading],
    language: str | None = None,
) -> tuple[OutlineReading, ...]:
    """The course's readings in order, then any other reading a session read (first read
    first), each with every section and the sessions that read it; titles in `language`
    where the readings have it."""
    read_by: dict[tuple[str, str], list[int]] = {}
    order: list[str] = [r.id for r in course.readings]
    steps: dict[int, Step] = {}
    for session in sessions:
        step = session_step(readings, session)
        steps[session.id] = step
        if step.reading.id not in order:
            order.append(step.reading.id)
        for section in step.sections:
            read_by.setdefault((step.reading.id, section.id), []).append(session.number)
    listed = {r.id for r in course.readings}
    shown: list[OutlineReading] = []
    for reading_id in order:
        reading = course.reading(reading_id) or readings.get(reading_id)
        known = list(reading.sections) if reading is not None else []
        ids = [s.id for s in known]
        # sections a session read that the reading no longer has: still part of the story
        for step in steps.values():
            if step.reading.id == reading_id:
                known += [s for s in step.sections if s.id not in ids]
                ids += [s.id for s in step.sections if s.id not in ids]
        title = reading.title_in(language) if reading is not None else reading_id
        shown.append(
            OutlineReading(
                title=title,
                author=reading.author if reading is not None else "",
                source=link_target(reading.source) if reading is not None else None,
                in_course=reading_id in listed,
                sections=tuple(
                    OutlineSection(
                        title=s.in_language(language).title,
                        sessions=tuple(read_by.get((reading_id, s.id), ())),
                    )
                    for s in known
                ),
            )
        )
    return tuple(shown)
