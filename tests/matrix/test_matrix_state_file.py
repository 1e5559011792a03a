"""`session.json` saved while an earlier save, cancelled by a stop, is still being written: both
finish without error and the newer state is the one on disk."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from adapters.matrix.state import SessionState, StateFile


async def test_a_save_cancelled_mid_write_neither_fails_nor_wins_over_a_newer_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_file = StateFile(tmp_path)
    writing, release = threading.Event(), threading.Event()
    write = state_file._write_alone

    def slow_first(text: str) -> None:
        if not writing.is_set():
            writing.set()
            release.wait(10)
        write(text)

    monkeypatch.setattr(state_file, "_write_alone", slow_first)
    old = asyncio.create_task(state_file.save(SessionState(user_id="@b:x", next_batch="old")))
    await asyncio.to_thread(writing.wait, 10)  # its thread is inside the write
    old.cancel()  # as the sync loop is cancelled by a stop
    newer = asyncio.create_task(state_file.save(SessionState(user_id="@b:x", next_batch="new")))
    await asyncio.sleep(0)
    release.set()
    await newer
    assert state_file.load().next_batch == "new"
    assert not (tmp_path / "session.tmp").exists()
