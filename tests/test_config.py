"""Config validation: every problem at once, each with file, line, column and the fix."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config.load import ConfigError, load_config

GOOD = """
storage: data/x.db
groups:
  - id: tuesday
    name: Tuesday readers
    platform: console
    timezone: America/La_Paz
    reading: three-parts
    start: 2026-12-01
    cadence: {weekly: [tue], at: "19:00"}
    reminders: [24h, 1h]
    respond_for: 6d
    breaks: ["2026-12-22..2027-01-05", 2027-02-02]
"""


def problems(write: Callable[[str], Path], text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write(text))
    return [p.render() for p in info.value.problems]


def test_good_config_loads(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(GOOD))
    group = config.groups[0]
    assert [r.id for r in group.course.readings] == ["three-parts"]
    assert group.zone.key == "America/La_Paz"
    assert len(group.spec.breaks) == 2
    assert config.platform_names == ("console",)
    assert config.storage.endswith("data/x.db")


def test_unquoted_time_of_day_is_understood(write_config: Callable[[str], Path]) -> None:
    config = load_config(write_config(GOOD.replace('at: "19:00"', "at: 19:00")))
    assert config.groups[0].spec.cadence.at is not None
    assert config.groups[0].spec.cadence.at.hour == 19


def test_all_errors_reported_together_with_lines(write_config: Callable[[str], Path]) -> None:
    bad = (
        GOOD.replace("timezone: America/La_Paz", "timezone: Mars/Olympus")
        .replace("respond_for: 6d", "respond_for: six days")
        .replace("reminders: [24h, 1h]", "remindrs: [24h, 1h]")
    )
    found = problems(write_config, bad)
    assert len(found) == 3, found
    text = "\n".join(found)
    assert "config.yaml:7:" in text and "Mars/Olympus" in text
    assert "did you mean 'reminders'?" in text and "config.yaml:11:" in text
    assert "six days" in text and "30m, 24h, 6d" in text


def test_unknown_reading_lists_the_known_ones(write_config: Callable[[str], Path]) -> None:
    found = problems(write_config, GOOD.replace("reading: three-parts", "reading: nope"))
    assert any("unknown reading 'nope'" in p and "three-parts" in p for p in found)


def test_cadence_needs_exactly_one_kind(write_config: Callable[[str], Path]) -> None:
    found = problems(
        write_config,
        GOOD.replace('{weekly: [tue], at: "19:00"}', '{weekly: [tue], cron: "0 19 * * 2"}'),
    )
    assert any("exactly one of weekly, dates or cron" in p for p in found)
    found = problems(
        write_config, GOOD.replace('{weekly: [tue], at: "19:00"}', '{cron: "0 25 * * 2"}')
    )
    assert any("bad cron expression" in p for p in found)


def test_matrix_group_without_room_or_platform(write_config: Callable[[str], Path]) -> None:
    found = problems(write_config, GOOD.replace("platform: console", "platform: matrix"))
    assert any("needs `room" in p for p in found)


def test_broken_yaml_points_at_the_line(write_config: Callable[[str], Path]) -> None:
    found = problems(write_config, GOOD + "  - id: [unclosed\n")
    assert len(found) == 1 and "config.yaml:" in found[0] and "not valid YAML" in found[0]


def test_billion_laughs_is_refused_quickly(write_config: Callable[[str], Path]) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    started = time.monotonic()
    found = problems(write_config, "\n".join(lines) + "\n")
    assert time.monotonic() - started < 2
    assert any("too many values" in p for p in found)


def test_reading_file_outside_readings_folder_refused(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    (tmp_path / "readings" / "escape.yaml").write_text(
        "id: escape\ntitle: E\nsections:\n  - id: a\n    title: A\n    file: ../../../etc/passwd\n    prompts: [q]\n"
    )
    found = problems(write_config, GOOD)
    assert any("outside the readings folder" in p for p in found)


def test_not_a_mapping(write_config: Callable[[str], Path]) -> None:
    assert "must be a mapping" in problems(write_config, "- just\n- a list\n")[0]


def test_example_config_is_valid() -> None:
    root = Path(__file__).resolve().parent.parent
    example = root / "config.example.yaml"
    if not example.exists():
        pytest.skip("config.example.yaml not written yet")
    config = load_config(example)
    assert {g.platform for g in config.groups} >= {"console"}


# -- values YAML reads but no date or number can hold (issue 12) ----------------------------

IMPOSSIBLE = [
    ("start: 2026-12-01", "start: 2026-11-31", ":10:12:", "2026-11-31 is not a date"),
    ("start: 2026-12-01", "start: 2026-13-03", ":10:12:", "2026-13-03 is not a date"),
    (
        'cadence: {weekly: [tue], at: "19:00"}',
        'cadence: {dates: [2027-02-29], at: "19:00"}',
        ":11:23:",
        "2027-02-29 is not a date",
    ),
    (
        "respond_for: 6d",
        "respond_for: 6d\n    drift_after: " + "9" * 4400,
        ":14:18:",
        "4,400 digits",
    ),
    ("respond_for: 6d", "respond_for: 99999999999d", ":13:5:", "at most 999999999 days"),
    ("start: 2026-12-01", "start: 9999-12-31", ":10:5:", "from 1970-01-01 to 9000-12-31"),
]


@pytest.mark.parametrize(("old", "new", "where", "says"), IMPOSSIBLE)
def test_impossible_dates_and_numbers_are_located_problems(
    write_config: Callable[[str], Path], old: str, new: str, where: str, says: str
) -> None:
    from tests.conftest import BASE_CONFIG

    assert old in BASE_CONFIG
    [problem] = problems(write_config, BASE_CONFIG.replace(old, new))
    assert f"config.yaml{where}" in problem and says in problem, problem


def test_discord_events_on_a_group_elsewhere_is_one_located_sentence(
    write_config: Callable[[str], Path],
) -> None:
    from tests.conftest import BASE_CONFIG

    text = BASE_CONFIG.replace("respond_for: 6d", "respond_for: 6d\n    discord_events: true")
    [problem] = problems(write_config, text)
    assert "config.yaml:14:5:" in problem, problem
    assert "Discord server's Events tab" in problem and "meets on console" in problem


def test_every_impossible_value_is_reported_together(write_config: Callable[[str], Path]) -> None:
    from tests.conftest import BASE_CONFIG

    text = BASE_CONFIG.replace("start: 2026-12-01", "start: 2026-11-31").replace(
        "respond_for: 6d", "respond_for: 6d\n    drift_after: " + "1" * 5000
    )
    found = problems(write_config, text)
    assert len(found) == 2 and ":10:12:" in found[0] and ":14:18:" in found[1], found
    assert "write a date that exists" in found[0] and "at most 4,300 digits" in found[1]


def test_any_other_failure_while_loading_is_a_problem_of_the_file(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.config.load as load

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(load, "resolve_groups", broken)
    from tests.conftest import BASE_CONFIG

    [problem] = problems(write_config, BASE_CONFIG)
    assert problem.startswith(str(write_config(BASE_CONFIG))) and "RecursionError" in problem
