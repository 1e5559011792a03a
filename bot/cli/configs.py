"""A command's config read and its group found, or the problems said on standard error."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.text import Text

from bot.cli import cli_words as say
from bot.config.load import ConfigError, load_config
from bot.config.model import Config, Group
from bot.core.i18n import Words

err = Console(stderr=True, highlight=False)


def load_or_say(path: str, words: Words | None = None) -> Config | None:
    """The config at `path`, or None after listing every problem in it (in `words`, else the
    environment's language)."""
    try:
        return load_config(Path(path))
    except ConfigError as exc:
        problems = say.config_problems(words or say.cli_words(), len(exc.problems))
        err.print(Text(problems, style="bold red"))
        for problem in exc.problems:
            # soft_wrap: the terminal wraps the line if it must; a location is never split
            err.print("  " + problem.render(), markup=False, soft_wrap=True)
        return None


def config_and_group(args: argparse.Namespace) -> tuple[Config, Group] | None:
    """The config and the group named by --group, or None after saying what is wrong."""
    words = say.cli_words(getattr(args, "lang", None))
    config = load_or_say(args.config, words)
    if config is None:
        return None
    group = config.group(args.group)
    if group is None:
        known = ", ".join(g.id for g in config.groups)
        err.print(say.no_group(words, repr(args.group), known), markup=False)
        return None
    return config, group
