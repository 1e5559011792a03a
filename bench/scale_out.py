"""Scale-out benchmark: due actions per second claimed and delivered (to a null adapter) by
1, 2 and 4 processes sharing one PostgreSQL, and by one process on SQLite, side by side.

The workload: GROUPS groups whose first session's reminder and opening are both due at
once (the clock stands a day after the opening; the grace period covers it). Each
worker is a separate OS process running the real core (`StudyCircle.run_due`: claim, post
section and prompts, record sends, close with a summary, plan the next session) against a
platform that accepts every message and sends nothing. Workers start together on a
barrier; the rate is all actions over the time until the last worker found nothing left.

It also measures how soon one process notices work another planned (issue 12, item 24): a
worker process runs the real waker, idle; this process plans a due action in the shared
PostgreSQL, and the figure is the time from the start of that planning to the worker having
run it. Once with LISTEN/NOTIFY, once polling only (today's 30 s fallback), in the same run;
before each plan this process waits a random while, so the poll's phase is fair.

    python bench/scale_out.py [--groups 300] [--notice-trials 20] [--poll-trials 3]
                              [--out bench/results/scale_out.json]

PostgreSQL is started on loopback from Debian's `postgresql` package (installed if missing,
as for the tests); durability is off there, as on the SQLite side synchronous=NORMAL.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
# a day and a minute after Tuesday's 18:00 openings: each group's reminder and opening are due
# (an opening that runs late closes a day after it ran, so the closings stay in the future)
DUE_AT = datetime(2026, 12, 2, 18, 1, tzinfo=UTC)
PROCESS_COUNTS = (1, 2, 4)


class NullPlatform:
    """Accepts every message and delivers none: the benchmark measures the core and storage."""

    name = "console"

    def __init__(self) -> None:
        from bot.core.platform import PlatformLimits

        self.limits = PlatformLimits(max_body_chars=4000)
        self._ids = itertools.count(1)
        self.sent = 0

    async def start(self, core: Any) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def post(self, room: str, message: Any, *, key: str, thread: str | None = None) -> Any:
        from bot.core.messages import Posted

        self.sent += 1
        return Posted(message_id=f"m{next(self._ids)}", room=room, thread=thread)

    async def open_thread(self, room: str, root: Any, title: str, *, key: str) -> str:
        return f"t{next(self._ids)}"

    async def send_direct(self, member: Any, message: Any, *, key: str) -> Any:
        from bot.core.messages import Posted

        self.sent += 1
        return Posted(message_id=f"d{next(self._ids)}", room="dm")

    async def reply(self, origin: Any, message: Any) -> None:
        pass


def config_text(groups: int) -> str:
    body = "".join(
        f"""
  - id: g{i:04d}
    name: Group {i}
    platform: console
    timezone: UTC
    reading: three-parts
    start: 2026-12-01
    cadence: {{weekly: [tue], at: "18:00"}}
    reminders: [1h]
    respond_for: 1d
"""
        for i in range(groups)
    )
    return f"readings_dir: readings\ngrace_period: 30d\nwatch_config: false\ngroups:{body}"


async def _circle(config_path: Path, location: str, at: datetime) -> Any:
    from bot.config.load import load_config
    from bot.core.clock import FakeClock
    from bot.runtime.circle import StudyCircle
    from bot.storage import open_storage

    config = load_config(config_path)
    storage = await open_storage(location)
    platform = NullPlatform()
    circle = StudyCircle(
        config=config,
        storage=storage,
        platforms={"console": platform},
        clock=FakeClock(at),
        anonymity_key=b"bench",
    )
    return circle, platform


async def _plan(config_path: Path, location: str) -> int:
    circle, _ = await _circle(config_path, location, START)
    await circle.start()
    due = len(await circle.storage.due_actions(DUE_AT, limit=1_000_000))
    await circle.storage.close()
    return due


async def _finished(location: str) -> tuple[int, int]:
    """(actions done, due actions left pending) once the workers have stopped."""
    from bot.storage import open_storage

    storage = await open_storage(location)
    try:
        done = await storage._one("SELECT COUNT(*) AS n FROM actions WHERE state = 'done'")
        left = await storage.due_actions(DUE_AT, limit=1_000_000)
        return (int(done["n"]) if done else 0), len(left)
    finally:
        await storage.close()


async def _work(config_path: Path, location: str, begin: float, name: str) -> dict[str, float]:
    circle, platform = await _circle(config_path, location, DUE_AT)
    circle.instance = name
    circle.owner = f"{name}/1"
    await asyncio.sleep(max(0.0, begin - time.time()))
    started = time.time()
    ran = await circle.run_due()
    ended = time.time()
    await circle.storage.close()
    return {"ran": ran, "sent": platform.sent, "started": started, "ended": ended}


def _worker(args: argparse.Namespace) -> int:
    result = asyncio.run(_work(Path(args.config), args.location, args.begin, args.name))
    print(json.dumps(result))
    return 0


# -- noticing another process's new work ------------------------------------------------


async def _listen_work(config_path: Path, location: str, listen: bool, trials: int) -> None:
    """The worker: an idle core with its waker, which reports each time it has run something."""
    from bot.runtime.waker import Waker

    circle, _ = await _circle(config_path, location, START)
    circle.instance = "listener"
    circle.owner = "listener/1"
    done = asyncio.Event()
    runs = 0
    run_due = circle.run_due

    async def run_and_report() -> int:
        nonlocal runs
        ran = await run_due()
        if ran:
            runs += 1
            print(json.dumps({"ran": ran, "at": time.time()}), flush=True)
            if runs >= trials:
                done.set()
        return int(ran)

    circle.run_due = run_and_report
    waker = Waker(circle, circle.clock, listen=listen)
    waker.start()
    await asyncio.gather(*(t for t in list(waker._tasks) if t.get_name() == "studybot-listen"))
    listening = waker._listening is not None and waker._listening.connected
    print(json.dumps({"ready": True, "listening": listening}), flush=True)
    await done.wait()
    await waker.stop()
    await circle.storage.close()


async def _notice_latencies(
    config_path: Path, location: str, listen: bool, trials: int, pause: float
) -> list[float]:
    """Seconds from planning an action here to the worker process having run it, per trial."""
    from bot.storage import open_storage

    await _plan(config_path, location)
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--listen-worker",
        "--config",
        str(config_path),
        "--location",
        location,
        "--mode",
        "notify" if listen else "poll",
        "--trials",
        str(trials),
        stdout=asyncio.subprocess.PIPE,
    )
    assert worker.stdout is not None

    async def said() -> dict[str, Any]:
        line = await asyncio.wait_for(worker.stdout.readline(), timeout=120)  # type: ignore[union-attr]
        if not line:
            raise RuntimeError("the worker ended early")
        return dict(json.loads(line))

    ready = await said()
    if ready.get("listening") != listen:
        raise RuntimeError(f"the worker {'is not' if listen else 'is'} listening")
    storage = await open_storage(location)
    latencies: list[float] = []
    try:
        for n in range(trials):
            await asyncio.sleep(random.uniform(0.0, pause))
            started = time.time()
            slot = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
            await storage.add_actions([("g0000", "remind", START, slot, f"bench:notice:{n}")])
            ran = await said()
            latencies.append(float(ran["at"]) - started)
    finally:
        await storage.close()
        await asyncio.wait_for(worker.wait(), timeout=60)
    return latencies


def measure_notice(
    folder: Path, server: Any, notice_trials: int, poll_trials: int
) -> list[dict[str, Any]]:
    from bot.runtime.waker import MAX_WAIT

    config_path = folder / "notice.yaml"
    config_path.write_text(config_text(1), encoding="utf-8")
    rows = []
    for listen, trials, pause in ((True, notice_trials, 0.5), (False, poll_trials, MAX_WAIT)):
        seconds = asyncio.run(
            _notice_latencies(config_path, server.fresh_database(), listen, trials, pause)
        )
        rows.append(
            {
                "mode": "LISTEN/NOTIFY" if listen else "poll only",
                "trials": trials,
                "median_s": round(statistics.median(seconds), 4),
                "max_s": round(max(seconds), 4),
                "seconds": [round(s, 4) for s in seconds],
            }
        )
    return rows


def measure(config_path: Path, location: str, processes: int) -> dict[str, Any]:
    asyncio.run(_plan(config_path, location))
    begin = time.time() + 1.5 + 0.3 * processes  # every worker imported and connected by then
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--worker",
                "--config",
                str(config_path),
                "--location",
                location,
                "--begin",
                str(begin),
                "--name",
                f"w{n}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    results = []
    for worker in workers:
        out, _ = worker.communicate(timeout=600)
        if worker.returncode != 0:
            raise RuntimeError(f"a worker failed with {worker.returncode}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    ran = sum(int(r["ran"]) for r in results)
    done, left = asyncio.run(_finished(location))
    if ran != done or left:
        raise RuntimeError(f"{ran} actions ran, {done} are done, {left} are left: not exactly once")
    seconds = max(r["ended"] for r in results) - min(r["started"] for r in results)
    return {
        "processes": processes,
        "actions": ran,
        "messages": sum(int(r["sent"]) for r in results),
        "seconds": round(seconds, 3),
        "actions_per_second": round(ran / seconds, 1),
        "per_process": [int(r["ran"]) for r in results],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale_out.json"))
    parser.add_argument("--notice-trials", type=int, default=20)
    parser.add_argument("--poll-trials", type=int, default=3, help="each takes about 30 s")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--listen-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--trials", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    parser.add_argument("--location", help=argparse.SUPPRESS)
    parser.add_argument("--begin", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--name", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _worker(args)
    if args.listen_worker:
        asyncio.run(
            _listen_work(Path(args.config), args.location, args.mode == "notify", args.trials)
        )
        return 0

    from tests.postgres_server import PostgresServer

    folder = Path(tempfile.mkdtemp(prefix="studybot-bench-scale-out-"))
    shutil.copytree(ROOT / "tests" / "fixtures" / "readings", folder / "readings")
    config_path = folder / "config.yaml"
    config_path.write_text(config_text(args.groups), encoding="utf-8")
    rows: list[dict[str, Any]] = []
    notice: list[dict[str, Any]] = []
    server = PostgresServer()
    try:
        server.start()
        notice = measure_notice(folder, server, args.notice_trials, args.poll_trials)
        if not args.skip_throughput:
            for count in PROCESS_COUNTS:
                row = measure(config_path, server.fresh_database(), count)
                rows.append({"engine": "postgresql", **row})
            row = measure(config_path, str(folder / "bench.db"), 1)
            rows.append({"engine": "sqlite", **row})
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    if rows:
        print(
            f"{args.groups} groups, {rows[0]['actions']} due actions (a reminder and an opening each)"
        )
        print(f"{'engine':<11} {'processes':>9} {'seconds':>8} {'actions/s':>10}  per process")
        for r in rows:
            print(
                f"{r['engine']:<11} {r['processes']:>9} {r['seconds']:>8.2f} "
                f"{r['actions_per_second']:>10.1f}  {r['per_process']}"
            )
    print("another process's new work noticed (planned here, run by an idle worker process):")
    print(f"{'mode':<14} {'trials':>6} {'median s':>9} {'max s':>8}")
    for r in notice:
        print(f"{r['mode']:<14} {r['trials']:>6} {r['median_s']:>9.3f} {r['max_s']:>8.3f}")
    ratio = notice[1]["median_s"] / notice[0]["median_s"] if notice[0]["median_s"] else 0.0
    met = "met" if notice[0]["max_s"] <= 1.0 else "MISSED"
    print(f"median: NOTIFY {ratio:.0f}x sooner than polling; target max <= 1 s: {met}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "benchmark": "scale_out",
        "groups": args.groups,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": rows,
        "notice": notice,
    }
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
