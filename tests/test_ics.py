"""Tests for the iCalendar writer: folding, escaping, alarms and a parse-back check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.schedule.ics import CalendarEvent, calendar_ics, escape_text, fold_line

STAMP = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)
LA_PAZ = ZoneInfo("America/La_Paz")


def event(**changes: object) -> CalendarEvent:
    fields: dict[str, object] = {
        "uid": "tuesday-readers-1@studybot",
        "start": datetime(2026, 12, 1, 19, 0, tzinfo=LA_PAZ),
        "end": datetime(2026, 12, 1, 20, 30, tzinfo=LA_PAZ),
        "summary": "Session 1: Introduction",
        "description": "Read the introduction.",
    }
    fields.update(changes)
    return CalendarEvent(**fields)  # type: ignore[arg-type]


def unfold(ics: str) -> list[str]:
    """Undo folding (CRLF followed by one space) and split into content lines."""
    assert ics.endswith("\r\n")
    return ics.replace("\r\n ", "").split("\r\n")[:-1]


def props(lines: list[str], name: str) -> list[str]:
    return [line.split(":", 1)[1] for line in lines if line.split(":", 1)[0] == name]


def test_calendar_structure_and_utc_times() -> None:
    ics = calendar_ics("Tuesday readers", [event(alarms=(timedelta(hours=24),))], stamp=STAMP)
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert props(lines, "X-WR-CALNAME") == ["Tuesday readers"]
    # 19:00 in La Paz (UTC-4) is 23:00 UTC.
    assert props(lines, "DTSTART") == ["20261201T230000Z"]
    assert props(lines, "DTEND") == ["20261202T003000Z"]
    assert props(lines, "DTSTAMP") == ["20261128T060000Z"]
    assert props(lines, "UID") == ["tuesday-readers-1@studybot"]
    assert props(lines, "SEQUENCE") == ["0"]
    assert props(lines, "STATUS") == ["CONFIRMED"]
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_every_line_ends_with_crlf() -> None:
    ics = calendar_ics("x", [event()], stamp=STAMP)
    assert "\n" not in ics.replace("\r\n", "")
    assert "\r" not in ics.replace("\r\n", "")


def test_alarms_one_valarm_each() -> None:
    alarms = (timedelta(hours=24), timedelta(hours=1), timedelta(minutes=90), timedelta(days=7))
    lines = unfold(calendar_ics("x", [event(alarms=alarms)], stamp=STAMP))
    assert lines.count("BEGIN:VALARM") == 4
    assert lines.count("ACTION:DISPLAY") == 4
    assert props(lines, "TRIGGER") == ["-PT24H", "-PT1H", "-PT1H30M", "-PT168H"]


def test_zero_alarm_is_at_start() -> None:
    lines = unfold(calendar_ics("x", [event(alarms=(timedelta(0),))], stamp=STAMP))
    assert props(lines, "TRIGGER") == ["PT0S"]


def test_escaping_text() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert escape_text("one\r\ntwo\rthree") == "one\\ntwo\\nthree"
    assert escape_text("bell\x07") == "bell"
    summary = "Week 2; part 1, notes\\draft\nsecond line"
    lines = unfold(calendar_ics("Lunes, martes; y más", [event(summary=summary)], stamp=STAMP))
    assert props(lines, "SUMMARY") == ["Week 2\\; part 1\\, notes\\\\draft\\nsecond line"]
    assert props(lines, "X-WR-CALNAME") == ["Lunes\\, martes\\; y más"]


def test_newlines_cannot_inject_properties() -> None:
    lines = unfold(
        calendar_ics("x", [event(summary="hi\r\nEND:VEVENT\nBEGIN:VEVENT")], stamp=STAMP)
    )
    assert lines.count("BEGIN:VEVENT") == 1


def test_folding_multibyte_text_never_splits_a_character() -> None:
    description = "Révolución y reforma — ¿qué aprendemos? 読書会 🇧🇴 " * 20
    ics = calendar_ics("x", [event(description=description)], stamp=STAMP)
    physical = ics.split("\r\n")[:-1]
    assert any(line.startswith(" ") for line in physical)
    for line in physical:
        raw = line.encode("utf-8")
        assert len(raw) <= 75
        raw.decode("utf-8")  # each physical line is whole UTF-8 on its own
    assert props(unfold(ics), "DESCRIPTION") == [escape_text(description)]


def test_fold_line_short_line_unchanged_and_exact_boundary() -> None:
    assert fold_line("SUMMARY:short") == "SUMMARY:short"
    exact = "X" * 75
    assert fold_line(exact) == exact
    folded = fold_line("X" * 76)
    assert folded == "X" * 75 + "\r\n " + "X"


@given(st.text(max_size=400))
def test_fold_and_escape_round_trip(text: str) -> None:
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold_line(line)
    for physical in folded.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


def test_cancelled_event_with_sequence() -> None:
    lines = unfold(calendar_ics("x", [event(status="CANCELLED", sequence=3)], stamp=STAMP))
    assert props(lines, "STATUS") == ["CANCELLED"]
    assert props(lines, "SEQUENCE") == ["3"]


def test_several_events_and_generator_input() -> None:
    events = (event(uid=f"s{i}@studybot") for i in range(3))
    lines = unfold(calendar_ics("x", events, stamp=STAMP))
    assert props(lines, "UID") == ["s0@studybot", "s1@studybot", "s2@studybot"]


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar_ics("x", [event(start=datetime(2026, 12, 1, 19, 0))], stamp=STAMP)


def test_end_before_start_is_refused() -> None:
    start = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="ends before it starts"):
        calendar_ics("x", [event(start=start, end=start - timedelta(hours=1))], stamp=STAMP)


def test_empty_calendar() -> None:
    lines = unfold(calendar_ics("Empty", [], stamp=STAMP))
    assert "BEGIN:VEVENT" not in lines
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"


def test_url_property_carries_the_address_as_it_is() -> None:
    address = "https://example.org/texts/reading?part=1,2;x"
    lines = unfold(calendar_ics("x", [event(url=address)], stamp=STAMP))
    assert props(lines, "URL") == [address]  # a URI value: no TEXT escaping
    assert props(unfold(calendar_ics("x", [event()], stamp=STAMP)), "URL") == []


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1)", "https://example.org/a b", "https://x.org/\r\nATTENDEE:y"]
)
def test_a_url_that_is_not_an_http_address_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not an http"):
        calendar_ics("x", [event(url=bad)], stamp=STAMP)
