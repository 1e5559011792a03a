"""The SQLite engine (aiosqlite): one connection, one writer at a time, WAL.

The store's methods live in bot/storage/store.py; add new ones there, not here.
`SqliteStorage` and `open_storage` stay importable from here for older callers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.storage.database import Connection, Params, Result, Row
from bot.storage.store import Storage, open_storage

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)

# The store works on either engine; the old name stays for callers that import it.
SqliteStorage = Storage


class _SqliteConnection:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, params: Params = ()) -> Result:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return Result(cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._db.executemany(sql, [tuple(r) for r in rows])

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._db.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())


class SqliteDatabase:
    """An SQLite file (or `:memory:`); writes are serialised by `BEGIN IMMEDIATE` and a lock."""

    dialect = "sqlite"
    # BEGIN IMMEDIATE already makes the claiming transaction the only writer
    lock_rows = ""

    def __init__(self, path: str) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._write = asyncio.Lock()

    async def open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(self.path, isolation_level=None)
        db.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await db.execute(pragma)
        self._db = db

    async def close(self) -> None:
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
        async with self._write:
            conn = self._conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    @asynccontextmanager
    async def migrating(self) -> AsyncIterator[None]:
        # each migration re-checks the version inside its BEGIN IMMEDIATE transaction
        yield

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        return await self._conn.one(sql, params)

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._conn.all(sql, params)

    async def stream(self, sql: str, params: Params = ()) -> AsyncIterator[Row]:
        if self._db is None:
            raise RuntimeError("storage is not open")
        async with self._db.execute(sql, tuple(params)) as cursor:
            async for row in cursor:
                yield row

    def ddl(self, statement: str) -> str:
        return statement

    async def after_copy(self, conn: Connection, table: str) -> None:
        pass  # INTEGER PRIMARY KEY continues after the largest id by itself


__all__ = ["PRAGMAS", "SqliteDatabase", "SqliteStorage", "open_storage"]
