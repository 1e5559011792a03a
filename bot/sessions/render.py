"""The words the bot says: every outbound message the core builds, as neutral Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.model import Group
from bot.core.durations import humanize
from bot.core.i18n import ENGLISH, Words, resolve
from bot.core.markdown import blocks, quotation
from bot.core.messages import Button, Message, MessageKind
from bot.core.text import clean_name, quote, split_text
from bot.readings.model import Reading, Section
from bot.storage import Member, PromptRow, Response, Session


def local_time(moment: datetime, zone: ZoneInfo, words: Words = ENGLISH) -> str:
    """ "Tue 8 Dec, 18:00 (Europe/Berlin)", in the reader's language."""
    return words.moment(moment, zone)


def section_messages(
    group: Group, session: Session, reading: Reading, sections: list[Section], limit: int
) -> list[Message]:
    """The session's text: each section under its heading, split to fit the platform's limit."""
    intro = f"*{reading.title}*"
    if reading.author:
        intro += f" by {reading.author}"
    total = len(reading.sections)
    first = session.first_section + 1
    last = session.first_section + len(sections)
    where = f"section {first}" if first == last else f"sections {first}–{last}"
    number = group.course.number_of(reading.id)
    if len(group.course.readings) > 1 and number is not None:
        where += f" of {total}, reading {number} of {len(group.course.readings)}"
    else:
        where += f" of {total}"
    body = f"{intro}, {where}.\n\n"
    body += "\n\n".join(f"## {s.title}\n\n{s.body}" for s in sections)
    pieces = split_text(body, limit)
    title = f"Session {session.number}: " + " · ".join(s.title for s in sections)
    return [
        Message(kind=MessageKind.SECTION, title=title, body=piece, part=i, parts=len(pieces))
        for i, piece in enumerate(pieces, start=1)
    ]


def prompt_message(number: int, text: str, private_default: bool) -> Message:
    how = "Reply to this message to respond"
    if private_default:
        how += " (responses are private unless you add --shared)"
    return Message(
        kind=MessageKind.PROMPT,
        title=f"Prompt {number}",
        # the title numbers the prompt; the body is its question and how to answer
        body=blocks(text, f"_{how}, or use `respond {number} your answer`._"),
        prompt_number=number,
        buttons=(
            Button(label="Respond", action=f"respond:{number}", fallback=f"respond {number} ..."),
        ),
    )


def reminder(
    group: Group, slot: datetime, reading: Reading, sections: list[Section], lead: timedelta
) -> Message:
    titles = ", ".join(f"“{s.title}”" for s in sections)
    return Message(
        kind=MessageKind.REMINDER,
        title=f"{group.spec.name}: next session in {humanize(lead)}",
        body=f"Next up: {titles} from *{reading.title}*, {local_time(slot, group.zone)}.",
    )


def summary(
    group: Group,
    session: Session,
    prompts: list[PromptRow],
    rows: list[tuple[Response, Member | None]],
    names: Mapping[int, str] | None = None,
) -> Message:
    """Who took part, responses per prompt, and one shared quote per prompt; `names` (member
    id to name as shown) where the stored display name is not what to show.

    Anonymous responses are counted, and may be quoted, but never named.
    """

    def name(m: Member) -> str:
        return names[m.id] if names and m.id in names else clean_name(m.display_name)

    people = sorted({name(m) for _, m in rows if m is not None}, key=str.casefold)
    lines = [f"Session {session.number} of *{group.spec.name}* is closed. Thank you!"]
    if people:
        lines.append(f"**Took part ({len(people)}):** " + ", ".join(people))
    elif rows:
        lines.append(
            resolve(group.spec.language).ngettext(
                "{n} anonymous response.", "{n} anonymous responses.", len(rows)
            )
        )
    else:
        lines.append(
            "Nobody responded this time. The prompts stay in the thread if you want to look back."
        )
    for prompt in prompts:
        answers = [(r, m) for r, m in rows if r.prompt == prompt.number]
        shared = [(r, m) for r, m in answers if not r.private]
        count = f"{len(answers)} response{'s' if len(answers) != 1 else ''}"
        lines.append(f"**{prompt.number}. {prompt.text}** — {count}")
        if shared:
            r, m = shared[0]
            author = name(m) if m is not None else "anonymous"
            lines.append(quotation(quote(r.text), author))
    return Message(
        kind=MessageKind.SUMMARY,
        title=f"Session {session.number} summary",
        body=blocks(*lines),
        member_text=True,
    )


def reading_finished(group: Group, reading: Reading) -> Message:
    if len(group.course.readings) > 1:
        last = f"*{reading.title}*: every reading of the course has been read"
        hint = "an admin can add readings to the group's `readings:` in the config and `reload`"
    else:
        last = f"*{reading.title}*"
        hint = "an admin can set a new reading in the config and `reload`"
    return Message(
        kind=MessageKind.NOTICE,
        title="Reading finished",
        body=(
            f"That was the last section of {last}. No more sessions are scheduled for "
            f"{group.spec.name}; {hint}."
        ),
    )


def missed(group: Group, slot: datetime) -> Message:
    return Message(
        kind=MessageKind.NOTICE,
        title="A session was missed",
        body=(
            f"The session due {local_time(slot, group.zone)} was not posted: the bot was offline past its "
            "grace period. Its section moves to the next date; an admin can open it at once with `post-now`."
        ),
    )


def reply(body: str, *, ephemeral: bool = True, member_text: bool = False) -> Message:
    return Message(kind=MessageKind.REPLY, body=body, ephemeral=ephemeral, member_text=member_text)
