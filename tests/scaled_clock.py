"""`studybot` on a scaled clock shared by several processes, for tests only.

`python -m tests.scaled_clock START,FACTOR,SINCE studybot-arguments...` runs the command line
with a clock that read START (an ISO moment with zone) at the UNIX time SINCE and runs FACTOR
times faster than real time, looking for due work at least every 0.5 real seconds. The shipped
`studybot` never reads a clock from its environment; this is the one way in.

`python -m tests.scaled_clock file:PATH studybot-arguments...` runs it instead on a clock that
reads the moment written in PATH (an ISO moment with zone) and moves only when the test writes
a later one there (see `StepClock`): the console's FakeClock, for a test that must not depend on
how fast a busy machine runs the process.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from bot.cli.main import main
from bot.core.clock import ScaledClock
from bot.runtime import waker

MAX_WAIT_S = 0.5  # other processes plan work this one must notice soon on a fast clock
# How soon a process on a StepClock looks again at work not yet due. Like FakeClock's "not
# yet", it is longer than the waker's dense wait (0.05 s), so the waker goes back to its
# scheduler between looks (MAX_WAIT_S caps it) instead of spinning in its dense loop.
STEP_POLL_S = 0.2


class StepClock:
    """A clock another process moves: it reads the moment in `path`, written by `set`. Work not
    yet due is looked at again within moments, so a step forward is noticed straight away."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self._path.read_text(encoding="utf-8"))

    def real_seconds_until(self, moment: datetime) -> float:
        return 0.0 if moment <= self.now() else STEP_POLL_S

    def set(self, moment: datetime) -> None:
        """Move the clock to `moment` (from the test's side); it never goes back."""
        if moment.tzinfo is None:
            raise ValueError("moment must be timezone-aware")
        if self._path.exists() and moment < self.now():
            raise ValueError("a step clock does not go backwards")
        part = self._path.with_name(self._path.name + ".part")
        part.write_text(moment.isoformat(), encoding="utf-8")
        os.replace(part, self._path)  # a reader sees the old moment or the new, never half


def scaled(spec: str) -> ScaledClock | StepClock:
    if spec.startswith("file:"):
        return StepClock(Path(spec.removeprefix("file:")))
    start, factor, since = spec.split(",")
    return ScaledClock(datetime.fromisoformat(start), float(factor), since=float(since))


if __name__ == "__main__":
    clock = scaled(sys.argv[1])
    waker.MAX_WAIT = MAX_WAIT_S
    raise SystemExit(main(sys.argv[2:], clock=clock))
