"""What `check`, `preview` and `import` print, in the language of `--lang` or the environment
(`LC_ALL`, `LC_MESSAGES`, `LANG`, as gettext reads them)."""

from __future__ import annotations

import os

from bot.core.i18n import Words, normalize, resolve


def cli_words(lang: str | None = None) -> Words:
    """`--lang` when given, else the first locale variable set ("es_BO.UTF-8" is Spanish)."""
    for code in (
        lang,
        os.environ.get("LC_ALL"),
        os.environ.get("LC_MESSAGES"),
        os.environ.get("LANG"),
    ):
        if code:
            return resolve(normalize(code.split(".", 1)[0].split("@", 1)[0]))
    return resolve(None)


def config_problems(w: Words, count: int) -> str:
    return w.ngettext(
        "{n} problem in the config:",
        "{n} problems in the config:",
        count,
    )


def valid(w: Words, path: str, groups: int, readings: int) -> str:
    return w.gettext(
        "{path} is valid: {groups}, {readings}.",
        path=path,
        groups=w.ngettext("{n} group", "{n} groups", groups),
        readings=w.ngettext("{n} reading", "{n} readings", readings),
    )


def no_date_left(w: Words) -> str:
    return w.gettext("no date left in its schedule")


def group_line(w: Words, group_id: str, platform: str, course: str, when: str) -> str:
    return w.gettext(
        "  {group_id} ({platform}, {course}): next session {when}",
        group_id=group_id,
        platform=platform,
        course=course,
        when=when,
    )


def minimal_nothing(w: Words) -> str:
    return w.gettext("nothing (the file sets every key)")


def minimal_line(w: Words, filled: str) -> str:
    return w.gettext(
        "    privacy: minimal turns on {filled}; its responses are deleted when its discussion "
        "expires; no display names are stored (the platform id only); digests do not quote "
        "responses; exports carry no names",
        filled=filled,
    )


def no_group(w: Words, wanted: str, groups: str) -> str:
    return w.gettext(
        "No group {wanted} in the config; groups: {groups}", wanted=wanted, groups=groups
    )


def session_column(w: Words) -> str:
    return w.gettext("Session (local time)")


def sections_column(w: Words) -> str:
    return w.gettext("Sections")


def reminders_column(w: Words) -> str:
    return w.gettext("Reminders")


def calendar_written(w: Words, path: str) -> str:
    return w.gettext("Calendar written to {path}", path=path)


def not_written(w: Words, target: str, problem: str) -> str:
    return w.gettext(
        "Could not write {target}: {problem}; nothing was written.", target=target, problem=problem
    )


def exported(w: Words, count: int) -> str:
    return w.ngettext("{n} shared response exported.", "{n} shared responses exported.", count)


def annotations_unreadable(w: Words, path: str, problem: str) -> str:
    return w.gettext(
        "Could not read {path}: {problem}; nothing was imported.", path=path, problem=problem
    )


def annotation_problems(w: Words, count: int) -> str:
    return w.ngettext(
        "{n} problem; nothing was imported.", "{n} problems; nothing was imported.", count
    )


def annotations_imported(w: Words, notes: int, replies: int, group: str) -> str:
    return w.gettext(
        "Imported {notes} and {replies} into {group}.",
        notes=w.ngettext("{n} note", "{n} notes", notes),
        replies=w.ngettext("{n} reply", "{n} replies", replies),
        group=group,
    )


def annotations_already_there(w: Words, count: int) -> str:
    return w.ngettext(
        "{n} note or reply was there already and is left as it was.",
        "{n} notes and replies were there already and are left as they were.",
        count,
    )


def archive_not_written(w: Words, folder: str, problem: str) -> str:
    return w.gettext(
        "Could not write the archive into {folder}: {problem}.", folder=folder, problem=problem
    )


def archived(w: Words, group: str, pages: int, folder: str, replaced: bool) -> str:
    values = {"group": group, "folder": folder}
    if replaced:
        return w.ngettext(
            "Archive of {group}: {n} page in {folder} (replaced the earlier one; open index.html).",
            "Archive of {group}: {n} pages in {folder} (replaced the earlier one; open "
            "index.html).",
            pages,
            **values,
        )
    return w.ngettext(
        "Archive of {group}: {n} page in {folder} (open index.html).",
        "Archive of {group}: {n} pages in {folder} (open index.html).",
        pages,
        **values,
    )


def no_config(w: Words, path: str) -> str:
    return w.gettext(
        "No config at {path}. Copy config.example.yaml to {path} and edit it, or try "
        "`studybot demo`.",
        path=path,
    )


def unused_platforms(w: Words, unknown: str, known: str) -> str:
    return w.gettext(
        "--platform {unknown}: no group uses it; the config's platforms: {known}",
        unknown=unknown,
        known=known,
    )


def and_list(w: Words, items: list[str]) -> str:
    """ "24h and 1h", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return w.gettext("{some} and {last}", some=", ".join(items[:-1]), last=items[-1])


def unknown_demo_language(w: Words, code: str, hint: str | None, known: tuple[str, ...]) -> str:
    """Said in the environment's language: the one asked for is none the bot has."""
    if hint:
        return w.gettext(
            "studybot demo: unknown language {code} (did you mean {hint}?); the demo speaks "
            "{known}",
            code=repr(code),
            hint=hint,
            known=", ".join(known),
        )
    return w.gettext(
        "studybot demo: unknown language {code}; the demo speaks {known}",
        code=repr(code),
        known=", ".join(known),
    )
