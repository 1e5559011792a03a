"""Semantic versions of packs: parsed, compared and bumped (MAJOR.MINOR.PATCH, no build tags)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEMVER = re.compile(r"^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$")


@dataclass(frozen=True, slots=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump_minor(self) -> Version:
        return Version(self.major, self.minor + 1, 0)


def parse_version(text: str) -> Version:
    """`1.2.0` as a Version; ValueError (one sentence) for anything else."""
    found = _SEMVER.match(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise ValueError(f"{text!r} is not a version like 1.0.0 (MAJOR.MINOR.PATCH)")
    return Version(*(int(part) for part in found.groups()))


def is_version(text: str) -> bool:
    return isinstance(text, str) and _SEMVER.match(text.strip()) is not None
