"""Database work that runs to its end: a cancellation waits for it, then takes effect.

Both engines send statements somewhere that carries on regardless of the awaiting task:
aiosqlite's thread, or the PostgreSQL server. Abandoning one at a cancellation (a stop
cancels every task wherever it is) leaves the state unknown: a transaction open with the
writer's lock released, a COMMIT done yet reported as failed, and on asyncpg a connection
attempt whose error nobody reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from functools import partial
from typing import TypeVar

T = TypeVar("T")


async def to_the_end(work: Awaitable[T]) -> T:
    """`work`'s own outcome, even if the awaiting task is cancelled meanwhile.

    The work is awaited to its end, and a cancellation that arrived meanwhile is asked for
    again: the task gets it at its next await that is not itself run to its end (or ends
    cancelled). A write block whose every await goes through here therefore finishes, and
    its caller is cancelled just after.
    """
    inner = asyncio.ensure_future(work)
    cancelled = False
    while not inner.done():
        # What `asyncio.wait((inner,))` does, without its sets, counter and second coroutine:
        # every statement on both engines comes through here. A cancellation cancels only
        # `waiter`, never `inner`.
        waiter: asyncio.Future[None] = inner.get_loop().create_future()
        wake = partial(_wake, waiter)
        inner.add_done_callback(wake)
        try:
            await waiter
        except asyncio.CancelledError:
            cancelled = True
        finally:
            inner.remove_done_callback(wake)
    if cancelled:
        task = asyncio.current_task()
        assert task is not None
        task.uncancel()  # asked again below: counted once, as it was
        task.cancel()
    return inner.result()


def _wake(waiter: asyncio.Future[None], _: object) -> None:
    if not waiter.done():
        waiter.set_result(None)
