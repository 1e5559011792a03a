"""A course: the readings a group reads one after another, and which sections come next.

A section is known by its reading's id and its own id, never by its position: a session
records the ids it posted, so editing the course (or a reading) never rewrites history. What
comes next is always the first section of the course, in order, that no session has posted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass

from bot.core.records import Session
from bot.readings.model import Reading, Section

SectionKey = tuple[str, str]  # (reading id, section id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Course:
    """The readings of a group, in the order it reads them (one, for `reading:`)."""

    readings: tuple[Reading, ...]

    @property
    def title(self) -> str:
        """How messages name the course: the reading's title, or every title in order."""
        return " · ".join(r.title for r in self.readings)

    def title_in(self, code: str | None) -> str:
        """The course's title as a reader of `code` sees it (each reading's `titles:`)."""
        return " · ".join(r.title_in(code) for r in self.readings)

    @property
    def section_keys(self) -> tuple[SectionKey, ...]:
        return tuple((r.id, s.id) for r in self.readings for s in r.sections)

    def number_of(self, reading_id: str) -> int | None:
        """The reading's place in the course, from 1; None when the course does not list it."""
        return next((i for i, r in enumerate(self.readings, 1) if r.id == reading_id), None)

    def reading(self, reading_id: str) -> Reading | None:
        return next((r for r in self.readings if r.id == reading_id), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """What one session reads: consecutive sections of one reading, from index `first`."""

    reading: Reading
    first: int  # the first section's index in the reading (0-based)
    sections: tuple[Section, ...]

    @property
    def keys(self) -> tuple[SectionKey, ...]:
        return tuple((self.reading.id, s.id) for s in self.sections)

    @property
    def titles(self) -> str:
        return " · ".join(f"“{s.title}”" for s in self.sections)

    @property
    def prompts(self) -> tuple[str, ...]:
        """The session's prompts in order: prompt N is `prompts[N - 1]`."""
        return tuple(p for s in self.sections for p in s.prompts)

    def in_language(self, code: str | None) -> Step:
        """The same sections as a reader of `code` sees them (see `Section.in_language`)."""
        if not code:
            return self
        return Step(
            reading=self.reading.in_language(code),
            first=self.first,
            sections=tuple(s.in_language(code) for s in self.sections),
        )


def next_step(course: Course, posted: Set[SectionKey], per_session: int) -> Step | None:
    """The next session's sections: from the course's first unposted section, up to
    `per_session` of them, never past a posted one or the end of its reading (a session reads
    one reading). None when every section of the course has been posted."""
    for reading in course.readings:
        for index, section in enumerate(reading.sections):
            if (reading.id, section.id) in posted:
                continue
            chosen: list[Section] = []
            for candidate in reading.sections[index:]:
                if len(chosen) == per_session or (reading.id, candidate.id) in posted:
                    break
                chosen.append(candidate)
            return Step(reading=reading, first=index, sections=tuple(chosen))
    return None


def steps_ahead(course: Course, posted: Set[SectionKey], per_session: int) -> Iterator[Step]:
    """The sessions to come, in order, as if each were posted in turn."""
    taken = set(posted)
    while (step := next_step(course, taken, per_session)) is not None:
        yield step
        taken.update(step.keys)


def session_step(readings: Mapping[str, Reading], session: Session) -> Step:
    """What a session read, as it recorded it: its reading and sections by id.

    A reading or section no longer in the readings folder stands in under its id, so history
    still shows (and a thread still opens) after a file is removed.
    """
    reading_id = session.reading_id or ""
    end = session.first_section + session.section_count
    reading = readings.get(reading_id)
    if reading is None:
        ids = session.section_ids or tuple(
            f"section-{n}" for n in range(session.first_section + 1, end + 1)
        )
        gone = tuple(_missing_section(sid) for sid in ids)
        title = reading_id or "an earlier reading"
        reading = Reading(
            id=reading_id, title=title, author="", source=None, publication=None, sections=gone
        )
        return Step(reading=reading, first=0, sections=gone)
    if session.section_ids:
        sections = tuple(
            reading.section_by_id(sid) or _missing_section(sid) for sid in session.section_ids
        )
    else:  # recorded before sessions kept their section ids, and not yet filled in
        sections = reading.sections[session.first_section : end]
    return Step(reading=reading, first=session.first_section, sections=sections)


def _missing_section(section_id: str) -> Section:
    return Section(
        id=section_id,
        title=section_id,
        body="(This section is no longer in the readings folder.)",
        prompts=(),
    )
