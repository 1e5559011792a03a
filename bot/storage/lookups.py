"""Rows the hot path reads on every command, kept in memory while nothing may have changed them.

Only where the database says this process is its only writer (SQLite): a cached row stays
valid until the database's `generation` moves, which every commit that may touch such rows
does. A read that started before such a commit and ends after it is not kept, since it may
have seen the old rows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar, cast

from bot.storage.engines.database import Database

MAX_ENTRIES = 50_000  # past this the cache starts afresh rather than growing without bound
MISS: Any = object()  # what `get` returns for a row it does not hold (None is a cacheable answer)

T = TypeVar("T")


class Lookups:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._rows: dict[Hashable, Any] = {}
        self._generation = -1

    def _usable(self) -> bool:
        # a task inside a transaction reads its own uncommitted rows: never cached, and the
        # cache (committed rows only) is not what it should see
        return self._database.can_cache and not self._database.in_transaction()

    def stamp(self) -> int:
        """The generation a read starts in; give it back to `keep` when the read ends."""
        return self._database.generation if self._usable() else -1

    def get(self, key: Hashable) -> Any:
        """The cached value, or MISS when there is none (or it may be stale)."""
        database = self._database
        if self._generation != database.generation:
            self._rows.clear()
            self._generation = database.generation
            return MISS
        if not database.can_cache or database.in_transaction():
            return MISS
        return self._rows.get(key, MISS)

    def keep(self, key: Hashable, value: Any, stamp: int) -> None:
        """Remember `value` if nothing was committed since `stamp` was taken."""
        if stamp < 0 or stamp != self._database.generation or not self._usable():
            return
        if self._generation != stamp:
            self._rows.clear()
            self._generation = stamp
        elif len(self._rows) >= MAX_ENTRIES:
            self._rows.clear()
        self._rows[key] = value

    async def through(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The cached value for `key`, or `load()`'s, kept for next time if still true."""
        cached = self.get(key)
        if cached is not MISS:
            return cast(T, cached)
        stamp = self.stamp()
        value = await load()
        self.keep(key, value, stamp)
        return value
