"""The config keys of issue 8: safe defaults, `off`, and clear errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.load import ConfigError, load_config
from tests.conftest import BASE_CONFIG


def with_keys(extra: str) -> str:
    return BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n" + extra)


def test_defaults_are_safe(write_config: Callable[[str], Path]) -> None:
    spec = load_config(write_config(BASE_CONFIG)).groups[0].spec
    assert not spec.pairing.enabled and spec.pairing.announce == "thread"
    assert spec.nudge_before == timedelta(hours=24) and spec.drift_after == 3
    assert not spec.rsvp and spec.live_after == timedelta(0)
    assert spec.digest == "session" and not spec.digest_in_room


def test_every_key_can_be_set(write_config: Callable[[str], Path]) -> None:
    text = with_keys(
        "    pairing: {enabled: true, announce: dm}\n    nudge_before: off\n"
        "    drift_after: 0\n    rsvp: true\n    live_after: 2d\n    digest: weekly\n"
        "    digest_in_room: true"
    )
    spec = load_config(write_config(text)).groups[0].spec
    assert spec.pairing.enabled and spec.pairing.announce == "dm"
    assert spec.nudge_before is None and spec.drift_after == 0
    assert spec.rsvp and spec.live_after == timedelta(days=2)
    assert spec.digest == "weekly" and spec.digest_in_room


def test_bad_values_are_reported_together(write_config: Callable[[str], Path]) -> None:
    text = with_keys(
        "    pairing: {enabled: true, announce: sms, size: 3}\n    drift_after: -1\n"
        "    digest: daily\n    nudge_before: soon"
    )
    with pytest.raises(ConfigError) as info:
        load_config(write_config(text))
    shown = "\n".join(p.render() for p in info.value.problems)
    assert len(info.value.problems) >= 5, shown
    for word in ("announce", "size", "drift_after", "digest", "nudge_before"):
        assert word in shown
