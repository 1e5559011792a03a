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


def clean_text(text: str) -> str:
    """`text` as valid Unicode: a surrogate pair sent as two halves joins into its character,
    a half alone becomes U+FFFD, and NUL characters go; anything else is returned as it is."""
    if _BROKEN.search(text) is None:
        return text
    text = text.replace("\x00", "")
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def well_formed(record: Record) -> Record:
    """`record` (an inbound event) with every text in it, nested records too, cleaned."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            cleaned: object = clean_text(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            cleaned = well_formed(value)
        else:
            continue
        if cleaned is not value:
            changes[field.name] = cleaned
    return dataclasses.replace(record, **changes) if changes else record


def nameless(config: Config, event: InboundEvent) -> InboundEvent:
    """`event` with the member's display name replaced by their platform id where every group
    it can reach is `privacy: minimal`: those groups store no names (the platform shows them)."""
    member = getattr(event, "member", None)
    if not isinstance(member, MemberRef) or member.display_name == member.user_id:
        return event
    origin = event.origin
    if origin.is_direct:
        groups = tuple(g for g in config.groups if g.platform == origin.platform)
    else:
        groups = config.groups_in(origin.platform, origin.room)
    if not groups or not all(g.spec.minimal for g in groups):
        return event
    return dataclasses.replace(
        event, member=dataclasses.replace(member, display_name=member.user_id)
    )
