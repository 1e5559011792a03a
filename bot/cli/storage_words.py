"""What `migrate-storage` prints, in the language of `--lang` or the environment (see
`cli_words`): one small function per sentence, so a translator sees each one whole."""

from __future__ import annotations

from bot.core.i18n import Words


def variable_not_set(w: Words, name: str) -> str:
    return w.gettext("The environment variable {name} is not set.", name=name)


def no_database(w: Words, path: str) -> str:
    return w.gettext("No SQLite database at {path}.", path=path)


def same_store(w: Words) -> str:
    return w.gettext("FROM and TO are the same store.")


def table_column(w: Words) -> str:
    # TRANSLATORS: a column of migrate-storage's table: the database table's name
    return w.gettext("table")


def rows_column(w: Words) -> str:
    # TRANSLATORS: a column of migrate-storage's table: how many rows were copied
    return w.gettext("rows")


def copied(w: Words, rows: int, tables: int) -> str:
    return w.ngettext(
        "Copied {n} row in {tables}.",
        "Copied {n} rows in {tables}.",
        rows,
        tables=w.ngettext("{n} table", "{n} tables", tables),
    )


def refused(w: Words, problem: str) -> str:
    return w.gettext("Refused: {problem}.", problem=problem)


def copy_failed(w: Words, problem: str) -> str:
    return w.gettext("The copy failed, and the target is unchanged: {problem}", problem=problem)
