"""Annotations (a member's comment anchored to a sentence of a section) and their replies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.records import Member, Session, from_db, to_db
from bot.storage.base import StoreBase
from bot.storage.engines.database import Row
from bot.storage.rows import member_row, session_row

_SECTION_KEY = re.compile(r"(.+):s(\d+):section:\d+")  # the outbox key of a section's part


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotation:
    """One annotation as stored. `member_id` is None for an anonymous one; `orphaned` when an
    edit of the reading took its words away (then the anchor is where they last were)."""

    id: int
    session_id: int
    reading_id: str
    section_id: str
    sentence: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    body_hash: str
    orphaned: bool
    member_id: int | None
    author_key: str
    text: str
    private: bool
    late: bool
    source_message_id: str | None
    message_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnotationReply:
    id: int
    annotation_id: int
    member_id: int | None
    author_key: str
    text: str
    message_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAnnotation:
    """What saving an annotation needs (the anchor's fields, its author and words)."""

    session_id: int
    reading_id: str
    section_id: str
    sentence: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    body_hash: str
    member_id: int | None
    author_key: str
    text: str
    private: bool
    late: bool
    source_message_id: str | None
    orphaned: bool = False


def annotation_row(row: Row) -> Annotation:
    return Annotation(
        id=row["id"],
        session_id=row["session_id"],
        reading_id=row["reading_id"],
        section_id=row["section_id"],
        sentence=row["sentence"],
        start=row["pos_start"],
        end=row["pos_end"],
        exact=row["exact"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        body_hash=row["body_hash"],
        orphaned=bool(row["orphaned"]),
        member_id=row["member_id"],
        author_key=row["author_key"],
        text=row["text"],
        private=bool(row["private"]),
        late=bool(row["late"]),
        source_message_id=row["source_message_id"],
        message_id=row["message_id"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


def reply_row(row: Row) -> AnnotationReply:
    return AnnotationReply(
        id=row["id"],
        annotation_id=row["annotation_id"],
        member_id=row["member_id"],
        author_key=row["author_key"],
        text=row["text"],
        message_id=row["message_id"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


_INSERT = (
    "INSERT INTO annotations (session_id, reading_id, section_id, sentence, pos_start, pos_end, "
    "exact, prefix, suffix, body_hash, orphaned, member_id, author_key, text, private, late, "
    "source_message_id, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


def _insert_params(new: NewAnnotation, stamp: str) -> tuple[Any, ...]:
    return (
        new.session_id,
        new.reading_id,
        new.section_id,
        new.sentence,
        new.start,
        new.end,
        new.exact,
        new.prefix,
        new.suffix,
        new.body_hash,
        int(new.orphaned),
        new.member_id,
        new.author_key,
        new.text,
        int(new.private),
        int(new.late),
        new.source_message_id,
        stamp,
        stamp,
    )


def _marks(keys: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    chosen = tuple(keys)
    return (",".join("?" for _ in chosen) or "NULL"), chosen


class AnnotationStore(StoreBase):
    """Annotations and their replies, named and anonymous."""

    async def add_annotation(
        self, new: NewAnnotation, now: datetime, join: tuple[str, int] | None = None
    ) -> Annotation:
        """Save one annotation, committed on return; `join` (group, member) adds that
        membership in the same transaction."""
        stamp = to_db(now)
        async with self.transaction() as db:
            if join is not None:
                await db.execute(
                    "INSERT INTO memberships (group_id, member_id, joined_at) VALUES (?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (join[0], join[1], stamp),
                )
            row = await db.one(_INSERT, _insert_params(new, stamp))
            assert row is not None
            saved = await db.one("SELECT * FROM annotations WHERE id = ?", (row["id"],))
        assert saved is not None
        return annotation_row(saved)

    async def add_annotations(self, rows: list[NewAnnotation], now: datetime) -> int:
        """Save many annotations in one transaction (an import): all of them or none."""
        stamp = to_db(now)
        async with self.transaction() as db:
            for new in rows:
                await db.execute(_INSERT, _insert_params(new, stamp))
        return len(rows)

    async def import_annotations(
        self, notes: list[tuple[NewAnnotation, tuple[str, ...]]], now: datetime
    ) -> tuple[int, int, int]:
        """Save imported notes and their replies in one transaction (all of them or none);
        returns (notes, replies, already there). A note with the same words on the same
        passage of the session, or a reply with the same words under it, is there already and
        is left as it is: importing a file twice adds nothing the second time."""
        stamp = to_db(now)
        added = replies = already = 0
        async with self.transaction() as db:
            for new, answers in notes:
                row = await db.one(
                    "SELECT id FROM annotations WHERE session_id = ? AND section_id = ? "
                    "AND pos_start = ? AND pos_end = ? AND text = ? ORDER BY id LIMIT 1",
                    (new.session_id, new.section_id, new.start, new.end, new.text),
                )
                if row is None:
                    row = await db.one(_INSERT, _insert_params(new, stamp))
                    added += 1
                else:
                    already += 1
                assert row is not None
                for text in answers:
                    if await db.one(
                        "SELECT 1 FROM annotation_replies WHERE annotation_id = ? AND text = ?",
                        (row["id"], text),
                    ):
                        already += 1
                        continue
                    await db.execute(
                        "INSERT INTO annotation_replies (annotation_id, member_id, author_key, "
                        "text, message_id, created_at, updated_at) VALUES (?, NULL, ?, ?, NULL, ?, ?)",
                        (row["id"], new.author_key, text, stamp, stamp),
                    )
                    replies += 1
        return added, replies, already

    async def set_annotation_message(self, annotation_id: int, message_id: str) -> None:
        async with self.transaction() as db:
            await db.execute(
                "UPDATE annotations SET message_id = ? WHERE id = ?", (message_id, annotation_id)
            )

    async def annotation(self, annotation_id: int) -> Annotation | None:
        row = await self._one("SELECT * FROM annotations WHERE id = ?", (annotation_id,))
        return annotation_row(row) if row is not None else None

    async def annotation_by_message(self, message_id: str) -> Annotation | None:
        """The annotation whose quotation post (or whose member's own message) this is."""
        row = await self._one(
            "SELECT * FROM annotations WHERE message_id = ? OR source_message_id = ? "
            "ORDER BY id LIMIT 1",
            (message_id, message_id),
        )
        return annotation_row(row) if row is not None else None

    async def session_annotations(
        self, session_id: int
    ) -> list[tuple[Annotation, Member | None, int]]:
        """A session's annotations in text order, with their authors (None when anonymous)
        and how many replies each has."""
        rows = await self._all(
            "SELECT a.*, m.platform, m.user_id, m.display_name, m.timezone, "
            "(SELECT COUNT(*) FROM annotation_replies r WHERE r.annotation_id = a.id) AS replies "
            "FROM annotations a LEFT JOIN members m ON m.id = a.member_id "
            "WHERE a.session_id = ? ORDER BY a.orphaned, a.section_id, a.sentence, a.id",
            (session_id,),
        )
        return [
            (
                annotation_row(r),
                member_row(r, id_column="member_id") if r["member_id"] is not None else None,
                int(r["replies"]),
            )
            for r in rows
        ]

    async def annotations_of(self, session_id: int, keys: list[str]) -> list[Annotation]:
        """A member's annotations in a session, by their author keys."""
        marks, params = _marks(keys)
        rows = await self._all(
            f"SELECT * FROM annotations WHERE session_id = ? AND author_key IN ({marks}) "
            "ORDER BY id",
            (session_id, *params),
        )
        return [annotation_row(r) for r in rows]

    async def annotation_replies(
        self, annotation_ids: list[int]
    ) -> list[tuple[AnnotationReply, Member | None]]:
        if not annotation_ids:
            return []
        marks = ",".join("?" for _ in annotation_ids)
        rows = await self._all(
            "SELECT r.*, m.platform, m.user_id, m.display_name, m.timezone "
            "FROM annotation_replies r LEFT JOIN members m ON m.id = r.member_id "
            f"WHERE r.annotation_id IN ({marks}) ORDER BY r.annotation_id, r.created_at, r.id",
            tuple(annotation_ids),
        )
        return [
            (reply_row(r), member_row(r, id_column="member_id") if r["member_id"] else None)
            for r in rows
        ]

    async def edit_annotation(
        self, annotation_id: int, keys: list[str], text: str, now: datetime
    ) -> bool:
        marks, params = _marks(keys)
        async with self.transaction() as db:
            cursor = await db.execute(
                f"UPDATE annotations SET text = ?, updated_at = ? WHERE id = ? AND author_key IN ({marks})",
                (text, to_db(now), annotation_id, *params),
            )
            return cursor.rowcount > 0

    async def delete_annotation(self, annotation_id: int, keys: list[str]) -> bool:
        marks, params = _marks(keys)
        async with self.transaction() as db:
            cursor = await db.execute(
                f"DELETE FROM annotations WHERE id = ? AND author_key IN ({marks})",
                (annotation_id, *params),
            )
            return cursor.rowcount > 0

    async def add_annotation_reply(
        self,
        *,
        annotation_id: int,
        member_id: int | None,
        author_key: str,
        text: str,
        message_id: str | None,
        now: datetime,
    ) -> None:
        stamp = to_db(now)
        async with self.transaction() as db:
            await db.execute(
                "INSERT INTO annotation_replies (annotation_id, member_id, author_key, text, "
                "message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (annotation_id, member_id, author_key, text, message_id, stamp, stamp),
            )

    async def edit_annotation_by_message(
        self, message_id: str, member_id: int, text: str, now: datetime
    ) -> bool:
        """A member edited their own message that is an annotation reply or a quoting reply."""
        stamp = to_db(now)
        async with self.transaction() as db:
            replies = await db.execute(
                "UPDATE annotation_replies SET text = ?, updated_at = ? "
                "WHERE message_id = ? AND member_id = ?",
                (text, stamp, message_id, member_id),
            )
            return replies.rowcount > 0

    async def delete_annotation_by_message(self, message_id: str) -> bool:
        """A member's message was deleted: the annotation reply it was goes with it."""
        async with self.transaction() as db:
            replies = await db.execute(
                "DELETE FROM annotation_replies WHERE message_id = ?", (message_id,)
            )
            return replies.rowcount > 0

    async def session_by_post(self, message_id: str) -> Session | None:
        """The session whose section post (any of its parts) or thread this message is."""
        row = await self._one(
            "SELECT * FROM sessions WHERE root_message = ? OR thread = ? ORDER BY id LIMIT 1",
            (message_id, message_id),
        )
        if row is None:
            sent = await self._one("SELECT key FROM sent WHERE message_id = ?", (message_id,))
            match = _SECTION_KEY.fullmatch(sent["key"]) if sent is not None else None
            if match is None:
                return None
            row = await self._one(
                "SELECT * FROM sessions WHERE group_id = ? AND number = ?",
                (match.group(1), int(match.group(2))),
            )
        return session_row(row) if row is not None else None

    async def annotated_texts(self) -> list[tuple[str, str, str]]:
        """Every (reading id, section id, text fingerprint) that anchored annotations point into."""
        rows = await self._all(
            "SELECT DISTINCT reading_id, section_id, body_hash FROM annotations WHERE orphaned = 0"
        )
        return [(r["reading_id"], r["section_id"], r["body_hash"]) for r in rows]

    async def annotations_on(
        self, reading_id: str, section_id: str, digest: str
    ) -> list[Annotation]:
        rows = await self._all(
            "SELECT * FROM annotations WHERE reading_id = ? AND section_id = ? AND body_hash = ? "
            "AND orphaned = 0",
            (reading_id, section_id, digest),
        )
        return [annotation_row(r) for r in rows]

    async def move_annotations(self, moves: list[tuple[Annotation, bool]]) -> None:
        """Store re-anchored annotations (their new anchor fields), or mark them orphaned."""
        async with self.transaction() as db:
            for a, orphaned in moves:
                await db.execute(
                    "UPDATE annotations SET sentence = ?, pos_start = ?, pos_end = ?, prefix = ?, "
                    "suffix = ?, body_hash = ?, orphaned = ? WHERE id = ?",
                    (
                        a.sentence,
                        a.start,
                        a.end,
                        a.prefix,
                        a.suffix,
                        a.body_hash,
                        int(orphaned),
                        a.id,
                    ),
                )

    async def anonymous_annotation_sessions(self) -> list[int]:
        """Sessions with anonymous annotations or replies (whose keys a member may hold)."""
        rows = await self._all(
            "SELECT DISTINCT session_id FROM annotations WHERE member_id IS NULL UNION "
            "SELECT DISTINCT a.session_id FROM annotation_replies r "
            "JOIN annotations a ON a.id = r.annotation_id WHERE r.member_id IS NULL"
        )
        return sorted(int(r["session_id"]) for r in rows)

    async def member_annotation_data(self, member_id: int, keys: list[str]) -> dict[str, Any]:
        """A member's annotations and annotation replies, for export-mine."""
        marks, params = _marks(keys)
        notes = await self._all(
            "SELECT a.id, s.group_id, s.number AS session_number, a.reading_id, a.section_id, "
            "a.exact AS passage, a.text, a.private, a.orphaned, a.created_at, a.updated_at, "
            "CASE WHEN a.member_id IS NULL THEN 1 ELSE 0 END AS anonymous FROM annotations a "
            "JOIN sessions s ON s.id = a.session_id "
            f"WHERE a.member_id = ? OR a.author_key IN ({marks}) ORDER BY s.group_id, s.number, a.id",
            (member_id, *params),
        )
        replies = await self._all(
            "SELECT r.id, r.annotation_id, a.exact AS passage, r.text, r.created_at, r.updated_at, "
            "CASE WHEN r.member_id IS NULL THEN 1 ELSE 0 END AS anonymous "
            "FROM annotation_replies r JOIN annotations a ON a.id = r.annotation_id "
            f"WHERE r.member_id = ? OR r.author_key IN ({marks}) ORDER BY r.id",
            (member_id, *params),
        )
        return {
            "annotations": [dict(r) for r in notes],
            "annotation_replies": [dict(r) for r in replies],
        }

    async def forget_member_annotations(self, member_id: int, keys: list[str]) -> int:
        """Delete a member's annotations and replies (anonymous ones by key); how many went."""
        marks, params = _marks(keys)
        async with self.transaction() as db:
            replies = await db.execute(
                f"DELETE FROM annotation_replies WHERE member_id = ? OR author_key IN ({marks})",
                (member_id, *params),
            )
            notes = await db.execute(
                f"DELETE FROM annotations WHERE member_id = ? OR author_key IN ({marks})",
                (member_id, *params),
            )
            return notes.rowcount + replies.rowcount

    async def purge_annotations(self, group_id: str, before: datetime) -> int:
        """Delete a group's annotations and replies last written before `before` (retention)."""
        stamp = to_db(before)
        async with self.transaction() as db:
            replies = await db.execute(
                "DELETE FROM annotation_replies WHERE updated_at < ? AND annotation_id IN "
                "(SELECT a.id FROM annotations a JOIN sessions s ON s.id = a.session_id "
                "WHERE s.group_id = ?)",
                (stamp, group_id),
            )
            notes = await db.execute(
                "DELETE FROM annotations WHERE updated_at < ? AND session_id IN "
                "(SELECT id FROM sessions WHERE group_id = ?)",
                (stamp, group_id),
            )
            return notes.rowcount + replies.rowcount

    async def purge_session_annotations(self, session_id: int) -> int:
        """Delete a session's annotations and their replies (its discussion expired under
        `privacy: minimal`, like its responses)."""
        async with self.transaction() as db:
            replies = await db.execute(
                "DELETE FROM annotation_replies WHERE annotation_id IN "
                "(SELECT id FROM annotations WHERE session_id = ?)",
                (session_id,),
            )
            notes = await db.execute("DELETE FROM annotations WHERE session_id = ?", (session_id,))
            return notes.rowcount + replies.rowcount

    async def group_annotations(
        self, group_id: str
    ) -> list[tuple[int, Annotation, Member | None, list[tuple[AnnotationReply, Member | None]]]]:
        """A group's annotations (session number, annotation, author, replies), for export."""
        rows = await self._all(
            "SELECT a.*, s.number AS session_number, m.platform, m.user_id, m.display_name, "
            "m.timezone FROM annotations a JOIN sessions s ON s.id = a.session_id "
            "LEFT JOIN members m ON m.id = a.member_id WHERE s.group_id = ? "
            "ORDER BY s.number, a.section_id, a.sentence, a.id",
            (group_id,),
        )
        notes = [
            (
                int(r["session_number"]),
                annotation_row(r),
                member_row(r, id_column="member_id") if r["member_id"] is not None else None,
            )
            for r in rows
        ]
        replies = await self.annotation_replies([a.id for _, a, _ in notes])
        by_note: dict[int, list[tuple[AnnotationReply, Member | None]]] = {}
        for reply, author in replies:
            by_note.setdefault(reply.annotation_id, []).append((reply, author))
        return [(n, a, m, by_note.get(a.id, [])) for n, a, m in notes]
