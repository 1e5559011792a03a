"""Fixtures: one Synapse per test run, fresh accounts and rooms per test."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from matrix_members import BotFactory, Member
from synapse_server import Synapse

_names = itertools.count(1)


@pytest.fixture(scope="session")
def synapse() -> Iterator[Synapse]:
    server = Synapse()
    try:
        server.start()
        yield server
    finally:
        server.close()  # also registered with atexit, for a run that dies


@pytest.fixture
async def members(
    synapse: Synapse, tmp_path: Path
) -> AsyncIterator[Callable[..., Awaitable[Member]]]:
    made: list[Member] = []

    async def make(name: str = "member", *, e2e: bool = False, start: bool = True) -> Member:
        account = synapse.register(f"{name}-{next(_names)}-{os.getpid()}")
        member = Member(synapse, account, tmp_path / "members" / account.user_id, e2e=e2e)
        made.append(member)
        if start:
            await member.start()
        return member

    yield make
    for member in made:
        await member.close()


@pytest.fixture
async def bot(
    synapse: Synapse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotFactory]:
    factory = BotFactory(synapse, tmp_path / "data", monkeypatch)
    yield factory
    await factory.stop_all()
