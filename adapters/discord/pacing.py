"""Keep the bot under Discord's global request limit instead of running into global 429s.

discord.py already honours each route's bucket as the `X-RateLimit-*` headers announce it.
Discord's global limit (50 requests a second per bot) is announced nowhere until a global
429, which stalls every request of the bot; so every REST request but interaction answers
(which the global limit does not count) waits here for a token first.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from discord.http import HTTPClient, Route

GLOBAL_PER_SECOND = 50.0
# Run a little under the limit and with a small burst: requests reach Discord with jitter.
HEADROOM = 0.97
EXEMPT = ("/interactions/", "/webhooks/")


class GlobalPacer:
    """A token bucket of `per_second` requests a second, `burst` saved up at most."""

    def __init__(
        self,
        *,
        per_second: float = GLOBAL_PER_SECOND,
        burst: int = 5,  # half of what a server allowing 10 absorbs, for jitter
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.per_second = per_second * HEADROOM
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = clock()
        self._turn = asyncio.Lock()  # requests take their tokens in the order they came

    async def wait_turn(self) -> None:
        async with self._turn:
            while True:
                now = self._clock()
                self._tokens = min(
                    float(self.burst), self._tokens + (now - self._updated) * self.per_second
                )
                self._updated = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await self._sleep((1.0 - self._tokens) / self.per_second)


def pace_requests(http: HTTPClient, pacer: GlobalPacer) -> None:
    """Make every REST request of `http` (but interaction answers) wait for the pacer."""
    original = http.request

    async def request(route: Route, **kwargs: Any) -> Any:
        if not route.path.startswith(EXEMPT):
            await pacer.wait_turn()
        return await original(route, **kwargs)

    http.request = request  # type: ignore[method-assign]
