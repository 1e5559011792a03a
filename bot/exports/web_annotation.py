"""A group's shared notes as W3C Web Annotation JSON-LD: one AnnotationCollection per session,
each note an Annotation (TextQuoteSelector and TextPositionSelector on its section), each reply
an Annotation replying to it. Anonymous notes carry no creator; private ones stay out."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.config.model import Group
from bot.storage import Storage
from bot.storage.annotations import Annotation

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PREFIX = "urn:studybot:"
_SOURCE = re.compile(r"urn:studybot:reading:([^:#\s]+):section:([^:#\s]+)")
_SESSION = re.compile(r"urn:studybot:([^:\s]+):session:(\d{1,6})")


def source_iri(reading_id: str, section_id: str) -> str:
    """The IRI a note's target names: the section of a reading (Study Circle's own scheme)."""
    return f"{PREFIX}reading:{reading_id}:section:{section_id}"


def parse_source(iri: str) -> tuple[str, str] | None:
    match = _SOURCE.fullmatch(iri)
    return (match.group(1), match.group(2)) if match else None


def parse_collection(iri: str) -> tuple[str, int] | None:
    match = _SESSION.fullmatch(iri)
    return (match.group(1), int(match.group(2))) if match else None


def _when(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _selectors(note: Annotation) -> list[dict[str, Any]]:
    quote: dict[str, Any] = {"type": "TextQuoteSelector", "exact": note.exact}
    if note.prefix:
        quote["prefix"] = note.prefix
    if note.suffix:
        quote["suffix"] = note.suffix
    if note.orphaned:
        return [quote]  # its offsets are where the words were before an edit took them away
    return [quote, {"type": "TextPositionSelector", "start": note.start, "end": note.end}]


def _body(text: str) -> dict[str, Any]:
    return {"type": "TextualBody", "value": text, "format": "text/plain", "language": "und"}


async def annotation_collections(storage: Storage, group: Group) -> list[dict[str, Any]]:
    """The export: a list of AnnotationCollection, one per session that has shared notes."""
    expired = {s.number for s in await storage.sessions(group.id) if s.expired_at is not None}
    by_session: dict[int, list[dict[str, Any]]] = {}
    for number, note, author, replies in await storage.group_annotations(group.id):
        if note.private or number in expired:
            continue
        note_id = f"{PREFIX}{group.id}:annotation:{note.id}"
        item: dict[str, Any] = {
            "id": note_id,
            "type": "Annotation",
            "motivation": "commenting",
            "created": _when(note.created_at),
            "modified": _when(note.updated_at),
            "body": _body(note.text),
            "target": {
                "source": source_iri(note.reading_id, note.section_id),
                "selector": _selectors(note),
            },
        }
        if author is not None:
            item["creator"] = {"type": "Person", "name": author.display_name}
        items = by_session.setdefault(number, [])
        items.append(item)
        for reply, replier in replies:
            answer: dict[str, Any] = {
                "id": f"{PREFIX}{group.id}:reply:{reply.id}",
                "type": "Annotation",
                "motivation": "replying",
                "created": _when(reply.created_at),
                "modified": _when(reply.updated_at),
                "body": _body(reply.text),
                "target": note_id,
            }
            if replier is not None:
                answer["creator"] = {"type": "Person", "name": replier.display_name}
            items.append(answer)
    collections = []
    for number in sorted(by_session):
        collection_id = f"{PREFIX}{group.id}:session:{number}"
        items = by_session[number]
        collections.append(
            {
                "@context": CONTEXT,
                "id": collection_id,
                "type": "AnnotationCollection",
                "label": f"{group.spec.name}, session {number}",
                "total": len(items),
                "first": {
                    "id": f"{collection_id}:page:1",
                    "type": "AnnotationPage",
                    "startIndex": 0,
                    "items": items,
                },
            }
        )
    return collections
