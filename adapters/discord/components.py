"""Buttons and the response modal: persistent components that survive restarts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Protocol, cast

import discord

from bot.core.i18n import ENGLISH, Words
from bot.core.messages import Button

RESPONSE_MAX = 4000  # Discord's cap for a text input, and the core's response limit
_PREFIX = "studybot"


class ComponentDesk(Protocol):
    """What the components hand a press or a submission to (the interaction desk)."""

    async def open_response_modal(
        self, interaction: discord.Interaction[Any], prompt: int, flags: str
    ) -> None: ...

    async def submit_response(
        self, interaction: discord.Interaction[Any], prompt: int, flags: str, text: str
    ) -> None: ...

    async def run_action(self, interaction: discord.Interaction[Any], action: str) -> None: ...


def desk_of(interaction: discord.Interaction[Any]) -> ComponentDesk:
    return cast(ComponentDesk, interaction.client.desk)


class RespondButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"{_PREFIX}:respond:(?P<prompt>[0-9]{{1,6}})",
):
    """The "Respond" button on a prompt; its custom_id carries the prompt number, so a press
    is understood even after a restart."""

    def __init__(self, prompt: int, label: str = "Respond") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.primary,
                custom_id=f"{_PREFIX}:respond:{prompt}",
            )
        )
        self.prompt = prompt

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RespondButton:
        return cls(int(match["prompt"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await desk_of(interaction).open_response_modal(interaction, self.prompt, "")


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"{_PREFIX}:do:(?P<action>.{{1,90}})",
):
    """Any other core button: a press runs `action` ("name:args") as a command."""

    def __init__(self, action: str, label: str = "Go") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                style=discord.ButtonStyle.secondary,
                custom_id=f"{_PREFIX}:do:{action}",
            )
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ActionButton:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await desk_of(interaction).run_action(interaction, self.action)


def respond_prompt(action: str) -> int | None:
    """The prompt number of a "respond:N" action, else None."""
    name, _, rest = action.partition(":")
    if name == "respond" and rest.strip().isdigit():
        return int(rest.strip())
    return None


def view_for(buttons: tuple[Button, ...], prompt_number: int | None) -> discord.ui.View | None:
    """A view of the message's buttons; a prompt always gets a Respond button."""
    items: list[discord.ui.Item[Any]] = []
    has_respond = False
    for button in buttons[:25]:
        prompt = respond_prompt(button.action)
        if prompt is not None:
            has_respond = True
            items.append(RespondButton(prompt, button.label))
        elif len(button.action) <= 90:
            items.append(ActionButton(button.action, button.label))
    if prompt_number is not None and not has_respond:
        items.insert(0, RespondButton(prompt_number))
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items[:25]:
        view.add_item(item)
    return view


_MODAL = re.compile(rf"{_PREFIX}:modal:(?P<prompt>[0-9]{{1,6}}):(?P<flags>[a-z+]*)")
_TEXT_ID = f"{_PREFIX}:response-text"
_WHO_ID = f"{_PREFIX}:response-who"
# who sees a response, as the `respond` command's flags name it; the modal offers the choice
# when the member came by the Respond button (a slash command carries its flags already)
_WHO = ("shared", "private", "public")
_VISIBILITY_FLAGS = frozenset(f"--{flag}" for flag in _WHO)


class ResponseModal(discord.ui.Modal):
    """A multi-line box for a response.

    Its submission is read from the raw interaction (see `response_submission`), not by this
    object, so a member who was typing while the bot restarted still gets their answer in.
    """

    def __init__(
        self, prompt: int, flags: str, placeholder: str | None, words: Words = ENGLISH
    ) -> None:
        flag_code = "+".join(f.removeprefix("--") for f in flags.split())
        # One modal per member and prompt: opening it again replaces the stored one.
        super().__init__(
            title=words.gettext("Respond to prompt {number}", number=prompt)[:45],
            timeout=None,
            custom_id=f"{_PREFIX}:modal:{prompt}:{flag_code}",
        )
        self.text: discord.ui.TextInput[ResponseModal] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            custom_id=_TEXT_ID,
            placeholder=(placeholder or "")[:100] or None,
            required=True,
            max_length=RESPONSE_MAX,
        )
        self.add_item(
            discord.ui.Label(text=words.gettext("Your response")[:45], component=self.text)
        )
        if not _VISIBILITY_FLAGS.intersection(flags.split()):
            self.add_item(
                discord.ui.Label(
                    text=words.gettext("Who sees it")[:45],
                    description=words.gettext("Leave it unchosen for the group's usual way")[:100],
                    component=_who_sees_it(words),
                )
            )


def _who_sees_it(words: Words) -> discord.ui.RadioGroup[ResponseModal]:
    labels = {
        "shared": words.gettext("The group"),
        "private": words.gettext("Only you (the admins see that you answered)"),
        "public": words.gettext("The group, and beyond it"),
    }
    details = {
        "shared": None,
        "private": None,
        "public": words.gettext("It may go into the course's next pack"),
    }
    group: discord.ui.RadioGroup[ResponseModal] = discord.ui.RadioGroup(
        custom_id=_WHO_ID, required=False
    )
    for value in _WHO:
        detail = details[value]
        group.add_option(
            label=labels[value][:100], value=value, description=detail[:100] if detail else None
        )
    return group


def _submitted(components: list[Any], custom_id: str) -> Iterator[str | None]:
    """The value submitted for `custom_id`, wherever in the modal's rows and labels it is."""
    for component in components:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id:
            value = component.get("value")
            yield value if isinstance(value, str) else None
        inner = component.get("components") or []
        if "component" in component:
            inner = [component["component"], *inner]
        yield from _submitted(inner, custom_id)


def response_submission(interaction: discord.Interaction[Any]) -> tuple[int, str, str] | None:
    """(prompt, flags, text) when `interaction` submits a response modal, else None."""
    if interaction.type is not discord.InteractionType.modal_submit or not interaction.data:
        return None
    data = cast(dict[str, Any], interaction.data)
    match = _MODAL.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    components = list(data.get("components", []))
    chosen = [f"--{f}" for f in match["flags"].split("+") if f]
    who = next(_submitted(components, _WHO_ID), None)
    if who in _WHO and not _VISIBILITY_FLAGS.intersection(chosen):
        chosen.append(f"--{who}")
    text = next(_submitted(components, _TEXT_ID), None) or ""
    return int(match["prompt"]), " ".join(chosen), text
