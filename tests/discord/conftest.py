"""Fixtures: one loopback Discord stand-in per test session, and a connected adapter per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from discord_harness import TOKEN_ENV, Connected, RecordingCore, make_platform
from discord_spec import available, problems_in
from discord_standin import FakeDiscord


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def discord_server() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.close()


@pytest_asyncio.fixture(loop_scope="session")
async def fake(discord_server: FakeDiscord) -> AsyncIterator[FakeDiscord]:
    """The stand-in, emptied; afterwards every request the bot made in the test (its adapter's
    shutdown included) is held against Discord's OpenAPI spec, and the test fails on a miss."""
    discord_server.reset()
    yield discord_server
    if not available():
        return
    if problems := problems_in(discord_server.requests):
        pytest.fail(
            "the bot sent Discord what its API spec does not allow:\n  " + "\n  ".join(problems),
            pytrace=False,
        )


@pytest_asyncio.fixture(loop_scope="session")
async def connected(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Connected]:
    monkeypatch.setenv(TOKEN_ENV, "test-token")
    platform = make_platform(fake, tmp_path)
    core = RecordingCore(platform=platform)
    await platform.start(core)
    yield Connected(platform, core)
    await platform.stop()
