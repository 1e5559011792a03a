"""A group's course resolved from `reading:`, `readings:` or a pack's `curriculum:`, and what
is wrong with it, located."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.config.model import Group
from bot.config.schema import GroupSpec
from bot.core.i18n import N_
from bot.core.said import Said, said
from bot.documents.problems import Problem
from bot.documents.yamlsource import YamlDocument
from bot.packs.files import Refused
from bot.packs.model import Pack, PackError
from bot.packs.store import PackStore
from bot.readings.course import Course
from bot.readings.model import Reading


class PackShelf:
    """The installed packs a config's groups name, each loaded once however many use it."""

    def __init__(self, store: PackStore) -> None:
        self.store = store
        self._loaded: dict[str, Pack | Said] = {}

    def get(self, ref: str) -> Pack | Said:
        """The pack, or the sentence saying why it cannot be used."""
        if ref not in self._loaded:
            try:
                self._loaded[ref] = self.store.load(ref)
            except Refused as exc:
                self._loaded[ref] = exc.said
            except PackError as exc:
                self._loaded[ref] = said(
                    N_("the installed pack {ref} is broken: {problem}"),
                    ref=ref,
                    problem=exc.problems[0].said,
                )
        return self._loaded[ref]


def resolve_pack(
    spec: GroupSpec,
    index: int,
    doc: YamlDocument,
    path: Path,
    shelf: PackShelf,
    problems: list[Problem],
) -> tuple[Course, Pack] | None:
    """The course of the pack group `index` names in `curriculum:`; None (with a problem
    added) when that pack and version is not installed."""
    assert spec.curriculum is not None
    found = shelf.get(spec.curriculum)
    if isinstance(found, Said):
        line, column = doc.locate(("groups", index, "curriculum")) or (None, None)
        problems.append(
            Problem(
                str(path),
                line,
                column,
                said(
                    N_("curriculum {ref}: {problem} (packs are looked for in {folder})"),
                    ref=spec.curriculum,
                    problem=found,
                    folder=str(shelf.store.root),
                ),
            )
        )
        return None
    return Course(readings=found.readings), found


def resolve_course(
    spec: GroupSpec,
    index: int,
    doc: YamlDocument,
    path: Path,
    readings: dict[str, Reading],
    readings_dir: Path,
    problems: list[Problem],
) -> Course | None:
    """The readings group `index` names, in order; None (with the problems added) when one
    is unknown or the list is empty."""
    key = "readings" if spec.readings is not None else "reading"

    def problem(message: Said, *at: str | int) -> None:
        line, column = doc.locate(("groups", index, *at)) or (None, None)
        problems.append(Problem(str(path), line, column, message))

    ids = spec.reading_ids
    if not ids:
        problem(
            said(
                N_(
                    "`readings` is empty; list the readings in the order the group reads them, "
                    "e.g. readings: [first-steps, coup-in-bolivia]"
                )
            ),
            key,
        )
        return None
    chosen: list[Reading] = []
    seen: set[str] = set()
    unknown = False
    for position, reading_id in enumerate(ids):
        at: tuple[str | int, ...] = (key, position) if key == "readings" else (key,)
        if reading_id in seen:
            problem(
                said(
                    N_(
                        "reading {id} is listed twice; a course reads each reading once (an "
                        "admin's `restart-reading` reads one again)"
                    ),
                    id=repr(reading_id),
                ),
                *at,
            )
            continue
        seen.add(reading_id)
        reading = readings.get(reading_id)
        if reading is None:
            if readings:
                problem(
                    said(
                        N_("unknown reading {id}; readings in {folder}: {known}"),
                        id=repr(reading_id),
                        folder=str(readings_dir),
                        known=", ".join(sorted(readings)),
                    ),
                    *at,
                )
            else:
                problem(
                    said(
                        N_("unknown reading {id}; there are no readings in {folder}"),
                        id=repr(reading_id),
                        folder=str(readings_dir),
                    ),
                    *at,
                )
            unknown = True
            continue
        chosen.append(reading)
    if unknown:
        return None  # the group cannot be planned, so its other checks would say little
    return Course(readings=tuple(chosen))


def sections_without_prompts(groups: Sequence[Group]) -> list[Problem]:
    """Each section a group would read with nothing to answer, once, where it is written."""
    problems: list[Problem] = []
    done: set[str] = set()
    for group in groups:
        for reading in group.course.readings:
            if reading.id in done:
                continue
            done.add(reading.id)
            for section in reading.sections:
                if section.prompts:
                    continue
                users = sorted(g.id for g in groups if reading in g.course.readings)
                line, column = section.location
                problems.append(
                    Problem(
                        reading.path or reading.id,
                        line,
                        column,
                        said(
                            N_(
                                "section {section} of reading {reading} has no prompts, so its "
                                "session would have nothing to answer; add some under `prompts:` "
                                "(read by group {groups})"
                            ),
                            section=repr(section.id),
                            reading=repr(reading.id),
                            groups=", ".join(users),
                        ),
                    )
                )
    return problems
