"""Discussing a passage: a member's note anchored to a sentence of the session's text, posted as
a quotation in the session's thread, with the replies to it; the most-discussed sentences."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.config.model import Group
from bot.core import faults
from bot.core.events import MessageDeleted, MessageEdited, ReplyReceived
from bot.core.i18n import Words
from bot.core.messages import Message, MessageKind
from bot.core.text import clean_name
from bot.readings.anchoring import Anchor, anchor_sentence, reanchor
from bot.readings.course import Step, session_step
from bot.readings.model import Reading
from bot.readings.passage_search import Passage, PassageIndex, passage_index, quoted_words
from bot.readings.sentences import body_hash, split_sentences
from bot.services import Services
from bot.sessions import passage_words as say
from bot.sessions import render
from bot.sessions.anonymity import annotation_key, member_key
from bot.sessions.language import for_member, for_room
from bot.sessions.outbox import post
from bot.storage import Member, Session, Storage
from bot.storage.annotations import Annotation, NewAnnotation

log = logging.getLogger(__name__)


def _posted_step(services: Services, session: Session) -> Step:
    """What the session read, in the words its room was shown: the group's language where the
    reading has a translation (members quote what they read)."""
    group = services.group(session.group_id)
    step = session_step(services.config.readings, session)
    return step.in_language(for_room(group).code) if group is not None else step


def session_passages(services: Services, session: Session) -> PassageIndex:
    """The sentences of what the session read, numbered from 1 across its sections."""
    step = _posted_step(services, session)
    return passage_index(tuple((s.id, s.body) for s in step.sections))


def anonymous_in(group: Group) -> bool:
    return group.spec.anonymous


def note_key(services: Services, group: Group, member: Member, session_id: int) -> str:
    """The author key a member's notes and replies in a session carry."""
    if anonymous_in(group):
        return annotation_key(services.anonymity_key, member.ref, session_id)
    return member_key(member.id)


def keys_in(services: Services, member: Member, session_id: int) -> list[str]:
    """Every key the member's notes in a session may carry (named, anonymous)."""
    return [member_key(member.id), annotation_key(services.anonymity_key, member.ref, session_id)]


async def anonymous_note_keys(services: Services, member: Member) -> list[str]:
    """The member's possible keys on every session with anonymous notes (export, forget-me)."""
    return [
        annotation_key(services.anonymity_key, member.ref, session_id)
        for session_id in await services.storage.anonymous_annotation_sessions()
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """A member's request to discuss a passage."""

    words: str  # a few words of the sentence, or `#N`
    comment: str
    private: bool | None  # None: the group's default
    source_message_id: str | None  # the member's own message, where it is a message


async def record_quote(
    services: Services,
    group: Group,
    member: Member,
    *,
    session: Session,
    late: bool,
    quote: Quote,
    words: Words | None = None,
) -> Message:
    """Find the passage, save the note (committed before it is acknowledged), and post it as a
    quotation in the session's thread when it is shared. The reply is in `words`, else the
    member's language."""
    w = words or for_member(member, None, group)
    comment = quote.comment.strip()
    limit = services.config.spec.max_response_chars
    if session.expired_at is not None:
        return render.reply(say.expired(w))
    if not comment:
        return render.reply(say.empty_comment(w))
    if len(comment) > limit:
        return render.reply(say.too_long(w, len(comment), limit))
    index = session_passages(services, session)
    found = index.find(quote.words)
    if found.passage is None:
        if found.candidates:
            return render.reply(
                say.several(w, [(p.number, p.text) for p in found.candidates]), member_text=True
            )
        return render.reply(say.no_match(w, quote.words), member_text=True)
    passage = found.passage
    anchor = _anchor_of(services, session, passage)
    anonymous = anonymous_in(group)
    private = group.spec.private_by_default if quote.private is None else quote.private
    storage = services.storage
    is_member = await storage.is_member(group.id, member.id)
    step = session_step(services.config.readings, session)
    note = await storage.add_annotation(
        NewAnnotation(
            session_id=session.id,
            reading_id=step.reading.id,
            section_id=anchor.section_id,
            sentence=anchor.sentence,
            start=anchor.start,
            end=anchor.end,
            exact=anchor.exact,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            body_hash=anchor.body,
            member_id=None if anonymous else member.id,
            author_key=note_key(services, group, member, session.id),
            text=comment,
            private=private,
            late=late,
            # a platform message id would lead back to its sender
            source_message_id=None if anonymous else quote.source_message_id,
        ),
        services.clock.now(),
        join=None if is_member else (group.id, member.id),
    )
    faults.point("after-commit", f"annotation:{note.id}")
    log.info("group %s: note %d saved in session %d", group.id, note.id, session.number)
    if not private:
        await _post_quotation(services, group, session, note, member)
    body = say.saved(w, note.id, private, anonymous, late, None if is_member else group.spec.name)
    if anonymous and quote.source_message_id is not None:
        body += " " + say.anonymous_note(w)
    return render.reply(body)


def _anchor_of(services: Services, session: Session, passage: Passage) -> Anchor:
    step = _posted_step(services, session)
    section = next(s for s in step.sections if s.id == passage.section_id)
    sentence = split_sentences(section.body)[passage.sentence]
    return anchor_sentence(section.id, section.body, sentence)


async def _post_quotation(
    services: Services, group: Group, session: Session, note: Annotation, member: Member
) -> None:
    w = for_room(group)
    author = say.anonymous_author(w) if note.member_id is None else clean_name(member.display_name)
    message = Message(
        kind=MessageKind.NOTICE,
        title=say.quotation_title(w, session.number),
        body=say.quotation(w, note.exact, author, note.text),
        member_text=True,
    )
    posted = await post(
        services,
        group,
        message,
        f"{group.id}:s{session.number}:note:{note.id}",
        thread=session.thread,
    )
    await services.storage.set_annotation_message(note.id, posted.message_id)


async def on_reply(services: Services, event: ReplyReceived) -> bool:
    """A reply to a quotation post joins that passage's discussion; a reply to the section
    post that starts with quoted words is a new note. False when it is neither."""
    storage = services.storage
    note = await storage.annotation_by_message(event.in_reply_to)
    if note is not None and note.message_id == event.in_reply_to:
        return await _reply_to_note(services, event, note)
    taken = quoted_words(event.text)
    if taken is None:
        return False  # conversation in the thread, not addressed to the bot
    session = await storage.session_by_post(event.in_reply_to)
    if session is None:
        return False
    group = services.group(session.group_id)
    if group is None or group.platform != event.origin.platform:
        return False
    if event.origin.is_direct or event.origin.room != group.room:
        return False
    platform = services.platform(group.platform)
    if not session.is_open and not group.spec.accept_late:
        known = await storage.find_member(event.member.platform, event.member.user_id)
        closed = say.closed(for_member(known, event.origin, group))
        await platform.reply(event.origin, render.reply(closed))
        return True
    member = await storage.member(event.member, services.clock.now())
    said, comment = taken
    message = await record_quote(
        services,
        group,
        member,
        session=session,
        late=not session.is_open,
        quote=Quote(
            words=said, comment=comment, private=None, source_message_id=event.origin.message_id
        ),
        words=for_member(member, event.origin, group),
    )
    await platform.reply(event.origin, message)
    return True


async def _reply_to_note(services: Services, event: ReplyReceived, note: Annotation) -> bool:
    storage = services.storage
    session = await storage.session_by_id(note.session_id)
    if session is None:
        return False
    group = services.group(session.group_id)
    if group is None or group.platform != event.origin.platform or event.origin.is_direct:
        return False
    platform = services.platform(group.platform)
    text = event.text.strip()
    limit = services.config.spec.max_response_chars
    if not text:
        return True
    if len(text) > limit:
        known = await storage.find_member(event.member.platform, event.member.user_id)
        too_long = say.too_long(for_member(known, event.origin, group), len(text), limit)
        await platform.reply(event.origin, render.reply(too_long))
        return True
    member = await storage.member(event.member, services.clock.now())
    anonymous = anonymous_in(group)
    await storage.add_annotation_reply(
        annotation_id=note.id,
        member_id=None if anonymous else member.id,
        author_key=note_key(services, group, member, session.id),
        text=text,
        message_id=None if anonymous else event.origin.message_id,
        now=services.clock.now(),
    )
    log.info("group %s: a reply to note %d", group.id, note.id)
    reply = say.reply_saved(for_member(member, event.origin, group))
    await platform.reply(event.origin, render.reply(reply))
    return True


async def on_edit(services: Services, event: MessageEdited) -> None:
    """A member edited their reply to a quotation post: the recorded reply follows."""
    text = event.text.strip()
    if not text or len(text) > services.config.spec.max_response_chars:
        return  # the responses' edit handler has already said why it was not saved
    member = await services.storage.find_member(event.member.platform, event.member.user_id)
    if member is None:
        return
    if await services.storage.edit_annotation_by_message(
        event.message_id, member.id, text, services.clock.now()
    ):
        log.info("annotation reply edited through its message")


async def on_delete(services: Services, event: MessageDeleted) -> None:
    if await services.storage.delete_annotation_by_message(event.message_id):
        log.info("annotation reply deleted with its message")


@dataclass(frozen=True, slots=True, kw_only=True)
class Discussed:
    """A sentence of a session and how much it was discussed: its shared notes (with their
    authors, None when anonymous) and the replies to them."""

    section_id: str
    sentence: int
    text: str
    notes: tuple[tuple[Annotation, Member | None], ...]
    replies: int

    @property
    def weight(self) -> int:
        return len(self.notes) + self.replies


async def most_discussed(services: Services, session: Session, limit: int = 10) -> list[Discussed]:
    """The session's shared notes by sentence, most discussed first (orphaned ones left out)."""
    by_place: dict[tuple[str, int], tuple[list[tuple[Annotation, Member | None]], int]] = {}
    for note, author, replies in await services.storage.session_annotations(session.id):
        if note.private or note.orphaned:
            continue
        notes, count = by_place.get((note.section_id, note.sentence), ([], 0))
        notes.append((note, author))
        by_place[(note.section_id, note.sentence)] = (notes, count + replies)
    ranked = [
        Discussed(
            section_id=place[0],
            sentence=place[1],
            text=notes[0][0].exact,
            notes=tuple(notes),
            replies=replies,
        )
        for place, (notes, replies) in by_place.items()
    ]
    ranked.sort(key=lambda d: (-d.weight, d.section_id, d.sentence))
    return ranked[:limit]


async def reanchor_annotations(storage: Storage, readings: Mapping[str, Reading]) -> int:
    """Move every annotation whose section's text changed onto the new text, or mark it
    orphaned (kept, shown apart) when its words are gone. Returns how many were looked at.

    A reading no longer in the folder changes nothing: its text is unknown, not changed."""
    looked = 0
    for reading_id, section_id, digest in await storage.annotated_texts():
        reading = readings.get(reading_id)
        if reading is None:
            continue
        section = reading.section_by_id(section_id)
        # a note is on the section's own text or on a translation a room read
        bodies = (
            [section.body, *(text.body for _, text in section.translations)]
            if section is not None
            else []
        )
        if any(body_hash(body) == digest for body in bodies):
            continue
        moves: list[tuple[Annotation, bool]] = []
        for note in await storage.annotations_on(reading_id, section_id, digest):
            looked += 1
            moved = next(
                (m for body in bodies if (m := reanchor(note_anchor(note), body)) is not None), None
            )
            if moved is None:
                moves.append((note, True))
            else:
                moves.append((_moved(note, moved), False))
        await storage.move_annotations(moves)
        orphaned = sum(1 for _, o in moves if o)
        log.info(
            "reading %s section %s changed: %d notes re-anchored, %d orphaned",
            reading_id,
            section_id,
            len(moves) - orphaned,
            orphaned,
        )
    return looked


def note_anchor(note: Annotation) -> Anchor:
    """Where a stored note points, as an anchor."""
    return Anchor(
        section_id=note.section_id,
        sentence=note.sentence,
        start=note.start,
        end=note.end,
        exact=note.exact,
        prefix=note.prefix,
        suffix=note.suffix,
        body=note.body_hash,
    )


def _moved(note: Annotation, anchor: Anchor) -> Annotation:
    return replace(
        note,
        sentence=anchor.sentence,
        start=anchor.start,
        end=anchor.end,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        body_hash=anchor.body,
    )
