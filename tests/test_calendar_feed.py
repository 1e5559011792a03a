"""A group's .ics feed: a moved schedule updates the same events, and one group gets its own feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

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
