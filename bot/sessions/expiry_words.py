"""What the bot says about discussions that expire, kept together for translation."""

from __future__ import annotations

from datetime import datetime

from bot.config.model import Group
from bot.core.i18n import Words
from bot.core.messages import Message, MessageKind
from bot.sessions.language import for_room
from bot.sessions.render import humanize, local_time


def reason(w: Words) -> str:
    """The reason a redaction carries (Matrix shows it in place of the message)."""
    return w.gettext("This discussion expired on the group's schedule (expire_after).")


def opening_notice(group: Group, number: int, when: datetime) -> Message:
    """Told once, when a session opens: when its discussion will disappear from the room."""
    assert group.spec.expire_after is not None
    w = for_room(group)
    return Message(
        kind=MessageKind.NOTICE,
        body=w.gettext(
            "This group's discussions expire. Session {number}'s reading, prompts and the "
            "replies in its thread will be removed from here {after} after it closes: around "
            "{when}. Copies people saved themselves are theirs to delete.",
            number=number,
            after=humanize(w, group.spec.expire_after),
            when=local_time(when, group.zone, w),
        ),
    )


def refused_notice(group: Group, right: str, count: int) -> Message:
    """Told once to the admins: what the bot could not remove and the right that would let it."""
    w = for_room(group)
    return Message(
        kind=MessageKind.NOTICE,
        title=w.gettext("{group}: some messages could not expire", group=group.spec.name),
        body=w.ngettext(
            "I could not remove {n} message of an expired discussion in {group}: the platform "
            "says I need **{right}**. Grant it and the next sessions will expire in full; the "
            "messages I could not remove stay until someone deletes them. I won't ask again.",
            "I could not remove {n} messages of an expired discussion in {group}: the platform "
            "says I need **{right}**. Grant it and the next sessions will expire in full; the "
            "messages I could not remove stay until someone deletes them. I won't ask again.",
            count,
            group=group.spec.name,
            right=right,
        ),
    )


def digest_line(w: Words, number: int, counts: dict[str, int]) -> str:
    """The digest's line for one session whose discussion expired."""
    removed = counts.get("removed", 0) + counts.get("gone", 0)
    line = w.ngettext(
        "Session {number}'s discussion expired: {n} message removed from the platform",
        "Session {number}'s discussion expired: {n} messages removed from the platform",
        removed,
        number=number,
    )
    refused = counts.get("refused", 0)
    if refused:
        line = w.ngettext(
            "{line}; {n} could not be (the bot lacks the right)",
            "{line}; {n} could not be (the bot lacks the right)",
            refused,
            line=line,
        )
    return line + "."
