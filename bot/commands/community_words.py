"""Everything the community commands say (snooze, RSVP, drifting, teams), in the reader's words."""

from __future__ import annotations

from bot.core.i18n import Words


def snooze_ended(w: Words, group: str) -> str:
    return w.gettext("Welcome back! Your snooze in {group} has ended.", group=group)


def not_snoozing(w: Words) -> str:
    return w.gettext("You are not snoozing.")


def snoozing(w: Words, until: str) -> str:
    return w.gettext(
        "Snoozing until {until}: no pairing, reminders or nudges, and sessions that fall inside "
        "the snooze do not count against your streak. `snooze 0` ends it early.",
        until=until,
    )


def no_rsvps(w: Words, group: str) -> str:
    return w.gettext("{group} does not hold live discussions with RSVPs.", group=group)


def no_live_yet(w: Words) -> str:
    return w.gettext("No session is open, so there is no live discussion to answer for yet.")


def going_tally(w: Words, going: int) -> str:
    return w.ngettext("{n} going so far.", "{n} going so far.", going)


def see_you(w: Words, when: str, tally: str) -> str:
    return w.gettext("See you at the live discussion, {when}. {tally}", when=when, tally=tally)


def thanks(w: Words, tally: str) -> str:
    return w.gettext("Thanks for letting us know. {tally}", tally=tally)


def live_discussion(w: Words, number: int, when: str, tally: str) -> str:
    return w.gettext(
        "Live discussion of session {number}: {when}. {tally} Answer with `rsvp yes` or `rsvp no`.",
        number=number,
        when=when,
        tally=tally,
    )


def drift_off(w: Words) -> str:
    return w.gettext("Drift tracking is off for this group (`drift_after: 0`).")


def nobody_silent(w: Words, group: str, sessions: int) -> str:
    return w.ngettext(
        "Nobody in {group} has been silent for {n} session in a row.",
        "Nobody in {group} has been silent for {n} sessions in a row.",
        sessions,
        group=group,
    )


def silent_title(w: Words, sessions: int) -> str:
    return w.ngettext(
        "**Silent for {n}+ session in a row** (snoozes excepted)",
        "**Silent for {n}+ sessions in a row** (snoozes excepted)",
        sessions,
    )


def left_alone(w: Words) -> str:
    return w.gettext("got a 'we miss you' and is left alone")


def personal_word(w: Words) -> str:
    return w.gettext("_A personal word from you often means more than any bot message._")


def pairing_off(w: Words) -> str:
    return w.gettext("Pairing is off for this group (`pairing: {enabled: true}` turns it on).")


def no_teams(w: Words) -> str:
    return w.gettext("No teams yet: they are made when a session opens.")


def teams_title(w: Words, group: str) -> str:
    return w.gettext("**Teams in {group}** (latest first)", group=group)


def teams_line(w: Words, number: int, teams: str) -> str:
    return w.gettext("Session {number}: {teams}", number=number, teams=teams)
