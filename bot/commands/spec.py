"""The command set, described once: help text, usage lines and typed parameters for every platform."""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.quoting import as_quoted
from bot.core.specs import CommandSpec, ParamKind, ParamSpec

__all__ = ["COMMANDS", "CommandSpec", "ParamKind", "ParamSpec", "as_quoted"]


MAX_SNOOZE_DAYS = 365
_PROMPT = ParamSpec(name="prompt", kind=ParamKind.INT, description=N_("The prompt's number"))

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        name="help",
        summary=N_("List the commands, or explain one"),
        group_scoped=False,
        params=(
            ParamSpec(
                name="command",
                kind=ParamKind.WORD,
                description=N_("A command name"),
                required=False,
            ),
        ),
    ),
    CommandSpec(name="join", summary=N_("Join this group's reading sessions")),
    CommandSpec(
        name="leave",
        summary=N_("Leave this group (your responses stay yours; use `forget-me` to erase them)"),
    ),
    CommandSpec(
        name="schedule", summary=N_("The next sessions, in your own time zone if you set one")
    ),
    CommandSpec(name="now", summary=N_("The current section and its prompts")),
    CommandSpec(
        name="respond",
        summary=N_(
            "Answer a prompt (again to replace your answer); --private keeps it from the group, "
            "--public offers it beyond"
        ),
        params=(
            _PROMPT,
            ParamSpec(
                name="private",
                kind=ParamKind.FLAG,
                description=N_("Only you and the admins' counts see it"),
                required=False,
            ),
            ParamSpec(
                name="shared",
                kind=ParamKind.FLAG,
                description=N_("Share with the group"),
                required=False,
            ),
            ParamSpec(
                name="public",
                kind=ParamKind.FLAG,
                description=N_("Share beyond the group too: it may go into the course's next pack"),
                required=False,
            ),
            ParamSpec(name="text", kind=ParamKind.TEXT, description=N_("Your response")),
        ),
    ),
    CommandSpec(
        name="mine",
        summary=N_("Your responses in the open session (or the latest, once it closed)"),
    ),
    CommandSpec(
        name="delete",
        summary=N_("Delete your response to a prompt (in the open session, or the latest)"),
        params=(_PROMPT,),
    ),
    CommandSpec(
        name="responses", summary=N_("The others' shared responses (after you have responded)")
    ),
    CommandSpec(
        name="quote",
        summary=N_('Discuss a sentence of the section: quote "a few words" and say what you think'),
        params=(
            ParamSpec(
                name="passage",
                kind=ParamKind.QUOTE,
                description=N_("A few words of the sentence, in quotes (or pick it from the list)"),
            ),
            ParamSpec(
                name="private",
                kind=ParamKind.FLAG,
                description=N_("Keep the note to yourself"),
                required=False,
            ),
            ParamSpec(
                name="shared",
                kind=ParamKind.FLAG,
                description=N_("Share it in the thread"),
                required=False,
            ),
            ParamSpec(name="text", kind=ParamKind.TEXT, description=N_("What you think about it")),
        ),
    ),
    CommandSpec(
        name="passages", summary=N_("The most-discussed sentences of this session, with counts")
    ),
    CommandSpec(
        name="quote-edit",
        summary=N_("Change what you said in one of your notes on a passage"),
        params=(
            ParamSpec(name="note", kind=ParamKind.INT, description=N_("The note's number")),
            ParamSpec(name="text", kind=ParamKind.TEXT, description=N_("The new words")),
        ),
    ),
    CommandSpec(
        name="quote-delete",
        summary=N_("Delete one of your notes on a passage, with its replies"),
        params=(ParamSpec(name="note", kind=ParamKind.INT, description=N_("The note's number")),),
    ),
    CommandSpec(name="progress", summary=N_("Sessions you took part in, and your streak")),
    CommandSpec(
        name="timezone",
        summary=N_("Set your time zone, e.g. Europe/Berlin"),
        group_scoped=False,
        params=(
            ParamSpec(
                name="zone", kind=ParamKind.TIMEZONE, description=N_("An IANA time zone name")
            ),
        ),
    ),
    CommandSpec(
        name="language",
        summary=N_("Choose the language I write to you in, or see which one it is"),
        group_scoped=False,
        params=(
            ParamSpec(
                name="code",
                kind=ParamKind.WORD,
                description=N_("A language code such as es or pt_BR, or default"),
                required=False,
            ),
        ),
    ),
    CommandSpec(
        name="reminders",
        summary=N_("Get reminders by direct message, or stop them"),
        params=(
            ParamSpec(
                name="setting",
                kind=ParamKind.CHOICE,
                description=N_("on or off"),
                choices=("on", "off"),
            ),
        ),
    ),
    CommandSpec(
        name="export-mine",
        summary=N_("Everything the bot holds about you, as JSON"),
        slow=True,
        group_scoped=False,
    ),
    CommandSpec(
        name="forget-me",
        summary=N_("Delete all your data in every group (asks for confirmation)"),
        group_scoped=False,
        params=(
            ParamSpec(
                name="confirm",
                kind=ParamKind.CHOICE,
                description=N_("confirm the deletion"),
                required=False,
                choices=("confirm",),
            ),
        ),
    ),
    CommandSpec(
        name="snooze",
        summary=N_("Rest for a few days: no pairing, reminders or nudges, and your streak is kept"),
        params=(
            ParamSpec(
                name="days",
                kind=ParamKind.INT,
                description=N_("How many days (0 ends it)"),
                minimum=0,
                maximum=MAX_SNOOZE_DAYS,
            ),
        ),
    ),
    CommandSpec(
        name="rsvp",
        summary=N_("Say whether you will join the live discussion (or see who is coming)"),
        params=(
            ParamSpec(
                name="answer",
                kind=ParamKind.CHOICE,
                description=N_("yes or no"),
                required=False,
                choices=("yes", "no"),
            ),
        ),
    ),
    CommandSpec(
        name="status", summary=N_("The group's state, members and pending actions"), admin=True
    ),
    CommandSpec(
        name="members",
        summary=N_(
            "Who is in the group: joined, last named response, reminders sent, snoozed until"
        ),
        admin=True,
    ),
    CommandSpec(
        name="reload",
        summary=N_("Re-read the config; on errors the running schedule stays"),
        admin=True,
        slow=True,
    ),
    CommandSpec(
        name="post-now",
        summary=N_("Open the next session right away (closing an open one asks for confirmation)"),
        params=(
            ParamSpec(
                name="confirm",
                kind=ParamKind.CHOICE,
                description=N_("close the open session early"),
                required=False,
                choices=("confirm",),
            ),
        ),
        admin=True,
    ),
    CommandSpec(
        name="skip",
        summary=N_("Skip the next scheduled date (the section moves to the date after)"),
        admin=True,
    ),
    CommandSpec(name="pause", summary=N_("Pause sessions and reminders"), admin=True),
    CommandSpec(name="resume", summary=N_("Resume after a pause"), admin=True),
    CommandSpec(name="remind", summary=N_("Nudge members who have not responded yet"), admin=True),
    CommandSpec(
        name="export",
        summary=N_("The group's responses as a file"),
        params=(
            ParamSpec(
                name="format",
                kind=ParamKind.CHOICE,
                description=N_("File format"),
                required=False,
                choices=("csv", "json", "md"),
            ),
        ),
        admin=True,
        slow=True,
    ),
    CommandSpec(
        name="drifting",
        summary=N_("Members who have been silent for a while, and who got a 'we miss you'"),
        admin=True,
    ),
    CommandSpec(name="pair-history", summary=N_("The teams of the latest sessions"), admin=True),
    CommandSpec(
        name="restart-reading",
        summary=N_(
            "Read a reading again from its first section (the one in progress, or the one named)"
        ),
        params=(
            ParamSpec(
                name="reading",
                kind=ParamKind.WORD,
                description=N_("The reading's id (default: the latest session's)"),
                required=False,
            ),
        ),
        admin=True,
    ),
)

BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}
