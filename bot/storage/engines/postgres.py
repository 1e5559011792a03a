"""The PostgreSQL engine (asyncpg): a pool shared by the tasks of one process, many processes per database.

The store's SQL arrives in SQLite's `?` style; here it becomes `$1, $2, ...`, migration
types become PostgreSQL's, and claims lock rows with `FOR UPDATE SKIP LOCKED`.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import asyncpg

from bot.storage.engines.database import Connection, Params, Result, Row, Statement
from bot.storage.engines.pg_listen import PostgresListener
from bot.storage.engines.uninterrupted import to_the_end

# pg_advisory_lock key held while migrating: any fixed 64-bit number, the same in every process
MIGRATION_LOCK = 0x5354_5544_5942_4F54  # "STUDYBOT"


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """`?` placeholders become `$n` (outside quoted literals); SQLite's INSERT OR IGNORE becomes ON CONFLICT."""
    ignore = re.match(r"\s*INSERT\s+OR\s+IGNORE\s+INTO\b", sql, re.IGNORECASE)
    if ignore:
        sql = "INSERT INTO" + sql[ignore.end() :] + " ON CONFLICT DO NOTHING"
    if re.match(r"\s*INSERT\s+OR\s+REPLACE\b", sql, re.IGNORECASE):
        raise ValueError("write INSERT OR REPLACE as INSERT ... ON CONFLICT (...) DO UPDATE")
    out: list[str] = []
    number = 0
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "?" and not quoted:
            number += 1
            out.append(f"${number}")
        else:
            out.append(char)
    return "".join(out)


def _rowcount(status: str) -> int:
    # asyncpg returns the command tag: "UPDATE 3", "INSERT 0 1", "DELETE 0"
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresConnection:
    """One pooled connection. Every statement runs to its end (see `to_the_end`): asyncpg
    answers a cancelled query with a cancel request on a second connection, and a cancelled
    connection attempt leaves an error nobody reads (MagicStack/asyncpg#1211, #1312)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    async def execute(self, sql: str, params: Params = ()) -> Result:
        status = await to_the_end(self.conn.execute(translate(sql), *params))
        return Result(_rowcount(str(status)))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await to_the_end(self.conn.executemany(translate(sql), [tuple(r) for r in rows]))

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = await to_the_end(self.conn.fetchrow(translate(sql), *params))
        return row

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await to_the_end(self.conn.fetch(translate(sql), *params)))

    async def control(self, sql: str) -> None:
        """BEGIN, COMMIT, ROLLBACK and the like, run to their end."""
        await to_the_end(self.conn.execute(sql))

    @asynccontextmanager
    async def in_transaction(self, begin: str = "BEGIN") -> AsyncIterator[None]:
        """A transaction on this connection, committed when the block ends, rolled back if it
        raises. Written out rather than asyncpg's `transaction()`, whose COMMIT a cancellation
        could interrupt."""
        await self.control(begin)
        try:
            yield
        except BaseException:
            if not self.conn.is_closed():
                # a broken connection has nothing to roll back; the block's error is the news
                with contextlib.suppress(Exception):
                    await self.control("ROLLBACK")
            raise
        await self.control("COMMIT")


async def _keep_session(conn: Any) -> None:
    """Return a connection to the pool as it is: asyncpg still ends an open transaction,
    and the store sets no session state, LISTENs or lingering advisory locks, so the
    default reset (RESET ALL, UNLISTEN, unlock all: a round trip per release) is skipped."""


class PostgresDatabase:
    """A PostgreSQL database named by a `postgresql://` URL; a small pool per process."""

    dialect = "postgresql"
    lock_rows = " FOR UPDATE SKIP LOCKED"
    can_cache = False  # other processes write it too
    generation = 0

    def __init__(self, dsn: str, *, min_size: int = 1, max_size: int = 10) -> None:
        self._dsn = dsn
        self._min_size = min_size
        self._max_size = max_size
        self._pool: Any = None
        # the connection of the current task's transaction (or migration), so reads inside see it
        self._current: ContextVar[_PostgresConnection | None] = ContextVar(
            f"studybot-pg-{id(self)}", default=None
        )

    def __repr__(self) -> str:
        return "PostgresDatabase(<dsn hidden>)"

    async def listen(self, channel: str, on_notice: Callable[[], None]) -> PostgresListener:
        listener = PostgresListener(self._dsn, channel, on_notice)
        await listener.start()
        return listener

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self._dsn, min_size=self._min_size, max_size=self._max_size, reset=_keep_session
        )

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @property
    def pool(self) -> Any:
        if self._pool is None:
            raise RuntimeError("storage is not open")
        return self._pool

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[_PostgresConnection]:
        current = self._current.get()
        if current is not None:
            yield current
            return
        pool = self.pool
        conn = await to_the_end(pool.acquire())
        try:
            yield _PostgresConnection(conn)
        finally:
            await to_the_end(pool.release(conn))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        async with self._connection() as conn:
            token = self._current.set(conn)
            try:
                async with conn.in_transaction():
                    yield conn
            finally:
                self._current.reset(token)

    async def read(self, statements: Sequence[Statement]) -> list[list[Row]]:
        if self._current.get() is not None:
            return [await self.all(sql, params) for sql, params in statements]
        snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        async with self._connection() as conn, conn.in_transaction(snapshot):
            return [await conn.all(sql, params) for sql, params in statements]

    def in_transaction(self) -> bool:
        return self._current.get() is not None

    async def write(
        self, statements: Sequence[Statement], *, changes_lookups: bool = True
    ) -> list[list[Row]]:
        async with self.transaction() as conn:
            return [await conn.all(sql, params) for sql, params in statements]

    @asynccontextmanager
    async def migrating(self) -> AsyncIterator[None]:
        async with self._connection() as conn:
            await conn.one("SELECT pg_advisory_lock(?)", (MIGRATION_LOCK,))
            token = self._current.set(conn)
            try:
                yield
            finally:
                self._current.reset(token)
                await conn.one("SELECT pg_advisory_unlock(?)", (MIGRATION_LOCK,))

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        async with self._connection() as conn:
            return await conn.one(sql, params)

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._connection() as conn:
            return await conn.all(sql, params)

    async def stream(self, sql: str, params: Params = ()) -> AsyncIterator[Row]:
        # a server-side cursor lives inside a transaction
        async with self.transaction() as conn:
            assert isinstance(conn, _PostgresConnection)
            async for row in conn.conn.cursor(translate(sql), *params, prefetch=200):
                yield row

    def ddl(self, statement: str) -> str:
        # SQLite's INTEGER is 64-bit and `INTEGER PRIMARY KEY` numbers rows by itself
        statement = re.sub(
            r"\bINTEGER PRIMARY KEY\b",
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            statement,
        )
        return re.sub(r"\bINTEGER\b", "BIGINT", statement)

    async def after_copy(self, conn: Connection, table: str) -> None:
        # an identity column does not notice explicit ids: move it past the largest one
        identity = await conn.one(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? AND column_name = 'id' AND is_identity = 'YES'",
            (table,),
        )
        if identity is not None:
            await conn.one(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
