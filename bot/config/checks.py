"""Checks across the whole config: group ids, readings, rooms, and what each platform needs."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config.courses import PackShelf, resolve_course, resolve_pack, sections_without_prompts
from bot.config.model import Group
from bot.config.platform_settings import config_problem
from bot.config.schema import ConfigSpec
from bot.core.i18n import N_
from bot.core.said import Said, said
from bot.documents.problems import Problem
from bot.documents.yamlsource import YamlDocument
from bot.readings.model import Reading


def resolve_groups(
    spec: ConfigSpec,
    doc: YamlDocument,
    path: Path,
    readings: dict[str, Reading],
    readings_dir: Path,
    problems: list[Problem],
    packs: PackShelf,
) -> list[Group]:
    """Each group with its reading and zone; what is wrong is added to `problems`, located."""
    groups: list[Group] = []
    seen: set[str] = set()
    rooms: set[tuple[str, str]] = set()
    for i, g in enumerate(spec.groups):
        line, col = doc.locate(("groups", i)) or (None, None)

        def problem(message: Said, line: int | None = line, col: int | None = col) -> None:
            problems.append(Problem(str(path), line, col, message))

        if g.id in seen:
            problem(said(N_("group id {group} is used twice"), group=repr(g.id)))
        seen.add(g.id)
        pack = None
        if g.curriculum is not None:
            found = resolve_pack(g, i, doc, path, packs, problems)
            if found is None:
                continue
            course, pack = found
        else:
            resolved = resolve_course(g, i, doc, path, readings, readings_dir, problems)
            if resolved is None:
                continue
            course = resolved
        group = Group(spec=g, course=course, zone=ZoneInfo(g.timezone), pack=pack)
        where = (group.platform, group.room)
        if where in rooms and group.platform != "console":
            problem(
                said(
                    N_("another group already uses {platform} room {room}"),
                    platform=group.platform,
                    room=group.room,
                )
            )
        rooms.add(where)
        wrong = config_problem(group.platform, spec.platforms, server=g.guild)
        if wrong is not None:
            problem(wrong)
        if g.discord_events and group.platform != "discord":
            at = doc.locate(("groups", i, "discord_events")) or (line, col)
            problem(
                said(
                    N_(
                        "discord_events: true shows sessions in a Discord server's Events tab, "
                        "but group {group} meets on {platform}: remove the key or set it to false"
                    ),
                    group=repr(g.id),
                    platform=group.platform,
                ),
                *at,
            )
        groups.append(group)
    problems.extend(sections_without_prompts(groups))
    return groups
