"""What the server's calendar shows of a session, and the one notice about it, kept together
for translation."""

from __future__ import annotations

from bot.config.model import Group
from bot.core.messages import Message, MessageKind

TITLE_MAX = 100  # Discord's limit on an event's name
DESCRIPTION_MAX = 1000  # and on its description


def event_title(group: Group, number: int) -> str:
    return f"{group.spec.name}: session {number}"[:TITLE_MAX]


def event_description(group: Group, sections: str) -> str:
    reading = f"Reading: {sections}. " if sections else ""
    return (
        f"{reading}The section is posted in the group's channel when the session opens; "
        f"responses are open for {_days(group)}."
    )[:DESCRIPTION_MAX]


def _days(group: Group) -> str:
    days = max(1, round(group.spec.respond_for.total_seconds() / 86400))
    return f"{days} day{'s' if days != 1 else ''}"


def refused_notice(group: Group, right: str) -> Message:
    """Told once to the admins: the server's events need a right the bot lacks."""
    return Message(
        kind=MessageKind.NOTICE,
        title=f"{group.spec.name}: sessions are not in the server's Events",
        body=(
            f"I could not put {group.spec.name}'s sessions in the server's Events tab "
            f"(`discord_events: true`): Discord says I need **{right}**. Grant it and the next "
            "change to the plan brings them there. I won't ask again."
        ),
    )
