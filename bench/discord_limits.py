"""The loopback Discord stand-in of tests/discord, with Discord's rate limits switched on, for
the fan-out benchmark: a global limit (a leaky bucket of `rate` requests a second, answered
with a global 429) and per-channel message buckets announced in `X-RateLimit-*` headers
(5 messages per `window` seconds, Discord's 5 per 5 s when unscaled).

    python -m bench.discord_limits --channels N --rate R --window W   (prints its port)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "discord"))

from discord_standin import FakeDiscord

FIRST_CHANNEL = 100_000_000_000_000_000  # as bench.fixtures numbers discord groups
MESSAGES_PER_WINDOW = 5
# Deleting a message older than two weeks: 30 per 4 s per channel (discord-api-docs #8330),
# scaled like the rest; an expired discussion is always that old.
DELETES_PER_WINDOW = 30
DELETE_WINDOW = 4.0


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    response = web.Response(status=status, body=json.dumps(data).encode(), headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


class LimitedDiscord(FakeDiscord):
    def __init__(self, channels: int, rate: float, burst: int, window: float) -> None:
        super().__init__()
        for i in range(channels):
            cid = FIRST_CHANNEL + i
            self.channels[cid] = self._text_channel(cid, f"group-{i}", i + 2)
        self.rate, self.burst, self.window = rate, burst, window
        self._level = 0.0  # the global leaky bucket
        self._level_at = time.monotonic()
        self._windows: dict[int, tuple[float, int]] = {}  # channel -> (window end, used)
        self._nonces: dict[tuple[int, str], Any] = {}
        self.counts = {"requests": 0, "global_429": 0, "route_429": 0, "messages": 0,
                       "deletes": 0}  # fmt: skip
        self.delete_window = DELETE_WINDOW * window / 5.0  # scaled as the message window is
        self._delete_windows: dict[int, tuple[float, int]] = {}
        self.bodies: dict[tuple[int, str], int] = {}
        self.first: float | None = None
        self.last: float | None = None

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        if request.method == "GET" and path == "/bench/stats":
            return _json(self.stats())
        if request.method == "POST" and path == "/bench/seed":
            return _json({"seeded": self._seed(int((await request.json())["per_thread"]))})
        now = time.monotonic()
        exempt = path.startswith(("/interactions/", "/webhooks/"))
        if not exempt:
            self.counts["requests"] += 1
            self._level = max(0.0, self._level - (now - self._level_at) * self.rate)
            self._level_at = now
            if self._level + 1 > self.burst:
                self.counts["global_429"] += 1
                wait = (self._level + 1 - self.burst) / self.rate
                body = {"message": "You are being rate limited.", "retry_after": wait,
                        "global": True}  # fmt: skip
                headers = {"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global",
                           "Retry-After": str(math.ceil(wait))}  # fmt: skip
                return _json(body, 429, headers)
            self._level += 1
        deleting = _delete_channel(request.method, path)
        if deleting is not None:
            return await self._paced_delete(deleting, request, now)
        channel = _message_channel(request.method, path)
        if channel is None:
            return await super()._rest(request)
        end, used = self._windows.get(channel, (0.0, 0))
        if now >= end:
            end, used = now + self.window, 0
        if used >= MESSAGES_PER_WINDOW:
            self.counts["route_429"] += 1
            body = {"message": "You are being rate limited.", "retry_after": end - now,
                    "global": False}  # fmt: skip
            return _json(body, 429, self._headers(end, 0, now, scope=True))
        self._windows[channel] = (end, used + 1)
        response = await super()._rest(request)
        response.headers.update(self._headers(end, MESSAGES_PER_WINDOW - used - 1, now))
        return response

    async def _paced_delete(
        self, channel: int, request: web.Request, now: float
    ) -> web.StreamResponse:
        end, used = self._delete_windows.get(channel, (0.0, 0))
        if now >= end:
            end, used = now + self.delete_window, 0
        if used >= DELETES_PER_WINDOW:
            self.counts["route_429"] += 1
            body = {"message": "You are being rate limited.", "retry_after": end - now,
                    "global": False}  # fmt: skip
            headers = self._headers(end, 0, now, scope=True, limit=DELETES_PER_WINDOW)
            return _json(body, 429, headers)
        self._delete_windows[channel] = (end, used + 1)
        response = await super()._rest(request)
        if response.status == 204:
            self.counts["deletes"] += 1
            self.last = now
        response.headers.update(
            self._headers(end, DELETES_PER_WINDOW - used - 1, now, limit=DELETES_PER_WINDOW)
        )
        return response

    def _seed(self, per_thread: int) -> int:
        """`per_thread` members' messages in every thread, as a lively session leaves them."""
        seeded = 0
        threads = [cid for cid, c in self.channels.items() if c["type"] == 11]
        for thread in threads:
            for i in range(per_thread):
                self._message(thread, self.ben, {"content": f"a member's thought {i}"})
                seeded += 1
        return seeded

    def left(self) -> int:
        """Messages still in the groups' channels and threads."""
        return sum(
            1
            for mid, m in self.messages.items()
            if mid not in self.deleted and int(m["channel_id"]) in self.channels
            and self.channels[int(m["channel_id"])]["type"] in (0, 11)
        )  # fmt: skip

    def _headers(
        self, end: float, remaining: int, now: float, scope: bool = False,
        limit: int = MESSAGES_PER_WINDOW,
    ) -> dict[str, str]:  # fmt: skip
        bucket = "channel-messages" if limit == MESSAGES_PER_WINDOW else "old-message-deletes"
        headers = {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + (end - now):.3f}",
            "X-RateLimit-Reset-After": f"{end - now:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if scope:
            headers["X-RateLimit-Scope"] = "user"
        return headers

    async def _create_message(self, channel_id: int, r: Any) -> web.Response:
        body = r.body or {}
        nonce = body.get("nonce")
        if nonce and (channel_id, nonce) in self._nonces:
            return _json(self._nonces[(channel_id, nonce)])  # a resend: the original answer
        body["enforce_nonce"] = False  # indexed here; the base class would scan every message
        response = await super()._create_message(channel_id, r)
        if response.status == 200:
            now = time.monotonic()
            self.first = self.first or now
            self.last = now
            assert isinstance(response.body, bytes)
            message = json.loads(response.body)
            if nonce:
                self._nonces[(channel_id, nonce)] = message
            self.counts["messages"] += 1
            key = (channel_id, json.dumps([message["content"], message["embeds"]]))
            self.bodies[key] = self.bodies.get(key, 0) + 1
        return response

    def stats(self) -> dict[str, Any]:
        return {
            **self.counts,
            "duplicated": sum(n - 1 for n in self.bodies.values() if n > 1),
            "seconds": (self.last or 0) - (self.first or 0),
            "left": self.left(),
            "threads": sum(1 for c in self.channels.values() if c["type"] == 11),
            "unhandled": [f"{r.method} {r.path}" for r in self.unhandled[:20]],
        }


def _message_channel(method: str, path: str) -> int | None:
    parts = path.strip("/").split("/")
    if method == "POST" and len(parts) == 3 and parts[0] == "channels" and parts[2] == "messages":
        return int(parts[1])
    return None


def _delete_channel(method: str, path: str) -> int | None:
    parts = path.strip("/").split("/")
    if method == "DELETE" and len(parts) == 4 and parts[0] == "channels" and parts[2] == "messages":
        return int(parts[1])
    return None


async def serve(channels: int, rate: float, burst: int, window: float) -> None:
    fake = LimitedDiscord(channels, rate, burst, window)
    await fake.start()
    print(json.dumps({"port": fake.port, "guild_id": fake.guild_id, "api_base": fake.api_base,
                      "gateway_url": fake.gateway_url,
                      "stats_url": f"{fake.api_base}/bench/stats"}), flush=True)  # fmt: skip
    await asyncio.sleep(3600)  # the benchmark ends this process when it is done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, required=True)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--window", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(serve(args.channels, args.rate, args.burst, args.window))


if __name__ == "__main__":
    main()
