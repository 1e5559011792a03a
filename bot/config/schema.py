"""The config file's shape: every key, its type, its default and what is allowed (pydantic models)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    field_validator,
    model_validator,
)

from bot.config.cron import cron_trigger
from bot.config.platform_settings import PlatformsSettings, place_problem
from bot.config.privacy import apply_privacy_preset
from bot.core.durations import parse_duration
from bot.core.i18n import N_, SUPPORTED, english_name, folded, normalize, suggest, weekday_names
from bot.core.said import Refusal
from bot.core.zones import closest_zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
GROUP_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise Refusal(N_("write a duration like 30m, 24h or 6d"))
    return parse_duration(value)


Duration = Annotated[timedelta, BeforeValidator(_duration)]

# the calendar a schedule may use: enough either way, and far from the ends of Python's dates
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9000, 12, 31)


def _in_calendar(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise Refusal(
            N_("{day} is out of range: dates go from {first} to {last}"),
            day=value.isoformat(),
            first=FIRST_DAY.isoformat(),
            last=LAST_DAY.isoformat(),
        )
    return value


CalendarDate = Annotated[date, AfterValidator(_in_calendar)]


def _clock_time(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 19:00 as the sexagesimal number 1140
        value = f"{value // 60:02d}:{value % 60:02d}"
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hour, minute = (int(x) for x in value.strip().split(":"))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise Refusal(N_('write a time of day like "19:00"'))


ClockTime = Annotated[time, BeforeValidator(_clock_time)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_key(text: str) -> str:
    """ "Tuesday", "tues", "TUE" as "tue"; anything else as written, to be shown refused."""
    word = text.strip().lower()
    for key, name in zip(WEEKDAYS, _DAY_NAMES, strict=True):
        if len(word) >= 3 and name.startswith(word):
            return key
    return text.strip()


class Cadence(_Strict):
    """When sessions happen: weekly days at a time, given dates, or a cron expression."""

    weekly: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = None
    dates: list[CalendarDate] | None = None
    cron: str | None = None
    at: ClockTime | None = None

    @field_validator("weekly", mode="before")
    @classmethod
    def _lower_days(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [_weekday_key(v) if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Cadence:
        kinds = [k for k in ("weekly", "dates", "cron") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise Refusal(N_("cadence needs exactly one of weekly, dates or cron"))
        if self.cron is None and self.at is None:
            raise Refusal(N_('cadence needs `at: "HH:MM"` with weekly or dates'))
        if self.cron is not None:
            if self.at is not None:
                raise Refusal(N_("`at` does not go with cron; put the time in the cron expression"))
            if len(self.cron.split()) != 5:
                raise Refusal(N_("cron takes five fields: minute hour day month weekday"))
            try:
                cron_trigger(self.cron, ZoneInfo("UTC"))
            except Refusal as exc:
                raise Refusal(N_("bad cron expression: {why}"), why=exc.said) from None
            except ValueError as exc:
                # APScheduler's own words (English) on what is wrong
                raise Refusal(N_("bad cron expression: {why}"), why=str(exc)) from None
        if self.weekly == [] or self.dates == []:
            raise Refusal(N_("the list of days or dates is empty"))
        return self


_BREAK = N_('write a break as "2026-12-22..2027-01-05" or a single date')


def _break(value: Any) -> tuple[date, date]:
    if isinstance(value, date):
        return (value, value)
    if not isinstance(value, str):
        raise Refusal(_BREAK)
    first, sep, last = value.partition("..")
    try:
        start = date.fromisoformat(first.strip())
        end = date.fromisoformat(last.strip()) if sep else start
    except ValueError:
        raise Refusal(_BREAK) from None
    if end < start:
        raise Refusal(N_("a break cannot end before it starts"))
    return (_in_calendar(start), _in_calendar(end))


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


def _language(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    code = normalize(value)
    if code is not None:
        return code
    hint = suggest(value)
    choices = ", ".join(f"{c} ({english_name(c)})" for c in SUPPORTED)
    if hint:
        raise Refusal(
            N_("unknown language {code}; did you mean {hint}? the bot speaks {choices}"),
            code=repr(value[:40]),
            hint=hint,
            choices=choices,
        )
    raise Refusal(
        N_("unknown language {code}; the bot speaks {choices}"),
        code=repr(value[:40]),
        choices=choices,
    )


def _weekdays_in(language: str, days: list[Any]) -> list[Any]:
    """Weekday names in the group's language (or English) as the English three letters."""
    theirs = weekday_names(language)
    english = weekday_names("en")
    shown = []
    for day in days:
        if isinstance(day, str):
            word = folded(day.strip()).rstrip(".")
            number = theirs.get(word, english.get(word))
            if number is not None:
                day = WEEKDAYS[number]
        shown.append(day)
    return shown


class GroupSpec(_Strict):
    id: str = Field(pattern=GROUP_ID)
    name: str = Field(min_length=1, max_length=100)
    platform: Literal["console", "matrix", "discord"] = "console"
    room: str | None = None
    channel: int | str | None = None
    # discord: the server (guild) id of `channel`, which picks the shard that serves the group
    guild: int | None = None
    timezone: str = "UTC"
    # one reading, or a course of several read in order (exactly one of the two keys)
    reading: str | None = None
    readings: list[str] | None = None
    # or an installed curriculum pack, pinned to a version: `curriculum: first-steps@1.0.0`
    curriculum: str | None = Field(default=None, max_length=200)
    start: CalendarDate
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
    # each session in the server's own Events tab (Discord Scheduled Events)
    discord_events: bool = False
    live_after: Duration = timedelta(0)
    digest: Literal["session", "weekly", "off"] = "session"
    digest_in_room: bool = False
    # what the bot writes in the group's room, and to members who chose no language of theirs
    language: Annotated[str, BeforeValidator(_language)] = "en"

    @model_validator(mode="before")
    @classmethod
    def _local_weekdays(cls, data: Any) -> Any:
        # `weekly: [martes, jueves]` in a Spanish group: day names in the group's language
        if not isinstance(data, dict):
            return data
        cadence = data.get("cadence")
        if not isinstance(cadence, dict):
            return data
        weekly = cadence.get("weekly")
        if isinstance(weekly, str):
            weekly = [weekly]
        if not isinstance(weekly, list):
            return data
        language = data.get("language")
        code = normalize(language) if isinstance(language, str) else None
        return {**data, "cadence": {**cadence, "weekly": _weekdays_in(code or "en", weekly)}}

    # security culture (issue 17): how long after a session closes its discussion is removed
    # from the platform, and a preset that keeps as little as the bot can
    expire_after: Annotated[Duration | None, BeforeValidator(_off_is_none)] = None
    privacy: Literal["standard", "minimal"] = "standard"
    # the keys the privacy preset filled in (those the file did not set itself)
    _preset_keys: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _privacy_preset(cls, data: Any, handler: ModelWrapValidatorHandler[GroupSpec]) -> GroupSpec:
        data, filled = apply_privacy_preset(data)
        spec = handler(data)
        spec._preset_keys = filled
        return spec

    @property
    def preset_keys(self) -> tuple[str, ...]:
        """The keys `privacy: minimal` set because the file did not (for `check`)."""
        return self._preset_keys

    @property
    def minimal(self) -> bool:
        """`privacy: minimal`: its responses are deleted along with an expired discussion."""
        return self.privacy == "minimal"

    @field_validator("expire_after")
    @classmethod
    def _expiry_positive(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value < timedelta(hours=1):
            raise Refusal(N_("expire_after must be at least 1h (or off)"))
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            hint = closest_zone(value)
            if hint is not None:
                raise Refusal(
                    N_("unknown time zone {zone}; did you mean {hint}?"),
                    zone=repr(value),
                    hint=hint,
                ) from None
            raise Refusal(
                N_("unknown time zone {zone}; use an IANA name like Europe/Berlin"),
                zone=repr(value),
            ) from None
        return value

    @field_validator("respond_for")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise Refusal(N_("respond_for must be longer than zero"))
        return value

    @property
    def reading_ids(self) -> tuple[str, ...]:
        """The group's readings in course order."""
        if self.readings is not None:
            return tuple(self.readings)
        return (self.reading,) if self.reading is not None else ()

    @model_validator(mode="after")
    def _one_reading_key(self) -> GroupSpec:
        if self.curriculum is not None:
            if self.reading is not None or self.readings is not None:
                key = "readings" if self.readings is not None else "reading"
                raise Refusal(
                    N_(
                        "a group reads either a pack (`curriculum:`) or `{key}:`, not both; "
                        "the pack's readings are its course"
                    ),
                    key=key,
                )
            if not re.match(r"^[a-z0-9][a-z0-9_-]{0,63}@\d+\.\d+\.\d+$", self.curriculum):
                raise Refusal(
                    N_(
                        "curriculum {curriculum} should name a pack and its version, "
                        "like first-steps@1.0.0"
                    ),
                    curriculum=repr(self.curriculum),
                )
            return self
        if (self.reading is None) == (self.readings is None):
            raise Refusal(
                N_(
                    "name what the group reads with `reading: ID`, or `readings: [ID, ...]` for "
                    "a course of several (one of the two, not both)"
                )
            )
        return self

    @model_validator(mode="after")
    def _where(self) -> GroupSpec:
        problem = place_problem(self.platform, room=self.room, channel=self.channel)
        if problem is not None:
            raise Refusal(problem)
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
            raise Refusal(
                N_(
                    "set either `storage` or `storage_env` (an environment variable holding "
                    "it), not both"
                )
            )
        return self
