"""`studybot run` and `studybot demo` at a real terminal (a pty of 80 columns): how they stop,
where their log goes, what a typed line answers, and what member text can do to the screen.

The stop tests run once each in the suite; `STUDYBOT_TERMINAL_RUNS=20` runs each 20 times.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.conftest import BASE_CONFIG
from tests.piped_bot import start_serving
from tests.terminal_pty import CTRL_C, CTRL_D, ROOT, TerminalSession

RUNS = int(os.environ.get("STUDYBOT_TERMINAL_RUNS", "1"))
STOP_WITHIN_S = 2.0


@contextmanager
def at_terminal(*args: str, cwd: Path) -> Iterator[TerminalSession]:
    session = TerminalSession(*args, cwd=cwd)
    try:
        yield session
    finally:
        session.close()


def rows(db: Path, query: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db)) as raw:
        return list(raw.execute(query))


def piped_run(config: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        input=script,
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )


def stop(session: TerminalSession, how: str) -> float:
    """Stop the bot the way a person (or systemd) would; returns the seconds until it exited."""
    started = time.monotonic()
    if how == "ctrl-c":
        session.type(CTRL_C)
    elif how == "ctrl-d":
        session.type(CTRL_D)
    else:
        session.signal(signal.SIGTERM)  # its standard input, the terminal, stays open
    assert session.wait_exit() == 0, "\n".join(session.lines())
    took = time.monotonic() - started
    print(f"\n{how}: the process ended {took:.3f} s after it")  # shown with -s
    return took


# -- stopping ----------------------------------------------------------------------------


@pytest.mark.parametrize("attempt", range(RUNS))
@pytest.mark.parametrize("how", ["ctrl-c", "ctrl-d", "sigterm"])
def test_run_at_a_terminal_stops_within_two_seconds_with_its_work_saved(
    write_config: Callable[[str], Path], tmp_path: Path, how: str, attempt: int
) -> None:
    config = write_config(BASE_CONFIG)
    with at_terminal("run", "--config", str(config), cwd=tmp_path) as session:
        session.prompt_waits()
        mark = session.mark()
        session.type("/study join\n")
        session.expect("Welcome to Readers", after=mark)
        session.prompt_waits(after=mark)
        took = stop(session, how)
        assert session.shows("Stopped: work in hand finished, and the database closed.")
    assert took < STOP_WITHIN_S, f"{how} took {took:.2f} s"
    db = tmp_path / "data" / "test.db"
    assert rows(db, "SELECT COUNT(*) FROM memberships") == [(1,)]
    assert not Path(f"{db}-wal").exists()  # closed cleanly: the WAL was checkpointed away


@pytest.mark.parametrize("attempt", range(RUNS))
@pytest.mark.parametrize("how", ["ctrl-c", "ctrl-d", "sigterm"])
def test_the_demo_at_a_terminal_stops_within_two_seconds(
    tmp_path: Path, how: str, attempt: int
) -> None:
    with at_terminal("demo", cwd=ROOT) as session:
        session.prompt_waits()
        session.expect("Welcome to Demo circle")
        took = stop(session, how)
        assert session.shows("Demo over.")
    assert took < STOP_WITHIN_S, f"{how} took {took:.2f} s"


@pytest.mark.parametrize("attempt", range(RUNS))
def test_ctrl_c_amid_pasted_answers_keeps_exactly_the_acknowledged_ones(
    write_config: Callable[[str], Path], tmp_path: Path, attempt: int
) -> None:
    config = write_config(BASE_CONFIG)
    with at_terminal("run", "--config", str(config), cwd=tmp_path) as session:
        session.prompt_waits()
        mark = session.mark()
        session.type("/study post-now\n")
        session.expect("Prompt 2", after=mark)
        mark = session.mark()
        session.type("".join(f"/as m{i:02d}\n/study respond 1 pasted {i:02d}\n" for i in range(30)))
        session.expect("Saved your response to prompt 1", after=mark)
        session.type(CTRL_C)
        assert session.wait_exit() == 0
        acknowledged = session.text().count("Saved your response to prompt 1")
    db = tmp_path / "data" / "test.db"
    saved = rows(db, "SELECT COUNT(*) FROM responses")[0][0]
    # the answer in hand when Ctrl-C came was finished and acknowledged; none was half-done
    assert saved == acknowledged >= 1
    assert not Path(f"{db}-wal").exists()


# -- the log, and the prompt --------------------------------------------------------------


def test_at_a_terminal_the_log_goes_to_a_file_and_warnings_show_above_the_prompt(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    log_file = tmp_path / "data" / "logs" / "studybot.log"
    with at_terminal("run", "--config", str(config), cwd=tmp_path) as session:
        session.prompt_waits()
        assert session.shows(f"Logs go to {log_file}; warnings show here.")
        assert "INFO" not in session.text() and "migrated to schema" not in session.text()
        # A broken edit: the config watcher warns, and the prompt is drawn again below it
        # (and below the admin's direct message about it that follows).
        mark = session.mark()
        config.write_text(BASE_CONFIG.replace("reminders:", "remindrs:"), encoding="utf-8")
        session.expect("warning: the edited config has 1 problem;", after=mark)
        session.expect("The config edit was not applied", after=mark)
        session.expect("─╯\nyou> ", after=mark)
        screen = [row for row in session.lines() if row]
        assert screen[-1] == "you>"
        warning = next(i for i, row in enumerate(screen) if row.startswith("warning:"))
        assert warning < len(screen) - 1 and "you>" not in screen[warning]
        session.type(CTRL_D)
        assert session.wait_exit() == 0
    logged = log_file.read_text(encoding="utf-8")
    assert "starting platform console" in logged and "shutting down" in logged


def test_a_plain_line_answers_the_first_prompt_not_yet_answered(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    with at_terminal("run", "--config", str(config), cwd=tmp_path) as session:
        session.prompt_waits()
        mark = session.mark()
        session.type("/study post-now\n")
        session.expect("Prompt 2", after=mark)
        for line, seen in (
            ("First thoughts", "Saved your response to prompt 1"),
            ("Second thoughts", "Saved your response to prompt 2"),
            ("One more", "You have answered every open prompt, so that line was not saved"),
            (">1 Better first thoughts", "Replaced your response to prompt 1"),
            (">7 Nowhere", "There is no open prompt 7 (open: 1, 2); nothing was saved."),
        ):
            mark = session.mark()
            session.type(line + "\n")
            session.expect(seen, after=mark)
        session.type(CTRL_D)
        assert session.wait_exit() == 0
    db = tmp_path / "data" / "test.db"
    assert rows(db, "SELECT prompt, text FROM responses ORDER BY prompt") == [
        (1, "Better first thoughts"),
        (2, "Second thoughts"),
    ]


def test_after_a_restart_a_plain_line_still_answers_the_open_prompt(
    write_config: Callable[[str], Path],
) -> None:
    config = write_config(BASE_CONFIG)
    assert piped_run(config, "/study join\n/study post-now\n").returncode == 0
    again = piped_run(config, "An answer after the restart\nAnd the second\n")
    assert again.returncode == 0, again.stderr
    assert "Saved your response to prompt 1" in again.stdout
    assert "Saved your response to prompt 2" in again.stdout
    assert "type /study help" not in again.stdout


def test_the_demo_takes_plain_lines_for_the_first_prompts_not_yet_answered() -> None:
    script = "Plain line one\nPlain line two\n/study mine\n"
    result = subprocess.run(
        # the demo's own pace: at 15,000x a loaded machine saw session 1 close before `mine`
        [sys.executable, "-m", "bot.cli", "demo", "--speed", "6000"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Saved your response to prompt 1" in out and "Saved your response to prompt 2" in out
    mine = out[out.index("Your responses in session 1") :]
    assert "Plain line one" in mine and "Plain line two" in mine


# -- what member text can do to the screen ------------------------------------------------

HOSTILE = "before\x1b[2J\x1b[H\x1b]0;owned\x07\x9b31m\u202eafter"


async def _eve_answers(config: Path, db: Path) -> None:
    from bot.testing import make_harness, member
    from tests.conftest import START

    h = await make_harness(config, start=START, storage_path=str(db))
    try:
        said = await h.command(f"respond 1 {HOSTILE}", member=member("Eve\x1b[5m"))
        assert "Saved" in said
    finally:
        await h.close()


def test_member_text_cannot_clear_the_screen_or_retitle_the_terminal(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    import asyncio

    config = write_config(BASE_CONFIG)
    assert piped_run(config, "/study post-now\n").returncode == 0
    # Eve answers from elsewhere (as from Matrix or Discord, which carry these bytes as text)
    asyncio.run(_eve_answers(config, tmp_path / "data" / "test.db"))
    with at_terminal("run", "--config", str(config), cwd=tmp_path) as session:
        session.prompt_waits()
        session.type("/study respond 1 Mine first\n")
        session.expect("Saved your response")
        mark = session.mark()
        session.type("/study responses\n")
        session.expect("owned31mafter", after=mark)
        session.expect("after\nyou> ", after=mark)
        shown = session.raw[mark:]
        assert b"\x1b[2J" not in shown and b"\x1b]0;" not in shown and b"\xc2\x9b" not in shown
        assert session.screen.title == ""  # the window title is the terminal's own
        assert any("Saved your response" in row for row in session.lines())  # not cleared
        session.type(CTRL_D)
        assert session.wait_exit() == 0


def test_typed_names_and_lines_are_shown_as_typed_never_as_markup(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    with at_terminal("run", "--config", str(config), cwd=tmp_path) as session:
        session.prompt_waits()
        mark = session.mark()
        session.type("/as [bold red]Mallory[/]\n")
        session.expect("now speaking as [bold red]Mallory[/]", after=mark)
        session.prompt_waits("[bold red]Mallory[/]", after=mark)
        session.type(CTRL_D)
        assert session.wait_exit() == 0
    piped = piped_run(config, "/as [blink]Nina[/blink]\n[red]a plain line[/red]\n")
    assert "now speaking as [blink]Nina[/blink]" in piped.stdout
    assert "[blink]Nina[/blink]> [red]a plain line[/red]" in piped.stdout


def test_bytes_that_are_not_utf8_cost_a_character_not_the_command(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    with at_terminal("run", "--config", str(config), cwd=tmp_path) as session:
        session.prompt_waits()
        mark = session.mark()
        session.type(b"/study post-now\n/as Zo\xffe\n")
        session.expect("now speaking as Zo\ufffde", after=mark)
        mark = session.mark()
        session.type(b"/study help\n")
        session.expect("/study join", after=mark)
        mark = session.mark()
        session.type(b"/study respond 1 caf\xe9 cr\xe8me\n")
        session.expect("Saved your response to prompt 1", after=mark)
        session.type(CTRL_D)
        assert session.wait_exit() == 0
    db = tmp_path / "data" / "test.db"
    assert rows(db, "SELECT text FROM responses") == [("caf\ufffd cr\ufffdme",)]
    assert rows(db, "SELECT display_name FROM members WHERE user_id <> 'you'") == [("Zo\ufffde",)]


def test_post_footers_show_the_groups_time_not_the_hosts(
    write_config: Callable[[str], Path],
) -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    config = write_config(BASE_CONFIG)  # the group meets in Europe/Berlin; the host runs UTC
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime.now(UTC)
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT), "TZ": "UTC"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
        input="/study post-now\n",
        capture_output=True,
        text=True,
        timeout=90,
        env=env,
    )
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    footer = next(line for line in result.stdout.splitlines() if "room · " in line)
    stamps = {
        f"{(before + timedelta(minutes=m)).astimezone(berlin):%a %H:%M}"
        for m in range(int((after - before).total_seconds() // 60) + 2)
    }
    assert any(f"room · {stamp}" in footer for stamp in stamps), (footer, stamps)


def test_an_answer_after_a_restart_goes_to_the_session_open_now(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    assert piped_run(config, "/study post-now\n").returncode == 0
    # The next run opens session 2; its posts must not take the message ids of session 1's.
    again = piped_run(config, "/study post-now confirm\n>1 For the second session\n")
    assert again.returncode == 0, again.stderr
    assert "Session 2 is open" in again.stdout
    assert "Saved your response to prompt 1" in again.stdout
    db = tmp_path / "data" / "test.db"
    assert rows(
        db, "SELECT s.number, r.text FROM responses r JOIN sessions s ON s.id = r.session_id"
    ) == [(2, "For the second session")]


@pytest.mark.parametrize("attempt", range(RUNS))
def test_sigterm_stops_run_with_its_piped_input_still_open(
    write_config: Callable[[str], Path], tmp_path: Path, attempt: int
) -> None:
    config = write_config(BASE_CONFIG)
    proc = start_serving(config)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)  # standard input stays open, as a pipe from a service
        code = proc.wait(timeout=60)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
        proc.stdin.close()
        proc.stdout.close()
    assert code == 0 and took < STOP_WITHIN_S, f"exit {code} after {took:.2f} s"
    assert not (tmp_path / "data" / "test.db-wal").exists()
