"""What the community features say (nudges, "we miss you", teams, facilitator notes), in one
place, in the reader's words (`Words`)."""

from __future__ import annotations

from bot.core.i18n import Words


def nudge_title(w: Words, group: str, number: int) -> str:
    return w.gettext("{group}: session {number} closes soon", group=group, number=number)


def nudge_body(w: Words, number: int, reading: str, when: str) -> str:
    return w.gettext(
        "Session {number} of *{reading}* is open until {when}. If you have a thought, short "
        "ones are welcome; if not, no worries. (`reminders off` stops these; `snooze DAYS` "
        "pauses everything.)",
        number=number,
        reading=reading,
        when=when,
    )


def nudge_in_thread(w: Words, names: str, number: int, when: str) -> str:
    return w.gettext(
        "{names}: session {number} is open until {when}; your thoughts are welcome.",
        names=names,
        number=number,
        when=when,
    )


def miss_you_title(w: Words, group: str) -> str:
    return w.gettext("We miss you in {group}", group=group)


def miss_you_body(w: Words, group: str) -> str:
    return w.gettext(
        "We haven't heard from you in {group} for a while, and that's all right. Whenever you "
        "want to come back, the current session is there with `now`; `snooze DAYS` takes a "
        "break and `leave` leaves the group. This is the only message like this you will get.",
        group=group,
    )


def teams_head(w: Words, number: int) -> str:
    return w.gettext(
        "**Teams for session {number}**: say hello to your partner in this thread.", number=number
    )


def team_line(w: Words, names: str, question: str) -> str:
    """One team in the thread's list (the list's marker is the caller's)."""
    if question:
        return w.gettext("{names} — to start: _{question}_", names=names, question=question)
    return names


def teams_title(w: Words) -> str:
    return w.gettext("Teams of two")


def names_and(w: Words, names: list[str]) -> str:
    """ "Ana and Bea", "Ana, Bea and Cal"."""
    if len(names) <= 1:
        return "".join(names)
    return w.gettext("{some} and {last}", some=", ".join(names[:-1]), last=names[-1])


def team_dm(w: Words, number: int, group: str, names: str, question: str) -> str:
    values = {"number": number, "group": group, "names": names, "question": question}
    if question:
        return w.gettext(
            "For session {number} of {group} you are teamed with {names}. A question to start "
            "with: _{question}_ Say hello in the session's thread or by message; no pressure, a "
            "few lines are plenty.",
            **values,
        )
    return w.gettext(
        "For session {number} of {group} you are teamed with {names}. Say hello in the "
        "session's thread or by message; no pressure, a few lines are plenty.",
        **values,
    )


def partner_title(w: Words) -> str:
    return w.gettext("Your partner this session")


def notes_title(w: Words, group: str) -> str:
    return w.gettext("Facilitator notes: {name}, next session", name=group)


def note_part(w: Words, label: str, text: str) -> str:
    """One labelled part of a facilitator note ("How to open: ..."), the label translated."""
    return w.gettext("{label}: {text}", label=label, text=text)


def notes_head(w: Words, title: str, ref: str, length: str | None) -> str:
    if length:
        return w.gettext(
            "From the pack *{title}* ({ref}). Suggested length: {length}.",
            title=title,
            ref=ref,
            length=length,
        )
    return w.gettext("From the pack *{title}* ({ref}).", title=title, ref=ref)
