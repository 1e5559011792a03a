"""Benchmark 6: the Matrix round trip and posting throughput, on a real Synapse on loopback.

Round trip: bench/matrix_roundtrip.py (a member's command to the bot's answer, against a
bare matrix-nio echo bot; target p50 ratio at most 1.25). Throughput: the same messages
posted through the bot's Matrix adapter (`MatrixPlatform.post`: rendering, transaction
ids, the retrier and the pacer) and by bare `AsyncClient.room_send` (its client syncing
meanwhile, as the bot's does), one after the other on the same homeserver; target at least 0.9x bare nio. Needs Synapse (installed with the
test extras); skipped by `--quick`, as starting Synapse twice takes most of a minute.

    python -m bench.matrix_suite [--rounds 100] [--posts 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.report import Report, Row

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests" / "matrix")]


async def throughput(folder: Path, posts: int) -> dict[str, float]:
    import nio
    from matrix_roundtrip import START, StudyOnMatrix, client_for, write_config  # type: ignore
    from synapse_server import Synapse  # type: ignore

    from bot.core.clock import FakeClock
    from bot.core.messages import Message, MessageKind

    server = Synapse(root=folder / "synapse")
    server.start()
    study = None
    bare = None
    try:
        member = client_for(server, "member")
        bare = client_for(server, "bare")
        bot = server.register("studybot")
        os.environ["STUDYBOT_BENCH_TOKEN"] = bot.access_token
        rooms = {}
        for name, invitee in (("study", bot.user_id), ("bare", bare.user_id)):
            rooms[name] = server.request(
                "POST",
                "/_matrix/client/v3/createRoom",
                {"preset": "private_chat", "invite": [invitee]},
                token=member.access_token,
            )["room_id"]
        server.request(
            "POST", f"/_matrix/client/v3/join/{rooms['bare']}", {}, token=bare.access_token
        )
        config = write_config(
            folder,
            homeserver=server.url,
            user_id=bot.user_id,
            token_env="STUDYBOT_BENCH_TOKEN",
            room=rooms["study"],
        )
        study = StudyOnMatrix(config, FakeClock(START))
        await study.start()
        platform = study.platform
        assert platform is not None
        body = "A section of the reading, posted as the bot posts it. " * 4

        # The bare bot posts the very events the adapter renders (text and HTML), so both
        # sides ask the homeserver for the same work; rendering is kept out of its timing.
        from adapters.matrix.render import render

        messages = [Message(kind=MessageKind.SECTION, body=f"{body}{i}") for i in range(posts)]
        contents = [render(m)[0] for m in messages]

        # The bare bot syncs while it posts, as the study bot does (and as any bot must to
        # hear commands): the homeserver's work for each sync is part of both figures.
        await bare.sync(timeout=0)
        syncing = asyncio.create_task(bare.sync_forever(timeout=30_000))
        bare_time = bot_time = 0.0
        # In alternating halves, so that the homeserver's drift over the run (its caches
        # warming, its database growing) falls on both sides alike.
        halves = (range(0, posts // 2), range(posts // 2, posts))
        for half in halves:
            started = time.perf_counter()
            for i in half:
                response = await bare.room_send(rooms["bare"], "m.room.message", contents[i])
                assert isinstance(response, nio.RoomSendResponse), response
            bare_time += time.perf_counter() - started
            started = time.perf_counter()
            for i in half:
                await platform.post(rooms["study"], messages[i], key=f"bench-post-{i}")
            bot_time += time.perf_counter() - started
        syncing.cancel()
        await asyncio.gather(syncing, return_exceptions=True)
        bare_rate, bot_rate = posts / bare_time, posts / bot_time
        return {"bare_posts_per_s": bare_rate, "bot_posts_per_s": bot_rate}
    finally:
        if study is not None:
            await study.stop()
        if bare is not None:
            await bare.close()
        await member.close()
        server.close()


def run(quick: bool, rounds: int = 100, posts: int = 200) -> Report | None:
    if quick:
        print("\n== matrix_roundtrip == skipped with --quick (it starts Synapse twice)")
        return None
    import matrix_roundtrip  # type: ignore

    report = Report("matrix_roundtrip", quick)
    with tempfile.TemporaryDirectory(prefix="studybot-bench-") as tmp:
        (Path(tmp) / "rt").mkdir()
        (Path(tmp) / "tp").mkdir()
        trips = asyncio.run(matrix_roundtrip.bench(rounds, "now", Path(tmp) / "rt"))
        rates = asyncio.run(throughput(Path(tmp) / "tp", posts))
    echo, study = trips["echo"], trips["study"]
    report.extra.update({"echo": echo, "study": study, **rates})
    report.add(
        Row(
            name="command round trip p50",
            unit="ms",
            baseline=echo["p50_ms"],
            bot=study["p50_ms"],
            ratio=study["p50_ms"] / echo["p50_ms"],
            target=1.25,
            direction="at_most",
            baseline_label="bare matrix-nio echo bot on the same Synapse",
            note=f"p95 bare {echo['p95_ms']:.1f} ms, bot {study['p95_ms']:.1f} ms; {rounds} rounds",
        )
    )
    report.add(
        Row(
            name="posting throughput",
            unit="posts/s",
            baseline=rates["bare_posts_per_s"],
            bot=rates["bot_posts_per_s"],
            ratio=rates["bot_posts_per_s"] / rates["bare_posts_per_s"],
            target=0.9,
            direction="at_least",
            baseline_label="bare AsyncClient.room_send of the same events, one after another",
            note=f"{posts} posts each",
        )
    )
    return report.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark 6: Matrix round trip")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--posts", type=int, default=200)
    args = parser.parse_args()
    run(args.quick, args.rounds, args.posts)


if __name__ == "__main__":
    main()
