"""Who may reach a group, and who may run its admin commands, decided by the group alone.

A DM reaches only the member's own groups (and, for admin commands, the groups they are an admin
of); admin rights come from the group's `admins` list and the platform's judgement of the
member's rights in the group's own room, never from the room where a command was typed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import dispatch
from bot.commands.context import CommandContext
from bot.commands.spec import COMMANDS
from bot.core.events import Origin, ReplyReceived
from bot.core.messages import Message, MessageKind
from bot.testing import Harness, make_harness, member
from tests.conftest import START

CONFIG = """
storage: data/test.db
readings_dir: readings
rate_limit: {commands: 10000}
groups:
  - id: alpha
    name: Alpha
    platform: console
    room: room-a
    timezone: Europe/Berlin
    reading: three-parts
    start: 2026-12-01
    cadence: {weekly: [tue], at: "19:00"}
    admins: [alice]
  - id: beta
    name: Beta
    platform: console
    room: room-b
    timezone: Europe/Berlin
    reading: three-parts
    start: 2026-12-01
    cadence: {weekly: [tue], at: "19:00"}
    admins: []
  - id: gamma
    name: Gamma
    platform: console
    room: room-b
    timezone: Europe/Berlin
    reading: three-parts
    start: 2026-12-01
    cadence: {weekly: [tue], at: "19:00"}
    admins: [dora]
"""
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
ROOMS = {"alpha": "room-a", "beta": "room-b", "gamma": "room-b"}
LOUNGE = "lounge"  # a room where no group meets
ALICE, BOB, CARL, DORA = (member(n) for n in ("Alice", "Bob", "Carl", "Dora"))
PEOPLE = {p.user_id: p for p in (ALICE, BOB, CARL, DORA)}
# bob moderates room-b on the platform; carl holds every right in the lounge and in his DM
PLATFORM_ADMINS = {("bob", "room-b"), ("carl", LOUNGE), ("carl", "dm-carl")}
MEMBERS = {"alice": {"alpha"}, "carl": {"beta"}, "bob": set(), "dora": set()}
ADMIN_COMMANDS = [spec.name for spec in COMMANDS if spec.admin]


def admin_of(user: str, group: str) -> bool:
    """The truth the property checks against: the group's list, or rights in its own room."""
    listed = {"alpha": {"alice"}, "beta": set(), "gamma": {"dora"}}[group]
    return user in listed or (user, ROOMS[group]) in PLATFORM_ADMINS


async def started(write_config: Callable[[str], Path]) -> Harness:
    h = await make_harness(write_config(CONFIG), start=START)
    h.platform.admins |= PLATFORM_ADMINS
    for user, groups in MEMBERS.items():
        for group in groups:
            await h.command(f"join --group {group}", member=PEOPLE[user], room=ROOMS[group])
    return h


@pytest.fixture
async def h(write_config: Callable[[str], Path]) -> AsyncIterator[Harness]:
    harness = await started(write_config)
    yield harness
    await harness.close()


async def test_a_dm_reaches_only_the_members_own_groups(h: Harness) -> None:
    await h.advance_to(OPENS + timedelta(minutes=1))
    for text in (
        "now --group alpha",
        "respond --group alpha 1 let me in",
        "responses --group alpha",
    ):
        answer = await h.command(text, member=BOB, direct=True)
        assert "You are not a member of `alpha`" in answer, text
    bob = await h.storage.find_member("console", "bob")
    assert bob is not None and not await h.storage.is_member("alpha", bob.id)
    assert "not a member of any group" in await h.command("now", member=BOB, direct=True)
    # alice is a member: her DM reaches her group, named or not
    assert "Part One" in await h.command("now", member=ALICE, direct=True)
    assert "Part One" in await h.command("now --group alpha", member=ALICE, direct=True)
    # joining happens in the group's room
    assert "not a member" in await h.command("join --group beta", member=BOB, direct=True)


async def test_a_reply_counts_only_in_the_sessions_own_room(h: Harness) -> None:
    await h.advance_to(OPENS + timedelta(minutes=1))
    prompt = next(
        s.posted
        for s in h.platform.posts(MessageKind.PROMPT)
        if s.posted is not None and s.posted.room == "room-a"
    )
    for n, origin in enumerate(
        [
            Origin(platform="console", room="dm-alice", is_direct=True, message_id="x1"),
            Origin(platform="console", room=LOUNGE, message_id="x2"),
            Origin(platform="console", room="room-b", message_id="x3"),
        ]
    ):
        await h.send(
            ReplyReceived(
                origin=origin, member=ALICE, in_reply_to=prompt.message_id, text=f"reply {n}"
            )
        )
    assert "not responded" in await h.command("mine --group alpha", member=ALICE, room="room-a")
    await h.reply_to(prompt.message_id, "in the room", member=ALICE, own_id="ok")
    assert "in the room" in await h.command("mine --group alpha", member=ALICE, room="room-a")


async def test_rights_held_where_a_command_is_typed_grant_nothing(h: Harness) -> None:
    # carl holds every right in his DM and the lounge, and is a member of beta: no admin
    for room, direct in ((LOUNGE, False), ("dm-carl", True)):
        for name in ADMIN_COMMANDS:
            args = " csv" if name == "export" else ""
            answer = await h.command(
                f"{name} --group beta{args}", member=CARL, room=room, direct=direct
            )
            assert "is for the admins of Beta" in answer, (room, name, answer)
    # bob moderates beta's room: from a DM he may run its admin commands, naming it
    assert "Beta" in await h.command("status --group beta", member=BOB, direct=True)
    assert "not a member of `alpha`" in await h.command(
        "status --group alpha", member=BOB, direct=True
    )


Try = tuple[str, str, str, str | None]  # (command, origin room, member, --group)
TRIES = st.tuples(
    st.sampled_from(ADMIN_COMMANDS),
    st.sampled_from(["room-a", "room-b", LOUNGE, "dm"]),
    st.sampled_from(sorted(PEOPLE)),
    st.sampled_from(["alpha", "beta", "gamma", None]),
)


@given(st.lists(TRIES, min_size=1, max_size=25))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_an_admin_command_runs_only_for_an_admin_of_its_group(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tries: list[Try]
) -> None:
    ran: list[tuple[str, str, str]] = []

    def recorder(name: str) -> dispatch.Handler:
        async def run(ctx: CommandContext) -> Message:
            ran.append((name, ctx.ref.user_id, ctx.need_group().id))
            return Message(kind=MessageKind.REPLY, body=f"ran {name}")

        return run

    for name in ADMIN_COMMANDS:
        monkeypatch.setitem(dispatch.HANDLERS, name, recorder(name))

    async def scenario() -> None:
        h = await started(write_config)
        try:
            for name, room, user, group in tries:
                direct = room == "dm"
                where = f"dm-{user}" if direct else room
                text = f"{name} --group {group}" if group else name
                before = len(ran)
                await h.command(text, member=PEOPLE[user], room=where, direct=direct)
                done = ran[before:]
                for _, who, acted_on in done:
                    assert admin_of(who, acted_on), (name, room, user, group)
                expected = _should_run(user, where, direct, group)
                if expected is not None:
                    assert [g for _, _, g in done] == [expected], (name, room, user, group, done)
                elif group is not None:
                    assert done == [], (name, room, user, group, done)
        finally:
            await h.close()

    asyncio.run(scenario())


def _should_run(user: str, room: str, direct: bool, group: str | None) -> str | None:
    """The group an admin command acts on, when it must run; None when it must not."""
    if group is None:
        here = [g for g, r in ROOMS.items() if r == room and not direct]
        if not here:  # a DM or the lounge: the member's own group, if exactly one
            here = sorted(MEMBERS[user])
        if len(here) != 1:
            return None
        group = here[0]
    elif not direct and room != ROOMS[group] and room in ROOMS.values():
        return None  # typed in another group's room
    return group if admin_of(user, group) else None
