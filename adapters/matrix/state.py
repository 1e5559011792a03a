"""The adapter's small persistent state: device, login, sync position and direct-message rooms."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(kw_only=True)
class SessionState:
    """What survives a restart. `access_token` is kept only when it came from a password login."""

    user_id: str = ""
    device_id: str = ""
    access_token: str = field(default="", repr=False)
    next_batch: str = ""
    pickle_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    direct_rooms: dict[str, str] = field(default_factory=dict)  # member user id -> room id
    # events of the batch after `next_batch` already handed to the core (at most once each)
    delivered: list[str] = field(default_factory=list)


class StateFile:
    """`session.json` in the adapter's data folder, written atomically and readable by owner only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "session.json"
        self._lock = asyncio.Lock()
        # A save cancelled while its thread writes leaves that thread running and frees the asyncio
        # lock; this one keeps the next save's thread off the same temporary file until it is done.
        self._writing = threading.Lock()
        self._asked = 0  # saves asked for so far; a stale one never overwrites a newer one
        self._written = 0

    def load(self) -> SessionState:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return SessionState()
        except (OSError, ValueError) as exc:
            # a damaged file costs one re-login and a fresh sync, never a crash
            log.warning("ignoring unreadable %s: %s", self.path, type(exc).__name__)
            return SessionState()
        known = SessionState.__dataclass_fields__
        return SessionState(**{k: v for k, v in raw.items() if k in known})

    def _write(self, text: str, number: int) -> None:
        with self._writing:
            if number > self._written:
                self._write_alone(text)
                self._written = number

    def _write_alone(self, text: str) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    async def save(self, state: SessionState) -> None:
        text = json.dumps(asdict(state), indent=1, sort_keys=True)
        self._asked += 1
        number = self._asked
        async with self._lock:
            await asyncio.to_thread(self._write, text, number)
