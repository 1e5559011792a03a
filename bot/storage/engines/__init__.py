"""The database engines behind one small interface, each registered by its URL scheme.

An engine's module is imported only when a location names it: SQLite users never load asyncpg.
"""

from __future__ import annotations

from bot.storage.engines.database import Database, register_engine, sqlite_path


def _sqlite(location: str) -> Database:
    from bot.storage.engines.sqlite import SqliteDatabase

    return SqliteDatabase(sqlite_path(location))


def _postgres(location: str) -> Database:
    from bot.storage.engines.postgres import PostgresDatabase

    return PostgresDatabase(location)


register_engine("sqlite", engine=_sqlite)  # a plain path, and sqlite:///path
register_engine("postgresql", "postgres", engine=_postgres)
