"""One place where a matrix-nio request is checked, retried on 429s and timeouts, and given up on.

nio returns error responses instead of raising them, and by default retries a 429 forever
without a word; the adapter's client is built with `max_limit_exceeded=0` so every 429 comes
back here, is logged, waited out (the server's `retry_after_ms`) and retried a bounded number
of times. Anything left over becomes an `AdapterError`, which the core retries later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
import nio

from bot.core.platform import AdapterError

log = logging.getLogger(__name__)

T = TypeVar("T")

RATE_LIMITED = "M_LIMIT_EXCEEDED"
_TRANSIENT_CODES = {None, "M_UNKNOWN"}  # 5xx pages without a Matrix error body land here
_NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, ConnectionError)


class RequestFailed(AdapterError):
    """A Matrix request came back with an error the adapter does not retry."""

    def __init__(self, what: str, response: nio.ErrorResponse) -> None:
        super().__init__(f"{what} failed: {response.status_code} {response.message}")
        self.errcode = response.status_code


class Retrier:
    """Runs requests with bounded retries: `attempts` tries, 429 waits up to `max_wait_s`."""

    def __init__(
        self,
        *,
        attempts: int,
        max_wait_s: float,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.attempts = attempts
        self.max_wait_s = max_wait_s
        self._sleep = sleep

    async def run(self, what: str, request: Callable[[], Awaitable[T]]) -> T:
        """Await `request()` until it succeeds; `what` names it in logs and errors."""
        for attempt in range(1, self.attempts + 1):
            last = attempt == self.attempts
            try:
                response = await request()
            except _NETWORK_ERRORS as exc:
                if last:
                    raise AdapterError(f"{what} failed: {type(exc).__name__}") from exc
                wait = min(0.5 * 2 ** (attempt - 1), self.max_wait_s)
                log.warning("%s: %s (try %d of %d), retrying in %.1f s",
                            what, type(exc).__name__, attempt, self.attempts, wait)  # fmt: skip
                await self._sleep(wait)
                continue
            except (nio.LocalProtocolError, nio.SendRetryError) as exc:
                raise AdapterError(f"{what} failed: {exc}") from exc
            if not isinstance(response, nio.ErrorResponse):
                return response
            if response.status_code == RATE_LIMITED:
                # 0 ms is a real answer ("now"), not a missing one
                wait_ms = response.retry_after_ms
                wait = (1000 if wait_ms is None else wait_ms) / 1000
                if wait > self.max_wait_s or last:
                    raise AdapterError(
                        f"{what} rate limited (retry after {wait:.1f} s, try {attempt} of "
                        f"{self.attempts}); giving up for now"
                    )
                log.warning("%s: rate limited, waiting %.2f s as the server asks (try %d of %d)",
                            what, wait, attempt, self.attempts)  # fmt: skip
                await self._sleep(wait)
                continue
            if response.status_code in _TRANSIENT_CODES and not last:
                wait = min(0.5 * 2 ** (attempt - 1), self.max_wait_s)
                log.warning("%s: %s (try %d of %d), retrying in %.1f s",
                            what, response, attempt, self.attempts, wait)  # fmt: skip
                await self._sleep(wait)
                continue
            raise RequestFailed(what, response)
        raise AssertionError("unreachable: the last attempt returns or raises")
