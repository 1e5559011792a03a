"""Facilitator notes from a group's curriculum pack: sent to its admins by direct message
before each session, and added to their digest. Never posted in the room.

Each admin reads the notes in their own language: their `language` setting, else the group's,
else English; the pack's translation of a note where it has one, the English note where not."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.community import community_words as say
from bot.config.model import Group
from bot.core.events import MemberRef
from bot.core.i18n import Words, resolve
from bot.core.markdown import blocks, bullets, quotation
from bot.core.messages import Message, MessageKind
from bot.core.platform import DirectMessagesClosed
from bot.core.text import split_text
from bot.packs.model import Pack
from bot.readings.course import Step, session_step
from bot.schedule.course_plan import coming_step
from bot.services import Services
from bot.sessions import outbox
from bot.sessions.language import member_language
from bot.storage import Action

log = logging.getLogger(__name__)


def notes_text(pack: Pack, step: Step, words: Words | None = None) -> str | None:
    """The notes (and earlier groups' lessons) for what `step` reads, as Markdown in the
    language of `words` (English without); None when the pack says nothing about any of its
    sections."""
    words = words or resolve(None)
    step = step.in_language(words.code)  # the section titles in the reader's language too
    parts: list[str] = []
    said = False
    for section in step.sections:
        note = pack.note_for(step.reading.id, section.id, words.code)
        lessons = pack.lessons_for(step.reading.id, section.id)
        parts.append(f"**{section.title}** (*{step.reading.title}*)")
        if note is not None and note.parts:
            said = True
            parts.append(
                bullets(
                    say.note_part(words, words.gettext(label), text) for label, text in note.parts
                )
            )
        for lesson in lessons:
            said = True
            parts.append(quotation(lesson.text, lesson.credit or None))
    if not said:
        return None
    head = say.notes_head(words, pack.title, pack.ref, pack.session_length)
    return blocks(head, *parts)


async def admin_words(services: Services, group: Group, admin: str) -> Words:
    """The language one admin reads the notes in: theirs, else the group's, else English."""
    member = await services.storage.find_member(group.platform, admin)
    return resolve(member_language(member, None, group))


async def _step(services: Services, group: Group, slot: datetime) -> Step | None:
    opened = next(
        (s for s in await services.storage.sessions(group.id) if s.opened_at == slot), None
    )
    if opened is not None:
        return session_step(services.config.readings_for(group), opened)
    return await coming_step(services.storage, group)


async def send_notes(services: Services, group: Group, action: Action) -> None:
    """DM each admin the notes for the session planned at the action's slot, in their language."""
    pack = group.pack
    if pack is None:
        return
    step = await _step(services, group, action.slot)
    if step is None:
        return
    platform = services.platform(group.platform)
    for admin in group.spec.admins:
        words = await admin_words(services, group, str(admin))
        text = notes_text(pack, step, words)
        if text is None:
            continue
        pieces = split_text(text, platform.limits.max_body_chars)
        title = say.notes_title(words, group.spec.name)
        who = MemberRef(platform=group.platform, user_id=str(admin), display_name=str(admin))
        try:
            for i, piece in enumerate(pieces, start=1):
                message = Message(
                    kind=MessageKind.NOTICE, title=title, body=piece, part=i, parts=len(pieces)
                )
                await outbox.send_direct_once(
                    services, platform, who, message, f"{action.key}:admin:{admin}:{i}"
                )
        except (DirectMessagesClosed, ValueError):
            # never the room: the notes are for whoever runs the session
            log.info("group %s: an admin cannot get the facilitator notes by DM", group.id)


async def next_notes(services: Services, group: Group, words: Words | None = None) -> str | None:
    """The notes for the group's next session, for an admin's digest, in `words`' language
    (the group's without)."""
    if group.pack is None:
        return None
    step = await coming_step(services.storage, group)
    if step is None:
        return None
    return notes_text(group.pack, step, words or resolve(group.spec.language))
