"""The composition root: reads the config, builds storage, platforms, core and waker, and runs them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bot.config.load import load_config
from bot.config.model import Config
from bot.core.clock import Clock, SystemClock
from bot.core.platform import Platform, PlatformContext
from bot.runtime.circle import StudyCircle
from bot.runtime.registry import platform_class
from bot.runtime.waker import Waker
from bot.runtime.watcher import ConfigWatcher
from bot.sessions.anonymity import load_key
from bot.storage import Storage, open_storage
from bot.storage.engines.database import sqlite_file
from bot.storage.engines.single_process import ProcessLock

log = logging.getLogger(__name__)


@dataclass
class App:
    config: Config
    storage: Storage
    circle: StudyCircle
    platforms: dict[str, Platform]
    waker: Waker | None
    watcher: ConfigWatcher | None = None
    # what `stop` undoes, last first: filled as things open and start (storage and the SQLite
    # lock by build_app, the rest by start), so a half-done start is undone as far as it got
    teardown: AsyncExitStack = field(default_factory=AsyncExitStack)

    async def start(self) -> None:
        """Adopt the config, connect every platform, then start waking for due actions.

        The core is ready before any platform can deliver an event to it.
        """
        await self.circle.start()
        for name, platform in self.platforms.items():
            log.info("starting platform %s", name)
            await platform.start(self.circle)
            self._undo(f"stopping platform {name}", platform.stop)
        # in-flight events finish before the platforms they answer on go
        self._undo("finishing in-flight work", self._drain)
        # Run anything that fell due while the bot was down (within grace) before waiting.
        await self.circle.run_due()
        if self.waker is not None:
            self.waker.start()
            self._undo("stopping the waker", self.waker.stop)
        if self.watcher is not None:
            self.watcher.start()
            self._undo("stopping the config watcher", self.watcher.stop)

    async def stop(self) -> None:
        """Undo what was done, in reverse; every step runs even if an earlier one fails."""
        await self.teardown.aclose()

    def _undo(self, what: str, step: Callable[[], Awaitable[None]]) -> None:
        async def logged() -> None:
            try:
                await step()
            except Exception:
                log.exception("%s failed", what)

        self.teardown.push_async_callback(logged)

    async def _drain(self) -> None:
        await asyncio.wait_for(self.circle.drain(), timeout=10)


def build_platforms(
    config: Config, names: tuple[str, ...] | None = None, **console_options: object
) -> dict[str, Platform]:
    """Construct the adapters the config needs, found by name in the registry."""
    out: dict[str, Platform] = {}
    for name in names or config.platform_names:
        settings = getattr(config.spec.platforms, name, None)
        if settings is None and name == "console":
            from bot.config.platform_settings import ConsoleSettings

            settings = ConsoleSettings()
        groups = [g for g in config.groups if g.platform == name]
        context = PlatformContext(
            data_dir=config.data_dir / name,
            rooms=tuple(g.room for g in groups),
            admins={g.room: tuple(str(a) for a in g.spec.admins) for g in groups},
            zones={g.room: g.spec.timezone for g in reversed(groups)},  # the first group's wins
            languages={g.room: g.spec.language for g in reversed(groups)},
        )
        cls = platform_class(name)
        out[name] = (
            cls(settings, context, **console_options)
            if name == "console"
            else cls(settings, context)
        )
    return out


async def build_app(
    config: Config,
    *,
    clock: Clock | None = None,
    platforms: Mapping[str, Platform] | None = None,
    waker: bool = True,
) -> App:
    clock = clock or SystemClock()
    lock = None
    database_file = sqlite_file(config.storage)
    if database_file is not None:
        lock = ProcessLock(database_file)
        lock.acquire()  # AlreadyRunning if another bot has this file
    try:
        storage = await open_storage(config.storage)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    chosen = dict(platforms) if platforms is not None else build_platforms(config)

    async def reloader() -> Config:
        return await asyncio.to_thread(load_config, Path(config.path))

    circle = StudyCircle(
        config=config,
        storage=storage,
        platforms=chosen,
        clock=clock,
        reloader=reloader,
        anonymity_key=load_key(config.data_dir),
    )
    app = App(
        config=config,
        storage=storage,
        circle=circle,
        platforms=chosen,
        waker=Waker(circle, clock) if waker else None,
        watcher=ConfigWatcher(circle, Path(config.path))
        if waker and config.spec.watch_config
        else None,
    )
    if lock is not None:
        app.teardown.callback(lock.release)
    app._undo("closing the database", storage.close)
    return app
