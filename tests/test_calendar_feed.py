"""A group's .ics feed: a moved schedule updates the same events, and one group gets its own feed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config.load import load_config
from bot.schedule.previewing import write_ics
from tests.conftest import BASE_CONFIG
from tests.test_cli import ahead, studybot

BEFORE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SECOND_GROUP = """
  - id: evening
    name: Evening
    platform: console
    timezone: UTC
    reading: three-parts
    start: 2026-12-02
    cadence: {weekly: [wed], at: "20:00"}
"""


def events(path: Path) -> dict[str, dict[str, str]]:
    """UID -> the event's top-level properties (alarms left out)."""
    lines = path.read_bytes().decode("utf-8").replace("\r\n ", "").split("\r\n")
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    depth = 0
    for line in lines:
        if line == "BEGIN:VEVENT":
            current, depth = {}, 0
        elif line == "BEGIN:VALARM":
            depth += 1
        elif line == "END:VALARM":
            depth -= 1
        elif line == "END:VEVENT" and current is not None:
            found[current["UID"]] = current
            current = None
        elif current is not None and depth == 0 and ":" in line:
            name, value = line.split(":", 1)
            current[name] = value
    return found


def test_a_moved_schedule_updates_the_same_events_with_a_higher_sequence(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    feed = tmp_path / "readers.ics"
    until = BEFORE + timedelta(days=60)
    write_ics(load_config(write_config(BASE_CONFIG)), BEFORE, until, feed)
    first = events(feed)
    assert set(first) == {f"readers-session-{n}@studybot" for n in (1, 2, 3)}
    assert first["readers-session-1@studybot"]["DTSTART"] == "20261201T180000Z"

    moved = BASE_CONFIG.replace("{weekly: [tue]", "{weekly: [thu]")
    later = BEFORE + timedelta(hours=2)
    write_ics(load_config(write_config(moved)), later, until, feed)
    second = events(feed)
    assert set(second) == set(first)  # same UIDs: calendars move the events, no duplicates
    assert second["readers-session-1@studybot"]["DTSTART"] == "20261203T180000Z"
    for uid in first:
        assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])


def test_a_session_keeps_its_uid_after_earlier_ones_have_passed(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    feed = tmp_path / "readers.ics"
    config = load_config(write_config(BASE_CONFIG))
    write_ics(config, BEFORE, BEFORE + timedelta(days=60), feed)
    before = events(feed)
    after_first = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)  # session 1 is over
    write_ics(config, after_first, after_first + timedelta(days=60), feed)
    later = events(feed)
    assert set(later) == {"readers-session-2@studybot", "readers-session-3@studybot"}
    for uid in later:
        assert later[uid]["DTSTART"] == before[uid]["DTSTART"]


def test_preview_writes_one_groups_feed_with_group(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_config(ahead(BASE_CONFIG + SECOND_GROUP))
    feed = tmp_path / "evening.ics"
    result = studybot(
        "preview", str(path), "--days", "400", "--group", "evening", "--ics", str(feed)
    )
    assert result.returncode == 0, result.stderr
    uids = set(events(feed))
    assert uids and all(uid.startswith("evening-session-") for uid in uids)
    assert "Readers" not in result.stdout and "Evening" in result.stdout
    both = tmp_path / "all.ics"
    assert studybot("preview", str(path), "--days", "400", "--ics", str(both)).returncode == 0
    assert any(uid.startswith("readers-") for uid in events(both))
    wrong = studybot("preview", str(path), "--group", "nope")
    assert wrong.returncode == 1 and "No group 'nope'" in wrong.stderr


def test_the_sequence_counts_real_changes_only(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    feed = tmp_path / "readers.ics"
    until = BEFORE + timedelta(days=60)
    config = load_config(write_config(BASE_CONFIG))
    write_ics(config, BEFORE, until, feed)
    first = events(feed)
    assert {e["SEQUENCE"] for e in first.values()} == {"0"}
    write_ics(config, BEFORE + timedelta(days=1), until, feed)  # nothing changed
    assert {uid: e["SEQUENCE"] for uid, e in events(feed).items()} == {uid: "0" for uid in first}
    moved = load_config(write_config(BASE_CONFIG.replace("{weekly: [tue]", "{weekly: [thu]")))
    write_ics(moved, BEFORE + timedelta(days=2), until, feed)
    assert {e["SEQUENCE"] for e in events(feed).values()} == {"1"}


LIVE = BASE_CONFIG.replace(
    "admins: [ana]", 'admins: [ana]\n    rsvp: true\n    live_after: 2d\n    breaks: ["2026-12-08"]'
)


def test_an_event_says_when_responses_close_and_links_the_reading(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    feed = tmp_path / "readers.ics"
    write_ics(load_config(write_config(BASE_CONFIG)), BEFORE, BEFORE + timedelta(days=60), feed)
    first = events(feed)["readers-session-1@studybot"]
    # Tue 1 Dec, 19:00 in Berlin, open for six days
    assert "Responses are open until Mon 7 Dec\\, 19:00 (Europe/Berlin)." in first["DESCRIPTION"]
    assert "stay open for a while" not in feed.read_text(encoding="utf-8")
    assert first["URL"] == "https://example.org/three-parts"
    assert "The reading: https://example.org/three-parts" in first["DESCRIPTION"]
    assert not any(uid.endswith("-live@studybot") for uid in events(feed))  # no live talks here


def test_a_live_discussion_is_an_event_of_its_own(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    feed = tmp_path / "readers.ics"
    write_ics(load_config(write_config(LIVE)), BEFORE, BEFORE + timedelta(days=60), feed)
    found = events(feed)
    live = found["readers-session-1-live@studybot"]
    assert live["DTSTART"] == "20261203T180000Z"  # two days after Tuesday's 19:00 in Berlin
    assert live["DTEND"] == "20261203T190000Z"
    assert live["SUMMARY"] == "Readers: live discussion of session 1"
    assert live["URL"] == "https://example.org/three-parts"
    session = found["readers-session-1@studybot"]
    assert "Live discussion: Thu 3 Dec\\, 19:00 (Europe/Berlin)." in session["DESCRIPTION"]
    # the break on 8 Dec holds no session and no live discussion: session 2 is on the 15th
    assert found["readers-session-2@studybot"]["DTSTART"] == "20261215T180000Z"
    assert found["readers-session-2-live@studybot"]["DTSTART"] == "20261217T180000Z"
    assert len(found) == 6


def test_preview_shows_a_break_as_a_break(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(ahead(LIVE).replace('breaks: ["2026-12-08"]', "breaks: [BREAK]"))
    text = path.read_text(encoding="utf-8")
    start = date.fromisoformat(re.search(r"start: (\S+)", text).group(1))  # type: ignore[union-attr]
    rest = start + timedelta(days=(1 - start.weekday()) % 7 + 7)  # the second Tuesday
    path.write_text(text.replace("BREAK", f'"{rest.isoformat()}"'), encoding="utf-8")
    assert main(["preview", str(path), "--days", "60"]) == 0
    shown = capsys.readouterr().out
    row = next(line for line in shown.splitlines() if " break " in line)
    assert f"{rest:%a} {rest.day} {rest:%b %Y}, 19:00" in row
    assert "—" in row and "Part" not in row
    assert "Open until" in shown and "Live talk" in shown
    assert "Three Parts: https://example.org/three-parts" in shown
    # the sessions go on after it, numbered without a gap
    numbers = [line.split("│")[1].strip() for line in shown.splitlines() if line.startswith("│")]
    assert [n for n in numbers if n] == ["1", "2", "3"]


def test_the_calendar_speaks_the_groups_language(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    feed = tmp_path / "readers.ics"
    spanish = LIVE.replace("admins: [ana]", "admins: [ana]\n    language: es")
    write_ics(load_config(write_config(spanish)), BEFORE, BEFORE + timedelta(days=60), feed)
    found = events(feed)
    assert (
        "Las respuestas están abiertas hasta" in found["readers-session-1@studybot"]["DESCRIPTION"]
    )
    assert found["readers-session-1-live@studybot"]["SUMMARY"].startswith(
        "Readers: conversación en vivo"
    )
