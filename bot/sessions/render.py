"""The words the bot says: every outbound message the core builds, as neutral Markdown."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config.model import Group
from bot.core.i18n import ENGLISH, Words
from bot.core.markdown import blocks, prose, quotation
from bot.core.messages import Button, Message, MessageKind
from bot.core.text import clean_name, quote, split_text
from bot.readings.model import Reading, Section
from bot.sessions.language import for_room
from bot.storage import Member, PromptRow, Response, Session


def local_time(moment: datetime, zone: ZoneInfo, words: Words = ENGLISH) -> str:
    """ "Tue 8 Dec, 18:00 (Europe/Berlin)", in the reader's language."""
    return words.moment(moment, zone)


def humanize(w: Words, delta: timedelta) -> str:
    """A positive interval in words: "3 days", "2 hours", "5 minutes"."""
    seconds = int(delta.total_seconds())
    if seconds >= 86400:
        return w.ngettext("{n} day", "{n} days", round(seconds / 86400))
    if seconds >= 3600:
        return w.ngettext("{n} hour", "{n} hours", round(seconds / 3600))
    if seconds >= 60:
        return w.ngettext("{n} minute", "{n} minutes", round(seconds / 60))
    return w.gettext("less than a minute")


def _place(w: Words, group: Group, session: Session, reading: Reading, count: int) -> str:
    """'section 2 of 5' or 'sections 2–3 of 5, reading 1 of 2'."""
    first = session.first_section + 1
    last = session.first_section + count
    total = len(reading.sections)
    if first == last:
        where = w.gettext("section {first} of {total}", first=first, total=total)
    else:
        where = w.gettext("sections {first}–{last} of {total}", first=first, last=last, total=total)
    number = group.course.number_of(reading.id)
    if len(group.course.readings) > 1 and number is not None:
        where = w.gettext(
            "{where}, reading {number} of {count}",
            where=where,
            number=number,
            count=len(group.course.readings),
        )
    return where


def section_messages(
    group: Group, session: Session, reading: Reading, sections: list[Section], limit: int
) -> list[Message]:
    """The session's text: each section under its heading, split to fit the platform's limit."""
    w = for_room(group)
    where = _place(w, group, session, reading, len(sections))
    if reading.author:
        intro = w.gettext(
            "*{title}* by {author}, {where}.",
            title=reading.title,
            author=reading.author,
            where=where,
        )
    else:
        intro = w.gettext("*{title}*, {where}.", title=reading.title, where=where)
    body = f"{intro}\n\n"
    body += "\n\n".join(f"## {s.title}\n\n{prose(s.body)}" for s in sections)
    pieces = split_text(body, limit)
    title = session_title(w, session.number, " · ".join(s.title for s in sections))
    return [
        Message(kind=MessageKind.SECTION, title=title, body=piece, part=i, parts=len(pieces))
        for i, piece in enumerate(pieces, start=1)
    ]


def session_title(w: Words, number: int, titles: str) -> str:
    return w.gettext("Session {number}: {titles}", number=number, titles=titles)


def prompt_message(number: int, text: str, private_default: bool, w: Words = ENGLISH) -> Message:
    if private_default:
        how = w.gettext(
            "_Reply to this message to respond (responses are private unless you add "
            "--shared), or use `respond {number} your answer`._",
            number=number,
        )
    else:
        how = w.gettext(
            "_Reply to this message to respond, or use `respond {number} your answer`._",
            number=number,
        )
    return Message(
        kind=MessageKind.PROMPT,
        title=w.gettext("Prompt {number}", number=number),
        # the title numbers the prompt; the body is its question and how to answer
        body=blocks(text, how),
        prompt_number=number,
        buttons=(
            Button(
                label=w.gettext("Respond"),
                action=f"respond:{number}",
                fallback=f"respond {number} ...",
            ),
        ),
    )


def reminder(
    group: Group,
    slot: datetime,
    reading: Reading,
    sections: list[Section],
    lead: timedelta,
    w: Words | None = None,
) -> Message:
    w = w or for_room(group)
    titles = ", ".join(f"“{s.title}”" for s in sections)
    return Message(
        kind=MessageKind.REMINDER,
        title=w.gettext(
            "{group}: next session in {lead}", group=group.spec.name, lead=humanize(w, lead)
        ),
        body=w.gettext(
            "Next up: {titles} from *{reading}*, {when}.",
            titles=titles,
            reading=reading.title,
            when=local_time(slot, group.zone, w),
        ),
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

    w = for_room(group)
    people = sorted({name(m) for _, m in rows if m is not None}, key=str.casefold)
    lines = [
        w.gettext(
            "Session {number} of *{group}* is closed. Thank you!",
            number=session.number,
            group=group.spec.name,
        )
    ]
    if people:
        lines.append(
            w.ngettext("**Took part ({n}):**", "**Took part ({n}):**", len(people))
            + " "
            + ", ".join(people)
        )
    elif rows:
        lines.append(w.ngettext("{n} anonymous response.", "{n} anonymous responses.", len(rows)))
    else:
        lines.append(
            w.gettext(
                "Nobody responded this time. The prompts stay in the thread if you want to look "
                "back."
            )
        )
    for prompt in prompts:
        answers = [(r, m) for r, m in rows if r.prompt == prompt.number]
        shared = [(r, m) for r, m in answers if not r.private]
        count = w.ngettext("{n} response", "{n} responses", len(answers))
        lines.append(f"**{prompt.number}. {prompt.text}** — {count}")
        if shared:
            r, m = shared[0]
            author = name(m) if m is not None else w.gettext("anonymous")
            lines.append(quotation(quote(r.text), author))
    return Message(
        kind=MessageKind.SUMMARY,
        title=w.gettext("Session {number} summary", number=session.number),
        body=blocks(*lines),
        member_text=True,
    )


def reading_finished(group: Group, reading: Reading) -> Message:
    w = for_room(group)
    values = {"title": reading.title, "group": group.spec.name}
    if len(group.course.readings) > 1:
        body = w.gettext(
            "That was the last section of *{title}*: every reading of the course has been "
            "read. No more sessions are scheduled for {group}; an admin can add readings to the "
            "group's `readings:` in the config and `reload`.",
            **values,
        )
    else:
        body = w.gettext(
            "That was the last section of *{title}*. No more sessions are scheduled for "
            "{group}; an admin can set a new reading in the config and `reload`.",
            **values,
        )
    return Message(kind=MessageKind.NOTICE, title=w.gettext("Reading finished"), body=body)


def missed(group: Group, slot: datetime) -> Message:
    w = for_room(group)
    return Message(
        kind=MessageKind.NOTICE,
        title=w.gettext("A session was missed"),
        body=w.gettext(
            "The session due {when} was not posted: the bot was offline past its grace period. "
            "Its section moves to the next date; an admin can open it at once with `post-now`.",
            when=local_time(slot, group.zone, w),
        ),
    )


def reply(body: str, *, ephemeral: bool = True, member_text: bool = False) -> Message:
    return Message(kind=MessageKind.REPLY, body=body, ephemeral=ephemeral, member_text=member_text)
