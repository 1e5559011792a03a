"""Crash points for the crash tests: with STUDYBOT_CRASH_AT set, the process kills itself there.

`STUDYBOT_CRASH_AT=after-send:*:prompt:2` kills the process right after the platform accepted
prompt 2 and before the send is recorded. Unset (always, outside tests), this costs one check.
"""

from __future__ import annotations

import fnmatch
import os
import signal

ENV = "STUDYBOT_CRASH_AT"
_PATTERN = os.environ.get(ENV) or None
_counts: dict[str, int] = {}


def armed() -> bool:
    """Whether any crash point is set (for a hot caller to skip building its detail)."""
    return _PATTERN is not None


def point(name: str, detail: str = "") -> None:
    """Die with SIGKILL here if the crash pattern names this point."""
    if _PATTERN is None:
        return
    count = _counts[name] = _counts.get(name, 0) + 1
    for label in (f"{name}:{detail}", f"{name}#{count}"):
        if fnmatch.fnmatchcase(label, _PATTERN):
            os.kill(os.getpid(), signal.SIGKILL)
