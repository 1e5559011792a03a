"""The small database interface the store writes its SQL against, and how a location picks an
engine (engines register their URL schemes; this module imports none of them).

The store's SQL is written once, in SQLite's `?` placeholder style and in the portable
subset both engines understand (`ON CONFLICT ... DO ...`, `RETURNING`). Each engine keeps
its own differences here and in its module: placeholder style, DDL types, row locking.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

Params = Sequence[Any]
# One SQL statement and its parameters, for `Database.write`.
Statement = tuple[str, Params]


class Row(Protocol):
    """A result row: read by column name (both engines' rows also allow `dict(row)`)."""

    def __getitem__(self, key: Any) -> Any: ...

    def keys(self) -> Iterable[str]: ...


@dataclass(frozen=True, slots=True)
class Result:
    """What a write statement reports: how many rows it changed."""

    rowcount: int


class Connection(Protocol):
    """One connection inside a transaction."""

    async def execute(self, sql: str, params: Params = ()) -> Result: ...

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    async def one(self, sql: str, params: Params = ()) -> Row | None: ...

    async def all(self, sql: str, params: Params = ()) -> list[Row]: ...


class Database(Protocol):
    """An engine: SQLite (embedded, one writer) or PostgreSQL (a pool, many processes)."""

    dialect: str
    # True where this process is the database's only writer (SQLite), so that rows read
    # once stay true until `generation` moves; PostgreSQL is shared by several processes
    can_cache: bool
    # appended to a SELECT whose rows a transaction claims; empty where the engine has one writer
    lock_rows: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """A transaction, committed on success and rolled back on any error."""
        ...

    async def write(
        self, statements: Sequence[Statement], *, changes_lookups: bool = True
    ) -> list[list[Row]]:
        """Run `statements` as one all-or-nothing unit, committed before this returns, and give
        back each statement's rows (those of its RETURNING clause; empty without one).

        Unlike `transaction`, the statements are known up front, so an engine may run many
        callers' units together in one trip to the database (each still all-or-nothing).
        `changes_lookups=False` promises that they touch none of the rows the store caches
        (members, memberships, sessions, prompts); see `generation`.
        """
        ...

    def in_transaction(self) -> bool:
        """Whether the current task is inside a transaction (whose reads see its own writes)."""
        ...

    @property
    def generation(self) -> int:
        """Bumped by every commit that may change cached rows: rows read while it stays the
        same are still true (only where `can_cache`)."""
        ...

    def migrating(self) -> AbstractAsyncContextManager[None]:
        """Held while migrations run, so that processes starting together migrate one at a time."""
        ...

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        """One row, inside the current task's transaction if it has one."""
        ...

    async def all(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def read(self, statements: Sequence[Statement]) -> list[list[Row]]:
        """Several queries' rows from one snapshot, in one trip where the engine allows it
        (under load each trip waits its turn behind every busy task)."""
        ...

    def stream(self, sql: str, params: Params = ()) -> AsyncIterator[Row]:
        """Rows one by one, without loading them all at once."""
        ...

    def ddl(self, statement: str) -> str:
        """A schema statement from the migrations list, in this engine's types."""
        ...

    async def after_copy(self, conn: Connection, table: str) -> None:
        """Whatever must follow copying rows with explicit ids into `table` (id sequences)."""
        ...


class Listening(Protocol):
    """A subscription to a channel of notices (see `Announcing`); closed when done."""

    @property
    def connected(self) -> bool: ...

    async def close(self) -> None: ...


@runtime_checkable
class Announcing(Protocol):
    """An engine that tells other processes of changes (PostgreSQL's LISTEN/NOTIFY)."""

    async def listen(self, channel: str, on_notice: Callable[[], None]) -> Listening:
        """Call `on_notice` (in the event loop) for each notice on `channel` from now on, and
        once after each (re)connection, when notices may have been missed."""
        ...


Engine = Callable[[str], Database]

# URL scheme -> the engine for it. Engines register themselves (see engines/__init__.py), so
# this module names none of them; a plain path (no scheme) is an SQLite file.
SCHEMES: dict[str, Engine] = {}
PLAIN_PATH = "sqlite"


def register_engine(*schemes: str, engine: Engine) -> None:
    """Serve locations whose URL starts with one of `schemes` (`postgresql://...`) by `engine`."""
    for scheme in schemes:
        SCHEMES[scheme] = engine


def scheme_of(location: str) -> str:
    scheme, sep, _ = location.partition("://")
    return scheme.lower() if sep else PLAIN_PATH


def is_postgres(location: str) -> bool:
    return scheme_of(location) in ("postgresql", "postgres")


def open_database(location: str) -> Database:
    """The engine a storage location names: a registered URL scheme, else an SQLite path."""
    scheme = scheme_of(location)
    engine = SCHEMES.get(scheme)
    if engine is None:
        known = ", ".join(f"{s}://" for s in sorted(SCHEMES) if s != PLAIN_PATH)
        raise ValueError(
            f"no storage engine for {scheme}:// locations; use a file path or one of: {known}"
        )
    return engine(location)


def sqlite_path(location: str) -> str:
    return location.removeprefix("sqlite:///")


def sqlite_file(location: str) -> str | None:
    """The SQLite file a storage location names; None for PostgreSQL and `:memory:`."""
    if scheme_of(location) != PLAIN_PATH:
        return None
    path = sqlite_path(location)
    return None if path == ":memory:" else path


def redact(location: str) -> str:
    """A location fit for a log line: a URL's password replaced by ***."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", location)


def statements(script: str) -> list[str]:
    """The statements of a migration script (none of ours holds a `;` inside a literal)."""
    return [s.strip() for s in script.split(";") if s.strip()]
