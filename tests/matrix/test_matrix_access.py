"""Who may reach a group and run its admin commands from a direct message, on a real Synapse.

A DM is no authority on a group: in a DM the member opened with `trusted_private_chat` they hold
power level 100, and that must count for nothing. Rights come from the group's own room."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import nio
import pytest
from matrix_members import BotFactory, Member, membership
from study_on_matrix import Circle, body_of, make_circle

from bot.commands.spec import COMMANDS

ADMIN_COMMANDS = [spec.name for spec in COMMANDS if spec.admin]
ARGS = {"export": " json"}  # what an admin command needs besides `--group`
REFUSED = ("is for the admins of Readers", "You are not a member of readers")


@pytest.fixture
async def circle(bot: BotFactory, members: Any, tmp_path: Path) -> AsyncIterator[Circle]:
    made = await make_circle(bot, members, tmp_path, e2e=False)
    yield made
    await made.study.stop()


def answer_to(bot_user: str, room: str, command_id: str) -> Any:
    """The bot's message in `room` that answers the event `command_id`."""

    def test(room_id: str, event: Any) -> bool:
        if room_id != room or not isinstance(event, nio.RoomMessage) or event.sender != bot_user:
            return False
        relation = event.source.get("content", {}).get("m.relates_to", {})
        replied = relation.get("m.in_reply_to", {}).get("event_id")
        return command_id in (replied, relation.get("event_id"))

    return test


async def command_in(circle: Circle, member: Member, room: str, text: str) -> Any:
    mark = member.mark()
    sent = await member.say(room, text)
    return await member.wait_for(answer_to(circle.bot.user_id, room, sent), after=mark)


async def dm_the_bot_opened(circle: Circle, member: Member) -> str:
    """The DM the bot opens to hand `member` something private (their own export)."""
    mark = member.mark()
    await member.say(circle.room, "!study export-mine")
    export = await member.wait_for(
        lambda r, e: isinstance(e, nio.RoomMessageFile) and r != circle.room, after=mark
    )
    return str(next(r for r, e in member.events[mark:] if e is export))


async def dm_they_opened(circle: Circle, member: Member) -> str:
    """A "start chat" from the member's client: they hold power level 100 in it."""
    room = member.create_room(
        invite=(circle.bot.user_id,), is_direct=True, preset="trusted_private_chat"
    )
    await member.wait_for(membership(room, circle.bot.user_id, "join"))
    return room


async def direct_rooms_once(
    bot: BotFactory, test: Callable[[dict[str, Any]], bool], within: float = 60.0
) -> dict[str, Any]:
    """The bot's `m.direct` account data, once it passes `test`. The bot writes it after it
    has joined, so a read straight after the join may come too early; poll until it is there."""
    path = f"/_matrix/client/v3/user/{quote(bot.user_id)}/account_data/m.direct"
    deadline = time.monotonic() + within
    while True:
        try:
            direct = bot.server.request("GET", path, token=bot.account.access_token)
        except RuntimeError as exc:  # a 404 until the bot first writes it
            if ": 404 " not in str(exc):
                raise
            direct = {}
        if test(direct):
            return dict(direct)
        assert time.monotonic() < deadline, f"m.direct never passed the test: {direct}"
        await asyncio.sleep(0.1)


def power_of(member: Member, room: str, user_id: str) -> int:
    levels = member.server.request(
        "GET",
        f"/_matrix/client/v3/rooms/{quote(room)}/state/m.room.power_levels",
        token=member.account.access_token,
    )
    return int(levels.get("users", {}).get(user_id, levels.get("users_default", 0)))


def raise_power(circle: Circle, user_id: str, level: int) -> None:
    """ana, the group room's creator, makes `user_id` a moderator there."""
    path = f"/_matrix/client/v3/rooms/{quote(circle.room)}/state/m.room.power_levels"
    token = circle.ana.account.access_token
    levels = circle.ana.server.request("GET", path, token=token)
    levels.setdefault("users", {})[user_id] = level
    circle.ana.server.request("PUT", path, levels, token=token)


async def test_no_admin_command_runs_from_any_dm_for_a_non_admin(circle: Circle) -> None:
    carl, bea = circle.carl, circle.bea
    await command_in(circle, carl, circle.room, "!study join")  # carl is a member; bea is not
    dms = [
        (carl, await dm_the_bot_opened(circle, carl)),
        (carl, await dm_they_opened(circle, carl)),
        (bea, await dm_the_bot_opened(circle, bea)),
        (bea, await dm_they_opened(circle, bea)),
    ]
    # the bot's DM gives the member no power (in their own, they are its creator)
    assert power_of(carl, dms[0][1], carl.user_id) == 0
    marks = {id(m): m.mark() for m, _ in dms}
    for member, dm in dms:
        for name in ADMIN_COMMANDS:
            text = f"!study {name} --group readers{ARGS.get(name, '')}"
            answer = body_of(await command_in(circle, member, dm, text))
            assert any(words in answer for words in REFUSED), (member.user_id, name, answer)
    for member, _ in dms:
        files = [
            e for _, e in member.events[marks[id(member)] :] if isinstance(e, nio.RoomMessageFile)
        ]
        assert files == [], "an admin command handed over a file"
    app = circle.study.app
    assert app is not None
    assert await app.circle.storage.open_session("readers") is None  # post-now did nothing
    assert await app.circle.storage.latest_session("readers") is None


async def test_a_moderator_of_the_group_room_runs_admin_commands_from_a_dm(
    circle: Circle, members: Any
) -> None:
    dan = await members("dan")
    circle.ana.invite(circle.room, dan.user_id)
    dan.join(circle.room)
    raise_power(circle, dan.user_id, 50)
    await circle.ana.wait_for(
        lambda r, e: (
            r == circle.room
            and isinstance(e, nio.PowerLevelsEvent)
            and e.power_levels.get_user_level(dan.user_id) == 50
        )
    )
    dm = await dm_they_opened(circle, dan)  # dan never joined the group: a moderator only
    opened = await command_in(circle, dan, dm, "!study post-now --group readers")
    assert "Session 1 is open" in body_of(opened)
    status = await command_in(circle, dan, dm, "!study status --group readers")
    assert "Open: session 1" in body_of(status)
    mark = dan.mark()
    await dan.say(dm, "!study export --group readers json")
    await dan.wait_for(lambda r, e: r == dm and isinstance(e, nio.RoomMessageFile), after=mark)
    # what a member's DM may reach, it reaches without naming the group; dan has none
    alone = await command_in(circle, dan, dm, "!study status")
    assert "not a member of any group" in body_of(alone)


async def test_a_dm_reaches_only_the_members_own_groups(circle: Circle) -> None:
    carl, bea = circle.carl, circle.bea
    await command_in(circle, circle.ana, circle.room, "!study post-now")
    await command_in(circle, carl, circle.room, "!study join")
    bea_dm = await dm_they_opened(circle, bea)
    for text in [
        "!study now --group readers",
        "!study respond --group readers 1 let me in",
        "!study responses --group readers",
    ]:
        answer = body_of(await command_in(circle, bea, bea_dm, text))
        assert "You are not a member of readers" in answer, text
        assert "Part One" not in answer
    app = circle.study.app
    assert app is not None
    storage = app.circle.storage
    bea_row = await storage.find_member("matrix", bea.user_id)
    assert bea_row is None or not await storage.is_member("readers", bea_row.id)
    carl_dm = await dm_they_opened(circle, carl)
    assert "Part One" in body_of(await command_in(circle, carl, carl_dm, "!study now"))


async def test_a_direct_chat_from_a_group_room_member_is_accepted_and_recorded(
    circle: Circle, members: Any
) -> None:
    room = await dm_they_opened(circle, circle.bea)
    bot = circle.bot
    # the bot records the room in m.direct just after it joins: wait for that write to land
    direct = await direct_rooms_once(bot, lambda rooms: circle.bea.user_id in rooms)
    assert direct.get(circle.bea.user_id) == [room]
    # someone who shares no group room with the bot is declined
    stranger = await members("stranger")
    unknown = stranger.create_room(invite=(bot.user_id,), is_direct=True)
    await stranger.wait_for(membership(unknown, bot.user_id, "leave"))
