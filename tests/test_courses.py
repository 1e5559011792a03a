"""Courses of several readings (issue 14): read in order, changed mid-way without losing the
thread, restarted on an admin's word, and located in `status`, `schedule` and `preview`."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import testing
from bot.config.load import load_config
from bot.core.messages import MessageKind
from bot.core.records import Session, to_db
from bot.readings.course import Course, next_step, session_step, steps_ahead
from bot.readings.model import load_reading
from bot.runtime.watcher import ConfigWatcher
from bot.storage import Storage, open_storage
from bot.storage import base as storage_base
from bot.storage.migrations import MIGRATIONS, Migrations
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START
from tests.scaled_clock import StepClock
from tests.test_cli import ROOT, ahead, studybot

ANA, BEA, CAL = member("Ana"), member("Bea"), member("Cal")
# Tuesdays at 19:00 in Berlin (18:00 UTC): 1, 8, 15, 22 and 29 December 2026
TUESDAY = [datetime(2026, 12, d, 18, 0, tzinfo=UTC) for d in (1, 8, 15, 22, 29)]

NEXT_STEPS = """\
id: next-steps
title: Next Steps
author: Study Circle
source: https://example.org/next-steps
sections:
  - id: reading-together
    title: Reading Together
    summary: Why a group reads further than one reader does.
    body: |
      Reading together means somebody expects you, and that is most of it.

      The rest is tea.
    prompts:
      - Who reads with you?
  - id: keeping-on
    title: Keeping On
    body: The last part asks what comes next.
    prompts:
      - What will you read next?
"""
COURSE = BASE_CONFIG.replace("reading: three-parts", "readings: [three-parts, next-steps]")
SWAPPED = BASE_CONFIG.replace("reading: three-parts", "readings: [next-steps, three-parts]")


def course_config(write_config: Callable[[str], Path], text: str = COURSE) -> Path:
    """A config and, beside the fixture reading, a second one: Next Steps."""
    path = write_config(text)
    (path.parent / "readings" / "next-steps.yaml").write_text(NEXT_STEPS, encoding="utf-8")
    return path


def section_titles(h: Harness) -> list[str]:
    return [s.message.title or "" for s in h.platform.posts(MessageKind.SECTION)]


def notices(h: Harness, title: str) -> list[str]:
    return [
        s.message.body for s in h.platform.posts(MessageKind.NOTICE) if s.message.title == title
    ]


async def reloading(h: Harness, path: Path) -> None:
    async def reloader():  # type: ignore[no-untyped-def]
        return await asyncio.to_thread(load_config, path)

    h.circle.reloader = reloader


# -- the plan, as a pure function of the course and what was posted ---------------------------


def test_the_next_step_is_the_first_unposted_section_and_never_crosses_a_reading(
    write_config: Callable[[str], Path],
) -> None:
    readings = course_config(write_config).parent / "readings"
    three = load_reading(readings / "three-parts.yaml", readings)
    steps = load_reading(readings / "next-steps.yaml", readings)
    course = Course(readings=(three, steps))
    plan = [[s.id for s in step.sections] for step in steps_ahead(course, frozenset(), 2)]
    assert plan == [["one", "two"], ["three"], ["reading-together", "keeping-on"]]
    # a gap left by an edit is read first, and alone when the next section was posted
    posted = {("three-parts", "one"), ("three-parts", "three")}
    step = next_step(course, posted, 2)
    assert step is not None and [s.id for s in step.sections] == ["two"] and step.first == 1
    everything = set(course.section_keys)
    assert next_step(course, everything, 1) is None


def test_what_a_session_read_outlives_its_reading_file(
    write_config: Callable[[str], Path],
) -> None:
    readings = course_config(write_config).parent / "readings"
    three = load_reading(readings / "three-parts.yaml", readings)
    recorded = Session(
        id=1,
        group_id="readers",
        number=1,
        first_section=1,
        section_count=2,
        opened_at=TUESDAY[0],
        closes_at=TUESDAY[1],
        closed_at=None,
        thread=None,
        root_message=None,
        reading_id="three-parts",
        section_ids=("two", "gone"),
    )
    step = session_step({"three-parts": three}, recorded)
    assert [s.title for s in step.sections] == ["Part Two", "gone"]
    lost = session_step({}, recorded)
    assert lost.reading.title == "three-parts" and [s.id for s in lost.sections] == ["two", "gone"]
    older = session_step({}, replace(recorded, section_ids=()))
    assert [s.id for s in older.sections] == ["section-2", "section-3"]


# -- a course on the fake clock -----------------------------------------------------------------


@pytest.mark.backends
async def test_a_course_reads_each_reading_in_order_and_announces_the_next(
    write_config: Callable[[str], Path],
) -> None:
    h = await make_harness(course_config(write_config), start=START)
    await h.command("join", member=BEA)
    await h.advance_to(TUESDAY[2] + timedelta(minutes=1))
    await h.command("respond 1 The end of the first reading.", member=BEA)
    await h.advance_to(
        TUESDAY[3] - timedelta(hours=2)
    )  # session 3 closed, the 1h reminder due soon
    announced = notices(h, "Next reading")
    assert announced == [
        "That was the last section of *Three Parts*. Next, Readers reads *Next Steps* by Study "
        "Circle, from Tue 22 Dec, 19:00 (Europe/Berlin), starting with “Reading Together”."
    ]
    await h.advance(timedelta(hours=1, minutes=30))
    reminder = h.platform.posts(MessageKind.REMINDER)[-1].message.body
    assert "“Reading Together” from *Next Steps*" in reminder

    await h.advance_to(TUESDAY[4] + timedelta(days=7))
    assert section_titles(h) == [
        "Session 1: Part One",
        "Session 2: Part Two",
        "Session 3: Part Three",
        "Session 4: Reading Together",
        "Session 5: Keeping On",
    ]
    fourth = h.platform.posts(MessageKind.SECTION)[3].message.body
    assert fourth.startswith("*Next Steps* by Study Circle, section 1 of 2, reading 2 of 2.")
    finished = notices(h, "Reading finished")
    assert len(finished) == 1 and "every reading of the course has been read" in finished[0]
    assert len(notices(h, "Next reading")) == 1
    assert await h.storage.pending_actions("readers") == []
    # what each session read is in the database, by id
    recorded = [(s.reading_id, s.section_ids) for s in await h.storage.sessions("readers")]
    assert recorded == [
        ("three-parts", ("one",)),
        ("three-parts", ("two",)),
        ("three-parts", ("three",)),
        ("next-steps", ("reading-together",)),
        ("next-steps", ("keeping-on",)),
    ]
    assert "The course is finished" in await h.command("schedule", member=BEA)
    assert "posted already" in await h.command("post-now", member=ANA)
    await h.close()


@pytest.mark.backends
async def test_status_and_schedule_say_where_the_course_is(
    write_config: Callable[[str], Path],
) -> None:
    config = COURSE.replace("admins: [ana]", "admins: [ana]\n    sections_per_session: 2")
    h = await make_harness(course_config(write_config, config), start=START)
    status = await h.command("status", member=ANA)
    assert "Course: 2 readings, 0 of 5 sections posted" in status
    assert "Now at: nothing posted yet" in status
    assert (
        "Next: reading 1 of 2, *Three Parts*, sections 1–2 of 3, “Part One” · “Part Two”, "
        "Tue 1 Dec, 19:00 (Europe/Berlin)"
    ) in status
    schedule = await h.command("schedule", member=BEA)
    assert "Tue 1 Dec, 19:00 (Europe/Berlin): Part One · Part Two (*Three Parts*)" in schedule
    assert "Tue 8 Dec, 19:00 (Europe/Berlin): Part Three (*Three Parts*)" in schedule
    assert "Tue 15 Dec, 19:00 (Europe/Berlin): Reading Together · Keeping On (*Next Steps*)" in (
        schedule
    )

    await h.advance_to(TUESDAY[1] + timedelta(minutes=1))
    status = await h.command("status", member=ANA)
    assert "Course: 2 readings, 3 of 5 sections posted" in status
    assert "Now at: reading 1 of 2, *Three Parts*, section 3 of 3 (session 2, open)" in status
    assert "Next: reading 2 of 2, *Next Steps*, sections 1–2 of 2" in status
    await h.close()


@pytest.mark.backends
async def test_changing_the_readings_mid_course_keeps_history_and_the_place(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = course_config(write_config, BASE_CONFIG)
    h = await make_harness(path, start=START)
    await reloading(h, path)
    await h.advance_to(TUESDAY[0] + timedelta(minutes=1))
    await h.command("respond 1 Before the change.", member=BEA)

    path.write_text(textwrap.dedent(SWAPPED), encoding="utf-8")
    reply = await h.command("reload", member=ANA)
    assert (
        "Readers: next session Tue 8 Dec, 19:00 (Europe/Berlin): “Reading Together” from "
        "*Next Steps* (was “Part Two” from *Three Parts*)"
    ) in reply
    # the open session keeps its own text and prompts
    now = await h.command("now", member=BEA)
    assert "The first part says" in now and "What keeps you coming back?" in now
    assert "Reading Together" not in now
    status = await h.command("status", member=ANA)
    assert "1 of 5 sections posted" in status
    assert "Now at: reading 2 of 2, *Three Parts*, section 1 of 3 (session 1, open)" in status

    await h.advance_to(TUESDAY[1] + timedelta(minutes=1))
    path.write_text(textwrap.dedent(BASE_CONFIG), encoding="utf-8")  # back to one reading
    reply = await h.command("reload", member=ANA)
    assert (
        "next session Tue 15 Dec, 19:00 (Europe/Berlin): “Part Two” from *Three Parts* "
        "(was “Keeping On” from *Next Steps*)"
    ) in reply
    await h.advance_to(TUESDAY[2] + timedelta(minutes=1))
    assert section_titles(h) == [
        "Session 1: Part One",
        "Session 2: Reading Together",
        "Session 3: Part Two",  # not Part One again
    ]
    await h.advance_to(TUESDAY[3] + timedelta(days=7))
    assert section_titles(h)[-1] == "Session 4: Part Three"
    assert len(notices(h, "Reading finished")) == 1
    await h.close()


@pytest.mark.backends
async def test_a_finished_group_goes_on_when_a_reading_is_added(
    write_config: Callable[[str], Path],
) -> None:
    path = course_config(write_config, BASE_CONFIG)
    h = await make_harness(path, start=START)
    await reloading(h, path)
    await h.advance_to(TUESDAY[2] + timedelta(days=7))
    assert (
        len(notices(h, "Reading finished")) == 1
        and (await h.storage.group_state("readers")).finished
    )
    path.write_text(textwrap.dedent(COURSE), encoding="utf-8")
    reply = await h.command("reload", member=ANA)
    assert (
        "Readers: next session Tue 29 Dec, 19:00 (Europe/Berlin): “Reading Together” from "
        "*Next Steps* (nothing was planned)"
    ) in reply
    await h.advance_to(TUESDAY[4] + timedelta(minutes=1))
    assert section_titles(h)[-1] == "Session 4: Reading Together"
    assert not (await h.storage.group_state("readers")).finished
    await h.close()


@pytest.mark.backends
async def test_an_edit_seen_by_the_file_watcher_tells_the_admins_what_moved(
    write_config: Callable[[str], Path],
) -> None:
    path = course_config(write_config, BASE_CONFIG)
    h = await make_harness(path, start=START)
    await reloading(h, path)
    watcher = ConfigWatcher(h.circle, path)
    await h.advance_to(TUESDAY[0] + timedelta(minutes=1))
    path.write_text(textwrap.dedent(SWAPPED), encoding="utf-8")
    assert await watcher.check() is True
    told = [d.message.body for d in h.platform.dms("ana")]
    assert told == [
        "The edited config was applied. Readers: next session Tue 8 Dec, 19:00 (Europe/Berlin): "
        "“Reading Together” from *Next Steps* (was “Part Two” from *Three Parts*)."
    ]
    # an edit that moves nothing in the plan tells nobody
    path.write_text(textwrap.dedent(SWAPPED) + "# a comment\n", encoding="utf-8")
    assert await watcher.check() is True
    assert len(h.platform.dms("ana")) == 1
    # an impossible date is a located problem, sent to the admins; the plan stays
    impossible = textwrap.dedent(SWAPPED).replace("start: 2026-12-01", "start: 2026-11-31")
    assert impossible != textwrap.dedent(SWAPPED)
    path.write_text(impossible, encoding="utf-8")
    assert await watcher.check() is False
    told = h.platform.dms("ana")[-1].message
    assert told.title == "The config edit was not applied"
    assert f"{path}:" in told.body and "2026-11-31 is not a date" in told.body, told.body
    await h.close()


@pytest.mark.backends
async def test_restart_reading_reads_it_again_and_only_on_an_admins_word(
    write_config: Callable[[str], Path],
) -> None:
    h = await make_harness(course_config(write_config, BASE_CONFIG), start=START)
    assert "Nothing has been posted yet" in await h.command("restart-reading", member=ANA)
    await h.advance_to(TUESDAY[1] + timedelta(minutes=1))
    assert "is for the admins" in await h.command("restart-reading", member=BEA)
    refused = await h.command("restart-reading next-steps", member=ANA)
    assert refused == "Readers does not read 'next-steps'; its readings are: three-parts."
    reply = await h.command("restart-reading", member=ANA)
    assert reply == (
        "*Three Parts* starts again from its first section; the sessions that read it stay in "
        "the history. Readers: next session Tue 15 Dec, 19:00 (Europe/Berlin): “Part One” "
        "(was “Part Three”)."
    )
    again = await h.command("restart-reading three-parts", member=ANA)
    assert "nothing to restart" in again
    status = await h.command("status", member=ANA)
    assert "0 of 3 sections posted" in status and "section 2 of 3 (session 2, open)" in status
    await h.advance_to(TUESDAY[4] + timedelta(days=7))
    assert [t.split(": ", 1)[1] for t in section_titles(h)] == [
        "Part One",
        "Part Two",
        "Part One",
        "Part Two",
        "Part Three",
    ]
    sessions = await h.storage.sessions("readers")
    assert [s.restarted for s in sessions] == [True, True, False, False, False]
    assert len(notices(h, "Reading finished")) == 1
    await h.close()


# -- the config: `readings:`, and what `studybot check` flags ----------------------------------


def test_check_flags_an_empty_course_a_reading_twice_and_sections_without_prompts(
    write_config: Callable[[str], Path],
) -> None:
    path = course_config(write_config)
    readings = path.parent / "readings"
    (readings / "no-prompts.yaml").write_text(
        "id: no-prompts\ntitle: No Prompts\nsections:\n"
        "  - id: first\n    title: First\n    body: Text.\n    prompts: [Why?]\n"
        "  - id: bare\n    title: Bare\n    body: Text with nothing to ask.\n",
        encoding="utf-8",
    )
    groups = """
    storage: data/test.db
    readings_dir: readings
    groups:
      - id: empty
        name: Empty
        readings: []
        start: 2026-12-01
        cadence: {weekly: [tue], at: "19:00"}
      - id: twice
        name: Twice
        readings:
          - three-parts
          - next-steps
          - three-parts
        start: 2026-12-01
        cadence: {weekly: [tue], at: "19:00"}
      - id: bare
        name: Bare
        readings: [next-steps, no-prompts]
        start: 2026-12-01
        cadence: {weekly: [tue], at: "19:00"}
    """
    result = studybot("check", str(write_config(groups)))
    assert result.returncode == 1
    out = " ".join(result.stdout.split() + result.stderr.split())
    assert f"{path}:7:5: `readings` is empty; list the readings" in out
    assert f"{path}:15:9: reading 'three-parts' is listed twice" in out
    assert (
        f"{readings / 'no-prompts.yaml'}:8:5: section 'bare' of reading 'no-prompts' has no "
        "prompts, so its session would have nothing to answer; add some under `prompts:` "
        "(read by group bare)"
    ) in out
    assert "3 problems in the config" in out

    both = groups.replace("readings: []", "reading: three-parts\n        readings: [next-steps]")
    result = studybot("check", str(write_config(both)))
    out = " ".join(result.stdout.split() + result.stderr.split())
    assert result.returncode == 1 and f"{path}:5:5: " in out and "one of the two, not both" in out


def test_shipped_readings_run_as_one_course(tmp_path: Path) -> None:
    """first-steps, then the Bolivia study guide: valid, previewed, and read to the end."""
    root = Path(__file__).resolve().parent.parent
    config = tmp_path / "config.yaml"
    config.write_text(
        textwrap.dedent(
            ahead(
                BASE_CONFIG.replace(
                    "readings_dir: readings", f"readings_dir: {root / 'readings'}"
                ).replace("reading: three-parts", "readings: [first-steps, coup-in-bolivia]")
            )
        ),
        encoding="utf-8",
    )
    checked = studybot("check", str(config))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "First steps: why study together · Study guide" in " ".join(checked.stdout.split())
    preview = studybot("preview", str(config), "--days", "200")
    shown = " ".join(preview.stdout.split())
    # the table wraps long titles: their first words show the course's first and last sections
    assert "Why read together" in shown and "Our Responsibility" in shown

    async def read_it_all() -> list[str]:
        h = await make_harness(config, start=datetime.now(UTC))
        await h.advance(timedelta(days=7 * 14))
        titles = section_titles(h)
        finished = notices(h, "Reading finished")
        await h.close()
        assert len(finished) == 1
        return titles

    titles = asyncio.run(read_it_all())
    first_steps = load_reading(root / "readings" / "first-steps.yaml", root / "readings")
    bolivia = load_reading(root / "readings" / "coup-in-bolivia.yaml", root / "readings")
    assert len(titles) == len(first_steps.sections) + len(bolivia.sections)
    assert titles[len(first_steps.sections)].endswith(": Introduction")


# -- a database from before courses ---------------------------------------------------------


@pytest.mark.backends
async def test_a_database_from_before_courses_keeps_its_place(
    write_config: Callable[[str], Path],
    storage_at: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The migration gives old sessions the group's reading; the next start writes down their
    section ids from it; the course goes on from there, and history survives a change."""
    location = storage_at("before-courses")
    ours = next(m.version for m in MIGRATIONS if m.description.startswith("courses (issue 14)"))
    older = Migrations()
    for step in MIGRATIONS:
        if step.version < ours and step.sql is not None:
            older.sql(step.description, step.sql)
        elif step.version < ours and step.change is not None:
            older.step(step.description)(step.change)
    monkeypatch.setattr(storage_base, "MIGRATIONS", older)
    old = await open_storage(location)
    await old.sync_groups([("readers", "console", "console", "three-parts")], START)
    async with old.transaction() as db:  # session 1, Part One, as the old code recorded it
        await db.execute(
            "INSERT INTO sessions (group_id, number, first_section, section_count, opened_at, "
            "closes_at, closed_at, open_key) VALUES ('readers', 1, 0, 1, ?, ?, ?, 'old:open')",
            (to_db(TUESDAY[0]), to_db(TUESDAY[0] + timedelta(days=6)), to_db(TUESDAY[0])),
        )
        await db.execute("UPDATE groups SET next_section = 1 WHERE id = 'readers'")
    await old.close()
    monkeypatch.setattr(storage_base, "MIGRATIONS", MIGRATIONS)

    async def reopen(_: str) -> Storage:
        return await open_storage(location)

    monkeypatch.setattr(testing, "open_storage", reopen)
    path = course_config(write_config, BASE_CONFIG)
    h = await make_harness(path, start=TUESDAY[0] + timedelta(days=6, hours=1))
    (session,) = await h.storage.sessions("readers")
    assert (session.reading_id, session.section_ids) == ("three-parts", ("one",))
    assert "1 of 3 sections posted" in await h.command("status", member=ANA)
    await reloading(h, path)
    path.write_text(textwrap.dedent(COURSE), encoding="utf-8")
    assert "Config reloaded" in await h.command("reload", member=ANA)
    await h.advance_to(TUESDAY[1] + timedelta(minutes=1))
    assert section_titles(h) == ["Session 2: Part Two"]
    await h.close()


# -- on the console, as `studybot run` -------------------------------------------------------


def test_a_whole_course_on_the_console(write_config: Callable[[str], Path], tmp_path: Path) -> None:
    """`studybot run` typed into like a terminal, on a clock the test moves
    (tests/scaled_clock.py `StepClock`): five weeks of a two-reading course, the next reading
    announced, the end said. Each step waits for what the bot says at it, so a busy machine
    only makes the run slower, never posts a session at another moment."""
    text = COURSE.replace("admins: [ana]", "admins: [you]\n    grace_period: 30d")
    path = course_config(write_config, text)
    moment = tmp_path / "clock"  # where the test writes the bot's present
    bot_log = tmp_path / "bot.log"
    clock = StepClock(moment)
    clock.set(START)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.scaled_clock",
            f"file:{moment}",
            "run",
            "--config",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=bot_log.open("w", encoding="utf-8"),  # the bot's log, told when a step fails
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines: list[str] = []
    reading = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reading.start()

    def seen(needle: str, within: float = 120) -> None:
        deadline = time.monotonic() + within
        while needle not in " ".join("".join(list(lines)).replace("│", " ").split()):
            assert proc.poll() is None, "".join(lines)[-3000:]
            assert time.monotonic() < deadline, f"no {needle!r} in:\n" + "".join(lines)[-3000:]
            time.sleep(0.05)  # polling the pipe's output, not waiting for time to pass

    def settled(now: datetime, within: float = 120) -> None:
        """Wait until the bot has done all it had due by `now`. What it says comes before it
        plans what follows (the next session is planned from its clock's present), so a step
        taken on the first sign alone would leave its planning to a later moment."""
        deadline = time.monotonic() + within
        with closing(sqlite3.connect(path.parent / "data" / "test.db", timeout=30)) as db:
            while db.execute(
                "SELECT COUNT(*) FROM actions WHERE state = 'pending' AND due_at <= ?",
                (to_db(now),),
            ).fetchone() != (0,):
                assert proc.poll() is None, "".join(lines)[-3000:]
                assert time.monotonic() < deadline, (
                    f"the bot never finished what was due by {now}; its log ends:\n"
                    + bot_log.read_text(encoding="utf-8")[-3000:]
                )
                time.sleep(0.05)  # polling the database, not waiting for time to pass

    minute = timedelta(minutes=1)
    try:
        proc.stdin.write("/study join\n")
        proc.stdin.flush()
        seen("Welcome to Readers! We are reading Three Parts.")
        steps = [  # the moment to move to, and what the bot says by then
            (TUESDAY[0] + minute, "Session 1: Part One"),
            (TUESDAY[1] + minute, "Session 2: Part Two"),
            (TUESDAY[2] + minute, "Session 3: Part Three"),
            (TUESDAY[3] - timedelta(hours=1), "That was the last section of Three Parts."),
            (TUESDAY[3] + minute, "Session 4: Reading Together"),
            (TUESDAY[4] + minute, "Session 5: Keeping On"),
            (TUESDAY[4] + timedelta(days=7), "Reading finished"),
        ]
        for then, said in steps:
            clock.set(then)
            seen(said)
            settled(then)
        proc.stdin.write("/study status\n")
        proc.stdin.flush()
        seen("Next: nothing; every section of the course has been posted")
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    reading.join(timeout=10)
    shown = " ".join("".join(lines).replace("│", " ").split())  # text out of its boxes
    order = [
        "Session 1: Part One",
        "Session 2: Part Two",
        "Session 3: Part Three",
        "That was the last section of Three Parts. Next, Readers reads Next Steps by Study Circle, "
        "from Tue 22 Dec, 19:00 (Europe/Berlin), starting with “Reading Together”.",
        "Session 4: Reading Together",
        "Next Steps by Study Circle, section 1 of 2, reading 2 of 2.",
        "Session 5: Keeping On",
        "That was the last section of Next Steps: every reading of the course has been read.",
        "Course: 2 readings, 5 of 5 sections posted",
        "Next: nothing; every section of the course has been posted",
    ]
    places = [shown.find(needle) for needle in order]
    assert -1 not in places, [n for n, p in zip(order, places, strict=True) if p == -1]
    assert places == sorted(places)
