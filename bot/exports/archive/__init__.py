"""A group's archive: a static HTML site, viewable offline, of its sessions and shared responses."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from bot.config.model import Group
from bot.exports.archive.pages import (
    ArchivedGroup,
    ArchivedPrompt,
    ArchivedResponse,
    ArchivedSession,
    index_page,
    participation_page,
    session_page,
)
from bot.storage import Storage

log = logging.getLogger(__name__)


async def collect(storage: Storage, group: Group, now: datetime) -> ArchivedGroup:
    """Everything the archive shows, read once. Private responses are counted, never read out."""
    history = {s.id: who for s, who in await storage.participation(group.id)}
    sessions: list[ArchivedSession] = []
    for session in await storage.sessions(group.id):
        shared = await storage.shared_responses(session.id)
        counts = await storage.response_counts(session.id)
        prompts = []
        for prompt in await storage.prompts(session.id):
            mine = tuple(
                ArchivedResponse(text=r.text, author=r.author, late=r.late)
                for r in shared
                if r.prompt == prompt.number
            )
            prompts.append(
                ArchivedPrompt(
                    number=prompt.number,
                    text=prompt.text,
                    responses=mine,
                    private_count=counts.get(prompt.number, 0) - len(mine),
                )
            )
        titles = tuple(
            s.title
            for s in group.reading.sections[
                session.first_section : session.first_section + session.section_count
            ]
        )
        local = session.opened_at.astimezone(group.zone)
        sessions.append(
            ArchivedSession(
                number=session.number,
                date=f"{local:%A} {local.day} {local:%B %Y}",
                short_date=f"{local.day} {local:%b}",
                sections=titles,
                prompts=tuple(prompts),
                # members named on a response; anonymous answers count in the totals only
                responders=len(history.get(session.id, frozenset())),
            )
        )
    generated = now.astimezone(group.zone)
    return ArchivedGroup(
        name=group.spec.name,
        reading_title=group.reading.title,
        reading_author=group.reading.author,
        source=group.reading.source,
        generated=f"{generated.day} {generated:%B %Y}",
        members=len(await storage.memberships(group.id)),
        sessions=tuple(sessions),
    )


def write_site(site: ArchivedGroup, out: Path) -> list[Path]:
    """Write the pages into `out` (created if needed); returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    pages = {"index.html": index_page(site), "participation.html": participation_page(site)}
    for i, session in enumerate(site.sessions):
        pages[session.filename] = session_page(site, i)
    written = []
    for name, html in pages.items():
        path = out / name
        path.write_text(html, encoding="utf-8")
        written.append(path)
    log.info("archive: %d pages written to %s", len(written), out)
    return written


async def build_archive(storage: Storage, group: Group, out: Path, now: datetime) -> list[Path]:
    return write_site(await collect(storage, group, now), out)
