"""The stand-in's records: people, requests, faults, interactions, and what members see."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

API_PREFIX = "/api/v10"
EPHEMERAL = 1 << 6
LOADING = 1 << 7
MANAGE_GUILD = 1 << 5
MESSAGE_CONTENT = 1 << 15  # the privileged intent
SEND_AND_VIEW = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 34) | (1 << 38)

Json = dict[str, Any]


def now() -> str:
    return datetime.now(UTC).isoformat()


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": with a charset appended, discord.py reads the body as text.
    response = web.Response(status=status, body=json.dumps(data).encode(), headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


def error(status: int, code: int, message: str) -> web.Response:
    return json_response({"message": message, "code": code}, status=status)


@dataclass
class Person:
    id: int
    username: str
    roles: tuple[int, ...] = ()
    bot: bool = False
    locale: str = "en-US"  # the language their Discord app is set to (interaction.locale)

    def user(self) -> Json:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.username.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
        }

    def member(self, permissions: int | None = None) -> Json:
        data: Json = {
            "user": self.user(),
            "roles": [str(r) for r in self.roles],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Recorded:
    """One HTTP request the bot made, and what the stand-in answered."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[tuple[str, bytes]]
    status: int = 0


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    times: int
    status: int = 429
    retry_after: float = 0.05
    is_global: bool = False
    via: bool = True
    after: bool = False  # do the work, then answer with `status` (the answer is "lost")


@dataclass
class InteractionRecord:
    """An interaction a member made, and everything the bot answered on it."""

    id: int
    token: str
    type: int
    channel_id: int
    user: Person
    callbacks: list[Json] = field(default_factory=list)
    original: Json | None = None
    followups: list[Json] = field(default_factory=list)
    message: Json | None = None  # the message whose button was pressed

    @property
    def callback_types(self) -> list[int]:
        return [c["type"] for c in self.callbacks]

    @property
    def modal(self) -> Json | None:
        found = [c["data"] for c in self.callbacks if c["type"] == 9]
        return found[-1] if found else None

    @property
    def choices(self) -> list[Json]:
        found = [c["data"]["choices"] for c in self.callbacks if c["type"] == 8]
        return found[-1] if found else []

    def answers(self) -> list[Json]:
        """The messages the member sees on this interaction (not the 'thinking' placeholder)."""
        shown = []
        if self.original is not None and not self.original["flags"] & LOADING:
            shown.append(self.original)
        return shown + self.followups


def text_of(message: Json) -> str:
    """Everything a member reads in a message: content, embed titles and descriptions."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
    return "\n".join(p for p in parts if p)


def pings(message: Json) -> set[str]:
    """Who Discord would notify for this message, following its allowed_mentions rules."""
    content = message.get("content") or ""
    allowed = message.get("allowed_mentions")
    parse = set(allowed.get("parse", [])) if allowed is not None else {"everyone", "users", "roles"}
    users = {str(u) for u in allowed.get("users", [])} if allowed is not None else set()
    roles = {str(r) for r in allowed.get("roles", [])} if allowed is not None else set()
    found: set[str] = set()
    if "everyone" in parse and re.search(r"@(everyone|here)", content):
        found.add("everyone")
    for uid in re.findall(r"<@!?(\d+)>", content):
        if "users" in parse or uid in users:
            found.add(f"user:{uid}")
    for rid in re.findall(r"<@&(\d+)>", content):
        if "roles" in parse or rid in roles:
            found.add(f"role:{rid}")
    return found
