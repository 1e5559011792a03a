"""The `/study` slash-command group, generated from the core's command specs."""

from __future__ import annotations

import inspect
import logging
import zoneinfo
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Optional, Protocol

import discord
from discord import app_commands

from bot.commands.spec import CommandSpec, ParamKind, ParamSpec, as_quoted
from bot.core.i18n import N_

log = logging.getLogger(__name__)

GROUP_NAME = "study"
ADMIN_GROUP_NAME = "study-admin"
SUBCOMMANDS_MAX = 25  # Discord's limit per command
DESCRIPTION_MAX = 100
CHOICES_MAX = 25
CHOICE_VALUE_MAX = 100  # characters of a string choice's value
OPTIONS_MAX = 25  # options per subcommand


class SlashDesk(Protocol):
    """What a slash command hands its invocation to."""

    async def run_slash(
        self, interaction: discord.Interaction[Any], spec: CommandSpec, values: Mapping[str, Any]
    ) -> None: ...

    async def prompt_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[tuple[int, str]]: ...

    async def passage_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[tuple[str, str]]: ...


def _short(text: str) -> str:
    # a slash command's description is plain text: no code marks around a command named in it
    text = text.replace("`", "")
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"


def _py_name(param: ParamSpec) -> str:
    return param.name.replace("-", "_")


def is_text_optional_on_discord(spec: CommandSpec, param: ParamSpec) -> bool:
    """`respond` may omit its text on Discord: a modal then asks for it."""
    return spec.name == "respond" and param.kind is ParamKind.TEXT


def _annotation(param: ParamSpec) -> Any:
    if param.kind is ParamKind.INT:
        return app_commands.Range[int, param.minimum, param.maximum]
    if param.kind is ParamKind.FLAG:
        return bool
    if param.kind is ParamKind.TEXT:
        return app_commands.Range[str, 1, 6000]
    return str


@cache
def _time_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def time_zone_choices(current: str) -> list[str]:
    """Up to 25 IANA zones matching what the member has typed, best matches first."""
    needle = current.strip().lower().replace(" ", "_")
    zones = _time_zones()
    if not needle:
        return [z for z in zones if "/" in z][:CHOICES_MAX]
    starts = [z for z in zones if z.lower().startswith(needle)]
    inside = [z for z in zones if needle in z.lower() and z not in starts]
    return (starts + inside)[:CHOICES_MAX]


GROUP_OPTION = "group"  # `--group ID` on the other platforms


def args_line(spec: CommandSpec, values: Mapping[str, Any]) -> str:
    """The option values as the core's argument line, in the spec's order (flags as --name),
    with the `group` option first, as `--group ID`, where the core looks for it."""
    words: list[str] = []
    group = values.get(GROUP_OPTION)
    if spec.group_scoped and isinstance(group, str) and group.strip():
        words.append(f"--group {group.strip().split()[0]}")
    for param in spec.params:
        value = values.get(_py_name(param))
        if value is None or value is False or value == "":
            continue
        if param.kind is ParamKind.FLAG:
            words.append(f"--{param.name}")
        elif param.kind is ParamKind.QUOTE:
            words.append(as_quoted(str(value)))
        else:
            words.append(str(value))
    return " ".join(words)


def _command(
    spec: CommandSpec, desk: SlashDesk, specs: Sequence[CommandSpec]
) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await desk.run_slash(interaction, spec, values)

    async def prompt_autocomplete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        found = await desk.prompt_choices(interaction, current)
        return [
            app_commands.Choice(name=_short(f"{number}. {text}"), value=number)
            for number, text in found[:CHOICES_MAX]
        ]

    async def passage_autocomplete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        found = await desk.passage_choices(interaction, current)
        return [
            app_commands.Choice(name=_short(label), value=value[:CHOICE_VALUE_MAX])
            for value, label in found[:CHOICES_MAX]
            if label.strip()
        ]

    async def zone_autocomplete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in time_zone_choices(current)]

    async def command_autocomplete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        names = [s.name for s in specs if current.lower() in s.name]
        return [app_commands.Choice(name=n, value=n) for n in names[:CHOICES_MAX]]

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    descriptions: dict[str, str] = {}
    renames: dict[str, str] = {}
    choices: dict[str, list[app_commands.Choice[str]]] = {}
    completers: dict[str, Any] = {}
    for param in spec.params:
        name = _py_name(param)
        required = param.required and not is_text_optional_on_discord(spec, param)
        annotation = _annotation(param)
        parameters.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=annotation if required else Optional[annotation],  # noqa: UP045
                default=inspect.Parameter.empty if required else None,
            )
        )
        descriptions[name] = _short(param.description)
        if name != param.name:
            renames[name] = param.name
        if param.kind is ParamKind.CHOICE and param.choices:
            choices[name] = [app_commands.Choice(name=c, value=c) for c in param.choices]
        elif param.kind is ParamKind.TIMEZONE:
            completers[name] = zone_autocomplete
        elif param.kind is ParamKind.QUOTE:
            completers[name] = passage_autocomplete
        elif param.kind is ParamKind.INT and param.name == "prompt":
            completers[name] = prompt_autocomplete
        elif param.kind is ParamKind.WORD and param.name == "command":
            completers[name] = command_autocomplete
    if spec.group_scoped and len(parameters) <= OPTIONS_MAX:
        # Where several groups share a channel, or from a DM: which group the command is about.
        parameters.append(
            inspect.Parameter(
                GROUP_OPTION,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Optional[app_commands.Range[str, 1, 100]],  # noqa: UP045
                default=None,
            )
        )
        descriptions[GROUP_OPTION] = N_("The group's id, where several meet here or from a DM")
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = f"study_{spec.name.replace('-', '_')}"
    decorated: Any = callback
    if descriptions:
        decorated = app_commands.describe(**descriptions)(decorated)
    if renames:
        decorated = app_commands.rename(**renames)(decorated)
    if choices:
        decorated = app_commands.choices(**choices)(decorated)
    if completers:
        decorated = app_commands.autocomplete(**completers)(decorated)
    return app_commands.Command(
        name=spec.name, description=_short(spec.summary), callback=decorated
    )


def command_group_name(spec: CommandSpec) -> str:
    """Which top-level command a spec lives under: Discord caps one at 25 subcommands, and
    the core has more, so admin commands get their own `/study-admin`."""
    return ADMIN_GROUP_NAME if spec.admin else GROUP_NAME


def build_command_groups(specs: Sequence[CommandSpec], desk: SlashDesk) -> list[app_commands.Group]:
    """`/study` with a subcommand per member command, `/study-admin` with the admin ones."""
    groups = [
        app_commands.Group(
            name=GROUP_NAME,
            description=N_("Study Circle: reading sessions, prompts and responses"),
        ),
        app_commands.Group(
            name=ADMIN_GROUP_NAME,
            description=N_("Study Circle: commands for a group's admins"),
        ),
    ]
    by_name = {group.name: group for group in groups}
    for spec in specs:
        group = by_name[command_group_name(spec)]
        if len(group.commands) >= SUBCOMMANDS_MAX:
            log.error("/%s is full: %s is left out on Discord", group.name, spec.name)
            continue
        group.add_command(_command(spec, desk, specs))
    return [group for group in groups if group.commands]
