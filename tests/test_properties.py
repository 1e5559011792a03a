"""Hostile input, generated: the command parser and the config loader give a result or a clear error."""

from __future__ import annotations

import string
import tempfile
from datetime import timedelta
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.parser import ParsedCommand, UnknownCommand, UsageError, parse
from bot.commands.spec import COMMANDS
from bot.config.load import ConfigError, load_config
from bot.core.durations import parse_duration
from bot.core.text import clean_name, split_text

NAMES = st.sampled_from([c.name for c in COMMANDS]) | st.text(max_size=30)
ARGS = st.text(max_size=400) | st.lists(
    st.sampled_from(
        [
            "1",
            "2",
            "--private",
            "--shared",
            "--group",
            "x",
            "csv",
            "on",
            "Europe/Berlin",
            "-1",
            "9" * 20,
        ]
    ),
    max_size=8,
).map(" ".join)


@given(NAMES, ARGS)
@settings(max_examples=400, deadline=None)
def test_parser_never_crashes(name: str, args: str) -> None:
    try:
        result = parse(name, args)
    except (UnknownCommand, UsageError) as exc:
        assert str(exc) or isinstance(exc, UnknownCommand)
        return
    assert isinstance(result, ParsedCommand)
    for param in result.spec.params:
        if param.required:
            assert result.values.get(param.name) is not None


@given(st.text(max_size=5000))
@settings(max_examples=200, deadline=None)
def test_respond_keeps_the_text_whole(text: str) -> None:
    try:
        result = parse("respond", f"2 {text}")
    except UsageError:
        assert not text.strip()
        return
    assert result.values["text"] == text.strip()


YAML_ATOMS = st.sampled_from(
    [
        "groups",
        "id",
        "name",
        "reading",
        "start",
        "cadence",
        "weekly",
        "at",
        "19:00",
        "tue",
        "- ",
        ": ",
        "\n",
        "  ",
        "{",
        "}",
        "[",
        "]",
        "&a",
        "*a",
        "!!python/object:os.system",
        "2026-12-01",
        "timezone",
        "Mars/Olympus",
        "'",
        '"',
    ]
)


@given(
    st.lists(YAML_ATOMS | st.text(alphabet=string.printable, max_size=10), max_size=60).map("".join)
)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_config_loader_gives_a_config_or_located_problems(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "readings").mkdir()
        path = Path(tmp) / "config.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            config = load_config(path)
        except ConfigError as exc:
            assert exc.problems
            assert all(p.file == str(path) and p.message for p in exc.problems)
            return
        assert config.groups == () or all(g.reading for g in config.groups)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=4),
        max_leaves=30,
    )
)
@settings(max_examples=300, deadline=None)
def test_config_loader_on_arbitrary_yaml_structures(data: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "readings").mkdir()
        path = Path(tmp) / "config.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        try:
            load_config(path)
        except ConfigError as exc:
            assert exc.problems


@given(st.text(max_size=40))
def test_durations_parse_or_explain(text: str) -> None:
    try:
        assert parse_duration(text) >= timedelta(0)
    except ValueError as exc:
        assert "duration" in str(exc)


@given(st.text(max_size=200))
def test_clean_name_has_no_invisible_or_control_characters(name: str) -> None:
    cleaned = clean_name(name)
    assert cleaned and "\n" not in cleaned and len(cleaned) <= 64
    assert not any(
        ch in cleaned
        for ch in "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    )


@given(st.text(max_size=3000), st.integers(min_value=20, max_value=500))
@settings(max_examples=200)
def test_split_text_respects_the_limit_and_keeps_the_words(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
