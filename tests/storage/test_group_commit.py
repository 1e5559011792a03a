"""SQLite group commit: blocks that queue up share a transaction, yet each is its own."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.engines.sqlite import SqliteDatabase, _on_thread


@pytest.fixture
async def table(tmp_path: Path) -> AsyncIterator[tuple[SqliteDatabase, Path]]:
    """An SQLite file with one table `t (x UNIQUE)`, and its path."""
    path = tmp_path / "group.db"
    db = SqliteDatabase(str(path))
    await db.open()
    try:
        async with db.transaction() as conn:
            await conn.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
        yield db, path
    finally:
        await db.close()


def committed(path: Path) -> list[int]:
    """What another process would read from the file right now."""
    con = sqlite3.connect(path)
    try:
        return sorted(x for (x,) in con.execute("SELECT x FROM t"))
    finally:
        con.close()


async def test_each_block_returns_after_its_commit_and_a_failure_stays_its_own(
    table: tuple[SqliteDatabase, Path],
) -> None:
    db, path = table

    async def write(x: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (x) VALUES (?)", (x,))
            await conn.execute("INSERT INTO t (x) VALUES (?)", (x + 1000,))
            if x == 7:
                raise ValueError("this block fails after writing")
        # Acknowledged only once durable: another connection already sees both rows.
        assert {x, x + 1000} <= set(committed(path))

    results = await asyncio.gather(*(write(x) for x in range(40)), return_exceptions=True)
    assert isinstance(results[7], ValueError)
    assert [r for i, r in enumerate(results) if i != 7] == [None] * 39
    expected = sorted([x for x in range(40) if x != 7] + [x + 1000 for x in range(40) if x != 7])
    assert committed(path) == expected


async def test_a_constraint_error_in_a_shared_transaction_keeps_the_others(
    table: tuple[SqliteDatabase, Path],
) -> None:
    db, path = table

    async def write(x: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (x) VALUES (?)", (x,))

    # 5 twice: the second one violates UNIQUE inside whatever batch it lands in.
    results = await asyncio.gather(*(write(x) for x in [*range(10), 5]), return_exceptions=True)
    assert [type(r) for r in results].count(sqlite3.IntegrityError) == 1
    assert committed(path) == list(range(10))


async def test_write_units_share_one_trip_each_all_or_nothing_and_acknowledged_after_commit(
    table: tuple[SqliteDatabase, Path],
) -> None:
    db, path = table

    async def unit(x: int) -> list[int]:
        statements = [
            ("INSERT INTO t (x) VALUES (?) RETURNING x", (x,)),
            # unit 7 collides with itself on its second statement: it fails as a whole
            ("INSERT INTO t (x) VALUES (?) RETURNING x", (x if x == 7 else x + 1000,)),
        ]
        rows = await db.write(statements)
        assert {x, x + 1000} <= set(committed(path))  # durable before acknowledged
        return [r[0] for (r,) in rows]

    results = await asyncio.gather(*(unit(x) for x in range(60)), return_exceptions=True)
    assert isinstance(results[7], sqlite3.IntegrityError)
    assert [r for i, r in enumerate(results) if i != 7] == [
        [x, x + 1000] for x in range(60) if x != 7
    ]
    assert 7 not in committed(path)
    assert len(committed(path)) == 118


async def test_write_units_and_transactions_interleave(table: tuple[SqliteDatabase, Path]) -> None:
    db, path = table

    async def block(x: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (x) VALUES (?)", (x,))

    async def unit(x: int) -> None:
        await db.write([("INSERT INTO t (x) VALUES (?)", (x,))])

    await asyncio.gather(*(block(x) if x % 2 else unit(x) for x in range(50)))
    assert committed(path) == list(range(50))
    generation = db.generation
    await db.write([("INSERT INTO t (x) VALUES (?)", (100,))], changes_lookups=False)
    assert db.generation == generation  # promised to touch no cached row
    await unit(101)
    assert db.generation > generation


def test_aiosqlite_still_has_the_internals_write_units_use() -> None:
    import aiosqlite

    # bot/storage/engines/sqlite.py `_on_thread`: one trip for a whole unit needs these
    assert callable(getattr(aiosqlite.Connection, "_execute", None))
    assert isinstance(getattr(aiosqlite.Connection, "_conn", None), property)
    # ... and it queues its work as `_execute` does: a (future, function) pair on `_tx`
    source = inspect.getsource(aiosqlite.Connection._execute)
    assert "self._running" in source and "self._tx.put_nowait((future, function))" in source


async def test_work_on_the_thread_resolves_and_a_closed_connection_refuses_it(
    tmp_path: Path,
) -> None:
    import aiosqlite

    db = await aiosqlite.connect(tmp_path / "t.db")
    assert await _on_thread(db, lambda conn: conn.execute("SELECT 41 + 1").fetchone()) == (42,)
    with pytest.raises(ZeroDivisionError):
        await _on_thread(db, lambda conn: 1 // 0)
    await db.close()
    with pytest.raises(ValueError):
        _on_thread(db, lambda conn: None)


async def test_a_write_unit_inside_a_transaction_joins_it(
    table: tuple[SqliteDatabase, Path],
) -> None:
    db, path = table
    with contextlib.suppress(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (x) VALUES (1)")
            [[row]] = await db.write([("INSERT INTO t (x) VALUES (2) RETURNING x", ())])
            assert row[0] == 2
            with contextlib.suppress(sqlite3.IntegrityError):
                await db.write([("INSERT INTO t (x) VALUES (1)", ())])  # undone alone
            raise RuntimeError("the whole transaction fails")
    assert committed(path) == []  # the unit was part of the rolled-back transaction
    async with db.transaction() as conn:
        await db.write([("INSERT INTO t (x) VALUES (3)", ())])
    assert committed(path) == [3]


async def test_a_write_cancelled_at_any_point_leaves_no_unretrieved_error(
    table: tuple[SqliteDatabase, Path],
) -> None:
    """A stop cancels writers wherever they are, the COMMIT included; no future they leave
    behind may hold an error nobody reads (asyncio logs those as "never retrieved")."""
    import gc

    db, _ = table
    loop = asyncio.get_running_loop()
    reported: list[str] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context["message"]))

    async def block(x: int) -> None:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t (x) VALUES (?)", (x,))

    async def unit(x: int) -> None:
        await db.write([("INSERT INTO t (x) VALUES (?)", (x,))])

    try:
        x = 0
        for delay in range(12):
            for make in (block, unit):
                tasks = [asyncio.create_task(make(x + i)) for i in range(4)]
                x += 4
                for _ in range(delay):
                    await asyncio.sleep(0)
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        # whatever was left running finishes, then every dropped future is collected
        await block(10_000)
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert reported == []
