"""Answers interactions: runs slash commands and button presses through the core, opens the
response modal, defers what is slow, and keeps each interaction so the core can reply to it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import discord

from bot.commands.spec import CommandSpec, ParamKind
from bot.core.events import CommandReceived, Origin
from bot.core.messages import Message, MessageKind
from bot.core.platform import AdapterError, CoreHandle

from .commands import DESCRIPTION_MAX as CHOICE_WIDTH
from .commands import args_line
from .components import ResponseModal, respond_prompt, view_for
from .people import PLATFORM, Places, member_ref
from .render import render
from .sending import NO_MENTIONS
from .translator import words_for

log = logging.getLogger(__name__)

TOKEN_LIFETIME = 14 * 60  # Discord keeps an interaction token for 15 minutes
KEEP_AT_MOST = 1000


@dataclass(slots=True)
class PendingInteraction:
    """One interaction the core may still answer, with what has been sent on it so far."""

    interaction: discord.Interaction[Any]
    created: float = field(default_factory=time.monotonic)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    deferred: bool = False
    original_filled: bool = False
    answered: bool = False

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.created > TOKEN_LIFETIME


class InteractionDesk:
    """Turns interactions into core commands and carries the core's replies back."""

    def __init__(self, *, places: Places, defer_after: float) -> None:
        self.core: CoreHandle | None = None
        self._places = places
        self._defer_after = defer_after
        self._pending: OrderedDict[str, PendingInteraction] = OrderedDict()

    # --- from the components and slash commands -------------------------------------------

    async def run_slash(
        self, interaction: discord.Interaction[Any], spec: CommandSpec, values: Mapping[str, Any]
    ) -> None:
        if spec.name == "respond" and not values.get("text"):
            named = (p.name for p in spec.params if p.kind is ParamKind.FLAG)
            flags = " ".join(f"--{f}" for f in named if values.get(f))
            await self.open_response_modal(interaction, int(values["prompt"]), flags)
            return
        await self._run(interaction, spec.name, args_line(spec, values), slow=spec.slow)

    async def run_action(self, interaction: discord.Interaction[Any], action: str) -> None:
        prompt = respond_prompt(action)
        if prompt is not None:
            await self.open_response_modal(interaction, prompt, "")
            return
        name, _, args = action.partition(":")
        slow = any(spec.slow for spec in self._specs() if spec.name == name)
        await self._run(interaction, name, args, slow=slow)

    async def open_response_modal(
        self, interaction: discord.Interaction[Any], prompt: int, flags: str
    ) -> None:
        text = None
        try:
            # The modal must be sent within 3 s; the prompt text is only a nicety.
            found = await asyncio.wait_for(self.prompt_choices(interaction, ""), timeout=1.0)
            text = next((t for n, t in found if n == prompt), None)
        except Exception:
            log.debug("no prompt text for the modal", exc_info=True)
        await interaction.response.send_modal(
            ResponseModal(prompt, flags, text, words_for(interaction.locale))
        )

    async def submit_response(
        self, interaction: discord.Interaction[Any], prompt: int, flags: str, text: str
    ) -> None:
        args = " ".join(part for part in (str(prompt), flags, text) if part)
        await self._run(interaction, "respond", args, slow=False)

    async def prompt_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[tuple[int, str]]:
        if self.core is None or interaction.channel_id is None:
            return []
        room, _ = self._places.locate(interaction.channel_id, interaction.channel)
        prompts = await self.core.current_prompts(PLATFORM, room)
        wanted = str(current).strip().lower()  # Discord sends what was typed, even for ints
        return [(n, t) for n, t in prompts if not wanted or wanted in f"{n} {t}".lower()]

    async def passage_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[tuple[str, str]]:
        """Sentences of the open session's text for `/study quote`'s passage option, as
        (`#N`, a label within Discord's 100 characters)."""
        if self.core is None or interaction.channel_id is None:
            return []
        room, _ = self._places.locate(interaction.channel_id, interaction.channel)
        return await self.core.passage_choices(PLATFORM, room, str(current), width=CHOICE_WIDTH)

    # --- replies from the core ------------------------------------------------------------

    def pending(self, token: str | None) -> PendingInteraction | None:
        found = self._pending.get(token) if token else None
        return None if found is None or found.expired else found

    async def answer(self, pending: PendingInteraction, message: Message) -> None:
        """Send `message` on the interaction: as its response, into the deferred original,
        or as a follow-up."""
        interaction = pending.interaction
        pieces = render(message)
        view = view_for(message.buttons, message.prompt_number)
        async with pending.lock:
            try:
                for index, piece in enumerate(pieces):
                    kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
                    if piece.content is not None:
                        kwargs["content"] = piece.content
                    if piece.embeds:
                        kwargs["embeds"] = piece.embeds
                    if view is not None and index == len(pieces) - 1:
                        kwargs["view"] = view
                    if not interaction.response.is_done():
                        await interaction.response.send_message(
                            **kwargs, files=piece.files, ephemeral=message.ephemeral
                        )
                    elif pending.deferred and not pending.original_filled:
                        await interaction.edit_original_response(**kwargs, attachments=piece.files)
                        pending.original_filled = True
                    else:
                        await interaction.followup.send(
                            **kwargs, files=piece.files, ephemeral=message.ephemeral, wait=True
                        )
                    pending.answered = True
            except discord.HTTPException as exc:
                raise AdapterError(f"reply to interaction failed: {exc.status}") from exc

    # --- internals ------------------------------------------------------------------------

    def _specs(self) -> tuple[CommandSpec, ...]:
        return self.core.commands if self.core is not None else ()

    def _keep(self, interaction: discord.Interaction[Any]) -> PendingInteraction:
        while self._pending and (
            len(self._pending) >= KEEP_AT_MOST or next(iter(self._pending.values())).expired
        ):
            self._pending.popitem(last=False)
        pending = PendingInteraction(interaction)
        self._pending[str(interaction.id)] = pending
        return pending

    def origin_of(self, interaction: discord.Interaction[Any]) -> Origin:
        room, thread = self._places.locate(interaction.channel_id or 0, interaction.channel)
        return Origin(
            platform=PLATFORM,
            room=room,
            thread=thread,
            message_id=str(interaction.message.id) if interaction.message else None,
            is_direct=interaction.guild_id is None,
            token=str(interaction.id),
            locale=interaction.locale.value if interaction.locale else None,
        )

    async def _defer(self, pending: PendingInteraction) -> None:
        async with pending.lock:
            if pending.interaction.response.is_done():
                return
            try:
                await pending.interaction.response.defer(ephemeral=True, thinking=True)
                pending.deferred = True
            except discord.HTTPException:
                log.warning("could not defer interaction %s", pending.interaction.id)

    async def _run(
        self, interaction: discord.Interaction[Any], name: str, args: str, *, slow: bool
    ) -> None:
        core = self.core
        pending = self._keep(interaction)
        words = words_for(interaction.locale)
        if core is None:
            await self._say(
                pending, words.gettext("Study Circle is still starting; try again in a moment.")
            )
            return
        event = CommandReceived(
            origin=self.origin_of(interaction),
            member=member_ref(interaction.user),
            name=name,
            args=args,
        )
        if slow:
            await self._defer(pending)
        handling = asyncio.create_task(core.handle(event), name=f"discord-command-{name}")
        done, _ = await asyncio.wait({handling}, timeout=self._defer_after)
        if not done:
            # Discord drops an interaction not answered within 3 s: show "thinking" instead.
            await self._defer(pending)
        try:
            await handling
        except Exception:
            log.exception("the core failed on /study %s", name)
            await self._say(
                pending, words.gettext("Sorry, something went wrong. Please try again later.")
            )
            return
        if not pending.answered:
            await self._say(pending, words.gettext("Done."))

    async def _say(self, pending: PendingInteraction, text: str) -> None:
        try:
            await self.answer(pending, Message(kind=MessageKind.NOTICE, body=text, ephemeral=True))
        except AdapterError:
            log.warning("could not answer interaction %s", pending.interaction.id)
