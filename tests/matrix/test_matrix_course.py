"""A course of two readings on Matrix, changed mid-way by an admin: a real Synapse, the real
adapter and core on a fake clock (issue 14)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from matrix_members import BotFactory
from study_on_matrix import SESSION, Circle, body_of, make_circle

from tests.test_courses import NEXT_STEPS


def text_of(event: Any) -> str:
    """The plain body without its Markdown emphasis (the HTML body carries that)."""
    return body_of(event).replace("*", "")


@pytest.fixture
async def circle(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Circle]:
    made = await make_circle(bot, members, tmp_path, e2e=False)
    (made.config.parent / "readings" / "next-steps.yaml").write_text(NEXT_STEPS, "utf-8")
    yield made
    await made.study.stop()


async def test_a_course_changed_mid_way_reads_on_from_where_it_was(circle: Circle) -> None:
    ana, bea, room, study = circle.ana, circle.bea, circle.room, circle.study
    await circle.ask(bea, "!study join", "Welcome")
    await study.advance(SESSION - study.clock.now() + timedelta(minutes=1))
    await bea.wait_for(circle.said("Session 1: Part One", room=room))
    await circle.ask(bea, "!study respond 1 A fixed hour helps.", "Saved")

    # the room's moderator turns the group's one reading into a course, new reading first
    text = circle.config.read_text()
    circle.config.write_text(
        text.replace("reading: three-parts", "readings: [next-steps, three-parts]")
    )
    reloaded = await circle.ask(ana, "!study reload", "reloaded")
    assert (
        "Readers: next session Tue 8 Dec, 19:00 (Europe/Berlin): “Reading Together” from "
        "Next Steps (was “Part Two” from Three Parts)"
    ) in text_of(reloaded)
    now = await circle.ask(bea, "!study now", "Session 1", private=False)
    assert "fixed time" in text_of(now) and "Reading Together" not in text_of(now)
    status = await circle.ask(ana, "!study status", "sections posted")
    assert "Course: 2 readings, 1 of 5 sections posted" in text_of(status)

    mark = bea.mark()
    await study.advance(timedelta(days=7 * 3))  # Tue 8, 15 and 22 December
    for title in ("Session 2: Reading Together", "Session 3: Keeping On", "Session 4: Part Two"):
        await bea.wait_for(circle.said(title, room=room), after=mark)
    announced = await bea.wait_for(circle.said("Next, Readers reads", room=room), after=mark)
    assert "That was the last section of Next Steps." in text_of(announced)
    assert "starting with “Part Two”" in text_of(announced)

    await study.advance(timedelta(days=7 * 2))  # Tue 29 December, then its close
    await bea.wait_for(circle.said("Session 5: Part Three", room=room), after=mark)
    finished = await bea.wait_for(circle.said("every reading of the course", room=room))
    assert "last section of Three Parts" in text_of(finished)
    status = await circle.ask(ana, "!study status", "sections posted")
    assert "5 of 5 sections posted" in text_of(status)
