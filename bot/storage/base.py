"""The store's foundation: its database, migrations, transactions and query helpers."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from bot.core.i18n import N_
from bot.storage.engines.database import (
    Connection,
    Database,
    Row,
    open_database,
    redact,
    statements,
)
from bot.storage.lookups import Lookups
from bot.storage.migrations import MIGRATIONS
from bot.storage.refusals import SchemaTooNew

log = logging.getLogger(__name__)


class StoreBase:
    """The connection, the migrations, and the query helpers every part of the store uses."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.database: Database = open_database(location)
        self.lookups = Lookups(self.database)
        self._inbound_pruned: datetime | None = None  # when old inbound ids were last forgotten

    # -- lifecycle --------------------------------------------------------------

    @property
    def dialect(self) -> str:
        return self.database.dialect

    async def open(self) -> None:
        await self.database.open()
        try:
            await self._migrate()
        except BaseException:
            await self.database.close()
            raise

    async def close(self) -> None:
        await self.database.close()

    async def _migrate(self) -> None:
        async with self.database.migrating():
            async with self.transaction() as db:
                await db.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
                )
            current = await self.schema_version()
            if current > len(MIGRATIONS):
                raise SchemaTooNew(
                    N_(
                        "the database is at schema version {found}, newer than this studybot "
                        "knows ({known}); upgrade studybot"
                    ),
                    found=current,
                    known=len(MIGRATIONS),
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                # each migration in its own transaction, re-checked inside it in case
                # another process applied it meanwhile (SQLite has no advisory lock)
                async with self.transaction() as db:
                    row = await db.one("SELECT MAX(version) AS v FROM schema_version")
                    if row is not None and row["v"] is not None and int(row["v"]) >= version:
                        continue
                    step = MIGRATIONS[version]
                    if step.sql is not None:
                        for statement in statements(step.sql):
                            await db.execute(self.database.ddl(statement))
                    if step.change is not None:
                        await step.change(db, self.database.dialect)
                    await db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                log.info(
                    "database %s migrated to schema %d: %s",
                    redact(self.location),
                    version,
                    MIGRATIONS[version].description,
                )

    async def schema_version(self) -> int:
        row = await self._one("SELECT MAX(version) AS v FROM schema_version")
        return int(row["v"]) if row and row["v"] is not None else 0

    def transaction(self) -> AbstractAsyncContextManager[Connection]:
        """One transaction; committed on success, rolled back on any error."""
        return self.database.transaction()

    async def _one(self, sql: str, params: Iterable[Any] = ()) -> Row | None:
        return await self.database.one(sql, tuple(params))

    async def _all(self, sql: str, params: Iterable[Any] = ()) -> list[Row]:
        return await self.database.all(sql, tuple(params))
