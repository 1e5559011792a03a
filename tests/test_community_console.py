"""Issue 8's commands on the console adapter, scripted as an admin would type them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import BASE_CONFIG
from tests.test_cli import studybot

CONFIG = BASE_CONFIG.replace(
    "admins: [ana]",
    "admins: [ana]\n    pairing: {enabled: true}\n    rsvp: true\n    live_after: 2d",
)


def test_snooze_rsvp_and_admin_views_on_the_console(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    script = (
        "/study join\n/study rsvp yes\n/study post-now\n/study rsvp yes\n/study snooze 2\n"
        "/study snooze 0\n/study progress\n/study pair-history\n/study drifting\n"
        "/study members\n/study status\n"
    )
    log = tmp_path / "bot.log"
    result = studybot(
        "run", "--config", str(write_config(CONFIG)), "--log-file", str(log), stdin=script
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "No session is open, so there is no live discussion" in out
    assert "[I'll join the live talk" in out and "] → /study rsvp yes" in out  # the button
    assert "See you at the live discussion" in out and "1 going so far" in out
    assert "Snoozing until" in out and "Welcome back" in out
    assert "Current streak: 0" in out
    assert "No teams yet" in out  # one member alone is not paired with anyone
    assert "Nobody in Readers has been silent" in out
    # an admin's views: who is in the group, and what is coming in words (issue 12, item 20)
    assert "Readers: 1 member" in out and "joined " in out  # the real clock: any date
    assert "no named response yet" in out and "0 reminders sent" in out
    assert "Coming up (Europe/Berlin time):" in out and "the session closes" in out
