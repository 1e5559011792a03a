"""Discussing a passage on Matrix, against a real Synapse: quote by words, ambiguous words, and
a reply to the quotation in the session's thread joining its discussion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from matrix_members import BotFactory
from study_on_matrix import SESSION, Circle, body_of, make_circle, thread_of


async def answer(circle: Circle, member: Any, text: str, needle: str) -> Any:
    """`member` sends `text` in the room; the bot's answer holding `needle` (in the room or,
    for what is the member's alone, their direct room)."""
    mark = member.mark()
    await member.say(circle.room, text)
    return await member.wait_for(circle.said(needle), after=mark)


@pytest.fixture
async def circle(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Circle]:
    made = await make_circle(bot, members, tmp_path, e2e=False)
    yield made
    await made.study.stop()


async def test_a_passage_quoted_by_words_and_discussed_in_the_thread(circle: Circle) -> None:
    bea, carl, room = circle.bea, circle.carl, circle.room
    await circle.study.advance(SESSION - circle.study.clock.now())  # the session opens
    section = await bea.wait_for(circle.said("Part One", "fixed time", room=room))

    # a few words in two sentences: the bot asks which, and saves nothing
    several = await answer(circle, bea, '!study quote "a" which one?', "several sentences")
    assert "#1" in body_of(several) and "#2" in body_of(several)
    nothing = await answer(circle, bea, '!study quote "purple elephants" hmm', "No sentence")
    assert "purple elephants" in body_of(nothing)

    mark = bea.mark()
    await circle.ask(
        bea,
        '!study quote "meet at a fixed time" <b>Fixed</b> hours @room help.',
        "Saved your note 1",
    )
    quotation = await bea.wait_for(circle.said("on this passage", room=room), after=mark)
    assert thread_of(quotation) == section.event_id
    body = body_of(quotation)
    assert "The first part says that groups keep going when they meet at a fixed time." in body
    formatted = quotation.source["content"].get("formatted_body", "")
    assert "<blockquote>" in formatted and "&lt;b&gt;Fixed&lt;/b&gt;" in formatted
    assert "<b>Fixed</b>" not in formatted
    assert "m.mentions" not in quotation.source["content"] or not quotation.source["content"][
        "m.mentions"
    ].get("room")

    # a reply to the quotation, in the thread, joins the passage's discussion
    mark = carl.mark()
    await carl.say(
        room, "Tuesdays work for us.", thread=section.event_id, reply_to=quotation.event_id
    )
    ack = await carl.wait_for(circle.said("Added your reply", room=room), after=mark)
    assert thread_of(ack) == section.event_id
    listed = await answer(circle, carl, "!study passages", "Most-discussed passages")
    assert "fixed time" in body_of(listed) and "1 note, 1 reply" in body_of(listed)

    # the number the bot offered picks the other sentence
    await answer(circle, bea, "!study quote #2 A second thought.", "Saved your note 2")
    mine = await circle.ask(bea, "!study mine", "A second thought.", private=True)
    assert "Fixed" in body_of(mine)
