"""Text Matrix's JSON can carry but a database cannot store, through a real Synapse: a NUL
(the escape \\u0000), which PostgreSQL refuses, in a member's display name and messages.

(Synapse 1.163 itself answers 500 to a lone surrogate such as \\ud800, so one cannot arrive
from it; the core's inbox cleans those too, as the Discord and console tests show.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from matrix_members import BotFactory
from study_on_matrix import SESSION, Circle, make_circle

from bot.storage import open_storage
from tests.postgres_server import PostgresServer


@pytest.fixture
async def circle(
    bot: BotFactory, members: Any, tmp_path: Path, postgres: PostgresServer
) -> AsyncIterator[Circle]:
    made = await make_circle(bot, members, tmp_path, e2e=False)
    # the same bot again, on PostgreSQL
    await made.study.stop()
    url = postgres.fresh_database()
    text = made.config.read_text(encoding="utf-8")
    made.config.write_text(text.replace("data/study.db", url), encoding="utf-8")
    await made.study.start()
    yield made
    await made.study.stop()


async def test_a_nul_in_a_name_and_in_messages_is_cleaned_not_fatal(circle: Circle) -> None:
    bea, room = circle.bea, circle.room
    token = bea.account.access_token
    bea.server.request(
        "PUT",
        f"/_matrix/client/v3/rooms/{quote(room)}/state/m.room.member/{quote(bea.user_id)}",
        {"membership": "join", "displayname": "Be\u0000a"},
        token=token,
    )
    await circle.ask(bea, "!study help", "!study join")
    await circle.ask(bea, "!study join", "Welcome")
    await circle.study.advance(SESSION - circle.study.clock.now() + timedelta(minutes=1))
    await circle.ask(bea, "!study respond 1 nul\u0000 inside", "Saved", "prompt 1")
    assert circle.study.app is not None
    storage = await open_storage(circle.study.app.config.storage)
    try:
        member = await storage.find_member("matrix", bea.user_id)
        assert member is not None and member.display_name == "Bea"
        session = await storage.open_session("readers")
        assert session is not None
        [response] = await storage.session_responses(session.id)
        assert response[0].text == "nul inside"
    finally:
        await storage.close()
