"""What the bot says about discussions that expire, kept together for translation."""

from __future__ import annotations

from datetime import datetime

from bot.config.model import Group
from bot.core.durations import humanize
from bot.core.messages import Message, MessageKind
from bot.sessions.render import local_time

# the reason a redaction carries (Matrix shows it in place of the message)
REASON = "This discussion expired on the group's schedule (expire_after)."


def opening_notice(group: Group, number: int, when: datetime) -> Message:
    """Told once, when a session opens: when its discussion will disappear from the room."""
    assert group.spec.expire_after is not None
    after = humanize(group.spec.expire_after)
    return Message(
        kind=MessageKind.NOTICE,
        body=(
            f"This group's discussions expire. Session {number}'s reading, prompts and the "
            f"replies in its thread will be removed from here {after} after it closes: around "
            f"{local_time(when, group.zone)}. Copies people saved themselves are theirs to delete."
        ),
    )


def refused_notice(group: Group, right: str, count: int) -> Message:
    """Told once to the admins: what the bot could not remove and the right that would let it."""
    return Message(
        kind=MessageKind.NOTICE,
        title=f"{group.spec.name}: some messages could not expire",
        body=(
            f"I could not remove {count} message{'s' if count != 1 else ''} of an expired "
            f"discussion in {group.spec.name}: the platform says I need **{right}**. "
            "Grant it and the next sessions will expire in full; the messages I could not "
            "remove stay until someone deletes them. I won't ask again."
        ),
    )


def digest_line(number: int, counts: dict[str, int]) -> str:
    """The digest's line for one session whose discussion expired."""
    removed = counts.get("removed", 0) + counts.get("gone", 0)
    line = (
        f"Session {number}'s discussion expired: {removed} message"
        f"{'s' if removed != 1 else ''} removed from the platform"
    )
    refused = counts.get("refused", 0)
    if refused:
        line += f"; {refused} could not be (the bot lacks the right)"
    return line + "."
