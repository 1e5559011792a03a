"""What changed between two versions of a pack: readings, sections, prompts, notes, lessons."""

from __future__ import annotations

from bot.packs.model import FacilitatorNote, NoteText, Pack
from bot.readings.model import Reading, Section


def pack_diff(old: Pack, new: Pack) -> list[str]:
    """One plain line per change, in course order; empty when the two say the same."""
    lines: list[str] = []
    for field, label in (("title", "title"), ("summary", "summary"), ("license", "licence")):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            lines.append(f"~ {label}: {before or '(none)'} → {after or '(none)'}")
    if old.languages != new.languages:
        lines.append(f"~ languages: {', '.join(old.languages)} → {', '.join(new.languages)}")
    old_readings = {r.id: r for r in old.readings}
    new_readings = {r.id: r for r in new.readings}
    for reading in new.readings:
        before = old_readings.get(reading.id)
        if before is None:
            lines.append(
                f"+ reading {reading.id}: {reading.title} ({len(reading.sections)} sections)"
            )
            continue
        lines += _reading_diff(before, reading)
    lines += [f"- reading {r.id}: {r.title}" for r in old.readings if r.id not in new_readings]
    if [r.id for r in old.readings if r.id in new_readings] != [
        r.id for r in new.readings if r.id in old_readings
    ]:
        lines.append("~ the readings come in a different order")
    lines += _notes_diff(old, new)
    before_lessons = {(x.reading, x.section, x.text) for x in old.lessons}
    after_lessons = {(x.reading, x.section, x.text) for x in new.lessons}
    for where, section, text in sorted(after_lessons - before_lessons, key=str):
        lines.append(f"+ lesson on {_place(where, section)}: {_short(text)}")
    for where, section, text in sorted(before_lessons - after_lessons, key=str):
        lines.append(f"- lesson on {_place(where, section)}: {_short(text)}")
    return lines


def _reading_diff(old: Reading, new: Reading) -> list[str]:
    lines: list[str] = []
    if old.title != new.title:
        lines.append(f"~ reading {new.id}: title {old.title!r} → {new.title!r}")
    before = {s.id: s for s in old.sections}
    after = {s.id for s in new.sections}
    for section in new.sections:
        was = before.get(section.id)
        place = f"{new.id}/{section.id}"
        if was is None:
            lines.append(f"+ section {place}: {section.title}")
            continue
        lines += _section_diff(place, was, section)
    lines += [f"- section {old.id}/{s.id}: {s.title}" for s in old.sections if s.id not in after]
    return lines


def _section_diff(place: str, old: Section, new: Section) -> list[str]:
    lines: list[str] = []
    if old.title != new.title:
        lines.append(f"~ section {place}: title {old.title!r} → {new.title!r}")
    if old.body != new.body:
        lines.append(f"~ section {place}: the text changed")
    for prompt in new.prompts:
        if prompt not in old.prompts:
            lines.append(f"+ prompt in {place}: {_short(prompt)}")
    for prompt in old.prompts:
        if prompt not in new.prompts:
            lines.append(f"- prompt in {place}: {_short(prompt)}")
    return lines


def _notes_diff(old: Pack, new: Pack) -> list[str]:
    lines: list[str] = []
    before = {(n.reading, n.section): n for n in old.notes}
    after = {(n.reading, n.section): n for n in new.notes}
    for key, note in after.items():
        was = before.get(key)
        if was is None:
            lines.append(f"+ facilitator note for {_place(*key)}")
            continue
        if changed := _changed_parts(was, note):
            lines.append(f"~ facilitator note for {_place(*key)}: {', '.join(changed)}")
        lines += _translations_diff(_place(*key), was, note)
    lines += [f"- facilitator note for {_place(*key)}" for key in before if key not in after]
    return lines


def _translations_diff(place: str, old: FacilitatorNote, new: FacilitatorNote) -> list[str]:
    """The note's translations added, removed or changed, one line per language."""
    lines: list[str] = []
    before, after = dict(old.translations), dict(new.translations)
    for code, text in after.items():
        was = before.get(code)
        if was is None:
            lines.append(f"+ facilitator note for {place} in {code}")
        elif was != text:
            lines.append(
                f"~ facilitator note for {place} in {code}: {', '.join(_changed_parts(was, text))}"
            )
    lines += [f"- facilitator note for {place} in {code}" for code in before if code not in after]
    return lines


def _changed_parts(old: FacilitatorNote | NoteText, new: FacilitatorNote | NoteText) -> list[str]:
    names = (
        ("opening", "how to open"),
        ("watch_for", "what to watch for"),
        ("closing_question", "closing question"),
    )
    return [label for field, label in names if getattr(old, field) != getattr(new, field)]


def _place(reading: str, section: str | None) -> str:
    return f"{reading}/{section}" if section else reading


def _short(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
