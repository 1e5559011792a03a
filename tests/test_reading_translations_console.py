"""Readings in several languages on the console, typed as a person would: the room's posts in
the group's language, `now` in the member's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.bilingual import ENGLISH, SPANISH, group_config, write_reading
from tests.test_cli import studybot

SCRIPT = "/study {choice}\n/study join\n/study post-now\n/study now\n/study respond 1 {answer}\n"


def _run(write_config: Callable[[str], Path], tmp_path: Path, language: str, choice: str) -> str:
    path = write_config(group_config(language=language))
    write_reading(path.parent / "readings")
    script = SCRIPT.format(choice=choice, answer="Mi respuesta")
    result = studybot(
        "run", "--config", str(path), "--log-file", str(tmp_path / "bot.log"), stdin=script
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _after(out: str, marker: str) -> tuple[str, str]:
    """The output before the `now` reply (the first line in the reader's language), and after."""
    at = out.index(marker)
    return out[:at], out[at:]


def test_on_the_console_a_spanish_reader_in_an_english_group(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    out = _run(write_config, tmp_path, "en", "language es")
    posted, now = _after(out, SPANISH[0])
    assert all(text in posted for text in ENGLISH)  # the session as the room reads it
    assert all(text in now for text in SPANISH)  # `now`, addressed to the member


def test_on_the_console_an_english_reader_in_a_spanish_group(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    out = _run(write_config, tmp_path, "es", "language en")
    posted, now = _after(out, ENGLISH[0])
    assert all(text in posted for text in SPANISH)
    assert not any(text in posted for text in ENGLISH[2:])
    assert all(text in now for text in ENGLISH)
