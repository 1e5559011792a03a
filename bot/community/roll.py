"""Who is around in a group right now: its members, who is snoozed, and who was left alone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config.model import Group
from bot.core.records import Membership
from bot.services import Services
from bot.sessions.participation import snoozed_now


@dataclass(frozen=True, slots=True, kw_only=True)
class Roll:
    """The group's members right now, and who is resting: snoozed, or left alone after drifting."""

    members: list[Membership]
    snoozed: set[int]
    left_alone: set[int]

    def present(self) -> list[Membership]:
        return [
            m
            for m in self.members
            if m.member.id not in self.snoozed and m.member.id not in self.left_alone
        ]


async def roll(services: Services, group: Group) -> Roll:
    storage = services.storage
    members = await storage.memberships(group.id)
    snoozes = await storage.snoozes(group.id)
    notices = await storage.drift_notices(group.id)
    history = await storage.participation(group.id)
    left_alone: set[int] = set()
    for member_id, sent_at in notices.items():
        came_back = any(
            member_id in who and session.opened_at > sent_at for session, who in history
        )
        if not came_back:
            left_alone.add(member_id)
    return Roll(
        members=members, snoozed=snoozed_now(snoozes, services.clock.now()), left_alone=left_alone
    )
