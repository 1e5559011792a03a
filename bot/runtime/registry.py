"""Finding platform adapters by name, so the core never imports a platform it is not running."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from bot.core.i18n import N_
from bot.core.platform import AdapterError

# Used when the package metadata is not installed (running from a source tree).
BUILTIN = {
    "console": "adapters.console:ConsolePlatform",
    "matrix": "adapters.matrix:MatrixPlatform",
    "discord": "adapters.discord:DiscordPlatform",
}


class PlatformUnavailable(AdapterError):
    """The adapter for a platform cannot be loaded (not installed, or failed to import)."""


_NOT_LOADED = N_("the {name} adapter could not be loaded: {problem}")


def platform_class(name: str) -> Any:
    """The adapter class registered under `name` in the `studybot.platforms` entry points."""
    for ep in entry_points(group="studybot.platforms"):
        if ep.name == name:
            try:
                return ep.load()
            except ImportError as exc:
                raise PlatformUnavailable.saying(_NOT_LOADED, name=name, problem=str(exc)) from exc
    target = BUILTIN.get(name)
    if target is None:
        raise PlatformUnavailable.saying(
            N_("no adapter is registered for platform {name}"), name=repr(name)
        )
    module, _, attr = target.partition(":")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise PlatformUnavailable.saying(_NOT_LOADED, name=name, problem=str(exc)) from exc
