"""`studybot migrate-storage FROM TO`: move a deployment's data to another engine (e.g. SQLite to PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.cli import storage_words as say
from bot.cli.cli_words import cli_words
from bot.core.i18n import ENGLISH, Words
from bot.storage.engines.database import is_postgres, redact

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    w: Words = ENGLISH,
) -> None:
    """The subcommands, their help in `w` (the language `--lang` or `LANG` asks for)."""
    move = sub.add_parser(
        "migrate-storage",
        parents=[common],
        help=w.gettext(
            "copy every table from one store to another, ids kept (e.g. SQLite to PostgreSQL)"
        ),
        description=(
            w.gettext(
                "Copy every table from FROM to TO, in order, keeping ids. FROM and TO are an SQLite "
                "path, sqlite:///PATH, a postgresql:// URL, or env:VARIABLE naming an environment "
                "variable that holds one (keeps a password off the command line). Stop the bot "
                "before the copy that counts."
            )
        ),
    )
    move.add_argument("source", metavar="FROM")
    move.add_argument("target", metavar="TO")
    move.add_argument(
        "--force", action="store_true", help=w.gettext("replace whatever the target already holds")
    )
    move.add_argument(
        "--lang", help=w.gettext("the language to print in, e.g. es or pt_BR (default: from LANG)")
    )
    move.set_defaults(func=migrate_storage)


class VariableNotSet(ValueError):
    """An `env:NAME` location whose variable is unset or empty."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"the environment variable {name} is not set")


def resolve(location: str) -> str:
    """An `env:NAME` location read from the environment; an SQLite path made absolute."""
    if location.startswith("env:"):
        name = location.removeprefix("env:")
        value = os.environ.get(name, "").strip()
        if not value:
            raise VariableNotSet(name)
        location = value
    if is_postgres(location) or location == ":memory:":
        return location
    return str(Path(location.removeprefix("sqlite:///")).resolve())


def migrate_storage(args: argparse.Namespace) -> int:
    from bot.storage import open_storage
    from bot.storage.refusals import StorageRefusal
    from bot.storage.transfer import CopyRefused, copy_storage

    w = cli_words(args.lang)
    try:
        source_at, target_at = resolve(args.source), resolve(args.target)
    except VariableNotSet as exc:
        err.print(say.variable_not_set(w, exc.name), markup=False, soft_wrap=True)
        return 1
    if not is_postgres(source_at) and not Path(source_at).exists():
        err.print(say.no_database(w, source_at), markup=False, soft_wrap=True)
        return 1
    if source_at == target_at:
        err.print(say.same_store(w), markup=False, soft_wrap=True)
        return 1

    async def go() -> int:
        source = await open_storage(source_at)
        try:
            target = await open_storage(target_at)
            try:
                copied = await copy_storage(source, target, force=args.force)
            finally:
                await target.close()
        finally:
            await source.close()
        # which store went where, on a line of its own: a table's title wraps a long path
        out.print(f"{redact(source_at)} → {redact(target_at)}", markup=False, soft_wrap=True)
        table = Table()
        table.add_column(say.table_column(w))
        table.add_column(say.rows_column(w), justify="right")
        for item in copied:
            table.add_row(item.table, w.number(item.rows))
        out.print(table)
        rows = sum(item.rows for item in copied)
        out.print(say.copied(w, rows, len(copied)), markup=False, soft_wrap=True)
        return 0

    try:
        return asyncio.run(go())
    except CopyRefused as exc:
        err.print(say.refused(w, exc.say(w)), markup=False, soft_wrap=True)
        return 1
    except StorageRefusal as exc:
        err.print(say.copy_failed(w, exc.say(w)), markup=False, soft_wrap=True)
        return 1
    except Exception as exc:  # an unreachable server, a wrong password, a missing database
        # the driver's own words, as it wrote them
        problem = f"{type(exc).__name__}: {exc}"
        err.print(say.copy_failed(w, problem), markup=False, soft_wrap=True)
        return 1
