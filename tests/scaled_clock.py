"""`studybot` on a scaled clock shared by several processes, for tests only.

`python -m tests.scaled_clock START,FACTOR,SINCE studybot-arguments...` runs the command line
with a clock that read START (an ISO moment with zone) at the UNIX time SINCE and runs FACTOR
times faster than real time, looking for due work at least every 0.5 real seconds. The shipped
`studybot` never reads a clock from its environment; this is the one way in.
"""

from __future__ import annotations

import sys
from datetime import datetime

from bot.cli.main import main
from bot.core.clock import ScaledClock
from bot.runtime import waker

MAX_WAIT_S = 0.5  # other processes plan work this one must notice soon on a fast clock


def scaled(spec: str) -> ScaledClock:
    start, factor, since = spec.split(",")
    return ScaledClock(datetime.fromisoformat(start), float(factor), since=float(since))


if __name__ == "__main__":
    clock = scaled(sys.argv[1])
    waker.MAX_WAIT = MAX_WAIT_S
    raise SystemExit(main(sys.argv[2:], clock=clock))
