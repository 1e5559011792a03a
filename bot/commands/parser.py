"""Parsing a command's raw argument text against its spec: typed values or a usage error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.commands.spec import BY_NAME, CommandSpec, ParamKind, ParamSpec
from bot.core.i18n import ENGLISH, N_, Words
from bot.core.quoting import take_quoted
from bot.core.zones import closest_zone, zone_named

_TOKEN = re.compile(r"\S+")
_GROUP = re.compile(r"\s*--group(?:=|\s+)(\S+)")
_NUMBER = re.compile(r"\d{1,6}")
MAX_COMMAND_CHARS = 200_000


class UsageError(Exception):
    """The arguments do not fit the command; `say` tells how to call it, in the reader's words.

    `message` is an English catalog message marked with `N_`; `usage` the command's usage line.
    """

    def __init__(self, message: str, *, usage: str | None = None, **values: object) -> None:
        self.message = message
        self.usage = usage
        self.values = values
        super().__init__(self.say(ENGLISH))

    def say(self, words: Words) -> str:
        sentence = words.gettext(self.message, **self.values)
        if self.usage is None:
            return sentence
        return words.gettext("{problem}. Usage: {usage}", problem=sentence, usage=self.usage)


class UnknownCommand(Exception):
    def __init__(self, name: str, hint: str | None):
        self.name = name
        self.hint = hint
        super().__init__(name)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedCommand:
    spec: CommandSpec
    values: dict[str, int | str | bool | None] = field(default_factory=dict)
    group: str | None = None

    def number(self, name: str) -> int:
        value = self.values.get(name)
        assert isinstance(value, int)
        return value

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True


def lookup(name: str) -> CommandSpec:
    """The spec for `name`, or UnknownCommand with the closest known name as a hint."""
    spec = BY_NAME.get(name)  # as adapters send it, nearly always: no need to fold it first
    if spec is not None:
        return spec
    key = name.strip().lower()
    spec = BY_NAME.get(key)
    if spec is not None:
        return spec
    import difflib

    close = difflib.get_close_matches(key, list(BY_NAME), n=1, cutoff=0.5)
    raise UnknownCommand(name, close[0] if close else None)


def parse(name: str, args: str) -> ParsedCommand:
    """Parse `args` for command `name`. Raises UnknownCommand or UsageError."""
    spec = lookup(name)
    if len(args) > MAX_COMMAND_CHARS:
        raise UsageError(N_("that message is far too long to be a command"))
    group, args = _take_group(args)
    values: dict[str, int | str | bool | None] = {}
    positional, flags = _SHAPES[spec.name]
    pos = 0
    index = 0
    while True:
        match = _TOKEN.search(args, pos)
        param = positional[index] if index < len(positional) else None
        if match is None:
            break
        token = match.group(0)
        if token.startswith("--") and len(token) > 2:
            flag = flags.get(token[2:].lower())
            if flag is not None:
                values[flag.name] = True
                pos = match.end()
                continue
            if param is None or param.kind is not ParamKind.TEXT:
                raise UsageError(N_("unknown option {option}"), usage=spec.usage, option=token[:30])
        if param is None:
            raise UsageError(N_("too many arguments"), usage=spec.usage)
        if param.kind is ParamKind.TEXT:
            values[param.name] = args[match.start() :].strip()
            index += 1
            break
        if param.kind is ParamKind.QUOTE:
            taken = take_quoted(args, match.start())
            if taken is None or not taken[0]:
                raise UsageError(
                    f"put a few words of the passage in quotes. Usage: {spec.usage}, "
                    'e.g. quote "the words" what you think'
                )
            values[param.name], pos = taken
            index += 1
            continue
        values[param.name] = _convert(spec, param, token)
        pos = match.end()
        index += 1
    for param in positional[index:]:
        if param.required:
            raise UsageError(N_("missing {name}"), usage=spec.usage, name=param.name.upper())
        values.setdefault(param.name, None)
    return ParsedCommand(spec=spec, values=values, group=group)


def _convert(spec: CommandSpec, param: ParamSpec, token: str) -> int | str:
    name, kind, choices = param.name, param.kind, param.choices
    if kind is ParamKind.INT:
        number = int(token) if _NUMBER.fullmatch(token) else None
        if number is None or not param.minimum <= number <= param.maximum:
            raise UsageError(
                N_("{name} must be a whole number from {low} to {high}, not {value}"),
                usage=spec.usage,
                name=name.upper(),
                low=param.minimum,
                high=param.maximum,
                value=repr(token[:20]),
            )
        return number
    if kind is ParamKind.CHOICE:
        if token.lower() not in choices:
            raise UsageError(
                N_("{name} must be one of {choices}"),
                usage=spec.usage,
                name=name.upper(),
                choices=", ".join(choices),
            )
        return token.lower()
    if kind is ParamKind.TIMEZONE:
        return _timezone(token, spec)
    return token


def _timezone(token: str, spec: CommandSpec) -> str:
    found = zone_named(token)
    if found is not None:
        return found
    close = closest_zone(token)
    if close:
        raise UsageError(
            N_("unknown time zone {zone}. Did you mean {hint}?"),
            zone=repr(token[:40]),
            hint=close,
        )
    raise UsageError(
        N_("unknown time zone {zone}. Use a name like Europe/Berlin or America/La_Paz."),
        zone=repr(token[:40]),
    )


def _take_group(args: str) -> tuple[str | None, str]:
    # Only at the start, so a response that mentions "--group" keeps its words.
    if "--group" not in args:  # the usual case, told without the pattern
        return None, args
    match = _GROUP.match(args)
    if match is None:
        return None, args
    return match.group(1), args[match.end() :]


def _shape(spec: CommandSpec) -> tuple[list[ParamSpec], dict[str, ParamSpec]]:
    positional = [p for p in spec.params if p.kind is not ParamKind.FLAG]
    flags = {p.name: p for p in spec.params if p.kind is ParamKind.FLAG}
    return positional, flags


# each command's positional parameters and flags, sorted out once rather than per message
_SHAPES = {name: _shape(spec) for name, spec in BY_NAME.items()}
