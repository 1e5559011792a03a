"""A command's config read and its group found, or the problems said on standard error."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from bot.config.load import ConfigError, load_config
from bot.config.model import Config, Group

err = Console(stderr=True, highlight=False)


def load_or_say(path: str) -> Config | None:
    """The config at `path`, or None after listing every problem in it."""
    try:
        return load_config(Path(path))
    except ConfigError as exc:
        err.print(f"[bold red]{len(exc.problems)} problem(s) in the config:[/bold red]")
        for problem in exc.problems:
            # soft_wrap: the terminal wraps the line if it must; a location is never split
            err.print("  " + problem.render(), markup=False, soft_wrap=True)
        return None


def config_and_group(args: argparse.Namespace) -> tuple[Config, Group] | None:
    """The config and the group named by --group, or None after saying what is wrong."""
    config = load_or_say(args.config)
    if config is None:
        return None
    group = config.group(args.group)
    if group is None:
        known = ", ".join(g.id for g in config.groups)
        err.print(f"No group {args.group!r} in the config; groups: {known}", markup=False)
        return None
    return config, group
