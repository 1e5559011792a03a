"""A config resolved: each group with its reading and zone, indexed by id and by room."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config.platform_settings import room_of
from bot.config.schema import ConfigSpec, GroupSpec
from bot.packs.model import Pack
from bot.readings.course import Course
from bot.readings.model import Reading


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """A configured group, resolved: its room on its platform, zone and course of readings."""

    spec: GroupSpec
    course: Course
    zone: ZoneInfo
    pack: Pack | None = None  # the curriculum pack the course comes from, with its notes

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def platform(self) -> str:
        return self.spec.platform

    @property
    def room(self) -> str:
        return room_of(self.spec.platform, room=self.spec.room, channel=self.spec.channel)

    @property
    def grace_period(self) -> timedelta | None:
        return self.spec.grace_period


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    path: Path
    spec: ConfigSpec
    storage: str = field(repr=False)  # a PostgreSQL URL may hold a password
    readings_dir: Path
    data_dir: Path
    groups: tuple[Group, ...]
    readings: dict[str, Reading]
    # the groups by id and by (platform, room): every command looks its group up
    _by_id: dict[str, Group] = field(init=False, repr=False, compare=False)
    _by_room: dict[tuple[str, str], tuple[Group, ...]] = field(
        init=False, repr=False, compare=False
    )
    _readings_of: dict[str, dict[str, Reading]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_room: dict[tuple[str, str], list[Group]] = {}
        for g in self.groups:
            by_room.setdefault((g.platform, g.room), []).append(g)
        object.__setattr__(self, "_by_id", {g.id: g for g in self.groups})
        object.__setattr__(self, "_by_room", {k: tuple(v) for k, v in by_room.items()})
        # a pack's readings are the group's own: two groups on two versions of one pack each
        # read their version, whatever the readings folder holds under the same ids
        own = {
            g.id: {**self.readings, **{r.id: r for r in g.course.readings}}
            for g in self.groups
            if g.pack is not None
        }
        object.__setattr__(self, "_readings_of", own)

    def group(self, group_id: str) -> Group | None:
        return self._by_id.get(group_id)

    def readings_for(self, group: Group | str) -> Mapping[str, Reading]:
        """The readings by id as `group` knows them: its pack's, over the readings folder's."""
        group_id = group if isinstance(group, str) else group.id
        return self._readings_of.get(group_id, self.readings)

    def groups_in(self, platform: str, room: str) -> tuple[Group, ...]:
        """The groups that meet in one room (several may share it)."""
        return self._by_room.get((platform, room), ())

    @property
    def platform_names(self) -> tuple[str, ...]:
        """Platforms to run: those groups use, and the console if nothing else is configured."""
        used = {g.platform for g in self.groups}
        if not used:
            used = {"console"}
        return tuple(sorted(used))
