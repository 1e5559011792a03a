"""Everything the member commands say, in one place, in the reader's words (`Words`)."""

from __future__ import annotations

from bot.core.i18n import Words

# -- help -----------------------------------------------------------------------------------


def no_command(w: Words, name: str) -> str:
    return w.gettext("There is no command `{name}`. Try `help`.", name=name)


def admins_only(w: Words) -> str:
    return w.gettext("(admins only)")


def help_title(w: Words) -> str:
    return w.gettext("**Study Circle commands**")


def help_admins(w: Words) -> str:
    return w.gettext("**For admins**")


# -- joining and leaving ----------------------------------------------------------------------


def already_member(w: Words, group: str) -> str:
    return w.gettext("You are already a member of {group}.", group=group)


def welcome(w: Words, group: str, reading: str) -> str:
    return w.gettext(
        "Welcome to {group}! We are reading *{reading}*. Use `schedule` to see when sessions "
        "are, and `reminders on` for a direct message before each one.",
        group=group,
        reading=reading,
    )


def not_member(w: Words, group: str) -> str:
    return w.gettext("You are not a member of {group}.", group=group)


def left(w: Words, group: str) -> str:
    return w.gettext(
        "You have left {group}. Your responses are kept as yours; `forget-me` erases everything.",
        group=group,
    )


# -- schedule and now -------------------------------------------------------------------------


def open_until(w: Words, number: int, when: str) -> str:
    return w.gettext("Session {number} is open until {when}.", number=number, when=when)


def finished(w: Words, course: bool) -> str:
    if course:
        return w.gettext("The course is finished; no more sessions are planned.")
    return w.gettext("The reading is finished; no more sessions are planned.")


def paused(w: Words) -> str:
    return w.gettext("Sessions are paused for now.")


def slot_line(w: Words, when: str, titles: str) -> str:
    """One coming session in `schedule`'s list (the list's marker is the caller's)."""
    return w.gettext("{when}: {titles}", when=when, titles=titles)


def no_date_left(w: Words) -> str:
    return w.gettext("No session date is left in the schedule.")


def zone_hint(w: Words) -> str:
    return w.gettext("_Times are in the group's zone; set yours with `timezone Europe/Berlin`._")


def nothing_open(w: Words) -> str:
    return w.gettext("No session is open right now. `schedule` shows when the next one starts.")


def full_text_in_thread(w: Words) -> str:
    return w.gettext("_(the full text is in the session's thread)_")


def session_open_until(w: Words, number: int, when: str) -> str:
    return w.gettext("**Session {number}**, open until {when}", number=number, when=when)


def how_to_respond(w: Words) -> str:
    return w.gettext(
        "_Respond with `respond NUMBER your answer`, or reply to a prompt in the thread._"
    )


# -- responses --------------------------------------------------------------------------------


def nothing_to_respond_to(w: Words) -> str:
    return w.gettext("No session is open right now, so there is nothing to respond to yet.")


def private_and_public(w: Words) -> str:
    return w.gettext(
        "A response cannot be private and public at once; nothing was saved. Choose --private "
        "or --public."
    )


def no_session_yet(w: Words) -> str:
    return w.gettext("There is no session yet.")


def not_responded(w: Words, number: int) -> str:
    return w.gettext("You have not responded in session {number} yet.", number=number)


def your_responses(w: Words, number: int) -> str:
    return w.gettext("**Your responses in session {number}**", number=number)


def private_tag(w: Words) -> str:
    return w.gettext("(private)")


def late_tag(w: Words) -> str:
    return w.gettext("(late)")


def no_response_yet(w: Words, prompt: int) -> str:
    return w.gettext(
        "You have no response to prompt {prompt}: there is no session yet.", prompt=prompt
    )


def no_response(w: Words, prompt: int, number: int) -> str:
    return w.gettext(
        "You have no response to prompt {prompt} in session {number}.",
        prompt=prompt,
        number=number,
    )


def deleted(w: Words, prompt: int, number: int) -> str:
    return w.gettext(
        "Deleted your response to prompt {prompt} in session {number}.",
        prompt=prompt,
        number=number,
    )


def respond_first(w: Words) -> str:
    return w.gettext(
        "Respond to at least one prompt first; then you can read what the others shared."
    )


def nobody_shared(w: Words) -> str:
    return w.gettext("Nobody else has shared a response yet.")


def shared_title(w: Words, number: int) -> str:
    return w.gettext("**Shared responses in session {number}**", number=number)


def anonymous(w: Words) -> str:
    return w.gettext("anonymous")


# -- settings ---------------------------------------------------------------------------------


def zone_set(w: Words, zone: str, time: str) -> str:
    return w.gettext(
        "Your time zone is now {zone} (it is {time} there). Times are shown in it.",
        zone=zone,
        time=time,
    )


def reminders_on(w: Words) -> str:
    return w.gettext("You will get a direct message before each session.")


def reminders_off(w: Words) -> str:
    return w.gettext("No more reminders by direct message.")
