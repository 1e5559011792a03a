"""Shared fixtures: a config writer and a core harness on a fake clock."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.testing import Harness, make_harness

FIXTURES = Path(__file__).parent / "fixtures"

BASE_CONFIG = """
storage: data/test.db
readings_dir: readings
groups:
  - id: readers
    name: Readers
    platform: console
    timezone: Europe/Berlin
    reading: three-parts
    start: 2026-12-01
    cadence: {weekly: [tue], at: "19:00"}
    reminders: [24h, 1h]
    respond_for: 6d
    admins: [ana]
"""

# Monday 30 November 2026, 12:00 UTC: the day before the first session.
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[str], Path]:
    """Write a config (and the fixture readings beside it); returns its path."""
    readings = tmp_path / "readings"
    if not readings.exists():
        shutil.copytree(FIXTURES / "readings", readings)

    def write(text: str = BASE_CONFIG) -> Path:
        path = tmp_path / "config.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
async def harness(write_config: Callable[[str], Path]) -> AsyncIterator[Harness]:
    h = await make_harness(write_config(BASE_CONFIG), start=START)
    yield h
    await h.close()
