"""The cyclic garbage collector paused while a config is built, and the start-up heap frozen once."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import bot.config.load
from bot.config.load import ConfigError, load_config
from bot.core import heap
from tests.test_config import GOOD


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[None]]:
    """Each gc.freeze() the builds ask for, recorded instead of done; as if nothing froze yet."""
    calls: list[None] = []
    monkeypatch.setattr(heap, "_frozen", False)
    monkeypatch.setattr(heap.gc, "freeze", lambda: calls.append(None))
    yield calls


def test_collector_paused_inside_and_running_after(freezes: list[None]) -> None:
    assert gc.isenabled()
    with heap.long_lived_build():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collector_running_again_after_an_error(freezes: list[None]) -> None:
    with pytest.raises(RuntimeError), heap.long_lived_build():
        raise RuntimeError("boom")
    assert gc.isenabled()
    assert freezes == []  # a failed build is not the start-up heap


def test_a_collector_the_caller_disabled_stays_disabled(freezes: list[None]) -> None:
    gc.disable()
    try:
        with heap.long_lived_build():
            pass
        assert not gc.isenabled()
        assert freezes == []
    finally:
        gc.enable()


def test_only_the_first_build_freezes(freezes: list[None]) -> None:
    for _ in range(3):
        with heap.long_lived_build():
            pass
    assert freezes == [None]


def test_load_config_pauses_the_collector(
    write_config: Callable[[str], Path], freezes: list[None], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    original = bot.config.load._load_config

    def loading(path: Path) -> bot.config.load.Config:
        seen.append(gc.isenabled())
        return original(path)

    monkeypatch.setattr(bot.config.load, "_load_config", loading)
    load_config(write_config(GOOD))
    assert seen == [False]
    assert gc.isenabled()
    assert freezes == [None]
    with pytest.raises(ConfigError):
        load_config(write_config("groups: 3\n"))
    assert seen == [False, False]
    assert gc.isenabled()


def test_a_config_holds_no_cycles(write_config: Callable[[str], Path]) -> None:
    """A frozen config must be freed by reference counting alone when a reload replaces it."""
    path = write_config(GOOD)
    gc.disable()
    try:
        config = load_config(path)
        gc.collect()  # whatever the loading itself left in cycles
        assert config.groups
        del config
        assert gc.collect() == 0
    finally:
        gc.enable()
