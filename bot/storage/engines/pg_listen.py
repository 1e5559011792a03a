"""LISTEN on a PostgreSQL channel over a connection of its own, reconnecting after a loss.

Pool connections come and go and are reset when returned, so a LISTEN on one would be lost;
this keeps one connection that does nothing else. While it is down the caller's polling is
the fallback; each (re)connection calls `on_notice` once, since a notice sent meanwhile is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import asyncpg

log = logging.getLogger(__name__)

FIRST_RETRY_S = 1.0
LAST_RETRY_S = 30.0  # no longer than the waker's own poll: by then it has looked anyway


class PostgresListener:
    """Calls `on_notice` for each notification on `channel`; see the module's docstring."""

    def __init__(
        self,
        dsn: str,
        channel: str,
        on_notice: Callable[[], None],
        *,
        first_retry: float | None = None,
        last_retry: float | None = None,
    ) -> None:
        self._dsn = dsn
        self._channel = channel
        self._on_notice = on_notice
        self._first_retry = FIRST_RETRY_S if first_retry is None else first_retry
        self._last_retry = LAST_RETRY_S if last_retry is None else last_retry
        self._conn: Any = None
        self._closed = False
        self._retrying: asyncio.Task[None] | None = None
        self.connections = 0  # how many times it has (re)connected

    def __repr__(self) -> str:
        return f"PostgresListener({self._channel!r}, <dsn hidden>)"

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    async def start(self) -> None:
        """Connect now; if that fails, keep trying in the background (polling covers meanwhile)."""
        if not await self._connect():
            self._retry_later()

    async def _connect(self) -> bool:
        try:
            conn = await asyncpg.connect(self._dsn)
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            log.warning("could not LISTEN for new work (%s); polling meanwhile", type(exc).__name__)
            return False
        try:
            await conn.add_listener(self._channel, self._notified)
        except (OSError, asyncpg.PostgresError) as exc:
            log.warning("could not LISTEN for new work (%s); polling meanwhile", type(exc).__name__)
            await conn.close(timeout=2)
            return False
        if self._closed:
            await conn.close(timeout=2)
            return False
        conn.add_termination_listener(self._lost)
        self._conn = conn
        self.connections += 1
        self._on_notice()  # whatever was planned while nobody listened
        return True

    def _notified(self, conn: Any, pid: int, channel: str, payload: str) -> None:
        self._on_notice()

    def _lost(self, conn: Any) -> None:
        if conn is not self._conn:
            return
        self._conn = None
        if not self._closed:
            log.warning("the connection that LISTENs for new work was lost; reconnecting")
            self._retry_later()

    def _retry_later(self) -> None:
        if self._closed or (self._retrying is not None and not self._retrying.done()):
            return
        self._retrying = asyncio.get_running_loop().create_task(
            self._reconnect(), name="studybot-listen-reconnect"
        )

    async def _reconnect(self) -> None:
        wait = self._first_retry
        while not self._closed:
            await asyncio.sleep(wait)
            if await self._connect():
                log.info("listening for new work again")
                return
            wait = min(self._last_retry, wait * 2)

    async def close(self) -> None:
        self._closed = True
        if self._retrying is not None:
            self._retrying.cancel()
            await asyncio.gather(self._retrying, return_exceptions=True)
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            try:
                await conn.close(timeout=2)
            except (TimeoutError, OSError, asyncpg.PostgresError):
                conn.terminate()
