"""The local terminal as a chat platform: the embedded default, needing no account anywhere."""

from adapters.console.platform import ConsolePlatform

__all__ = ["ConsolePlatform"]
