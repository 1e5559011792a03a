"""The composition root: reads the config, builds storage, platforms, core and waker, and runs them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
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
    lock: ProcessLock | None = None  # held on an SQLite file while this app runs
    _started: list[Platform] = field(default_factory=list)

    async def start(self) -> None:
        """Adopt the config, connect every platform, then start waking for due actions.

        The core is ready before any platform can deliver an event to it.
        """
        await self.circle.start()
        for name, platform in self.platforms.items():
            log.info("starting platform %s", name)
            await platform.start(self.circle)
            self._started.append(platform)
        # Run anything that fell due while the bot was down (within grace) before waiting.
        await self.circle.run_due()
        if self.waker is not None:
            self.waker.start()
        if self.watcher is not None:
            self.watcher.start()

    async def stop(self) -> None:
        """Stop in order; every step runs even if an earlier one fails."""
        if self.watcher is not None:
            try:
                await self.watcher.stop()
            except Exception:
                log.exception("stopping the config watcher failed")
        if self.waker is not None:
            try:
                await self.waker.stop()
            except Exception:
                log.exception("stopping the waker failed")
        try:
            await asyncio.wait_for(self.circle.drain(), timeout=10)
        except Exception:
            log.exception("in-flight work did not finish cleanly")
        while self._started:
            platform = self._started.pop()
            try:
                await platform.stop()
            except Exception:
                log.exception("stopping platform %s failed", platform.name)
        try:
            await self.storage.close()
        except Exception:
            log.exception("closing the database failed")
        if self.lock is not None:
            self.lock.release()


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
    return App(
        config=config,
        storage=storage,
        circle=circle,
        platforms=chosen,
        waker=Waker(circle, clock) if waker else None,
        watcher=ConfigWatcher(circle, Path(config.path))
        if waker and config.spec.watch_config
        else None,
        lock=lock,
    )
