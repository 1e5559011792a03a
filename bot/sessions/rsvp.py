"""RSVP for a session's live discussion: the buttons on the session post and the reminder's words."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from bot.config.model import Group
from bot.core.i18n import Words
from bot.core.messages import Button, Message, MessageKind
from bot.sessions.language import for_room
from bot.storage import Session

# The reminder to those who said yes goes this long before the live discussion.
REMIND_BEFORE = timedelta(hours=1)


def live_time(group: Group, session: Session) -> datetime:
    """The live discussion: the session's opening plus the group's `live_after`."""
    return session.opened_at + group.spec.live_after


def reminder_due(group: Group, session: Session) -> datetime:
    return max(session.opened_at, live_time(group, session) - REMIND_BEFORE)


def buttons(group: Group, when: datetime) -> tuple[Button, ...]:
    w = for_room(group)
    return (
        Button(
            label=w.gettext(
                "I'll join the live talk ({when})", when=w.weekday_time(when, group.zone)
            ),
            action="rsvp:yes",
            fallback="rsvp yes",
        ),
        Button(label=w.gettext("Can't make it"), action="rsvp:no", fallback="rsvp no"),
    )


def with_buttons(group: Group, message: Message, when: datetime) -> Message:
    """The session post with RSVP buttons added, when the group takes RSVPs."""
    if not group.spec.rsvp:
        return message
    return dataclasses.replace(message, buttons=(*message.buttons, *buttons(group, when)))


def reminder(group: Group, session: Session, when: datetime, w: Words) -> Message:
    return Message(
        kind=MessageKind.REMINDER,
        title=w.gettext("{group}: live discussion soon", group=group.spec.name),
        body=w.gettext(
            "You said you would join the live discussion of session {number}: {when}. See you "
            "there! (Changed your mind? `rsvp no` is fine.)",
            number=session.number,
            when=w.moment(when, group.zone),
        ),
    )
