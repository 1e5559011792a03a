"""The `studybot` command line, run as a user would run it, in a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import BASE_CONFIG, FIXTURES
from tests.piped_bot import start_serving

ROOT = Path(__file__).resolve().parent.parent


def studybot(
    *args: str, stdin: str = "", cwd: Path | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or ROOT,
        env=env,
    )


def test_check_valid_config_prints_next_sessions(write_config: Callable[[str], Path]) -> None:
    result = studybot("check", str(write_config(BASE_CONFIG)))
    assert result.returncode == 0, result.stderr
    assert (
        "is valid" in result.stdout
        and "readers" in result.stdout
        and "(Europe/Berlin)" in result.stdout
    )


def test_check_shows_what_privacy_minimal_turns_on(write_config: Callable[[str], Path]) -> None:
    config = BASE_CONFIG.replace("    admins: [ana]\n", "    admins: [ana]\n    privacy: minimal\n")
    result = studybot("check", str(write_config(config)))
    assert result.returncode == 0, result.stderr
    shown = " ".join(result.stdout.split())
    assert "privacy: minimal turns on anonymous, expire_after, retention_days" in shown
    assert "no display names are stored" in shown and "exports carry no names" in shown


def test_check_invalid_config_exits_1_with_every_problem(
    write_config: Callable[[str], Path],
) -> None:
    bad = BASE_CONFIG.replace("timezone: Europe/Berlin", "timezone: Nowhere/City").replace(
        "reminders:", "remindrs:"
    )
    result = studybot("check", str(write_config(bad)))
    assert result.returncode == 1
    assert (
        "2 problems in the config" in result.stderr
        and "Nowhere/City" in result.stderr
        and "did you mean 'reminders'" in result.stderr
    )


def test_a_problem_line_keeps_its_location_whole_in_a_long_folder(tmp_path: Path) -> None:
    """An editor jumps to `path:line:col`: the CLI never wraps it in the middle, whatever
    the width (the test's is 100 columns) and however deep the folder."""
    folder = tmp_path / ("a-rather-long-folder-name-for-the-groups-config" + "/x" * 20)
    folder.mkdir(parents=True)
    shutil.copytree(FIXTURES / "readings", folder / "readings")
    config = folder / "config.yaml"
    config.write_text(BASE_CONFIG.replace("timezone: Europe/Berlin", "timezone: Nowhere/City"))
    result = studybot("check", str(config))
    assert result.returncode == 1
    located = [line for line in result.stderr.splitlines() if f"{config}:" in line]
    assert located and all("Nowhere/City" in line for line in located), result.stderr


def ahead(config: str) -> str:
    """`config` with its courses starting next week: `preview` runs on the real clock, and a
    fixed start date in a test turns into a past one on the day it passes."""
    soon = date.today() + timedelta(days=7)
    return re.sub(r"start: \d{4}-\d{2}-\d{2}", f"start: {soon.isoformat()}", config)


def test_preview_and_ics(write_config: Callable[[str], Path], tmp_path: Path) -> None:
    ics = tmp_path / "cal.ics"
    result = studybot(
        "preview", str(write_config(ahead(BASE_CONFIG))), "--days", "400", "--ics", str(ics)
    )
    assert result.returncode == 0, result.stderr
    assert "Part One" in result.stdout and "Part Three" in result.stdout
    text = ics.read_text()
    assert text.count("BEGIN:VEVENT") == 3 and "UID:readers-session-1@studybot" in text
    assert text.count("BEGIN:VALARM") == 6


def test_run_scripted_on_the_console(write_config: Callable[[str], Path], tmp_path: Path) -> None:
    config = write_config(BASE_CONFIG)
    log = tmp_path / "bot.log"
    script = (
        "/study join\n/study post-now\n/study respond 1 My scripted answer\n/study export json\n"
    )
    result = studybot(
        "run", "--config", str(config), "--log-level", "debug", "--log-file", str(log), stdin=script
    )
    assert result.returncode == 0, result.stderr
    assert "Welcome" in result.stdout and "Session 1 is open" in result.stdout
    assert "Saved your response to prompt 1" in result.stdout
    exported = json.loads(
        (tmp_path / "data" / "console" / "exports" / "readers-responses.json").read_text()
    )
    assert exported["responses"][0]["response"] == "My scripted answer"
    assert "My scripted answer" not in log.read_text()  # responses never reach the log

    # The database survives the process: the CLI export sees the response.
    out = studybot("export", str(config), "--group", "readers", "--format", "csv")
    assert out.returncode == 0 and "My scripted answer" in out.stdout

    # A second run reopens the same state without posting the session again.
    again = studybot("run", "--config", str(config), stdin="/study status\n")
    assert again.returncode == 0 and "Open: session 1" in again.stdout
    # (status names the open session's section now, so the section's text is what must not recur)
    assert "The first part says" not in again.stdout


def test_speaking_as_someone_else_on_the_console_grants_no_rights(
    write_config: Callable[[str], Path],
) -> None:
    config = str(write_config(BASE_CONFIG))
    script = "/study join\n/study status\n/as cat\n/study post-now\n/study export json\n"
    as_bea = studybot("run", "--config", config, "--as", "bea", stdin=script)
    assert as_bea.returncode == 0, as_bea.stderr
    assert as_bea.stdout.count("is for the admins of Readers") == 3
    assert "Session 1 is open" not in as_bea.stdout and "file saved" not in as_bea.stdout
    own = studybot("run", "--config", config, stdin="/study status\n")
    assert "is for the admins" not in own.stdout and "Readers" in own.stdout


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("start: 2026-12-01", "start: 2026-11-31", ":10:12: 2026-11-31 is not a date"),
        (
            "respond_for: 6d",
            "respond_for: 6d\n    drift_after: " + "7" * 4301,
            ":14:18: a number of",
        ),
    ],
)
def test_check_and_run_name_the_line_of_an_impossible_value(
    write_config: Callable[[str], Path], old: str, new: str, said: str
) -> None:
    config = write_config(BASE_CONFIG.replace(old, new))
    for args in (("check", str(config)), ("run", "--config", str(config))):
        result = studybot(*args, stdin="/study status\n")
        assert result.returncode == 1, (args, result.stdout)
        assert f"{config}{said}" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_run_without_config_explains(tmp_path: Path) -> None:
    result = studybot("run", "--config", str(tmp_path / "missing.yaml"))
    assert result.returncode == 1 and "studybot demo" in result.stderr


def test_demo_runs_the_whole_reading_scripted() -> None:
    if not (ROOT / "readings" / "first-steps.yaml").exists():
        pytest.skip("the demo reading is not in readings/ yet")
    script = "/study now\n>1 My first demo answer\n\n/study progress\n"
    result = studybot("demo", "--speed", "40000", stdin=script, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for seen in (
        "next session in",
        "Session 1",
        "Prompt 1",
        "My first demo answer",
        "summary",
        "Reading finished",
        "Demo over",
    ):
        assert seen in out, seen
    # the course is the shipped pack (issue 16); the terminal may wrap the line
    assert "The course is the pack first-steps@1.0.0." in " ".join(out.split())


def test_the_demo_sends_nothing_about_sessions_once_the_reading_has_finished() -> None:
    if not (ROOT / "readings" / "first-steps.yaml").exists():
        pytest.skip("the demo reading is not in readings/ yet")
    # a visitor who only watches: silent through every session, the last one included
    result = studybot("demo", "--speed", "40000", stdin="/study status\n", timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Reading finished" in out and "Demo over" in out
    assert "We miss you" not in out[out.index("Reading finished") :]


def test_import_article_to_a_reading(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text(
        "# Title\n\nIntro words here that set the scene for the reading group today.\n\n"
        "## First part\n\n" + "Some text about the first part of the argument. " * 5 + "\n\n"
        "## Second part\n\n"
        + "More text about the second part. " * 5
        + "\n\nLeave a Reply\n\nSpam comment\n"
    )
    out = tmp_path / "readings" / "article.yaml"
    result = studybot("import", str(article), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "First part" in result.stdout and "Second part" in result.stdout
    text = out.read_text()
    assert 'id: "article"' in text and "Spam comment" not in text
    again = studybot("import", str(article), "--out", str(out))
    assert again.returncode == 1 and "--force" in again.stderr
    bad = studybot("import", str(article), "--out", str(tmp_path / "x.yaml"), "--id", "Bad Id")
    assert bad.returncode == 1 and "Cannot import" in bad.stderr


def test_a_second_bot_on_the_same_sqlite_file_is_refused(
    write_config: Callable[[str], Path],
) -> None:
    from bot.config.load import load_config
    from bot.storage.engines.single_process import ProcessLock

    config = write_config(BASE_CONFIG)
    running = ProcessLock(load_config(config).storage)  # as a bot already running would hold
    running.acquire()
    try:
        result = studybot("run", "--config", str(config), stdin="/study status\n")
        assert result.returncode == 1
        assert "another studybot is already running" in result.stderr
        assert "PostgreSQL" in result.stderr
        # read-only commands still work beside it
        out = studybot("export", str(config), "--group", "readers", "--format", "csv")
        assert out.returncode == 0, out.stderr
    finally:
        running.release()
    again = studybot("run", "--config", str(config), stdin="/study status\n")
    assert again.returncode == 0, again.stderr


def test_a_hard_link_to_the_database_does_not_get_past_the_lock(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    first = start_serving(config)  # the first bot is up and holds its file
    assert first.stdin is not None and first.stdout is not None
    try:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        os.link(tmp_path / "data" / "test.db", elsewhere / "same.db")
        linked = tmp_path / "linked.yaml"
        linked.write_text(
            config.read_text().replace("storage: data/test.db", "storage: elsewhere/same.db")
        )
        second = studybot("run", "--config", str(linked), stdin="/study join\n")
        assert second.returncode == 1, second.stdout
        assert "another studybot is already running" in second.stderr
        assert "hard link" in second.stderr
        assert not (elsewhere / "same.db-wal").exists()  # it never opened the database
    finally:
        first.stdin.close()  # end of input: the first bot stops
        code = first.wait(timeout=60)
        first.stdout.close()
    assert code == 0
    # once the first has stopped, the file is free under either name
    again = studybot("run", "--config", str(linked), stdin="/study status\n")
    assert again.returncode == 0, again.stderr


def test_console_exports_each_keep_their_own_file_with_times_to_the_second(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    script = (
        "/study join\n/study post-now\n/study respond 1 Mine\n/study export-mine\n"
        "/as Bea\n/study respond 1 Hers\n/study export-mine\n"
        "/as you\n/study export json\n/study export json\n"
    )
    result = studybot("run", "--config", str(config), stdin=script)
    assert result.returncode == 0, result.stderr
    exports = tmp_path / "data" / "console" / "exports"
    assert sorted(p.name for p in exports.iterdir()) == [
        "readers-responses-2.json",
        "readers-responses.json",
        "study-circle-data-bea.json",
        "study-circle-data-you.json",
    ]
    mine = json.loads((exports / "study-circle-data-you.json").read_text())
    hers = json.loads((exports / "study-circle-data-bea.json").read_text())
    assert [r["text"] for r in mine["responses"]] == ["Mine"]
    assert [r["text"] for r in hers["responses"]] == ["Hers"]
    shared = json.loads((exports / "readers-responses-2.json").read_text())
    stamps = [
        mine["exported_at"],
        mine["member"]["created_at"],
        mine["responses"][0]["updated_at"],
        mine["memberships"][0]["joined_at"],
        shared["responses"][0]["submitted_at"],
    ]
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stamp), stamp
    csv_out = studybot("export", str(config), "--group", "readers", "--format", "csv")
    assert re.search(r",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00,false", csv_out.stdout)


def test_export_out_never_overwrites_without_force_and_explains_a_bad_target(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = str(write_config(BASE_CONFIG))
    target = tmp_path / "answers.csv"
    target.write_text("keep me", encoding="utf-8")
    refused = studybot("export", config, "--group", "readers", "--out", str(target))
    assert refused.returncode == 1 and "already exists; add --force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    forced = studybot("export", config, "--group", "readers", "--out", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("group_id,")
    for where, says in (
        (tmp_path / "no-such-folder" / "a.csv", "does not exist; create it"),
        (tmp_path, "is a folder; give a file name in it"),
    ):
        bad = studybot("export", config, "--group", "readers", "--out", str(where))
        assert bad.returncode == 1 and says in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_archive_writes_only_into_a_new_empty_or_own_folder(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = str(write_config(BASE_CONFIG))

    def archive(
        out: Path, *more: str, home: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HOME": str(home or tmp_path / "nobody-home")}
        command = ("archive", config, "--group", "readers", "--out", str(out), *more)
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", *command],
            capture_output=True,
            text=True,
            timeout=90,
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
        )

    site = tmp_path / "site"
    first = archive(site)
    assert first.returncode == 0, first.stderr
    assert (site / "index.html").exists() and (site / ".studybot-archive").exists()
    again = archive(site)
    assert again.returncode == 1 and "holds an earlier archive; add --force" in again.stderr
    (site / "session-9.html").write_text("an old page", encoding="utf-8")
    marker = json.loads((site / ".studybot-archive").read_text(encoding="utf-8"))
    marker["files"].append("session-9.html")
    (site / ".studybot-archive").write_text(json.dumps(marker), encoding="utf-8")
    replaced = archive(site, "--force")
    assert replaced.returncode == 0 and "replaced the earlier one" in replaced.stdout
    assert not (site / "session-9.html").exists()  # a page of its own it no longer has

    theirs = tmp_path / "photos"
    theirs.mkdir()
    (theirs / "index.html").write_text("my own page", encoding="utf-8")
    for forced in ((), ("--force",)):
        refused = archive(theirs, *forced)
        assert refused.returncode == 1 and "not a Study Circle archive" in refused.stderr
    assert [p.name for p in theirs.iterdir()] == ["index.html"]
    assert (theirs / "index.html").read_text(encoding="utf-8") == "my own page"

    home = tmp_path / "home"
    home.mkdir()
    for where, says in (
        (Path("/"), "is the root or a home folder"),
        (home, "is the root or a home folder"),
        (tmp_path / "config.yaml", "is a file; choose a folder"),
    ):
        bad = archive(where, "--force", home=home)
        assert bad.returncode == 1 and says in bad.stderr, bad.stderr
        assert "Traceback" not in bad.stderr
    assert list(home.iterdir()) == []


def test_run_reads_a_script_file_given_as_standard_input(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(BASE_CONFIG)
    script = tmp_path / "script.txt"
    script.write_text("/study join\n/study status", encoding="utf-8")  # no newline at the end
    with script.open("rb") as stdin:  # a regular file, which the event loop cannot watch
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "run", "--config", str(config)],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=90,
            env={**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)},
        )
    assert result.returncode == 0, result.stderr
    assert "Welcome to Readers" in result.stdout and "Readers (readers) on console" in result.stdout
