"""Facilitator notes from a group's curriculum pack: sent to its admins by direct message
before each session, and added to their digest. Never posted in the room."""

from __future__ import annotations

import logging

from bot.community import community_words as say
from bot.config.model import Group
from bot.core.events import MemberRef
from bot.core.i18n import ENGLISH, Words
from bot.core.markdown import blocks, bullets, quotation
from bot.core.messages import Message, MessageKind
from bot.core.platform import DirectMessagesClosed
from bot.core.text import split_text
from bot.packs.model import Pack
from bot.readings.course import Step, session_step
from bot.schedule.course_plan import coming_step
from bot.services import Services
from bot.sessions import outbox
from bot.sessions.language import for_room
from bot.storage import Action

log = logging.getLogger(__name__)


def notes_text(pack: Pack, step: Step, w: Words = ENGLISH) -> str | None:
    """The notes (and earlier groups' lessons) for what `step` reads, as Markdown; None when
    the pack says nothing about any of its sections."""
    parts: list[str] = []
    said = False
    for section in step.sections:
        note = pack.note_for(step.reading.id, section.id)
        lessons = pack.lessons_for(step.reading.id, section.id)
        parts.append(f"**{section.title}** (*{step.reading.title}*)")
        if note is not None and note.parts:
            said = True
            parts.append(bullets(f"{label}: {text}" for label, text in note.parts))
        for lesson in lessons:
            said = True
            parts.append(quotation(lesson.text, lesson.credit or None))
    if not said:
        return None
    head = say.notes_head(w, pack.title, pack.ref, pack.session_length)
    return blocks(head, *parts)


async def send_notes(services: Services, group: Group, action: Action) -> None:
    """DM each admin the notes for the session planned at the action's slot."""
    pack = group.pack
    if pack is None:
        return
    opened = next(
        (s for s in await services.storage.sessions(group.id) if s.opened_at == action.slot), None
    )
    if opened is not None:
        step: Step | None = session_step(services.config.readings_for(group), opened)
    else:
        step = await coming_step(services.storage, group)
    # the section titles as the group's room reads them
    w = for_room(group)
    text = notes_text(pack, step.in_language(w.code), w) if step is not None else None
    if text is None:
        return
    platform = services.platform(group.platform)
    pieces = split_text(text, platform.limits.max_body_chars)
    title = say.notes_title(w, group.spec.name)
    for admin in group.spec.admins:
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


async def next_notes(services: Services, group: Group) -> str | None:
    """The notes for the group's next session, for the admins' digest."""
    if group.pack is None:
        return None
    step = await coming_step(services.storage, group)
    if step is None:
        return None
    w = for_room(group)
    return notes_text(group.pack, step.in_language(w.code), w)
