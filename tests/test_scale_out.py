"""Scale-out: choosing PostgreSQL, shards and platform ownership, several cores sharing one schedule, migrate-storage."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.shards import Shards, shard_of
from bot.cli.main import main
from bot.config.load import ConfigError, load_config
from bot.config.model import Config
from bot.core.clock import FakeClock
from bot.core.i18n import PSEUDO_OPEN
from bot.core.messages import MessageKind
from bot.runtime.ownership import deliverable_groups
from bot.storage import open_storage
from bot.storage.store import TABLES
from bot.testing import FakePlatform, Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START
from tests.postgres_server import PostgresServer
from tests.test_pseudo_locale import unwrapped

OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def many_groups(count: int, extra: str = "") -> str:
    groups = "".join(
        f"""
  - id: g{i:02d}
    name: Group {i}
    platform: console
    timezone: UTC
    reading: three-parts
    start: 2026-12-01
    cadence: {{weekly: [tue], at: "18:00"}}
    reminders: [1h]
    respond_for: 1d
"""
        for i in range(count)
    )
    return f"storage: data/test.db\nreadings_dir: readings\n{extra}groups:{groups}"


# -- config ---------------------------------------------------------------------------


def test_storage_from_an_environment_variable(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgresql://bot:s3cret@127.0.0.1:5432/studybot"
    monkeypatch.setenv("STUDYBOT_DATABASE_URL", url)
    config = load_config(
        write_config(
            BASE_CONFIG.replace("storage: data/test.db", "storage_env: STUDYBOT_DATABASE_URL")
        )
    )
    assert config.storage == url
    assert "s3cret" not in repr(config)
    assert config.data_dir == config.path.parent.resolve() / "data"


def test_storage_env_unset_or_doubled_is_refused(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STUDYBOT_DATABASE_URL", raising=False)
    with pytest.raises(ConfigError) as unset:
        load_config(
            write_config(
                BASE_CONFIG.replace("storage: data/test.db", "storage_env: STUDYBOT_DATABASE_URL")
            )
        )
    assert "STUDYBOT_DATABASE_URL" in str(unset.value) and "is not set" in str(unset.value)
    with pytest.raises(ConfigError) as both:
        load_config(write_config("storage_env: STUDYBOT_DATABASE_URL\n" + BASE_CONFIG))
    assert "not both" in str(both.value)


def test_a_postgresql_url_in_storage_is_kept_as_is(write_config: Callable[[str], Path]) -> None:
    config = load_config(
        write_config(
            BASE_CONFIG.replace("storage: data/test.db", "storage: postgresql://127.0.0.1/bot")
        )
    )
    assert config.storage == "postgresql://127.0.0.1/bot"


SHARDED = """
storage: data/test.db
readings_dir: readings
platforms:
  discord:
    token_env: T
    shard_count: 4
    shard_ids: [SHARDS]
groups:
  - id: near
    name: Near
    platform: discord
    channel: 11
    guild: GUILD_A
    reading: three-parts
    start: 2026-12-01
    cadence: {weekly: [tue], at: "18:00"}
  - id: far
    name: Far
    platform: discord
    channel: 12
    guild: GUILD_B
    reading: three-parts
    start: 2026-12-01
    cadence: {weekly: [tue], at: "18:00"}
"""


def running_shards(config: Config) -> dict[str, object]:
    """The Discord part a process with this config runs, as the core sees it."""
    settings = config.spec.platforms.discord
    assert settings is not None
    return {"discord": Shards(settings)}


def test_discord_groups_go_to_the_process_running_their_guilds_shard(
    write_config: Callable[[str], Path],
) -> None:
    a, b = (1 << 22) * 5, (1 << 22) * 6  # shards 1 and 2 of 4
    assert (shard_of(a, 4), shard_of(b, 4)) == (1, 2)
    text = SHARDED.replace("GUILD_A", str(a)).replace("GUILD_B", str(b))
    first = load_config(write_config(text.replace("SHARDS", "0, 1")))
    second = load_config(write_config(text.replace("SHARDS", "2, 3")))
    assert deliverable_groups(first, running_shards(first)) == ["near"]
    assert deliverable_groups(second, running_shards(second)) == ["far"]
    assert deliverable_groups(second, {"matrix": object()}) == []


def test_shard_settings_are_checked(write_config: Callable[[str], Path]) -> None:
    text = SHARDED.replace("GUILD_A", "1").replace("GUILD_B", "2")
    with pytest.raises(ConfigError) as wrong:
        load_config(write_config(text.replace("SHARDS", "4")))
    assert "outside 0..3" in str(wrong.value)
    with pytest.raises(ConfigError) as missing:
        load_config(write_config(text.replace("    guild: 2\n", "").replace("SHARDS", "0")))
    assert "needs `guild: <server id>`" in str(missing.value)


# -- several cores, one PostgreSQL schedule ---------------------------------------------


async def test_three_cores_sharing_postgresql_post_everything_exactly_once(
    write_config: Callable[[str], Path], postgres: PostgresServer
) -> None:
    config = write_config(many_groups(12, extra="claim_lease: 10m\n"))
    url = postgres.fresh_database()
    cores: list[Harness] = []
    for i in range(3):
        cores.append(
            await make_harness(config, start=START, storage_path=url, platform=FakePlatform())
        )
        cores[-1].circle.owner = f"core{i}/1"
        cores[-1].circle.claim_batch = 1  # interleave the three as much as possible
    # all three wake at every due moment together and race for the same actions
    target = OPENS + timedelta(days=8)
    while True:
        due = await cores[0].circle.next_due()
        if due is None or due > target:
            break
        for core in cores:
            core.clock.set(max(due, core.clock.now()))
        await asyncio.gather(*(core.circle.run_due() for core in cores))
    keys = Counter(s.key for core in cores for s in core.platform.posts() if s.key)
    assert keys and set(keys.values()) == {1}
    sections = [s for core in cores for s in core.platform.posts(MessageKind.SECTION)]
    assert len(sections) == 12 * 2  # two weekly sessions per group in eight days
    busy = [core for core in cores if core.platform.posts()]
    assert len(busy) >= 2  # the work was shared, not done by one
    claims = await cores[0].storage.action_claims()
    assert {owner.split("/")[0] for owner, _ in claims.values() if owner} <= {
        "core0",
        "core1",
        "core2",
    }
    for core in cores:
        await core.close()


async def test_a_claim_left_by_a_dead_process_is_taken_over_after_its_lease(
    write_config: Callable[[str], Path], postgres: PostgresServer
) -> None:
    config = write_config(BASE_CONFIG)
    url = postgres.fresh_database()
    survivor = await make_harness(config, start=START, storage_path=url)
    await survivor.command("join", member=member("Ana"))
    await survivor.advance_to(OPENS - timedelta(minutes=1))  # the reminders went out
    # another process claimed the opening and died before finishing it
    dead = await survivor.storage.claim_due_actions(
        OPENS, owner="elsewhere:1/99-dead", lease=timedelta(minutes=5), groups=["readers"]
    )
    assert [a.kind for a in dead] == ["open"]
    await survivor.advance_to(OPENS + timedelta(minutes=1))
    assert survivor.platform.posts(MessageKind.SECTION) == []  # the lease still holds
    await survivor.advance_to(OPENS + timedelta(minutes=6))
    assert len(survivor.platform.posts(MessageKind.SECTION)) == 1
    assert len(survivor.platform.posts(MessageKind.PROMPT)) == 2
    await survivor.close()


class SlowPlatform(FakePlatform):
    """Holds the section post until the test lets it go (a send stuck behind rate limits)."""

    def __init__(self) -> None:
        super().__init__()
        self.stuck = asyncio.Event()
        self.go = asyncio.Event()

    async def post(self, room: str, message: Any, *, key: str, thread: str | None = None) -> Any:
        if message.kind == MessageKind.SECTION and not self.go.is_set():
            self.stuck.set()
            await self.go.wait()
        return await super().post(room, message, key=key, thread=thread)


class QuickClock(FakeClock):
    """A fake clock whose waits are short, so the lease renewal runs while the test moves time."""

    def real_seconds_until(self, moment: datetime) -> float:
        return 0.0


async def test_a_slow_action_renews_its_claim_and_is_not_taken_over(
    write_config: Callable[[str], Path], postgres: PostgresServer
) -> None:
    config = write_config(BASE_CONFIG)
    url = postgres.fresh_database()
    slow = SlowPlatform()
    first = await make_harness(config, start=START, storage_path=url, platform=slow)
    first.circle.clock = first.clock = QuickClock(OPENS)
    other = await make_harness(config, start=OPENS, storage_path=url)
    renewed: list[datetime] = []  # the leases the first process's renewals asked for
    renewal = asyncio.Condition()
    renew = first.storage.renew_claim

    async def renew_and_tell(action_id: int, owner: str, lease_until: datetime) -> bool:
        kept = await renew(action_id, owner, lease_until)
        async with renewal:
            renewed.append(lease_until)
            renewal.notify_all()
        return kept

    first.storage.renew_claim = renew_and_tell  # type: ignore[method-assign]
    lease = first.circle.services.config.spec.claim_lease
    running = asyncio.create_task(first.circle.run_due())
    await asyncio.wait_for(slow.stuck.wait(), 10)
    # the send hangs for twice the lease; the renewals keep the claim with the first process
    for _ in range(10):
        now = first.clock.advance(timedelta(minutes=1))
        async with renewal:  # a renewal made at the new time, before the other one looks
            await asyncio.wait_for(
                renewal.wait_for(lambda now=now: any(u >= now + lease for u in renewed)), 60
            )
        other.clock.set(first.clock.now())
        await other.circle.run_due()
    assert other.platform.posts() == []
    slow.go.set()
    await asyncio.wait_for(running, 10)
    assert len(slow.posts(MessageKind.SECTION)) == 1 and len(slow.posts(MessageKind.PROMPT)) == 2
    await first.close()
    await other.close()


# -- migrate-storage ---------------------------------------------------------------------


async def test_migrate_storage_copies_sqlite_to_postgresql_keeping_ids(
    write_config: Callable[[str], Path], tmp_path: Path, postgres: PostgresServer
) -> None:
    sqlite_path = str(tmp_path / "old.db")
    h = await make_harness(write_config(BASE_CONFIG), start=START, storage_path=sqlite_path)
    for name in ("Ana", "Bea"):
        await h.command("join", member=member(name))
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 a thought worth keeping", member=member("Bea"))
    await h.advance_to(OPENS + timedelta(days=8))
    source = h.storage
    before = {t: [dict(r) for r in await source._all(f"SELECT * FROM {t}")] for t in TABLES}
    await h.close()
    url = postgres.fresh_database()

    assert await asyncio.to_thread(main, ["migrate-storage", sqlite_path, url]) == 0
    target = await open_storage(url)
    try:
        tables = await target._all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
        assert {r["table_name"] for r in tables} == {*TABLES, "schema_version"}
        for table in TABLES:
            after = [dict(r) for r in await target._all(f"SELECT * FROM {table}")]
            key = lambda row: sorted((k, str(v)) for k, v in row.items())  # noqa: E731
            assert sorted(map(key, after)) == sorted(map(key, before[table])), table
        assert before["responses"] and before["sessions"] and before["actions"]
        # new rows continue after the copied ids
        cal = await target.member(member("Cal"), START)
        assert cal.id == max(r["id"] for r in before["members"]) + 1
    finally:
        await target.close()

    # a second copy into the now non-empty target is refused, unless forced
    assert await asyncio.to_thread(main, ["migrate-storage", sqlite_path, url]) == 1
    assert await asyncio.to_thread(main, ["migrate-storage", sqlite_path, url, "--force"]) == 0

    # and back again, PostgreSQL to a new SQLite file: the same rows
    back = str(tmp_path / "back.db")
    assert await asyncio.to_thread(main, ["migrate-storage", url, back]) == 0
    returned = await open_storage(back)
    try:
        for table in TABLES:
            rows = [dict(r) for r in await returned._all(f"SELECT * FROM {table}")]
            assert len(rows) == len(before[table]), table
        assert await returned.count("responses") == len(before["responses"])
    finally:
        await returned.close()


def test_migrate_storage_reads_a_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("NOWHERE_URL", raising=False)
    assert main(["migrate-storage", str(tmp_path / "a.db"), "env:NOWHERE_URL"]) == 1
    assert "NOWHERE_URL is not set" in capsys.readouterr().err
    assert main(["migrate-storage", str(tmp_path / "missing.db"), str(tmp_path / "b.db")]) == 1
    assert "No SQLite database" in capsys.readouterr().err


def _store_with_members(path: Path, names: tuple[str, ...]) -> str:
    """An SQLite store holding one row per name (members, nothing else)."""

    async def make() -> None:
        storage = await open_storage(str(path))
        try:
            for name in names:
                await storage.member(member(name), START)
        finally:
            await storage.close()

    asyncio.run(make())
    return str(path)


_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")


def test_migrate_storage_speaks_spanish_with_real_plurals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    one = _store_with_members(tmp_path / "one.db", ("Ana",))
    two = _store_with_members(tmp_path / "two.db", ("Ana", "Bea"))
    assert main(["migrate-storage", one, str(tmp_path / "a.db"), "--lang", "es"]) == 0
    said = capsys.readouterr().out
    assert re.search(r"┃ tabla +┃ filas ┃", said), said
    assert re.search(r"│ members +│ +1 │", said), said
    assert "Se copió 1 fila en 19 tablas." in said
    assert main(["migrate-storage", two, str(tmp_path / "b.db"), "--lang", "es"]) == 0
    assert "Se copiaron 2 filas en 19 tablas." in capsys.readouterr().out
    # a target with rows is refused, in Spanish, until --force
    assert main(["migrate-storage", two, str(tmp_path / "a.db"), "--lang", "es"]) == 1
    assert (
        "No se hizo: el destino ya tiene filas en members; agrega --force para reemplazarlas."
        in " ".join(capsys.readouterr().err.split())
    )
    assert main(["migrate-storage", one, one, "--lang", "es"]) == 1
    assert "FROM y TO son el mismo almacenamiento." in capsys.readouterr().err
    missing = str(tmp_path / "nada.db")
    assert main(["migrate-storage", missing, str(tmp_path / "c.db"), "--lang", "es"]) == 1
    assert f"No hay ninguna base de datos SQLite en {missing}." in capsys.readouterr().err
    monkeypatch.delenv("NOWHERE_URL", raising=False)
    # LANG decides when --lang is not given
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "es_BO.UTF-8")
    assert main(["migrate-storage", one, "env:NOWHERE_URL"]) == 1
    assert "La variable de entorno NOWHERE_URL no está definida." in capsys.readouterr().err
    # the exception itself stays English, for logs and tracebacks
    from bot.core.i18n import resolve
    from bot.storage.transfer import TargetNotEmpty

    refused = TargetNotEmpty(
        "the target already has rows in {table}; pass --force to replace them", table="members"
    )
    assert str(refused) == "the target already has rows in members; pass --force to replace them"
    assert refused.say(resolve("pt_BR")).startswith("o destino já tem linhas em members")


def _studybot(*argv: str) -> tuple[int, str]:
    """The real command in its own process, wide so that rich never wraps a line; what it
    printed, without the log's lines (those are for the operator, in English)."""
    env = {k: v for k, v in os.environ.items() if k != "NOWHERE_URL_XA"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "COLUMNS": "2000", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    said = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and not _LOG_LINE.match(line)
    ]
    return done.returncode, "\n".join(said)


def test_every_line_of_migrate_storage_goes_through_the_catalog(tmp_path: Path) -> None:
    one = _store_with_members(tmp_path / "one.db", ("Ana",))
    target = str(tmp_path / "target.db")
    runs = [
        (0, (one, target)),
        (1, (one, target)),  # refused: the target has rows now
        (1, (one, one)),
        (1, (str(tmp_path / "no.db"), target)),
        (1, (one, "env:NOWHERE_URL_XA")),
    ]
    lines: list[str] = []
    for code, (source, to) in runs:
        returned, said = _studybot("migrate-storage", source, to, "--lang", "en_XA")
        assert returned == code, said
        assert said, (source, to)
        lines += said.splitlines()
    assert any(PSEUDO_OPEN in line for line in lines), lines
    # pure data: the table's title (FROM → TO), its borders, and a table name with its count
    data = re.compile(r"^\s*(\S+ → \S+|[━─┏┓┗┛┡┩└┘┳┻╇┴ ]+|│ [a-z_]+ +│ +\d+ │)\s*$")
    content = [one, target, str(tmp_path / "no.db"), "NOWHERE_URL_XA", "members", "--force"]
    shown = [line for line in lines if not data.match(line)]
    assert unwrapped(shown, content) == [], unwrapped(shown, content)
    # the table's header is wrapped cell by cell
    assert any(line.count(PSEUDO_OPEN) == 2 and "┃" in line for line in shown), shown


def test_run_refuses_a_platform_no_group_uses(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(BASE_CONFIG)
    assert main(["run", "--config", str(config), "--platform", "matrix"]) == 1
    assert "no group uses it" in capsys.readouterr().err


def test_run_says_when_postgresql_cannot_be_reached(
    write_config: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.postgres_server import free_port

    url = f"postgresql://bot:s3cret@127.0.0.1:{free_port()}/none"
    monkeypatch.setenv("STUDYBOT_DATABASE_URL", url)
    config = write_config(
        BASE_CONFIG.replace("storage: data/test.db", "storage_env: STUDYBOT_DATABASE_URL")
    )
    assert main(["run", "--config", str(config)]) == 1
    said = capsys.readouterr().err
    assert "Could not open the storage at postgresql://bot:***@127.0.0.1" in said
    assert "s3cret" not in said
