"""Members' responses: recording, replacing, editing and deleting them, committed before acknowledged."""

from __future__ import annotations

import logging

from bot.config.model import Group
from bot.core import faults
from bot.core.events import MessageDeleted, MessageEdited, ReplyReceived
from bot.core.i18n import Words
from bot.core.messages import Message
from bot.core.records import SavedResponse
from bot.services import Services
from bot.sessions import render
from bot.sessions.anonymity import anonymous_key, member_key
from bot.sessions.language import for_member
from bot.storage import Member, Session

log = logging.getLogger(__name__)


async def target_session(services: Services, group: Group) -> tuple[Session | None, bool]:
    """The session a response goes to now, and whether it counts as late."""
    session = await services.storage.open_session(group.id)
    if session is not None:
        return session, False
    latest = await services.storage.latest_session(group.id)
    if latest is not None and group.spec.accept_late:
        return latest, True
    return None, False


async def author_keys(services: Services, member: Member, session_id: int) -> list[str]:
    """Every key the member's responses in a session may carry: theirs, and one per anonymous prompt."""
    keys = [member_key(member.id)]
    for prompt in await services.storage.prompts(session_id):
        if prompt.anonymous:
            keys.append(
                anonymous_key(services.anonymity_key, member.ref, session_id, prompt.number)
            )
    return keys


async def all_anonymous_keys(services: Services, member: Member) -> list[str]:
    """The member's possible keys on every anonymous prompt ever posted (for export and forget-me)."""
    ref = member.ref
    return [
        anonymous_key(services.anonymity_key, ref, session_id, number)
        for session_id, number in await services.storage.anonymous_prompts()
    ]


async def record_response(
    services: Services,
    group: Group,
    member: Member,
    *,
    session: Session,
    late: bool,
    prompt: int,
    text: str,
    private: bool | None,
    message_id: str | None,
    public: bool | None = None,
    words: Words | None = None,
) -> Message:
    """Validate and save one response; the reply is built only after the commit (in `words`,
    else the member's language). `public` True offers it beyond the group (for a harvested
    pack); None keeps the earlier choice."""
    w = words or for_member(member, None, group)
    storage = services.storage
    limit = services.config.spec.max_response_chars
    text = text.strip()
    if not text:
        return render.reply(w.gettext("Your response is empty; nothing was saved."))
    if len(text) > limit:
        return render.reply(
            w.gettext(
                "Your response is {length} characters; the limit is {limit}. Nothing was saved: "
                "please shorten it, or split it across prompts.",
                length=w.number(len(text)),
                limit=w.number(limit),
            )
        )
    prompts = await storage.prompts(session.id)
    chosen = None
    for p in prompts:  # a loop, not next() of a generator: every response asks
        if p.number == prompt:
            chosen = p
            break
    if chosen is None:
        return render.reply(
            w.gettext(
                "Session {number} has prompts 1–{last}; there is no prompt {prompt}.",
                number=session.number,
                last=len(prompts),
                prompt=prompt,
            )
            if prompts
            else w.gettext("Session {number} has no prompts.", number=session.number)
        )
    if chosen.anonymous:
        key = anonymous_key(services.anonymity_key, member.ref, session.id, prompt)
        message_id = None  # a platform message id would lead back to its sender
    else:
        key = member_key(member.id)
    # A read (cached on SQLite) for the usual case, already a member; else joined in the same unit.
    is_member = await storage.is_member(group.id, member.id)
    saved = await storage.save_response(
        session_id=session.id,
        member_id=None if chosen.anonymous else member.id,
        author_key=key,
        prompt=prompt,
        text=text,
        private=private,
        default_private=group.spec.private_by_default,
        public=public,
        late=late,
        message_id=message_id,
        now=services.clock.now(),
        join=None if is_member else (group.id, member.id),
    )
    if faults.armed():  # the detail is built only for the crash tests
        faults.point("after-commit", f"response:{session.id}:{prompt}")
    log.info(
        "group %s: response %s for session %d prompt %d",
        group.id,
        "saved" if saved.created else "replaced",
        session.number,
        prompt,
    )
    return _acknowledgement(
        w,
        saved,
        anonymous=chosen.anonymous,
        prompt=prompt,
        late=late,
        group_name=group.spec.name if saved.joined else None,
    )


# The acknowledgements said, per Words (held, so that its id is not reused while it is
# here) and per what they say: every response is acknowledged, in one of a few sentences.
_ACKNOWLEDGEMENTS: dict[int, tuple[Words, dict[tuple[object, ...], Message]]] = {}
_MAX_ACKNOWLEDGEMENTS = 1024  # per language; past this its sentences start afresh


def _acknowledgement(
    w: Words,
    saved: SavedResponse,
    *,
    anonymous: bool,
    prompt: int,
    late: bool,
    group_name: str | None,
) -> Message:
    """What a member is told once their response is committed (the same sentence, built
    once, for the same facts in the same words)."""
    held = _ACKNOWLEDGEMENTS.get(id(w))
    if held is None or held[0] is not w:
        if len(_ACKNOWLEDGEMENTS) >= 64:
            _ACKNOWLEDGEMENTS.clear()
        held = _ACKNOWLEDGEMENTS[id(w)] = (w, {})
    said = held[1]
    key = (saved.created, saved.private, saved.public, anonymous, prompt, late, group_name)
    message = said.get(key)
    if message is None:
        if len(said) >= _MAX_ACKNOWLEDGEMENTS:
            said.clear()
        message = said[key] = render.reply(
            _acknowledgement_text(
                w, saved, anonymous=anonymous, prompt=prompt, late=late, group_name=group_name
            )
        )
    return message


def _acknowledgement_text(
    w: Words,
    saved: SavedResponse,
    *,
    anonymous: bool,
    prompt: int,
    late: bool,
    group_name: str | None,
) -> str:
    if saved.private:
        visibility = w.gettext("private: only you can see it")
    elif saved.public:
        visibility = w.gettext(
            "shared with the group, and beyond it: it may go into the course's next pack if an "
            "admin approves"
        )
    else:
        visibility = w.gettext("shared with the group")
    if anonymous:
        visibility = w.gettext(
            "{visibility}; anonymous: stored without your name", visibility=visibility
        )
    if saved.created:
        said = w.gettext(
            "Saved your response to prompt {prompt} ({visibility}).",
            prompt=prompt,
            visibility=visibility,
        )
    else:
        said = w.gettext(
            "Replaced your response to prompt {prompt} ({visibility}).",
            prompt=prompt,
            visibility=visibility,
        )
    lines = [said]
    if late:
        lines.append(w.gettext("The session had closed, so it is marked late; it still counts."))
    if group_name is not None:
        lines.append(w.gettext("You are now a member of {group}.", group=group_name))
    return " ".join(lines)


async def on_reply(services: Services, event: ReplyReceived) -> bool:
    """A reply to a prompt message is a response to that prompt. False when the reply is to
    no prompt (it may be about a passage, or ordinary conversation)."""
    prompt = await services.storage.prompt_by_message(event.in_reply_to)
    if prompt is None:
        return False
    session = await services.storage.session_by_id(prompt.session_id)
    if session is None:
        return True
    group = services.group(session.group_id)
    if group is None or group.platform != event.origin.platform:
        return True
    if event.origin.is_direct or event.origin.room != group.room:
        return True  # a reply counts only in the session's own room or thread, never from a DM
    platform = services.platform(group.platform)
    if not session.is_open and not group.spec.accept_late:
        known = await services.storage.find_member(event.member.platform, event.member.user_id)
        w = for_member(known, event.origin, group)
        closed = w.gettext("That session is closed; responses are no longer accepted.")
        await platform.reply(event.origin, render.reply(closed))
        return True
    member = await services.storage.member(event.member, services.clock.now())
    w = for_member(member, event.origin, group)
    message = await record_response(
        services,
        group,
        member,
        session=session,
        late=not session.is_open,
        prompt=prompt.number,
        text=event.text,
        private=None,
        message_id=event.origin.message_id,
        words=w,
    )
    if prompt.anonymous:
        message = render.reply(
            message.body
            + " "
            + w.gettext(
                "Your reply message itself still shows your name in the thread; you may delete "
                "it. For anonymous prompts, `respond` in a direct message keeps you unseen."
            )
        )
    await platform.reply(event.origin, message)
    return True


async def on_edit(services: Services, event: MessageEdited) -> bool:
    """Whether the edit changed a response (a refused edit is told, and False)."""
    member = await services.storage.find_member(event.member.platform, event.member.user_id)
    if member is None:
        return False
    text = event.text.strip()
    limit = services.config.spec.max_response_chars
    platform = services.platform(event.origin.platform)
    if not text or len(text) > limit:
        w = for_member(member, event.origin)
        refused = w.gettext(
            "That edit was not saved: a response must have 1 to {limit} characters. Your "
            "earlier text is kept.",
            limit=w.number(limit),
        )
        await platform.reply(event.origin, render.reply(refused))
        return False
    if await services.storage.edit_response_by_message(
        event.message_id, member.id, text, services.clock.now()
    ):
        log.info("response edited through its message")
        return True
    return False


async def on_delete(services: Services, event: MessageDeleted) -> bool:
    """Whether the deleted message was a response (which is deleted with it)."""
    if await services.storage.delete_response_by_message(event.message_id):
        log.info("response deleted with its message")
        return True
    return False
