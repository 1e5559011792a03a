"""Shared fixtures: a config writer, a core harness on a fake clock, and the storage backends.

Tests marked `backends` run once per storage engine (SQLite, and PostgreSQL on a server the
session starts on loopback); `--backends sqlite` runs them on SQLite only.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot.testing
from bot.storage import Storage, open_storage
from bot.testing import Harness, make_harness
from tests.postgres_server import PostgresServer

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


# -- storage backends -----------------------------------------------------------------

BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backends",
        default=",".join(BACKENDS),
        help="storage engines the `backends` tests run on (comma-separated: sqlite,postgresql)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "backends: run the test once per storage engine")


SERVERS_GROUP = "servers"  # the tests that use Synapse or PostgreSQL, kept on one xdist worker


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under `pytest -n 2`, every test that needs a server runs on the same worker, so that
    each server (Synapse, PostgreSQL) is still started once per run, and a test that restarts
    Synapse under its bot never pulls it from under a test on another worker."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("storage_backend") == (
            "postgresql"
        )
        fixtures = getattr(item, "fixturenames", ())
        if (
            on_postgres
            or "postgres" in fixtures
            or "synapse" in fixtures
            or "matrix" in Path(str(item.path)).parts
        ):
            item.add_marker(pytest.mark.xdist_group(SERVERS_GROUP))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("backends") is None:
        return
    chosen = [b for b in metafunc.config.getoption("--backends").split(",") if b in BACKENDS]
    metafunc.parametrize("storage_backend", chosen, indirect=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()  # also registered with atexit, for a run that dies


@pytest.fixture(autouse=True)
def storage_backend(request: pytest.FixtureRequest) -> str:
    """The engine this test runs on: "sqlite" unless the test is marked `backends`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def storage_at(
    storage_backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Callable[[str], str]:
    """Where a store named `name` lives on this test's engine (the same name, the same store)."""
    made: dict[str, str] = {}

    def at(name: str) -> str:
        if name not in made:
            if storage_backend == "postgresql":
                server: PostgresServer = request.getfixturevalue("postgres")
                made[name] = server.fresh_database()
            else:
                made[name] = name if name == ":memory:" else str(tmp_path / name)
        return made[name]

    return at


@pytest.fixture(autouse=True)
def _harness_on_backend(
    storage_backend: str, storage_at: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL, every store the core harness opens becomes a fresh database of its own."""
    if storage_backend != "postgresql":
        return

    async def open_on_postgres(location: str) -> Storage:
        return await open_storage(storage_at(location))

    monkeypatch.setattr(bot.testing, "open_storage", open_on_postgres)


@pytest.fixture
async def storage(storage_at: Callable[[str], str]) -> AsyncIterator[Storage]:
    """A fresh, migrated store on this test's engine."""
    store = await open_storage(storage_at(":memory:"))
    yield store
    await store.close()
