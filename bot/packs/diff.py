"""What changed between two versions of a pack: readings, sections, prompts, notes, lessons.

Each change is a `Said`, one line the command line says in the reader's language; the pack's
own words (titles, prompts, ids) go in as they are."""

from __future__ import annotations

from bot.core.said import Said
from bot.packs.model import FacilitatorNote, NoteText, Pack
from bot.readings.model import Reading, Section


def _or_none(text: str | None) -> str | Said:
    return text or Said.gettext("(none)")


def pack_diff(old: Pack, new: Pack) -> list[Said]:
    """One plain line per change, in course order; empty when the two say the same."""
    lines: list[Said] = []
    if old.title != new.title:
        lines.append(
            Said.gettext(
                "~ title: {before} → {after}",
                before=_or_none(old.title),
                after=_or_none(new.title),
            )
        )
    if old.summary != new.summary:
        lines.append(
            Said.gettext(
                "~ summary: {before} → {after}",
                before=_or_none(old.summary),
                after=_or_none(new.summary),
            )
        )
    if old.license != new.license:
        lines.append(
            Said.gettext(
                "~ licence: {before} → {after}",
                before=_or_none(old.license),
                after=_or_none(new.license),
            )
        )
    if old.languages != new.languages:
        lines.append(
            Said.gettext(
                "~ languages: {before} → {after}",
                before=", ".join(old.languages),
                after=", ".join(new.languages),
            )
        )
    old_readings = {r.id: r for r in old.readings}
    new_readings = {r.id: r for r in new.readings}
    for reading in new.readings:
        before = old_readings.get(reading.id)
        if before is None:
            lines.append(
                Said.ngettext(
                    "+ reading {reading}: {title} ({n} section)",
                    "+ reading {reading}: {title} ({n} sections)",
                    len(reading.sections),
                    reading=reading.id,
                    title=reading.title,
                )
            )
            continue
        lines += _reading_diff(before, reading)
    lines += [
        Said.gettext("- reading {reading}: {title}", reading=r.id, title=r.title)
        for r in old.readings
        if r.id not in new_readings
    ]
    if [r.id for r in old.readings if r.id in new_readings] != [
        r.id for r in new.readings if r.id in old_readings
    ]:
        lines.append(Said.gettext("~ the readings come in a different order"))
    lines += _notes_diff(old, new)
    before_lessons = {(x.reading, x.section, x.text) for x in old.lessons}
    after_lessons = {(x.reading, x.section, x.text) for x in new.lessons}
    for where, section, text in sorted(after_lessons - before_lessons, key=str):
        lines.append(
            Said.gettext(
                "+ lesson on {place}: {text}", place=_place(where, section), text=_short(text)
            )
        )
    for where, section, text in sorted(before_lessons - after_lessons, key=str):
        lines.append(
            Said.gettext(
                "- lesson on {place}: {text}", place=_place(where, section), text=_short(text)
            )
        )
    return lines


def _reading_diff(old: Reading, new: Reading) -> list[Said]:
    lines: list[Said] = []
    if old.title != new.title:
        lines.append(
            Said.gettext(
                "~ reading {reading}: title {before} → {after}",
                reading=new.id,
                before=repr(old.title),
                after=repr(new.title),
            )
        )
    before = {s.id: s for s in old.sections}
    after = {s.id for s in new.sections}
    for section in new.sections:
        was = before.get(section.id)
        place = f"{new.id}/{section.id}"
        if was is None:
            lines.append(
                Said.gettext("+ section {place}: {title}", place=place, title=section.title)
            )
            continue
        lines += _section_diff(place, was, section)
    lines += [
        Said.gettext("- section {place}: {title}", place=f"{old.id}/{s.id}", title=s.title)
        for s in old.sections
        if s.id not in after
    ]
    return lines


def _section_diff(place: str, old: Section, new: Section) -> list[Said]:
    lines: list[Said] = []
    if old.title != new.title:
        lines.append(
            Said.gettext(
                "~ section {place}: title {before} → {after}",
                place=place,
                before=repr(old.title),
                after=repr(new.title),
            )
        )
    if old.body != new.body:
        lines.append(Said.gettext("~ section {place}: the text changed", place=place))
    for prompt in new.prompts:
        if prompt not in old.prompts:
            lines.append(
                Said.gettext("+ prompt in {place}: {prompt}", place=place, prompt=_short(prompt))
            )
    for prompt in old.prompts:
        if prompt not in new.prompts:
            lines.append(
                Said.gettext("- prompt in {place}: {prompt}", place=place, prompt=_short(prompt))
            )
    return lines


def _notes_diff(old: Pack, new: Pack) -> list[Said]:
    lines: list[Said] = []
    before = {(n.reading, n.section): n for n in old.notes}
    after = {(n.reading, n.section): n for n in new.notes}
    for key, note in after.items():
        was = before.get(key)
        if was is None:
            lines.append(Said.gettext("+ facilitator note for {place}", place=_place(*key)))
            continue
        if changed := _changed_parts(was, note):
            lines.append(
                Said.gettext(
                    "~ facilitator note for {place}: {parts}", place=_place(*key), parts=changed
                )
            )
        lines += _translations_diff(_place(*key), was, note)
    lines += [
        Said.gettext("- facilitator note for {place}", place=_place(*key))
        for key in before
        if key not in after
    ]
    return lines


def _translations_diff(place: str, old: FacilitatorNote, new: FacilitatorNote) -> list[Said]:
    """The note's translations added, removed or changed, one line per language."""
    lines: list[Said] = []
    before, after = dict(old.translations), dict(new.translations)
    for code, text in after.items():
        was = before.get(code)
        if was is None:
            lines.append(
                Said.gettext("+ facilitator note for {place} in {code}", place=place, code=code)
            )
        elif was != text:
            lines.append(
                Said.gettext(
                    "~ facilitator note for {place} in {code}: {parts}",
                    place=place,
                    code=code,
                    parts=_changed_parts(was, text),
                )
            )
    lines += [
        Said.gettext("- facilitator note for {place} in {code}", place=place, code=code)
        for code in before
        if code not in after
    ]
    return lines


def _changed_parts(
    old: FacilitatorNote | NoteText, new: FacilitatorNote | NoteText
) -> tuple[Said, ...]:
    names = (
        ("opening", Said.gettext("how to open")),
        ("watch_for", Said.gettext("what to watch for")),
        ("closing_question", Said.gettext("closing question")),
    )
    return tuple(label for field, label in names if getattr(old, field) != getattr(new, field))


def _place(reading: str, section: str | None) -> str:
    return f"{reading}/{section}" if section else reading


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
