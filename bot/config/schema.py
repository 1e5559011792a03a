"""The admin's YAML config, validated once into typed, frozen objects; every problem reported together."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config.platform_settings import PlatformsSettings
from bot.core.durations import parse_duration
from bot.core.heap import long_lived_build
from bot.documents.problems import Problem, problems_from_validation
from bot.documents.yamlsource import YamlError, load_yaml_file
from bot.readings.model import Reading, load_readings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
GROUP_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError("write a duration like 30m, 24h or 6d")
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]


def _clock_time(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 19:00 as the sexagesimal number 1140
        value = f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hour, minute = (int(x) for x in value.strip().split(":"))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValueError('write a time of day like "19:00"')


ClockTime = Annotated[time, BeforeValidator(_clock_time)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cadence(_Strict):
    """When sessions happen: weekly days at a time, given dates, or a cron expression."""

    weekly: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = None
    dates: list[date] | None = None
    cron: str | None = None
    at: ClockTime | None = None

    @field_validator("weekly", mode="before")
    @classmethod
    def _lower_days(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [v.strip().lower()[:3] if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Cadence:
        kinds = [k for k in ("weekly", "dates", "cron") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("cadence needs exactly one of weekly, dates or cron")
        if self.cron is None and self.at is None:
            raise ValueError('cadence needs `at: "HH:MM"` with weekly or dates')
        if self.cron is not None:
            if self.at is not None:
                raise ValueError("`at` does not go with cron; put the time in the cron expression")
            if len(self.cron.split()) != 5:
                raise ValueError("cron takes five fields: minute hour day month weekday")
            from bot.schedule.cadence import cron_trigger

            try:
                cron_trigger(self.cron, ZoneInfo("UTC"))
            except ValueError as exc:
                raise ValueError(f"bad cron expression: {exc}") from None
        if self.weekly == [] or self.dates == []:
            raise ValueError("the list of days or dates is empty")
        return self


def _break(value: Any) -> tuple[date, date]:
    if isinstance(value, date):
        return (value, value)
    if not isinstance(value, str):
        raise ValueError('write a break as "2026-12-22..2027-01-05" or a single date')
    first, sep, last = value.partition("..")
    try:
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(last.strip()) if sep else start
    except ValueError:
        raise ValueError('write a break as "2026-12-22..2027-01-05" or a single date') from None
    if end < start:
        raise ValueError("a break cannot end before it starts")
    return (start, end)


BreakRange = Annotated[tuple[date, date], BeforeValidator(_break)]


class PairingSpec(_Strict):
    """Teams of two at each session's opening, announced in the thread or by direct message."""

    enabled: bool = False
    announce: Literal["thread", "dm"] = "thread"


def _off_is_none(value: Any) -> Any:
    # YAML reads an unquoted `off` as False
    if value is False or (isinstance(value, str) and value.strip().lower() in {"off", "none"}):
        return None
    return value


class GroupSpec(_Strict):
    id: str = Field(pattern=GROUP_ID)
    name: str = Field(min_length=1, max_length=100)
    platform: Literal["console", "matrix", "discord"] = "console"
    room: str | None = None
    channel: int | str | None = None
    # discord: the server (guild) id of `channel`, which picks the shard that serves the group
    guild: int | None = None
    timezone: str = "UTC"
    reading: str
    start: date
    cadence: Cadence
    sections_per_session: int = Field(default=1, ge=1, le=20)
    reminders: list[Duration] = Field(
        default_factory=lambda: [timedelta(hours=24), timedelta(hours=1)]
    )
    respond_for: Duration = timedelta(days=6)
    admins: list[str | int] = Field(default_factory=list)
    breaks: list[BreakRange] = Field(default_factory=list)
    private_by_default: bool = False
    accept_late: bool = True
    anonymous: bool = False
    retention_days: int | None = Field(default=None, ge=1, le=36_500)
    grace_period: Duration | None = None
    # community (issue 8): pairing, nudges, drift, RSVP, digests
    pairing: PairingSpec = Field(default_factory=PairingSpec)
    nudge_before: Annotated[Duration | None, BeforeValidator(_off_is_none)] = timedelta(hours=24)
    drift_after: int = Field(default=3, ge=0, le=100)
    rsvp: bool = False
    live_after: Duration = timedelta(0)
    digest: Literal["session", "weekly", "off"] = "session"
    digest_in_room: bool = False

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name like Europe/Berlin"
            ) from None
        return value

    @field_validator("respond_for")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("respond_for must be longer than zero")
        return value

    @model_validator(mode="after")
    def _where(self) -> GroupSpec:
        if self.platform == "matrix" and not self.room:
            raise ValueError('a matrix group needs `room: "!id:server"`')
        if self.platform == "discord" and self.channel is None:
            raise ValueError("a discord group needs `channel: <channel id>`")
        return self


class RateLimitSpec(_Strict):
    """How many commands (and prompt replies) one member may send in a period."""

    commands: int = Field(default=20, ge=1, le=10_000)
    per: Duration = timedelta(minutes=1)


class ConfigSpec(_Strict):
    storage: str = "data/studybot.db"
    # the name of an environment variable holding the storage location (a PostgreSQL URL
    # carries a password, which belongs in the environment, not in this file)
    storage_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    # how long a process holds a due action it claimed before another may take it over
    claim_lease: Duration = timedelta(minutes=5)
    readings_dir: str = "readings"
    data_dir: str | None = None
    grace_period: Duration = timedelta(hours=1)
    max_response_chars: int = Field(default=4000, ge=100, le=100_000)
    rate_limit: RateLimitSpec = Field(default_factory=RateLimitSpec)
    watch_config: bool = True
    platforms: PlatformsSettings = Field(default_factory=PlatformsSettings)
    groups: list[GroupSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_storage_source(self) -> ConfigSpec:
        if self.storage_env is not None and "storage" in self.model_fields_set:
            raise ValueError(
                "set either `storage` or `storage_env` (an environment variable holding it), not both"
            )
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """A configured group, resolved: its room on its platform, zone and reading."""

    spec: GroupSpec
    reading: Reading
    zone: ZoneInfo

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def platform(self) -> str:
        return self.spec.platform

    @property
    def room(self) -> str:
        if self.spec.platform == "discord":
            return str(self.spec.channel)
        return self.spec.room or "console"

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

    def __post_init__(self) -> None:
        by_room: dict[tuple[str, str], list[Group]] = {}
        for g in self.groups:
            by_room.setdefault((g.platform, g.room), []).append(g)
        object.__setattr__(self, "_by_id", {g.id: g for g in self.groups})
        object.__setattr__(self, "_by_room", {k: tuple(v) for k, v in by_room.items()})

    def group(self, group_id: str) -> Group | None:
        return self._by_id.get(group_id)

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


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


def load_config(path: Path) -> Config:
    """Read, validate and resolve a config file; raise ConfigError listing every problem."""
    # Without the collector rescanning the growing heap: 100,000 groups load in 7 s, not 12.
    with long_lived_build():
        return _load_config(path)


def _load_config(path: Path) -> Config:
    try:
        doc = load_yaml_file(path)
    except YamlError as exc:
        raise ConfigError([Problem(exc.file, exc.line, exc.column, exc.message)]) from None
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigError(
            [Problem(str(path), 1, 1, "the config must be a mapping of keys to values")]
        )
    try:
        spec = ConfigSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, doc, ConfigSpec)) from None
    base = path.parent
    readings_dir = (base / spec.readings_dir).resolve()
    readings, problems = load_readings(readings_dir)
    groups: list[Group] = []
    seen: set[str] = set()
    rooms: set[tuple[str, str]] = set()
    for i, g in enumerate(spec.groups):
        line, col = doc.locate(("groups", i)) or (None, None)
        if g.id in seen:
            problems.append(Problem(str(path), line, col, f"group id {g.id!r} is used twice"))
        seen.add(g.id)
        reading = readings.get(g.reading)
        if reading is None:
            rl, rc = doc.locate(("groups", i, "reading")) or (line, col)
            known = ", ".join(sorted(readings)) or "none found"
            problems.append(
                Problem(
                    str(path),
                    rl,
                    rc,
                    f"unknown reading {g.reading!r}; readings in {readings_dir}: {known}",
                )
            )
            continue
        if not any(sec.prompts for sec in reading.sections):
            problems.append(
                Problem(
                    str(path), line, col, f"reading {reading.id!r} has no prompts in any section"
                )
            )
        group = Group(spec=g, reading=reading, zone=ZoneInfo(g.timezone))
        where = (group.platform, group.room)
        if where in rooms and group.platform != "console":
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    f"another group already uses {group.platform} room {group.room}",
                )
            )
        rooms.add(where)
        configured = getattr(spec.platforms, group.platform)
        if group.platform != "console" and configured is None:
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    f"group uses platform {group.platform!r} but platforms.{group.platform} is not set",
                )
            )
        discord = spec.platforms.discord
        if (
            group.platform == "discord"
            and discord is not None
            and discord.shard_count is not None
            and g.guild is None
        ):
            problems.append(
                Problem(
                    str(path),
                    line,
                    col,
                    "a discord group needs `guild: <server id>` when platforms.discord.shard_count "
                    "is set: the server decides which shard (and process) serves the group",
                )
            )
        groups.append(group)
    storage = spec.storage
    if spec.storage_env is not None:
        storage = os.environ.get(spec.storage_env, "").strip()
        if not storage:
            sl, sc = doc.locate(("storage_env",)) or (None, None)
            problems.append(
                Problem(
                    str(path),
                    sl,
                    sc,
                    f"the environment variable {spec.storage_env} (storage_env) is not set; "
                    "export it with the storage location, e.g. postgresql://USER:PASSWORD@HOST/DB",
                )
            )
    if problems:
        raise ConfigError(problems)
    if "://" not in storage and storage != ":memory:":
        storage = str((base / storage).resolve())
    elif storage.startswith("sqlite:///"):
        storage = str((base / storage.removeprefix("sqlite:///")).resolve())
    if spec.data_dir:
        data_dir = (base / spec.data_dir).resolve()
    elif "://" in storage or storage == ":memory:":
        data_dir = (base / "data").resolve()
    else:
        data_dir = Path(storage).parent
    return Config(
        path=path,
        spec=spec,
        storage=storage,
        readings_dir=readings_dir,
        data_dir=data_dir,
        groups=tuple(groups),
        readings=readings,
    )


def describe_start(moment: datetime, zone: ZoneInfo) -> str:
    """A moment in a zone as admins read it: 'Tue 1 Dec 2026, 19:00 (America/La_Paz)'."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({zone.key})"
