"""For tests and benchmarks only: run `studybot run` on a scaled clock shared by several processes.

`STUDYBOT_TEST_CLOCK="START,FACTOR,SINCE"` (an ISO moment with zone, simulated seconds per
real second, the UNIX time at which the clock read START) makes the process use that clock
and look for due work at least every `STUDYBOT_TEST_MAX_WAIT` real seconds (default 0.5).
Never set it in production: the bot would post on a made-up calendar.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime

from bot.core.clock import Clock, ScaledClock
from bot.runtime import waker

log = logging.getLogger(__name__)

VARIABLE = "STUDYBOT_TEST_CLOCK"


def clock_from_env() -> Clock | None:
    value = os.environ.get(VARIABLE)
    if not value:
        return None
    start, factor, since = value.split(",")
    # other processes plan work this one must notice soon on a fast clock
    waker.MAX_WAIT = float(os.environ.get("STUDYBOT_TEST_MAX_WAIT", "0.5"))
    log.warning("%s is set: running on a scaled test clock, %s times real time", VARIABLE, factor)
    return ScaledClock(datetime.fromisoformat(start), float(factor), since=float(since))
