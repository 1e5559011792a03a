"""Study Circle: the platform-agnostic core of a bot that runs reading groups."""

__version__ = "0.1.0"
