"""A group's archive: a static HTML site, viewable offline, of its sessions and shared responses."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config.model import Group
from bot.core.i18n import Words
from bot.core.records import PromptRow, Session
from bot.exports.archive.margins import AnnotatedText, MarginNote, MarginReply, annotate
from bot.exports.archive.outline import link_target, outline
from bot.exports.archive.pages import (
    ArchivedClosing,
    ArchivedGroup,
    ArchivedPrompt,
    ArchivedResponse,
    ArchivedSection,
    ArchivedSession,
    index_page,
    participation_page,
    session_page,
)
from bot.readings.anchoring import reanchor
from bot.readings.course import session_step
from bot.readings.model import Reading, Section
from bot.readings.sentences import body_hash
from bot.sessions.expiry import outlives_expiry
from bot.sessions.language import for_room
from bot.sessions.passages import note_anchor
from bot.sessions.shown import prompts_in
from bot.storage import Storage
from bot.storage.annotations import Annotation

log = logging.getLogger(__name__)


async def _closing(
    storage: Storage,
    session: Session,
    zone: ZoneInfo,
    prompts: Sequence[PromptRow],
    words: Words,
) -> ArchivedClosing | None:
    """The closing summary as the room got it: who took part and the responses per prompt at
    the close. Names stay out (the room's summary named them; an archive travels further), and
    responses that came late are counted apart, as they came after the summary."""
    if session.closed_at is None:
        return None
    rows = await storage.session_responses(session.id)
    on_time = [r for r, _ in rows if not r.late]
    # an anonymous answer has no member, and its key differs per prompt: counted as answers
    people = {r.member_id for r in on_time if r.member_id is not None}
    counts: dict[int, int] = {}
    for r in on_time:
        counts[r.prompt] = counts.get(r.prompt, 0) + 1
    return ArchivedClosing(
        date=words.long_day(session.closed_at, zone),
        took_part=len(people),
        anonymous=sum(1 for r in on_time if r.member_id is None),
        per_prompt=tuple((p.number, p.text, counts.get(p.number, 0)) for p in prompts),
        late=len(rows) - len(on_time),
    )


async def _session_notes(storage: Storage, session: Session) -> list[tuple[Annotation, MarginNote]]:
    """The session's shared notes with their replies, as the archive shows them; none once
    its discussion expired."""
    if session.expired_at is not None:
        return []
    rows = [(a, m) for a, m, _ in await storage.session_annotations(session.id) if not a.private]
    replies: dict[int, list[MarginReply]] = {}
    for reply, author in await storage.annotation_replies([a.id for a, _ in rows]):
        replies.setdefault(reply.annotation_id, []).append(
            MarginReply(text=reply.text, author=author.display_name if author else None)
        )
    return [
        (
            a,
            MarginNote(
                start=a.start,
                end=a.end,
                exact=a.exact,
                text=a.text,
                author=m.display_name if m is not None else None,
                late=a.late,
                replies=tuple(replies.get(a.id, ())),
            ),
        )
        for a, m in rows
    ]


def _annotated(
    section: Section,
    reading_id: str,
    notes: list[tuple[Annotation, MarginNote]],
    first: int,
) -> AnnotatedText | None:
    """The section's text with the notes on it; a note whose text changed since follows its
    words, or is shown apart when they are gone."""
    placed: list[MarginNote] = []
    orphaned: list[MarginNote] = []
    digest = body_hash(section.body)
    for note, shown in notes:
        if note.reading_id != reading_id or note.section_id != section.id:
            continue
        if note.orphaned:
            orphaned.append(shown)
            continue
        if note.body_hash == digest:
            placed.append(shown)
            continue
        moved = reanchor(note_anchor(note), section.body)
        if moved is None:
            orphaned.append(shown)
        else:
            placed.append(replace(shown, start=moved.start, end=moved.end))
    if not placed and not orphaned:
        return None
    return annotate(section.body, placed, orphaned, first)


def _sections(
    step_sections: tuple[Section, ...], reading_id: str, notes: list[tuple[Annotation, MarginNote]]
) -> tuple[ArchivedSection, ...]:
    shown: list[ArchivedSection] = []
    first = 1
    for s in step_sections:
        annotated = _annotated(s, reading_id, notes, first) if notes else None
        if annotated is not None:
            first += sum(len(p.marks) for p in annotated.paragraphs)
        shown.append(ArchivedSection(title=s.title, opening=s.opening, annotated=annotated))
    return tuple(shown)


async def collect(
    storage: Storage, group: Group, now: datetime, readings: Mapping[str, Reading] | None = None
) -> ArchivedGroup:
    """Everything the archive shows, read once. Private responses are counted, never read out.
    `readings` (the whole readings folder) names what sessions read outside today's course."""
    known = {**(readings or {}), **{r.id: r for r in group.course.readings}}
    language = group.spec.language  # the archive reads as the room does
    words = for_room(group)
    history = {s.id: who for s, who in await storage.participation(group.id)}
    recorded = await storage.sessions(group.id)
    sessions: list[ArchivedSession] = []
    for session in recorded:
        shared = await storage.shared_responses(session.id)
        if session.expired_at is not None:  # what outlives the discussion's expiry
            shared = [r for r in shared if outlives_expiry(r)]
        counts = await storage.response_counts(session.id)
        step = session_step(known, session)  # what it recorded, not what the config says now
        asked = prompts_in(step, await storage.prompts(session.id), language)
        prompts = []
        for prompt in asked:
            mine = tuple(
                ArchivedResponse(text=r.text, author=r.author, late=r.late)
                for r in shared
                if r.prompt == prompt.number
            )
            prompts.append(
                ArchivedPrompt(
                    number=prompt.number,
                    text=prompt.text,
                    responses=mine,
                    private_count=counts.get(prompt.number, 0) - len(mine),
                )
            )
        step = step.in_language(language)
        sessions.append(
            ArchivedSession(
                number=session.number,
                date=words.long_day(session.opened_at, group.zone),
                short_date=words.short_day(session.opened_at, group.zone),
                reading=step.reading.title,
                source=link_target(step.reading.source),
                sections=_sections(
                    step.sections, step.reading.id, await _session_notes(storage, session)
                ),
                prompts=tuple(prompts),
                # members named on a response; anonymous answers count in the totals only
                responders=len(history.get(session.id, frozenset())),
                closing=await _closing(storage, session, group.zone, asked, words),
            )
        )
    return ArchivedGroup(
        name=group.spec.name,
        course=outline(group.course, recorded, known, language),
        generated=words.long_date(now, group.zone),
        members=len(await storage.memberships(group.id)),
        sessions=tuple(sessions),
        words=words,
    )


def write_site(site: ArchivedGroup, out: Path) -> list[Path]:
    """Write the pages into `out` (created if needed); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    pages = {"index.html": index_page(site), "participation.html": participation_page(site)}
    for i, session in enumerate(site.sessions):
        pages[session.filename] = session_page(site, i)
    written = []
    for name, html in pages.items():
        path = out / name
        path.write_text(html, encoding="utf-8")
        written.append(path)
    log.info("archive: %d pages written to %s", len(written), out)
    return written


async def build_archive(
    storage: Storage,
    group: Group,
    out: Path,
    now: datetime,
    readings: Mapping[str, Reading] | None = None,
) -> list[Path]:
    return write_site(await collect(storage, group, now, readings), out)
