"""Everything the admin commands say, in one place, in the reader's words (`Words`)."""

from __future__ import annotations

from bot.core.i18n import Words

# -- reload -----------------------------------------------------------------------------------


def more_problems(w: Words, count: int) -> str:
    return w.ngettext("…and {n} more", "…and {n} more", count)


def no_reload(w: Words) -> str:
    return w.gettext("Reloading is not available in this mode.")


def archived(w: Words, names: str) -> str:
    return w.gettext("Archived (kept, no longer scheduled): {names}.", names=names)


def reloaded(w: Words, groups: int) -> str:
    return w.ngettext("Config reloaded: {n} group.", "Config reloaded: {n} groups.", groups)


def plan_changed(w: Words) -> str:
    return w.gettext("What changed in the plan:")


# -- sessions by hand -------------------------------------------------------------------------


def all_posted(w: Words, course: bool) -> str:
    if course:
        return w.gettext("Every section of the course has been posted already.")
    return w.gettext("Every section of the reading has been posted already.")


def paused_no_post(w: Words, group: str) -> str:
    return w.gettext(
        "{group} is paused, so no session is opened. `resume` first, then `post-now`.",
        group=group,
    )


def still_open(w: Words, number: int, closes: str) -> str:
    return w.gettext(
        "Session {number} is still open until {closes}. `post-now` closes it early and opens "
        "the next; to go ahead, send `post-now confirm`.",
        number=number,
        closes=closes,
    )


def not_opened(w: Words) -> str:
    return w.gettext("The session could not be opened; it stays pending and is retried shortly.")


def opened(w: Words, number: int) -> str:
    return w.gettext("Session {number} is open.", number=number)


def nothing_to_skip(w: Words) -> str:
    return w.gettext("There is no upcoming session to skip.")


def skipped(w: Words, when: str, moved_to: str | None) -> str:
    if moved_to is None:
        return w.gettext("Skipped the session of {when}.", when=when)
    return w.gettext(
        "Skipped the session of {when}. The section moves to {moved_to}.",
        when=when,
        moved_to=moved_to,
    )


def paused(w: Words, group: str) -> str:
    return w.gettext("{group} is paused: no sessions or reminders until `resume`.", group=group)


def resumed(w: Words, group: str, next_at: str | None) -> str:
    if next_at is None:
        return w.gettext("{group} is running again.", group=group)
    return w.gettext(
        "{group} is running again. Next session: {next_at}.", group=group, next_at=next_at
    )


# -- nudging by hand --------------------------------------------------------------------------


def nobody_to_nudge(w: Words) -> str:
    return w.gettext("No session is open, so there is nobody to nudge.")


def all_responded(w: Words) -> str:
    return w.gettext("Everyone has responded already.")


def nudge_title(w: Words, group: str, number: int) -> str:
    return w.gettext("{group}: session {number} is open", group=group, number=number)


def nudge_body(w: Words, number: int, reading: str, closes: str) -> str:
    return w.gettext(
        "A gentle nudge: session {number} of *{reading}* is open until {closes}. Your "
        "thoughts are welcome, short ones too.",
        number=number,
        reading=reading,
        closes=closes,
    )


def nudged(w: Words, sent: int, in_thread: int) -> str:
    if in_thread:
        return w.ngettext(
            "Nudged {n} member by direct message and {in_thread} in the thread.",
            "Nudged {n} members by direct message and {in_thread} in the thread.",
            sent,
            in_thread=w.number(in_thread),
        )
    return w.ngettext(
        "Nudged {n} member by direct message.", "Nudged {n} members by direct message.", sent
    )


# -- export -----------------------------------------------------------------------------------


def exported(w: Words, count: int, group: str) -> str:
    return w.ngettext(
        "{n} shared response from {group} (private ones are never exported).",
        "{n} shared responses from {group} (private ones are never exported).",
        count,
        group=group,
    )


# -- restarting a reading ---------------------------------------------------------------------


def no_such_reading(w: Words, group: str, wanted: str, listed: str) -> str:
    return w.gettext(
        "{group} does not read {wanted}; its readings are: {listed}.",
        group=group,
        wanted=wanted,
        listed=listed,
    )


def nothing_posted(w: Words) -> str:
    return w.gettext("Nothing has been posted yet, so there is no reading to restart.")


def latest_gone(w: Words, listed: str) -> str:
    return w.gettext(
        "The latest session's reading is no longer in the course; name the one to restart: "
        "{listed}.",
        listed=listed,
    )


def nothing_to_restart(w: Words, title: str) -> str:
    return w.gettext(
        "No section of *{title}* has been posted since it was last started, so there is "
        "nothing to restart.",
        title=title,
    )


def restarted(w: Words, title: str) -> str:
    return w.gettext(
        "*{title}* starts again from its first section; the sessions that read it stay in "
        "the history.",
        title=title,
    )
