"""A session's text as one reader sees it: its sections and prompts in their language where
the reading carries a translation. The store keeps each prompt once, in the reading's own
words; a response names the prompt by number, so answers to one prompt are pooled whatever
language it was shown in."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.config.model import Group
from bot.readings.course import Step, session_step
from bot.services import Services
from bot.storage import PromptRow, Session


def prompts_in(step: Step, rows: Sequence[PromptRow], code: str | None) -> list[PromptRow]:
    """`rows` with their text in `code`'s language where `step` translates it. A prompt is
    translated only while the reading still has, at its place, the prompt the session stored
    (a reading edited since the session opened keeps the stored words)."""
    original = step.prompts
    shown = step.in_language(code).prompts
    if not code or shown == original:
        return list(rows)
    return [
        dataclasses.replace(row, text=shown[row.number - 1])
        if 0 < row.number <= len(original) and original[row.number - 1] == row.text
        else row
        for row in rows
    ]


def session_step_in(services: Services, group: Group, session: Session, code: str | None) -> Step:
    """What `session` read, in `code`'s language where the reading has it."""
    return session_step(services.config.readings_for(group), session).in_language(code)


async def session_prompts(
    services: Services, group: Group, session: Session, code: str | None
) -> list[PromptRow]:
    """The session's prompts, in `code`'s language where the reading has them."""
    step = session_step(services.config.readings_for(group), session)
    return prompts_in(step, await services.storage.prompts(session.id), code)
