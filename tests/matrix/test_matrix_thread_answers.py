"""Lines typed straight into a session's thread on Matrix, and the quiet signs for edits and
redactions of responses: the real core and adapter on a real Synapse (issue 12, item 16)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import nio
import pytest
from matrix_members import BotFactory
from study_on_matrix import SESSION, Circle, body_of, bot_messages, make_circle, thread_of


@pytest.fixture
async def circle(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Circle]:
    made = await make_circle(bot, members, tmp_path, e2e=False)
    yield made
    await made.study.stop()


async def open_session(circle: Circle, number: int) -> Any:
    """Move the clock to session `number`'s opening; returns its section post (thread root)."""
    study = circle.study
    await study.advance(SESSION + timedelta(days=7 * (number - 1)) - study.clock.now())
    title = ("Part One", "Part Two", "Part Three")[number - 1]
    section = await circle.bea.wait_for(circle.said(f"Session {number}: {title}", room=circle.room))
    await circle.bea.wait_for(circle.said("Prompt 1", room=circle.room))
    return section


def reaction_to(event_id: str, key: str) -> Any:
    def test(room_id: str, event: Any) -> bool:
        return (
            isinstance(event, nio.ReactionEvent)
            and event.reacts_to == event_id
            and event.key == key
        )

    return test


async def test_a_line_in_a_thread_of_several_prompts_is_told_how_to_answer_once(
    circle: Circle,
) -> None:
    bea, room = circle.bea, circle.room
    await circle.ask(bea, "!study join", "Welcome")
    section = await open_session(circle, 1)
    await bea.wait_for(circle.said("Prompt 2", room=room))

    first = await bea.say(room, "I loved the first part.", thread=section.event_id)
    told = await bea.wait_for(circle.said("cannot tell which one", room=room))
    assert thread_of(told) == section.event_id
    assert "reply to the prompt's message, or use !study respond NUMBER your answer" in (
        body_of(told)
    )
    assert told.source["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == first

    await bea.say(room, "And the second paragraph.", thread=section.event_id)
    await circle.ask(bea, "!study mine", "not responded")  # both lines were taken, in order
    notices = [
        e
        for e in bot_messages(bea, room, circle.bot.user_id)
        if "cannot tell which" in e["content"]["body"]
    ]
    assert len(notices) == 1  # once a session, not once a line

    # a reply to another member's message in the thread is their conversation: no notice
    carl_line = await circle.carl.say(room, "Me too.", thread=section.event_id, reply_to=first)
    assert carl_line
    await circle.ask(circle.carl, "!study mine", "not responded")
    notices = [
        e
        for e in bot_messages(bea, room, circle.bot.user_id)
        if "cannot tell which" in e["content"]["body"]
    ]
    assert len(notices) == 1


async def test_a_line_in_a_thread_of_one_prompt_is_its_answer_and_edits_and_redactions_are_signed(
    circle: Circle,
) -> None:
    bea, room = circle.bea, circle.room
    await circle.ask(bea, "!study join", "Welcome")
    section = await open_session(circle, 2)  # Part Two has one prompt

    answer = await bea.say(room, "Shorter is better.", thread=section.event_id)
    ack = await bea.wait_for(circle.said("Saved your response to prompt 1", room=room))
    assert thread_of(ack) == section.event_id
    await circle.ask(bea, "!study mine", "Shorter is better.", private=True)

    await bea.edit(room, answer, "Shorter is much better.")
    await bea.wait_for(reaction_to(answer, "✏️"))
    await circle.ask(bea, "!study mine", "Shorter is much better.", private=True)

    await bea.redact(room, answer)
    await bea.wait_for(reaction_to(answer, "🗑️"))
    await circle.ask(bea, "!study mine", "not responded")
