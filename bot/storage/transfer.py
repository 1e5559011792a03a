"""Copy a whole store to another (e.g. SQLite to PostgreSQL): every table in order, ids kept."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.i18n import N_
from bot.storage.engines.database import redact
from bot.storage.refusals import StorageRefusal
from bot.storage.store import TABLES, Storage

log = logging.getLogger(__name__)

BATCH = 500


class CopyRefused(StorageRefusal):
    """A copy that was not started, and why (`say` it in the reader's words)."""


class TargetNotEmpty(CopyRefused):
    """The target already holds rows; copying would mix two deployments."""


class SchemaMismatch(CopyRefused):
    """Source and target are at different schema versions (one was not opened by this studybot)."""


@dataclass(frozen=True, slots=True)
class Copied:
    table: str
    rows: int


async def copy_storage(source: Storage, target: Storage, *, force: bool = False) -> list[Copied]:
    """Copy every row of `source` into `target` (both open and migrated), in one target transaction.

    Refuses a target holding any row unless `force`, which empties it first. Stop the bot
    writing to `source` before the copy that counts: rows written during it may be missed.
    """
    versions = await source.schema_version(), await target.schema_version()
    if versions[0] != versions[1]:
        raise SchemaMismatch(
            N_(
                "the source is at schema version {source} and the target at {target}; "
                "open both with this studybot first"
            ),
            source=versions[0],
            target=versions[1],
        )
    if not force:
        for table in TABLES:
            if await target._one(f"SELECT 1 FROM {table} LIMIT 1") is not None:
                raise TargetNotEmpty(
                    N_("the target already has rows in {table}; pass --force to replace them"),
                    table=table,
                )
    copied: list[Copied] = []
    async with target.transaction() as db:
        for table in reversed(TABLES):  # children first, so foreign keys hold
            await db.execute(f"DELETE FROM {table}")
        for table in TABLES:
            count = 0
            columns: list[str] | None = None
            batch: list[tuple[object, ...]] = []
            async for row in source.database.stream(f"SELECT * FROM {table}"):
                if columns is None:
                    columns = list(row.keys())
                batch.append(tuple(row[c] for c in columns))
                if len(batch) >= BATCH:
                    await db.executemany(_insert(table, columns), batch)
                    count += len(batch)
                    batch = []
            if batch and columns is not None:
                await db.executemany(_insert(table, columns), batch)
                count += len(batch)
            await target.database.after_copy(db, table)
            copied.append(Copied(table, count))
            log.info("copied %d rows of %s", count, table)
    log.info("copied %s to %s", redact(source.location), redact(target.location))
    return copied


def _insert(table: str, columns: list[str]) -> str:
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"
