"""Acting as members against the stand-in: slash commands, buttons, modals, messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from discord_records import SEND_AND_VIEW, InteractionRecord, Json, Person, now


@dataclass(frozen=True)
class Place:
    """Where an interaction comes from, when not the group's own guild: a DM with the bot, or
    a channel of another guild, where the member may hold other permissions."""

    dm: bool = False
    guild_id: int | None = None
    channel_id: int | None = None
    permissions: int | None = None


class MemberActions:
    """Mixed into FakeDiscord: what a member can do, each turned into a gateway event."""

    def _interaction(
        self,
        kind: int,
        person: Person,
        channel_id: int | None,
        data: Json,
        *,
        place: Place | None = None,
    ) -> tuple[InteractionRecord, Json]:
        """An interaction payload; `place` puts it in a DM or another guild's channel."""
        if place is not None and place.dm:
            channel = self._dm_channel(person.id)
            cid = int(channel["id"])
        else:
            cid = (place.channel_id if place else None) or channel_id or self.channel_id
            channel = dict(self.channels[cid])
        iid = self.next_id()
        token = f"token-{iid}"
        record = InteractionRecord(iid, token, kind, cid, person)
        self.interactions[iid] = record
        self._by_token[token] = record
        payload = {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "attachment_size_limit": 8 * 1024 * 1024,
            "data": data,
            "channel_id": str(cid),
            "channel": channel,
            "locale": person.locale,
            "app_permissions": str(SEND_AND_VIEW),
            "entitlements": [],
        }
        if place is not None and place.dm:
            payload["user"] = person.user()  # a DM: a user, no member, no guild
            payload["authorizing_integration_owners"] = {"0": str(self.guild_id)}
            payload["context"] = 1
            return record, payload
        guild = str(place.guild_id if place and place.guild_id else self.guild_id)
        permissions = place.permissions if place and place.permissions is not None else None
        payload["guild_id"] = guild
        payload["guild_locale"] = "en-US"
        payload["member"] = person.member(
            permissions if permissions is not None else self.permissions_of(person)
        )
        payload["authorizing_integration_owners"] = {"0": guild}
        payload["context"] = 0
        return record, payload

    def _command_holding(self, sub: str) -> Json:
        """The synced top-level command (`/study`, `/study-admin`) that has subcommand `sub`."""
        for guild in (self.guild_id, None):
            for command in self.commands.get(guild, []):
                if any(o["name"] == sub for o in command.get("options", [])):
                    return command
        raise AssertionError(f"no synced command has a subcommand {sub!r}")

    def subcommands(self) -> dict[str, str]:
        """Every synced subcommand, and the top-level command it lives under."""
        return {
            option["name"]: command["name"]
            for command in self.commands.get(self.guild_id, [])
            for option in command.get("options", [])
        }

    def _options(self, sub: str, values: dict[str, Any], focused: str | None) -> list[Json]:
        spec = next(o for o in self._command_holding(sub)["options"] if o["name"] == sub)
        types = {o["name"]: o["type"] for o in spec.get("options", [])}
        options = []
        for name, value in values.items():
            option: Json = {"name": name, "type": types[name], "value": value}
            if name == focused:
                option["focused"] = True
                option["value"] = str(value)  # what the member has typed so far
            options.append(option)
        return options

    async def slash(
        self,
        person: Person,
        sub: str,
        channel_id: int | None = None,
        *,
        place: Place | None = None,
        **values: Any,
    ) -> InteractionRecord:
        """A member runs `/study SUB option=value ...` (or `/study-admin SUB ...`), in the group's
        guild, or where `place` says (a DM with the bot, another guild's channel)."""
        command = self._command_holding(sub)
        data = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": [{"name": sub, "type": 1, "options": self._options(sub, values, None)}],
        }
        if place is None or not place.dm:
            data["guild_id"] = str(place.guild_id if place and place.guild_id else self.guild_id)
        record, payload = self._interaction(2, person, channel_id, data, place=place)
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    async def autocomplete(
        self, person: Person, sub: str, focused: str, **values: Any
    ) -> InteractionRecord:
        command = self._command_holding(sub)
        data = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "guild_id": str(self.guild_id),
            "options": [{"name": sub, "type": 1, "options": self._options(sub, values, focused)}],
        }
        record, payload = self._interaction(4, person, None, data)
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    async def press(self, person: Person, message: Json, custom_id: str) -> InteractionRecord:
        """A member presses a button on a message."""
        data = {"custom_id": custom_id, "component_type": 2}
        record, payload = self._interaction(3, person, int(message["channel_id"]), data)
        payload["message"] = record.message = message
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    async def submit(
        self, person: Person, opened_on: InteractionRecord, text: str, *, choose: str | None = None
    ) -> Any:
        """A member types `text` into the modal the bot opened, picks the option `choose` of
        its radio group if it has one (none picked when None), and submits it."""
        modal = opened_on.modal
        assert modal is not None, "no modal was opened"
        answers = []
        for row in modal["components"]:
            inner = row.get("component") or row.get("components", [{}])[0]
            if inner["type"] == 21:  # a radio group: the value of the option picked, or null
                values = [o["value"] for o in inner["options"]]
                assert choose is None or choose in values, (choose, values)
                given: Json = {"type": 21, "custom_id": inner["custom_id"], "value": choose}
            else:
                given = {"type": 4, "custom_id": inner["custom_id"], "value": text}
            answers.append({"type": row["type"], "id": row.get("id", 1), "component": given})
        data = {"custom_id": modal["custom_id"], "components": answers}
        record, payload = self._interaction(5, person, opened_on.channel_id, data)
        if opened_on.message is not None:
            # Discord includes the message when the modal came from one of its buttons.
            payload["message"] = record.message = opened_on.message
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    async def member_says(
        self, person: Person, content: str, *, channel_id: int, reply_to: int | None = None
    ) -> Json:
        body: Json = {"content": content}
        if reply_to is not None:
            body["message_reference"] = {
                "message_id": str(reply_to),
                "channel_id": str(channel_id),
                "guild_id": str(self.guild_id),
            }
        message = self._message(channel_id, person, body)
        message["member"] = {k: v for k, v in person.member().items() if k != "user"}
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def member_edits(self, message: Json, content: str) -> None:
        message["content"] = content
        message["edited_timestamp"] = now()
        await self.dispatch("MESSAGE_UPDATE", dict(message))

    async def member_deletes(self, message: Json) -> None:
        self.deleted.add(int(message["id"]))
        await self.dispatch(
            "MESSAGE_DELETE",
            {
                "id": message["id"],
                "channel_id": message["channel_id"],
                "guild_id": str(self.guild_id),
            },
        )
