"""The pending actions a session's life is made of: opening, reminders, closing, and retention."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.config.model import Group
from bot.core.i18n import N_
from bot.core.records import Action
from bot.services import ActionKind, ActionKinds, Services
from bot.sessions import lifecycle

log = logging.getLogger(__name__)


async def _open(services: Services, group: Group, action: Action) -> None:
    await lifecycle.open_session(services, group, action.key)


async def _close(services: Services, group: Group, action: Action) -> None:
    session = await services.storage.open_session(group.id)
    if session is not None and session.opened_at == action.slot:
        await lifecycle.close_session(services, group, session)


async def _retention(services: Services, group: Group, action: Action) -> None:
    days = group.spec.retention_days
    if not days:
        return
    before = services.clock.now() - timedelta(days=days)
    # a minimal group keeps what members shared beyond it, as its expiry does
    removed = await services.storage.purge_responses(
        group.id, before, keep_public=group.spec.minimal
    )
    removed += await services.storage.purge_annotations(group.id, before)
    log.info(
        "group %s: retention removed %d responses and notes older than %d days",
        group.id,
        removed,
        days,
    )


def register(kinds: ActionKinds) -> None:
    """Add this module's action kinds to the runtime's table."""
    kinds["open"] = ActionKind(
        run=_open,
        missable=True,
        when_missed=lifecycle.report_missed,
        label=N_("the next session opens"),
    )
    kinds["remind"] = ActionKind(
        run=lifecycle.remind, missable=True, ends_with_course=True, label=N_("reminder")
    )
    kinds["close"] = ActionKind(run=_close, label=N_("the session closes"))
    kinds["retention"] = ActionKind(run=_retention, label=N_("old responses are removed"))
