"""An RFC 5545 iCalendar writer, so members can subscribe to a group's session dates.

Hand-written on purpose: icalendar (tried for this) rewrites a literal backslash-N in text as a
line break, folds at 74 octets, and writes durations as days; this writer keeps text exactly,
and its output is checked line by line in tests/test_ics.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

PRODID = "-//Study Circle//studybot//EN"
MAX_LINE_OCTETS = 75
CRLF = "\r\n"

# TEXT values may not carry control characters (RFC 5545 3.3.11); tab is allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# a URL property's value is a URI (RFC 5545 3.8.4.6, RFC 3986): no spaces, quotes or controls
WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f\x7f\"<>\\^`{|}]+", re.IGNORECASE)

EventStatus = Literal["CONFIRMED", "CANCELLED"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEvent:
    """One session on the calendar; `alarms` are how long before `start` to remind."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    alarms: tuple[timedelta, ...] = ()
    sequence: int = 0
    status: EventStatus = "CONFIRMED"
    url: str | None = None  # an http(s) address (the reading's source)


def calendar_ics(
    calendar_name: str, events: Iterable[CalendarEvent], *, stamp: datetime | None = None
) -> str:
    """Render a VCALENDAR with one VEVENT per event; `stamp` is the DTSTAMP (default: now)."""
    dtstamp = _utc(stamp if stamp is not None else datetime.now(UTC), "stamp")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, dtstamp))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + CRLF for line in lines)


def _event_lines(event: CalendarEvent, dtstamp: str) -> list[str]:
    start = _utc(event.start, "start")
    end = _utc(event.end, "end")
    if event.end < event.start:
        raise ValueError(f"event {event.uid!r} ends before it starts")
    if event.sequence < 0:
        raise ValueError(f"event {event.uid!r} has a negative sequence")
    if not event.uid.strip():
        raise ValueError("an event needs a non-empty uid")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{dtstamp}",
        f"DTSTART:{start}",
        f"DTEND:{end}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{event.status}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url is not None:
        if not WEB_ADDRESS.fullmatch(event.url):
            raise ValueError(f"event {event.uid!r} has a URL that is not an http(s) address")
        lines.append(f"URL:{event.url}")
    for before in event.alarms:
        lines.extend(
            [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"TRIGGER:{_trigger(before)}",
                f"DESCRIPTION:{escape_text(event.summary)}",
                "END:VALARM",
            ]
        )
    lines.append("END:VEVENT")
    return lines


def with_sequences(events: Iterable[CalendarEvent], previous: str | None) -> list[CalendarEvent]:
    """`events` numbered as revisions of those in `previous` (a feed this writer made before):
    an event keeps its SEQUENCE while it stays the same and gets one more each time it changes,
    as RFC 5545 asks, so calendars update it instead of ignoring the change."""
    known = _published(previous) if previous else {}
    out: list[CalendarEvent] = []
    for event in events:
        prior = known.get(event.uid)
        if prior is None:
            out.append(replace(event, sequence=0))
            continue
        sequence, fingerprint = prior
        changed = _fingerprint(_event_lines(replace(event, sequence=0), "")) != fingerprint
        out.append(replace(event, sequence=sequence + 1 if changed else sequence))
    return out


def _published(ics: str) -> dict[str, tuple[int, str]]:
    """UID -> (SEQUENCE, what the event says) for each event of a feed."""
    found: dict[str, tuple[int, str]] = {}
    current: list[str] | None = None
    for line in ics.replace("\r\n ", "").split("\r\n"):
        if line == "BEGIN:VEVENT":
            current = [line]
        elif current is not None:
            current.append(line)
            if line == "END:VEVENT":
                fields = dict(x.split(":", 1) for x in current if ":" in x)
                uid, sequence = fields.get("UID"), fields.get("SEQUENCE", "0")
                if uid is not None and sequence.isdigit():
                    found[uid] = (int(sequence), _fingerprint(current))
                current = None
    return found


def _fingerprint(lines: list[str]) -> str:
    """An event's content, leaving out when it was written (DTSTAMP) and its revision."""
    return "\n".join(x for x in lines if not x.startswith(("DTSTAMP:", "SEQUENCE:")))


def _utc(moment: datetime, what: str) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _trigger(before: timedelta) -> str:
    """A DURATION relative to the start: 24 hours before is `-PT24H`."""
    seconds = int(before.total_seconds())
    sign = "-" if seconds > 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    parts += f"{secs}S" if secs or not parts else ""
    return f"{sign}PT{parts}"


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become "?"
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold a content line so no physical line exceeds 75 octets, never inside a character."""
    if len(line.encode("utf-8")) <= MAX_LINE_OCTETS:
        return line
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if used + size > limit:
            pieces.append("".join(current))
            current, used = [], 0
            limit = MAX_LINE_OCTETS - 1  # continuation lines start with one space
        current.append(char)
        used += size
    pieces.append("".join(current))
    return (CRLF + " ").join(pieces)
