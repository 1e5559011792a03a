"""Hot reload: watch the config file; adopt a good edit, keep running on a broken one and tell the admins."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config.load import ConfigError
from bot.config.model import Group
from bot.core.events import MemberRef
from bot.core.markdown import bullets
from bot.core.messages import Message, MessageKind
from bot.sessions.course_notices import plan_change_line
from bot.sessions.language import for_room

if TYPE_CHECKING:
    from bot.runtime.circle import StudyCircle

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0


def _fingerprint(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class ConfigWatcher:
    """Polls the config file (a cheap hash every few seconds) and reloads it when it changes."""

    def __init__(self, circle: StudyCircle, path: Path, poll: float = POLL_SECONDS) -> None:
        self._circle = circle
        self._path = path
        self._poll = poll
        self._seen = _fingerprint(path)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="studybot-config-watch")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self._poll)
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("checking the config file failed; will look again")

    async def check(self) -> bool:
        """Reload if the file changed since last time; True if a new config was adopted."""
        current = await asyncio.to_thread(_fingerprint, self._path)
        if current is None or current == self._seen:
            return False
        self._seen = current
        try:
            reloaded = await self._circle.reload()
        except ConfigError as exc:
            count = len(exc.problems)
            log.warning(
                "the edited config has %d %s; the running schedule is kept",
                count,
                "problem" if count == 1 else "problems",
            )
            await self._tell_admins(exc, current)
            return False
        if reloaded is None:
            return False
        log.info(
            "config reloaded after an edit: %d group(s), %d archived",
            len(reloaded.config.groups),
            len(reloaded.archived),
        )
        for change in reloaded.changes:
            w = for_room(change.group)
            message = Message(
                kind=MessageKind.NOTICE,
                title=w.gettext("The config edit changed the plan"),
                body=w.gettext(
                    "The edited config was applied. {change}.", change=plan_change_line(change, w)
                ),
            )
            await self._direct_to_admins(
                change.group, message, f"plan-change:{current[:16]}:{change.group.id}"
            )
        return True

    async def _tell_admins(self, exc: ConfigError, fingerprint: str) -> None:
        for group in self._circle.config.groups:
            w = for_room(group)
            listed = bullets(p.render(w) for p in exc.problems[:20])
            problems = w.ngettext(
                "The config file has {n} problem; the bot keeps the schedule it had.",
                "The config file has {n} problems; the bot keeps the schedule it had.",
                len(exc.problems),
            )
            message = Message(
                kind=MessageKind.NOTICE,
                title=w.gettext("The config edit was not applied"),
                body=f"{problems}\n\n{listed}",
            )
            await self._direct_to_admins(
                group, message, f"config-error:{fingerprint[:16]}:{group.platform}"
            )

    async def _direct_to_admins(self, group: Group, message: Message, key: str) -> None:
        try:
            platform = self._circle.platform(group.platform)
        except LookupError:
            return
        for admin in group.spec.admins:
            ref = MemberRef(platform=group.platform, user_id=str(admin), display_name=str(admin))
            try:
                await platform.send_direct(ref, message, key=f"{key}:{admin}")
            except Exception as error:  # an admin entry may be a role name, or have DMs closed
                log.info(
                    "could not tell admin of group %s about the config: %s",
                    group.id,
                    type(error).__name__,
                )
