"""Round trip on Matrix: a member's `!study` command to the bot's answer seen by the member,
against a bare matrix-nio echo bot on the same throwaway Synapse, in the same run.

    .venv/bin/python bench/matrix_roundtrip.py [--rounds 200] [--command "now"]

Prints p50/p95 for both bots and the ratio of the p50s (the target is at most 1.25).
Everything runs on 127.0.0.1; the homeserver is started and stopped by this script.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "matrix")]

import nio  # noqa: E402
from study_on_matrix import SESSION, START, StudyOnMatrix, write_config  # noqa: E402
from synapse_server import Synapse  # noqa: E402

from bot.core.clock import FakeClock  # noqa: E402

CONFIG = nio.AsyncClientConfig(max_limit_exceeded=0, max_timeouts=2, encryption_enabled=False)


class Listener:
    """The member's client: syncs continuously and notes when an answer to each event arrives."""

    def __init__(self, client: nio.AsyncClient) -> None:
        self.client = client
        self.answers: dict[str, float] = {}  # answered event id -> arrival (perf_counter)
        self._arrived = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.client.sync(timeout=0)
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            response = await self.client.sync(timeout=30_000)
            now = time.perf_counter()
            if not isinstance(response, nio.SyncResponse):
                await asyncio.sleep(0.1)
                continue
            for room_id in response.rooms.invite:
                await self.client.join(room_id)
            for info in response.rooms.join.values():
                for event in info.timeline.events:
                    relation = event.source.get("content", {}).get("m.relates_to") or {}
                    target = relation.get("event_id")
                    if event.sender != self.client.user_id and target:
                        self.answers.setdefault(target, now)
            async with self._arrived:
                self._arrived.notify_all()

    async def round_trip(self, room_id: str, text: str) -> float:
        started = time.perf_counter()
        sent = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text}
        )
        assert isinstance(sent, nio.RoomSendResponse), sent
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: sent.event_id in self.answers), timeout=30
            )
        return self.answers[sent.event_id] - started

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.client.close()


async def run_echo_bot(client: nio.AsyncClient) -> None:
    """The baseline: answers `!echo` in the command's thread, nothing else."""

    async def on_message(room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        if event.sender == client.user_id or not event.body.startswith("!echo"):
            return
        content = {
            "msgtype": "m.notice",
            "body": event.body[len("!echo") :].strip() or "echo",
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": event.event_id,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": event.event_id},
            },
        }
        await client.room_send(room.room_id, "m.room.message", content)

    await client.sync(timeout=0)  # skip history, like the study bot does
    client.add_event_callback(on_message, nio.RoomMessageText)  # type: ignore[arg-type]
    await client.sync_forever(timeout=30_000)


def client_for(server: Synapse, localpart: str) -> nio.AsyncClient:
    account = server.register(localpart)
    client = nio.AsyncClient(server.url, account.user_id, account.device_id, config=CONFIG)
    client.restore_login(account.user_id, account.device_id, account.access_token)
    return client


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def bench(rounds: int, command: str, folder: Path) -> dict[str, Any]:
    server = Synapse(root=folder / "synapse")
    server.start()
    study: StudyOnMatrix | None = None
    echo_task: asyncio.Task[None] | None = None
    member: Listener | None = None
    echo: nio.AsyncClient | None = None
    try:
        member = Listener(client_for(server, "member"))
        echo = client_for(server, "echo")
        bot = server.register("studybot")
        os.environ["STUDYBOT_BENCH_TOKEN"] = bot.access_token
        study_room = server.request(
            "POST",
            "/_matrix/client/v3/createRoom",
            {"preset": "private_chat", "invite": [bot.user_id]},
            token=member.client.access_token,
        )["room_id"]
        echo_room = server.request(
            "POST",
            "/_matrix/client/v3/createRoom",
            {"preset": "private_chat", "invite": [echo.user_id]},
            token=member.client.access_token,
        )["room_id"]
        server.request("POST", f"/_matrix/client/v3/join/{echo_room}", {}, token=echo.access_token)
        echo_task = asyncio.create_task(run_echo_bot(echo))

        config = write_config(
            folder,
            homeserver=server.url,
            user_id=bot.user_id,
            token_env="STUDYBOT_BENCH_TOKEN",
            room=study_room,
        )
        study = StudyOnMatrix(config, FakeClock(START))
        await study.start()
        await study.advance(SESSION - START)  # a session is open, so `now` has real content
        await member.start()

        timings: dict[str, list[float]] = {"echo": [], "study": []}
        warmup = 10
        for i in range(rounds + warmup):
            echo_time = await member.round_trip(echo_room, f"!echo {i}")
            study_time = await member.round_trip(study_room, f"!study {command}")
            if i >= warmup:
                timings["echo"].append(echo_time)
                timings["study"].append(study_time)
        return {
            name: {
                "p50_ms": 1000 * statistics.median(values),
                "p95_ms": 1000 * percentile(values, 0.95),
                "rounds": len(values),
            }
            for name, values in timings.items()
        }
    finally:
        if study is not None:
            await study.stop()
        if echo_task is not None:
            echo_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await echo_task
        if echo is not None:
            await echo.close()
        if member is not None:
            await member.stop()
        server.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--command", default="now", help="the !study command to time")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        result = asyncio.run(bench(args.rounds, args.command, Path(tmp)))
    echo, study = result["echo"], result["study"]
    ratio = study["p50_ms"] / echo["p50_ms"]
    print(f"rounds: {study['rounds']} each, command: !study {args.command}")
    print(f"bare matrix-nio echo bot: p50 {echo['p50_ms']:.1f} ms  p95 {echo['p95_ms']:.1f} ms")
    print(f"Study Circle on Matrix:   p50 {study['p50_ms']:.1f} ms  p95 {study['p95_ms']:.1f} ms")
    print(f"p50 ratio: {ratio:.2f} (target <= 1.25)")
    if args.json:
        args.json.write_text(json.dumps({**result, "p50_ratio": ratio}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
