"""The SQLite engine (aiosqlite): one connection, one writer at a time, WAL.

The store's methods live in bot/storage (groups.py, sessions.py, responses.py, actions.py,
community.py); add new ones there, not here.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.engines.database import Connection, Params, Result, Row, Statement
from bot.storage.engines.uninterrupted import to_the_end

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)

# aiosqlite runs each connection on a thread of its own. A thread coming back from SQLite
# waits for the GIL until the busy event loop lets it go: up to CPython's switch interval,
# 5 ms by default, and every command waiting on that connection waits with it. Measured
# (bench/commands_load.py): respond p99 5.5 -> 3.7 ms, progress 11.5 -> 4.7 ms at 0.5 ms.
SWITCH_INTERVAL = 0.0005

GROUP_LIMIT = 256  # blocks in one group transaction at most (and units in one `write` trip)

T = TypeVar("T")
Unit = tuple[Statement, ...]
Outcome = list[list[Row]] | Exception


def _on_thread(
    db: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]
) -> asyncio.Future[T]:
    """Run `work` against the connection on aiosqlite's own thread, in one trip; the future
    resolves from that thread.

    aiosqlite's public methods make one trip per statement (about 50-100 us each way); a
    unit of several statements, or a batch of units, costs one trip this way. The work goes
    on aiosqlite's queue as its own `_execute` puts it there (a future and a function), but
    with no coroutine around it, so that waiting for it to the end (`to_the_end`) needs no
    task of its own: two turns of the event loop less for every trip. `_running`, `_tx` and
    `_conn` are what aiosqlite's own methods are built on (0.17 to 0.22); a test checks they
    are still there.
    """
    if not db._running:
        raise ValueError("Connection closed")  # as aiosqlite's `_execute` says it
    conn = db._conn  # ValueError when there is no connection
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    db._tx.put_nowait((future, partial(work, conn)))
    return future


def _rows_of(conn: sqlite3.Connection, statements: Iterable[Statement]) -> list[list[Row]]:
    """Each statement's rows, run in order on the connection's thread."""
    return [conn.execute(sql, params).fetchall() for sql, params in statements]


def _run_units(conn: sqlite3.Connection, units: Sequence[Unit]) -> list[Outcome]:
    """On the connection's thread: every unit, all in one transaction committed at the end.

    Units almost never fail, so they first run plainly; if one does, everything is rolled
    back and run again with a savepoint per unit, so that the failing one is undone alone
    and reported while the others still commit.
    """
    try:
        return _run_in_one_transaction(conn, units, savepoints=False)
    except Exception:
        return _run_in_one_transaction(conn, units, savepoints=True)


def _run_in_one_transaction(
    conn: sqlite3.Connection, units: Sequence[Unit], *, savepoints: bool
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    conn.execute("BEGIN IMMEDIATE")
    try:
        for unit in units:
            if not savepoints:
                outcomes.append(_rows_of(conn, unit))
                continue
            conn.execute("SAVEPOINT unit")
            try:
                outcomes.append(_rows_of(conn, unit))
            except Exception as exc:
                conn.execute("ROLLBACK TO unit")
                outcomes.append(exc)
            conn.execute("RELEASE unit")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return outcomes


def _read_all(conn: sqlite3.Connection, statements: Sequence[Statement]) -> list[list[Row]]:
    """On the connection's thread: every query, from one snapshot when none is open."""
    if conn.in_transaction:  # the writer, mid-transaction: its own view is the one to read
        return _rows_of(conn, statements)
    conn.execute("BEGIN")
    try:
        return _rows_of(conn, statements)
    finally:
        conn.execute("COMMIT")


class _SqliteConnection:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Params = ()) -> Result:
        # A write runs to completion in the one trip; its cursor holds nothing open, so it
        # is left to the garbage collector rather than closed with a second trip.
        cursor = await self._db.execute(sql, tuple(params))
        return Result(cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._db.executemany(sql, [tuple(r) for r in rows])

    # One trip to aiosqlite's thread per read (execute, fetch and close together), not three.

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._db.execute_fetchall(sql, tuple(params))
        return next(iter(rows), None)

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._db.execute_fetchall(sql, tuple(params)))

    async def control(self, sql: str) -> None:
        """BEGIN, COMMIT, SAVEPOINT and the like: one trip, no cursor to close after.

        It runs to its end even when the task is cancelled meanwhile (see `to_the_end`), so
        the transaction's state is always the one its code believes.
        """
        await to_the_end(self._db.execute_fetchall(sql))


async def _pragma(db: aiosqlite.Connection, pragma: str) -> None:
    # Switching a new file to WAL needs it alone for a moment: another process opening it
    # at the same time gets "database is locked" at once, without waiting out busy_timeout.
    for attempt in range(100):
        try:
            await db.execute(pragma)
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 99:
                raise
            await asyncio.sleep(0.05)


class SqliteDatabase:
    """An SQLite file (or `:memory:`); writes are serialised by `BEGIN IMMEDIATE` and a lock."""

    dialect = "sqlite"
    # BEGIN IMMEDIATE already makes the claiming transaction the only writer
    lock_rows = ""
    can_cache = True  # one process per file (the bot refuses to share one; see app.py)

    def __init__(self, path: str) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._write = asyncio.Lock()
        self._waiting = 0  # tasks queued for the write lock
        # The open group transaction: one future per block inside it, resolved at its COMMIT.
        self._batch: list[asyncio.Future[None]] | None = None
        self._committer: asyncio.Task[None] | None = None
        # Reads outside a transaction go to a second connection (a file in WAL mode has
        # room for readers beside the writer), so they never queue behind a writer's
        # statements; the task inside a transaction reads through the writer.
        self._reader: aiosqlite.Connection | None = None
        self._owner: asyncio.Task[Any] | None = None
        # `write` units waiting for the next trip, and the task that takes them there
        self._units: list[tuple[Unit, asyncio.Future[list[list[Row]]], bool]] = []
        self._unit_writer: asyncio.Task[None] | None = None
        self.generation = 0

    async def open(self) -> None:
        if sys.getswitchinterval() > SWITCH_INTERVAL:
            sys.setswitchinterval(SWITCH_INTERVAL)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self.path, isolation_level=None)
        db.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await _pragma(db, pragma)
        self._db = db
        if self.path != ":memory:":  # a second :memory: connection is another database
            reader = await aiosqlite.connect(self.path, isolation_level=None)
            reader.row_factory = aiosqlite.Row
            for pragma in (*PRAGMAS[2:], "PRAGMA query_only=ON"):
                await reader.execute(pragma)
            self._reader = reader

    async def close(self) -> None:
        if self._unit_writer is not None:
            await asyncio.gather(self._unit_writer, return_exceptions=True)
        if self._reader is not None:
            reader, self._reader = self._reader, None
            await reader.close()
        if self._db is not None:
            db, self._db = self._db, None
            async with self._write:
                await db.close()

    @property
    def _conn(self) -> _SqliteConnection:
        if self._db is None:
            raise RuntimeError("storage is not open")
        return _SqliteConnection(self._db)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A write block, committed before this returns (group commit under load).

        Blocks that queue up while one runs join its transaction, each in a savepoint of its
        own (an error rolls back that block alone), and the transaction commits once nobody
        is queued or `GROUP_LIMIT` blocks are in it. Every block still returns only after the
        COMMIT that holds it, so nothing is acknowledged before it is durable.
        """
        self._waiting += 1
        try:
            await self._write.acquire()
        finally:
            self._waiting -= 1
        committed: asyncio.Future[None] | None = None
        self._owner = asyncio.current_task()
        try:
            conn = self._conn
            joined = self._batch is not None
            await conn.control("SAVEPOINT block" if joined else "BEGIN IMMEDIATE")
            if not joined:
                self._batch = []
            try:
                yield conn
            except BaseException:
                if joined:
                    await conn.control("ROLLBACK TO block")
                    await conn.control("RELEASE block")
                else:
                    self._batch = None  # the first block: nothing else is in it yet
                    # reads through this connection (`:memory:`) may have seen its rows
                    self.generation += 1
                    await conn.control("ROLLBACK")
                raise
            # A block that succeeded leaves its savepoint on the stack: COMMIT ends them all,
            # and a later block's ROLLBACK TO reaches only its own (the innermost). One trip less.
            assert self._batch is not None
            committed = asyncio.get_running_loop().create_future()
            self._batch.append(committed)
        finally:
            self._owner = None
            try:
                if self._batch is not None:
                    if self._waiting == 0 or len(self._batch) >= GROUP_LIMIT:
                        try:
                            await self._commit()
                        except BaseException:
                            # raised here instead: its own future's copy is read, not left
                            own = committed
                            if own is not None and own.done() and not own.cancelled():
                                own.exception()
                            raise
                    elif self._committer is None:
                        # Commit after the queued blocks even if they give up waiting.
                        self._committer = asyncio.create_task(self._commit_later())
            finally:
                self._write.release()
        await committed

    async def _commit(self) -> None:
        batch, self._batch = self._batch or [], None
        try:
            await self._conn.control("COMMIT")
            self.generation += 1  # any row may have changed: cached reads start afresh
        except BaseException as exc:
            self.generation += 1
            with contextlib.suppress(Exception):
                await self._conn.control("ROLLBACK")
            for future in batch:
                if not future.done():
                    future.set_exception(exc)
            raise
        for future in batch:
            if not future.done():
                future.set_result(None)

    async def _commit_later(self) -> None:
        try:
            async with self._write:
                self._owner = asyncio.current_task()
                try:
                    if self._batch is not None:
                        await self._commit()
                finally:
                    self._owner = None
        finally:
            self._committer = None

    def in_transaction(self) -> bool:
        return self._owner is not None and asyncio.current_task() is self._owner

    async def write(
        self, statements: Sequence[Statement], *, changes_lookups: bool = True
    ) -> list[list[Row]]:
        """Queue a unit for the next trip: every unit waiting then goes in one transaction,
        run on aiosqlite's thread in one trip, and each caller returns after its COMMIT."""
        if self.in_transaction():
            # inside the caller's own transaction (which holds the writer): part of it, in a
            # savepoint, rather than queued behind it for ever
            conn = self._conn
            await conn.control("SAVEPOINT unit")
            try:
                rows = [await conn.all(sql, params) for sql, params in statements]
            except BaseException:
                await conn.control("ROLLBACK TO unit")
                await conn.control("RELEASE unit")
                raise
            await conn.control("RELEASE unit")
            return rows
        future: asyncio.Future[list[list[Row]]] = asyncio.get_running_loop().create_future()
        self._units.append((tuple(statements), future, changes_lookups))
        if self._unit_writer is None:
            self._unit_writer = asyncio.create_task(self._write_units())
        return await future

    async def _write_units(self) -> None:
        try:
            while self._units:
                async with self._write:
                    if self._batch is not None:
                        await self._commit()  # a group transaction waiting for its COMMIT
                    taken, self._units = self._units[:GROUP_LIMIT], self._units[GROUP_LIMIT:]
                    if self._db is None:
                        error: BaseException = RuntimeError("storage is not open")
                        for _, future, _ in taken:
                            if not future.done():
                                future.set_exception(error)
                        continue
                    try:
                        outcomes = await to_the_end(
                            _on_thread(
                                self._db,
                                partial(_run_units, units=[unit for unit, _, _ in taken]),
                            )
                        )
                    except BaseException as exc:
                        self.generation += 1
                        for _, future, _ in taken:
                            if not future.done():
                                future.set_exception(exc)
                        if not isinstance(exc, Exception):
                            raise
                        continue
                    if any(changes for _, _, changes in taken):
                        self.generation += 1
                    for (_, future, _), outcome in zip(taken, outcomes, strict=True):
                        if future.done():
                            continue
                        if isinstance(outcome, Exception):
                            future.set_exception(outcome)
                        else:
                            future.set_result(outcome)
                if self._units:
                    # Units queued while that trip ran: the callers just answered are about to
                    # queue theirs too. One turn of the loop lets them join, so that everyone
                    # waiting goes in one trip. Taken at once instead, the callers split into
                    # two groups taking turns for good (50 members: trips of 31 and 19 units,
                    # or 3 and 47), twice the trips, and aiosqlite's thread runs while the loop
                    # is busy, each waiting on the other for the GIL.
                    await asyncio.sleep(0)
        finally:
            self._unit_writer = None
            for _, future, _ in self._units:  # left behind only when this task was cancelled
                future.cancel()
            self._units.clear()

    @asynccontextmanager
    async def migrating(self) -> AsyncIterator[None]:
        # each migration re-checks the version inside its BEGIN IMMEDIATE transaction
        yield

    def _reading(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("storage is not open")
        if self._reader is None or asyncio.current_task() is self._owner:
            return self._db
        return self._reader

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        return await _SqliteConnection(self._reading()).one(sql, params)

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        return await _SqliteConnection(self._reading()).all(sql, params)

    async def read(self, statements: Sequence[Statement]) -> list[list[Row]]:
        queries = [(sql, tuple(params)) for sql, params in statements]
        return await _on_thread(self._reading(), partial(_read_all, statements=queries))

    async def stream(self, sql: str, params: Params = ()) -> AsyncIterator[Row]:
        async with self._reading().execute(sql, tuple(params)) as cursor:
            async for row in cursor:
                yield row

    def ddl(self, statement: str) -> str:
        return statement

    async def after_copy(self, conn: Connection, table: str) -> None:
        pass  # INTEGER PRIMARY KEY continues after the largest id by itself


__all__ = ["PRAGMAS", "SqliteDatabase"]
