"""How a command is described: its name, summary and typed parameters, for every platform."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ParamKind(StrEnum):
    INT = "int"  # a whole number (prompt numbers, days)
    WORD = "word"  # one token
    TEXT = "text"  # the rest of the line, free text
    CHOICE = "choice"  # one of `choices`
    TIMEZONE = "timezone"  # an IANA zone name (adapters may autocomplete)
    FLAG = "flag"  # a --name switch with no value
    QUOTE = "quote"  # words in quotation marks ("a few words"), or #N (a numbered sentence)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParamSpec:
    name: str
    kind: ParamKind
    description: str
    required: bool = True
    choices: tuple[str, ...] = ()
    # the whole numbers an INT takes (Discord's option limits too)
    minimum: int = 1
    maximum: int = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandSpec:
    name: str
    summary: str
    params: tuple[ParamSpec, ...] = ()
    admin: bool = False
    slow: bool = False  # may take longer than a second (exports); adapters defer
    # About one group (`--group ID` picks it); False for those about the member alone.
    group_scoped: bool = True

    @property
    def usage(self) -> str:
        parts = [self.name]
        for p in self.params:
            shown = f"--{p.name}" if p.kind is ParamKind.FLAG else p.name.upper()
            if p.kind is ParamKind.CHOICE and p.choices:
                shown = "|".join(p.choices)
            elif p.kind is ParamKind.QUOTE:
                shown = '"WORDS"'
            parts.append(shown if p.required else f"[{shown}]")
        return " ".join(parts)
