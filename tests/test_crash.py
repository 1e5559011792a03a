"""Crash tests: the bot process is killed with SIGKILL at chosen points and restarted."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parent.parent


def run_bot(
    config: Path, script: str, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    env.pop("STUDYBOT_CRASH_AT", None)
    if crash_at:
        env["STUDYBOT_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_killed_just_before_a_send_resumes_without_duplicates(
    write_config: Callable[[str], Path],
) -> None:
    config = write_config(BASE_CONFIG)
    first = run_bot(
        config, "/study join\n/study post-now\n", crash_at="before-send:readers:s1:prompt:2"
    )
    assert first.returncode == -9
    assert "Prompt 1" in first.stdout and "Prompt 2" not in first.stdout
    second = run_bot(config, "/study status\n")
    assert second.returncode == 0, second.stderr
    both = first.stdout + second.stdout
    assert both.count("Prompt 1") == 1 and both.count("Prompt 2") == 1
    assert both.count("╭─ Session 1: Part One") == 1 and both.count("thread opened") == 1
    assert "Open: session 1" in second.stdout


def test_killed_while_responses_are_written_loses_no_acknowledged_one(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    assert run_bot(config, "/study post-now\n").returncode == 0
    lines = []
    for i in range(100):
        lines += [f"/as member{i:03d}", f"/study respond 1 answer number {i:03d}"]
    script = "\n".join(lines) + "\n"
    crashed = run_bot(config, script, crash_at="after-commit#50")
    assert crashed.returncode == -9
    acknowledged = len(re.findall(r"Saved your response to prompt 1", crashed.stdout))
    db = tmp_path / "data" / "test.db"
    with closing(sqlite3.connect(db)) as raw:
        texts = [r[0] for r in raw.execute("SELECT text FROM responses ORDER BY text")]
    assert acknowledged == 49  # the 50th was committed, then the process died before answering
    assert len(texts) == 50 and len(set(texts)) == 50
    # The members whose answers were not acknowledged send them again after the restart.
    again = run_bot(config, script)
    assert again.returncode == 0, again.stderr
    with closing(sqlite3.connect(db)) as raw:
        texts = [r[0] for r in raw.execute("SELECT text FROM responses")]
    assert len(texts) == 100 and len(set(texts)) == 100


def test_sigterm_shuts_down_cleanly(write_config: Callable[[str], Path], tmp_path: Path) -> None:
    import signal
    import time

    config = write_config(BASE_CONFIG)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write("/study join\n")
    proc.stdin.flush()
    db = tmp_path / "data" / "test.db"
    deadline = time.monotonic() + 120  # a busy machine starts a process slowly
    while True:
        if db.exists():
            with closing(sqlite3.connect(db)) as raw:
                try:
                    if raw.execute("SELECT COUNT(*) FROM memberships").fetchone()[0] == 1:
                        break
                except sqlite3.OperationalError:
                    pass
        assert time.monotonic() < deadline, "the join never reached the database"
        time.sleep(0.1)  # polling the database, not waiting for time to pass
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "shutting down" in err
    assert not (tmp_path / "data" / "test.db-wal").exists()  # the database was closed cleanly
