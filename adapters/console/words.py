"""The console's own lines (labels, hints, why a line was not saved), in the room's language."""

from __future__ import annotations

from bot.core.i18n import N_, Words
from bot.core.messages import MessageKind

# a post without a title is headed by its kind
KINDS = {
    MessageKind.SECTION: N_("Section"),
    MessageKind.PROMPT: N_("Prompt"),
    MessageKind.REMINDER: N_("Reminder"),
    MessageKind.SUMMARY: N_("Summary"),
    MessageKind.NOTICE: N_("Notice"),
    MessageKind.NUDGE: N_("Nudge"),
    MessageKind.REPLY: N_("Reply"),
}


def kind_title(w: Words, kind: MessageKind) -> str:
    return w.gettext(KINDS.get(kind, kind.value))


def in_room(w: Words) -> str:
    return w.gettext("room")


def in_thread(w: Words) -> str:
    return w.gettext("thread")


def direct_to(w: Words, name: str) -> str:
    return w.gettext("direct message to {name}", name=name)


def thread_opened(w: Words, title: str) -> str:
    return w.gettext("— thread opened: {title} —", title=title)


def reply_to(w: Words, name: str) -> str:
    return w.gettext("studybot → {name}:", name=name)


def file_saved(w: Words, path: str) -> str:
    return w.gettext("file saved: {path}", path=path)


def speaking_as(w: Words, name: str) -> str:
    return w.gettext("now speaking as {name}", name=name)


def by_number(w: Words) -> str:
    return w.gettext("To answer a prompt by number, write >N and your answer: >2 my answer.")


def not_taken(w: Words) -> str:
    return w.gettext("Sorry, that line could not be taken just now; nothing was saved.")


def not_posted(w: Words, number: int) -> str:
    return w.gettext("Prompt {number} has not been posted yet; nothing was saved.", number=number)


def nothing_open(w: Words) -> str:
    return w.gettext(
        "No session is open, so that line was not saved as a response. Type /study help for "
        "the commands."
    )


def all_answered(w: Words) -> str:
    return w.gettext(
        "You have answered every open prompt, so that line was not saved; >N and your text "
        "replaces your answer to prompt N."
    )


def no_such_prompt(w: Words, number: int, numbers: str) -> str:
    return w.gettext(
        "There is no open prompt {number} (open: {numbers}); nothing was saved.",
        number=number,
        numbers=numbers,
    )
