"""A loopback stand-in of just enough of a Matrix homeserver for the fan-out benchmark:
login check, one sync that has the bot in every room, and `PUT /rooms/{room}/send/...`
limited per account like Synapse (`rc_message`: a leaky bucket of `rate` events a second
with a burst of `burst`, refusals as 429 `M_LIMIT_EXCEEDED` with `retry_after_ms`).

    python -m bench.matrix_standin --rooms N --rate R --burst B   (prints its port)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from aiohttp import web

PREFIX = "/_matrix/client/v3"
USER = "@studybot:bench.local"


def room_id(index: int) -> str:
    return f"!g{index}:bench.local"


class SynapseLimiter:
    """Synapse's Ratelimiter.can_do_action, for one account."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.count = 0.0
        self.start = 0.0

    def check(self, now: float) -> tuple[bool, float]:
        performed = self.count - (now - self.start) * self.rate
        if performed < 0:
            performed = 0
            self.count = 0
            self.start = now
        allowed = performed <= self.burst - 1
        if allowed:
            self.count += 1
        allowed_at = max(now, self.start + (self.count - self.burst + 1) / self.rate)
        return allowed, allowed_at - now


class FakeHomeserver:
    def __init__(self, rooms: int, rate: float, burst: int) -> None:
        self.rooms = [room_id(i) for i in range(rooms)]
        self.limiter = SynapseLimiter(rate, burst)
        self.events: dict[tuple[str, str], str] = {}  # (room, txn) -> event id
        self.bodies: dict[tuple[str, str], int] = {}  # (room, body) -> times stored
        self.refused = 0
        self.sends = 0
        self.first: float | None = None
        self.last: float | None = None
        self.unhandled: list[str] = []

    def app(self) -> web.Application:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_get(PREFIX + "/account/whoami", self.whoami)
        app.router.add_get(PREFIX + "/sync", self.sync)
        app.router.add_put(PREFIX + "/rooms/{room}/send/{type}/{txn}", self.send)
        app.router.add_get("/bench/stats", self.stats)
        app.router.add_route("*", "/{tail:.*}", self.other)
        return app

    async def whoami(self, request: web.Request) -> web.Response:
        return web.json_response({"user_id": USER, "device_id": "BENCH"})

    async def sync(self, request: web.Request) -> web.Response:
        if request.query.get("since"):
            await asyncio.sleep(min(1.0, int(request.query.get("timeout", "0")) / 1000))
            return web.json_response({"next_batch": "s2", "rooms": {}})
        join = {room: _joined_room(room) for room in self.rooms}
        return web.json_response({"next_batch": "s1", "rooms": {"join": join}})

    async def send(self, request: web.Request) -> web.Response:
        room, txn = request.match_info["room"], request.match_info["txn"]
        now = time.monotonic()
        self.first = self.first or now
        key = (room, txn)
        if key in self.events:  # the same transaction again: the same event, stored once
            return web.json_response({"event_id": self.events[key]})
        allowed, wait = self.limiter.check(now)
        if not allowed:
            self.refused += 1
            return web.json_response(
                {"errcode": "M_LIMIT_EXCEEDED", "error": "Too Many Requests",
                 "retry_after_ms": int(1000 * wait)},
                status=429,
            )  # fmt: skip
        body = (await request.json()).get("body", "")
        self.sends += 1
        self.last = now
        event_id = f"$e{self.sends}"
        self.events[key] = event_id
        self.bodies[(room, body)] = self.bodies.get((room, body), 0) + 1
        return web.json_response({"event_id": event_id})

    async def stats(self, request: web.Request) -> web.Response:
        duplicated = sum(n - 1 for n in self.bodies.values() if n > 1)
        return web.json_response(
            {
                "sends": self.sends,
                "refused": self.refused,
                "duplicated": duplicated,
                "rooms_posted": len({room for room, _ in self.bodies}),
                "seconds": (self.last or 0) - (self.first or 0),
                "unhandled": self.unhandled[:20],
            }
        )

    async def other(self, request: web.Request) -> web.Response:
        self.unhandled.append(f"{request.method} {request.path}")
        return web.json_response({"errcode": "M_UNRECOGNIZED", "error": "not here"}, status=404)


def _joined_room(room: str) -> dict[str, Any]:
    create = {
        "type": "m.room.create",
        "state_key": "",
        "sender": USER,
        "event_id": f"$create-{room}",
        "origin_server_ts": 1,
        "content": {"creator": USER, "room_version": "10"},
    }
    member = {
        "type": "m.room.member",
        "state_key": USER,
        "sender": USER,
        "event_id": f"$member-{room}",
        "origin_server_ts": 2,
        "content": {"membership": "join"},
    }
    return {
        "state": {"events": [create, member]},
        "timeline": {"events": [], "limited": False, "prev_batch": "p0"},
        "ephemeral": {"events": []},
        "account_data": {"events": []},
        "summary": {"m.joined_member_count": 1},
        "unread_notifications": {},
    }


async def serve(rooms: int, rate: float, burst: int) -> None:
    runner = web.AppRunner(FakeHomeserver(rooms, rate, burst).app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(json.dumps({"port": port}), flush=True)
    await asyncio.sleep(3600)  # the benchmark ends this process when it is done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, required=True)
    parser.add_argument("--rate", type=float, default=0.2)
    parser.add_argument("--burst", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(serve(args.rooms, args.rate, args.burst))


if __name__ == "__main__":
    main()
