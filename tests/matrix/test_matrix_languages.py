"""Readings in several languages on Matrix (a real Synapse): the room reads the group's
language, a member's `now` their own (Matrix tells no client locale: their choice, else the
group's), and answers to one prompt are pooled across languages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from matrix_members import BotFactory
from study_on_matrix import SESSION, Circle, body_of, make_circle

from tests.bilingual import ENGLISH, READING_ID, SPANISH, write_reading


@pytest.fixture
async def circle(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Circle]:
    made = await make_circle(bot, members, tmp_path, e2e=False)
    yield made
    await made.study.stop()


async def _read_bilingual(circle: Circle, language: str) -> None:
    """The room's moderator switches the group to the bilingual reading, in `language`."""
    write_reading(circle.config.parent / "readings")
    text = circle.config.read_text(encoding="utf-8")
    text = text.replace("reading: three-parts", f"reading: {READING_ID}")
    text = text.replace("admins: []", f"admins: []\n    language: {language}")
    circle.config.write_text(text, encoding="utf-8")
    await circle.ask(circle.ana, "!study reload", "reloaded")


async def _open(circle: Circle) -> None:
    await circle.study.advance(SESSION - circle.study.clock.now() + timedelta(minutes=1))


async def test_on_matrix_a_spanish_reader_in_an_english_group(circle: Circle) -> None:
    bea, carl, room = circle.bea, circle.carl, circle.room
    await _read_bilingual(circle, "en")
    await circle.ask(bea, "!study language es", "español")
    await circle.ask(bea, "!study join", "")
    await circle.ask(carl, "!study join", "Welcome")
    await _open(circle)
    section = await bea.wait_for(circle.said(ENGLISH[0], ENGLISH[1], room=room))
    assert not any(text in body_of(section) for text in SPANISH)
    await bea.wait_for(circle.said(ENGLISH[2], room=room))  # prompt 1, in the room's language

    now = await circle.ask(bea, "!study now", SPANISH[0])
    assert all(text in body_of(now) for text in SPANISH)
    assert ENGLISH[2] not in body_of(now)
    now = await circle.ask(carl, "!study now", ENGLISH[0])
    assert all(text in body_of(now) for text in ENGLISH)

    await circle.ask(bea, "!study respond 1 Que me esperan.", "1")
    await circle.ask(carl, "!study respond 1 The date.", "Saved")
    await circle.study.advance(timedelta(days=6, hours=1))
    summary = await bea.wait_for(circle.said("summary", room=room))
    [line] = [x for x in body_of(summary).splitlines() if "What keeps you coming back?" in x]
    assert "2 responses" in line  # one prompt, two languages, one pool


async def test_on_matrix_an_english_reader_in_a_spanish_group(circle: Circle) -> None:
    ana, bea, room = circle.ana, circle.bea, circle.room
    await _read_bilingual(circle, "es")
    await circle.ask(ana, "!study language en", "English")
    await circle.ask(bea, "!study join", "")
    await _open(circle)
    section = await bea.wait_for(circle.said(SPANISH[0], SPANISH[1], room=room))
    assert "The Fixed Hour" not in body_of(section)
    await bea.wait_for(circle.said(SPANISH[2], room=room))

    now = await circle.ask(ana, "!study now", ENGLISH[0])
    assert all(text in body_of(now) for text in ENGLISH) and "¿Qué" not in body_of(now)
    now = await circle.ask(bea, "!study now", SPANISH[0])  # no choice of hers: the group's
    assert all(text in body_of(now) for text in SPANISH)
