"""Inbound events made storable where they enter the core: text no database, log or platform
can refuse (a lone UTF-16 surrogate, which JSON can carry; a NUL, which PostgreSQL refuses),
and no display name where the groups keep none (`privacy: minimal`)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, TypeVar

from bot.config.model import Config
from bot.core.events import InboundEvent, MemberRef

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    Record = TypeVar("Record", bound=DataclassInstance)

_BROKEN = re.compile("[\x00\ud800-\udfff]")


def _whole(text: str) -> bool:
    """Whether `text` has nothing to clean. ASCII text (Python knows it without looking) can
    hold no surrogate, so only a NUL is looked for; other text is searched for both."""
    if text.isascii():
        return "\x00" not in text
    return _BROKEN.search(text) is None


def clean_text(text: str) -> str:
    """`text` as valid Unicode: a surrogate pair sent as two halves joins into its character,
    a half alone becomes U+FFFD, and NUL characters go; anything else is returned as it is."""
    if _whole(text):
        return text
    text = text.replace("\x00", "")
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def well_formed(record: Record) -> Record:
    """`record` (an inbound event) with every text in it, nested records too, cleaned."""
    changes: dict[str, object] | None = None
    for name in _NAMES.get(type(record)) or _field_names(type(record)):
        value = getattr(record, name)
        if isinstance(value, str):
            # nearly always nothing to clean: `_whole`, inlined (every event has a dozen texts)
            if value.isascii():
                if "\x00" not in value:
                    continue
            elif _BROKEN.search(value) is None:
                continue
            cleaned: object = clean_text(value)
        elif value is None or value is True or value is False:  # most of an origin's fields
            continue
        elif hasattr(type(value), _DATACLASS_FIELDS):
            # a nested record: `dataclasses.is_dataclass` of an instance (a class is no value)
            cleaned = well_formed(value)
        else:
            continue
        if cleaned is not value:
            if changes is None:
                changes = {}
            changes[name] = cleaned
    return dataclasses.replace(record, **changes) if changes else record


# Every inbound event passes here: its fields are looked up once per record type, not per event.
_DATACLASS_FIELDS = "__dataclass_fields__"
_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def nameless(config: Config, event: InboundEvent) -> InboundEvent:
    """`event` with the member's display name replaced by their platform id where every group
    it can reach is `privacy: minimal`: those groups store no names (the platform shows them)."""
    member = getattr(event, "member", None)
    if not isinstance(member, MemberRef) or member.display_name == member.user_id:
        return event
    origin = event.origin
    if not _all_minimal(config, origin.platform, origin.room, origin.is_direct):
        return event
    return dataclasses.replace(
        event, member=dataclasses.replace(member, display_name=member.user_id)
    )


# Whether every group a place reaches is minimal, per place, for the config in force (the
# answer changes only with the config, and a reload replaces the config object).
_minimal: tuple[Config | None, dict[tuple[str, str, bool], bool]] = (None, {})


def _all_minimal(config: Config, platform: str, room: str, direct: bool) -> bool:
    global _minimal
    known, answers = _minimal
    if known is not config:
        answers = {}
        _minimal = (config, answers)
    key = (platform, "" if direct else room, direct)  # a DM reaches the platform's groups
    answer = answers.get(key)
    if answer is None:
        if direct:
            groups = tuple(g for g in config.groups if g.platform == platform)
        else:
            groups = config.groups_in(platform, room)
        answer = bool(groups) and all(g.spec.minimal for g in groups)
        if len(answers) >= _MAX_PLACES:
            answers.clear()
        answers[key] = answer
    return answer


_MAX_PLACES = 10_000  # rooms remembered per config; past this it starts afresh
