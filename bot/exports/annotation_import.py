"""Reading a W3C Web Annotation file (as `studybot export --format annotations` writes it) back
into a group: checked whole first, one sentence per problem, and saved all together or not at all.

Imported notes carry no member (the file's creators are names, not this group's members): they
are stored as anonymous, shared notes of the session the collection names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.config.model import Group
from bot.core.i18n import N_
from bot.core.said import Said, said
from bot.exports.web_annotation import CONTEXT, parse_collection, parse_source
from bot.readings.anchoring import anchor_span
from bot.readings.course import session_step
from bot.readings.model import Reading
from bot.storage import Session
from bot.storage.annotations import NewAnnotation

IMPORTED_KEY = "imported"  # the author key of imported notes: nobody's


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportedNote:
    note: NewAnnotation
    replies: tuple[str, ...]


@dataclass(slots=True)
class Checked:
    notes: list[ImportedNote] = field(default_factory=list)
    problems: list[Said] = field(default_factory=list)


def _text(value: Any, where: Said, limit: int, problems: list[Said]) -> str | None:
    body = value if isinstance(value, dict) else None
    if body is None or body.get("type") != "TextualBody" or not isinstance(body.get("value"), str):
        problems.append(
            said(N_("{where}: its body must be a TextualBody with a text value."), where=where)
        )
        return None
    text = str(body["value"]).strip()
    if not text:
        problems.append(said(N_("{where}: its body's text is empty."), where=where))
        return None
    if len(text) > limit:
        problems.append(
            said(
                N_("{where}: its text is {length} characters; the limit is {limit}."),
                where=where,
                length=len(text),
                limit=limit,
            )
        )
        return None
    return text


def check_file(
    data: Any,
    group: Group,
    sessions: list[Session],
    readings: Mapping[str, Reading],
    *,
    limit: int,
) -> Checked:
    """Every problem of the file at once, or the notes to save."""
    checked = Checked()
    problems = checked.problems
    collections = data if isinstance(data, list) else [data]
    by_number = {s.number: s for s in sessions}
    for c, collection in enumerate(collections, start=1):
        where = said(N_("collection {n}"), n=c)
        if not isinstance(collection, dict) or collection.get("type") != "AnnotationCollection":
            problems.append(said(N_("{where}: it is not an AnnotationCollection."), where=where))
            continue
        if collection.get("@context") != CONTEXT:
            problems.append(
                said(N_("{where}: its @context must be {context}."), where=where, context=CONTEXT)
            )
        named = parse_collection(str(collection.get("id", "")))
        if named is None:
            problems.append(
                said(N_("{where}: its id does not name a session (…:session:N)."), where=where)
            )
            continue
        session = by_number.get(named[1])
        if session is None:
            problems.append(
                said(
                    N_("{where}: {group} has no session {number}."),
                    where=where,
                    group=group.id,
                    number=named[1],
                )
            )
            continue
        page = collection.get("first")
        items = page.get("items") if isinstance(page, dict) else None
        if not isinstance(page, dict) or page.get("type") != "AnnotationPage":
            problems.append(
                said(N_("{where}: its first page is not an AnnotationPage."), where=where)
            )
            continue
        if not isinstance(items, list):
            problems.append(said(N_("{where}: its page has no list of items."), where=where))
            continue
        sections = {s.id: s for s in session_step(readings, session).sections}
        reading_id = session_step(readings, session).reading.id
        notes: dict[str, tuple[NewAnnotation, list[str]]] = {}
        for i, item in enumerate(items, start=1):
            at = said(N_("{where}, annotation {n}"), where=where, n=i)
            if not isinstance(item, dict) or item.get("type") != "Annotation":
                problems.append(said(N_("{at}: it is not an Annotation."), at=at))
                continue
            text = _text(item.get("body"), at, limit, problems)
            motivation = item.get("motivation")
            if motivation == "replying":
                parent = notes.get(str(item.get("target")))
                if parent is None:
                    problems.append(
                        said(N_("{at}: it replies to no annotation earlier in its page."), at=at)
                    )
                elif text is not None:
                    parent[1].append(text)
                continue
            if motivation != "commenting":
                problems.append(
                    said(N_("{at}: its motivation must be commenting or replying."), at=at)
                )
                continue
            anchor = _anchor(item.get("target"), at, reading_id, sections, problems)
            if anchor is None or text is None:
                continue
            start, end, _, section_id, body = anchor
            span = anchor_span(section_id, body, start, end)
            notes[str(item.get("id", f"#{c}.{i}"))] = (
                NewAnnotation(
                    session_id=session.id,
                    reading_id=reading_id,
                    section_id=span.section_id,
                    sentence=span.sentence,
                    start=span.start,
                    end=span.end,
                    exact=span.exact,
                    prefix=span.prefix,
                    suffix=span.suffix,
                    body_hash=span.body,
                    member_id=None,
                    author_key=IMPORTED_KEY,
                    text=text,
                    private=False,
                    late=False,
                    source_message_id=None,
                ),
                [],
            )
        checked.notes += [ImportedNote(note=n, replies=tuple(r)) for n, r in notes.values()]
    return checked


def _anchor(
    target: Any, at: Said, reading_id: str, sections: Mapping[str, Any], problems: list[Said]
) -> tuple[int, int, str, str, str] | None:
    """(start, end, exact, section id, section body) where the target's selectors agree."""
    if not isinstance(target, dict):
        problems.append(
            said(N_("{at}: its target must be an object with a source and selectors."), at=at)
        )
        return None
    named = parse_source(str(target.get("source", "")))
    if named is None or named[0] != reading_id or named[1] not in sections:
        problems.append(said(N_("{at}: its source is not a section this session read."), at=at))
        return None
    body: str = sections[named[1]].body
    selectors = target.get("selector")
    selectors = selectors if isinstance(selectors, list) else [selectors]
    quote = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)  # fmt: skip
    place = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)  # fmt: skip
    known = {"TextQuoteSelector", "TextPositionSelector"}
    if any(not isinstance(s, dict) or s.get("type") not in known for s in selectors):
        problems.append(
            said(N_("{at}: only TextQuoteSelector and TextPositionSelector are understood."), at=at)
        )
        return None
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"]:
        problems.append(said(N_("{at}: it needs a TextQuoteSelector with the exact words."), at=at))
        return None
    exact: str = quote["exact"]
    if place is not None:
        start, end = place.get("start"), place.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            problems.append(
                said(N_("{at}: its TextPositionSelector needs whole-number start and end."), at=at)
            )
            return None
        if not 0 <= start < end <= len(body):
            problems.append(
                said(
                    N_(
                        "{at}: its TextPositionSelector ({start}-{end}) points outside the "
                        "section's text ({length} characters)."
                    ),
                    at=at,
                    start=str(start),
                    end=str(end),
                    length=len(body),
                )
            )
            return None
        if body[start:end] != exact:
            problems.append(
                said(
                    N_("{at}: the text at {start}-{end} is not its quoted words."),
                    at=at,
                    start=str(start),
                    end=str(end),
                )
            )
            return None
        return start, end, exact, named[1], body
    found = body.find(exact)
    if found == -1:
        problems.append(said(N_("{at}: its quoted words are not in the section's text."), at=at))
        return None
    return found, found + len(exact), exact, named[1], body
