"""`studybot run` in a subprocess with its input a pipe, as a service runs it, started and
waited for until it has answered a first command (a signal, never a sleep)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_serving(config: Path, *, first: bytes = b"/study join\n") -> subprocess.Popen[bytes]:
    """A running bot on `config` that has answered `first` ("Welcome to Readers")."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(first)
    proc.stdin.flush()
    seen = b""
    while b"Welcome to Readers" not in seen:  # the bot's answer: it is up and serving
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            proc.wait(timeout=60)
            raise AssertionError(seen.decode(errors="replace"))
        seen += line
    return proc
