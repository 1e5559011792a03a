"""`pack harvest`: a group's course, and what its members shared beyond it, proposed as the
next version of the pack it ran. Only responses a member marked `--public` (and not private)
are taken; an anonymous one carries no name; the database remembers whose words each lesson
is until the admin approves, so that forget-me can still take them out."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from bot.config.model import Group
from bot.core.i18n import ENGLISH, N_, Words
from bot.core.records import Session
from bot.core.text import clean_name
from bot.packs.files import Refused
from bot.packs.harvest import Proposal, Unanswered, propose, propose_first
from bot.packs.model import Lesson
from bot.readings.course import session_step
from bot.readings.model import Reading, Section
from bot.storage import Storage
from bot.storage.harvests import HarvestedWords

LESSON_CHARS = 4000


def _section_of(sections: tuple[Section, ...], number: int) -> Section | None:
    """The section whose prompt is the session's prompt `number` (numbered across sections)."""
    seen = 0
    for section in sections:
        if number <= seen + len(section.prompts):
            return section
        seen += len(section.prompts)
    return None


def _excerpt(text: str) -> str:
    # a pack's lesson holds 4,000 characters; a group may allow longer responses
    return text if len(text) <= LESSON_CHARS else text[: LESSON_CHARS - 1].rstrip() + "…"


async def harvest(
    storage: Storage,
    group: Group,
    out: Path,
    now: datetime,
    readings: Mapping[str, Reading] | None = None,
    language: Words = ENGLISH,
    readings_dir: Path | None = None,
) -> Proposal:
    """Write the proposal into `out` (an absolute path: approve finds it by that) and record
    whose words it holds: the next version of the pack the group runs, or, for a group that
    reads plain readings (from `readings_dir`), a first pack of its course."""
    pack = group.pack
    course = pack.readings if pack is not None else group.course.readings
    if pack is None and readings_dir is None:
        raise Refused(
            N_(
                "group {group} reads no pack (it has no `curriculum:`); a harvest proposes the "
                "next version of the pack a group runs"
            ),
            group=group.id,
        )
    known = {**(readings or {}), **{r.id: r for r in course}}
    pack_readings = {r.id for r in course}
    steps: dict[int, tuple[str, tuple[Section, ...]]] = {}

    def step(session: Session) -> tuple[str, tuple[Section, ...]]:
        if session.id not in steps:
            found = session_step(known, session)
            steps[session.id] = (found.reading.id, found.sections)
        return steps[session.id]

    lessons: list[Lesson] = []
    words: list[HarvestedWords] = []
    for session, response, author in await storage.public_responses(group.id):
        reading_id, sections = step(session)
        if reading_id not in pack_readings:
            continue  # read before the group took up this pack
        section = _section_of(sections, response.prompt)
        prompts = {p.number: p.text for p in await storage.prompts(session.id)}
        lesson_id = f"h-{secrets.token_hex(5)}"
        lessons.append(
            Lesson(
                id=lesson_id,
                reading=reading_id,
                section=section.id if section is not None else None,
                prompt=prompts.get(response.prompt),
                text=_excerpt(response.text),
                # a minimal group stores no names: its platform ids never leave it in a pack
                credit=clean_name(author.display_name)
                if author is not None and not group.spec.minimal
                else None,
            )
        )
        words.append(
            HarvestedWords(
                lesson=lesson_id, member_id=response.member_id, author_key=response.author_key
            )
        )
    unanswered: list[Unanswered] = []
    for session in await storage.sessions(group.id):
        reading_id, sections = step(session)
        if reading_id not in pack_readings:
            continue
        counts = await storage.response_counts(session.id)
        for prompt in await storage.prompts(session.id):
            if counts.get(prompt.number, 0) == 0:
                section = _section_of(sections, prompt.number)
                unanswered.append(
                    Unanswered(
                        session=session.number,
                        reading=reading_id,
                        section=section.id if section is not None else None,
                        prompt=prompt.text,
                    )
                )
    if pack is None:
        assert readings_dir is not None
        proposal = propose_first(
            out,
            pack_id=group.id,
            title=group.course.title,
            language=group.spec.language,
            readings=course,
            readings_dir=readings_dir,
            group_name=group.spec.name,
            lessons=lessons,
            unanswered=unanswered,
            words=language,
        )
    else:
        proposal = propose(
            pack,
            out,
            group_name=group.spec.name,
            lessons=lessons,
            unanswered=unanswered,
            words=language,
        )
    await storage.add_harvest(group.id, str(out), words, now)
    return proposal
