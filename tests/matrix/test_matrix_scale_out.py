"""Three `studybot run` processes, one PostgreSQL, one Synapse: 50 groups' week on a fast clock, one process SIGKILLed.

Every post must reach its room exactly once and every response a member sent must be
stored exactly once. The processes share the schedule through claims in PostgreSQL; the
killed one's claims are taken over when their lease ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from synapse_server import Account, Synapse

from bot.core.records import to_db
from tests.postgres_server import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
READINGS = ROOT / "tests" / "fixtures" / "readings"

GROUPS = 50
RESPONDING = 10  # groups the test member joins and answers in
# Tuesday 1 December 2026 00:00 UTC to Saturday 5 December 12:00: sessions on Tuesday and
# Friday at every hour (group i at i % 24 o'clock), each closing a day later.
CLOCK_START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
CLOCK_END = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
KILL_AT = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)  # the middle of Friday's sessions
FACTOR = 8640.0  # 2.4 simulated hours per real second: the 4.5 days take 45 s


TWO_PARTS = """\
id: two-parts
title: Two Parts
sections:
  - id: one
    title: Part One
    body: The first part.
    prompts: [What keeps you coming back?]
  - id: two
    title: Part Two
    body: The second part.
    prompts: [What would you change?]
"""


def group_yaml(i: int, room: str) -> str:
    return f"""
  - id: g{i:02d}
    name: Group {i}
    platform: matrix
    room: "{room}"
    timezone: UTC
    reading: two-parts
    start: 2026-12-01
    cadence: {{weekly: [tue, fri], at: "{i % 24:02d}:30"}}
    reminders: [1h]
    respond_for: 1d
"""


def config_yaml(bot: Account, server: Synapse, rooms: list[str], data_dir: str) -> str:
    head = f"""
storage_env: STUDYBOT_DATABASE_URL
readings_dir: readings
data_dir: {data_dir}
grace_period: 3d
claim_lease: 12h
watch_config: false
platforms:
  matrix:
    homeserver: {server.url}
    user_id: "{bot.user_id}"
    access_token_env: STUDYBOT_SCALE_TOKEN
    encryption: false
    sync_timeout_ms: 1000
    sync_backoff_max_s: 1
groups:"""
    return textwrap.dedent(head) + "".join(group_yaml(i, r) for i, r in enumerate(rooms))


def bot_messages(server: Synapse, token: str, room: str, bot_user: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    path = f"/_matrix/client/v3/rooms/{quote(room)}/messages?dir=f&limit=1000"
    result = server.request("GET", path, token=token)
    events = [
        e
        for e in result["chunk"]
        if e.get("type") == "m.room.message" and e.get("sender") == bot_user
    ]
    return events


def test_three_processes_one_schedule_one_killed(
    synapse: Synapse, postgres: PostgresServer, tmp_path: Path
) -> None:
    bot = synapse.register(f"scalebot-{os.getpid()}")
    member = synapse.register(f"scale-member-{os.getpid()}")
    rooms: list[str] = []
    for i in range(GROUPS):
        body = {"preset": "private_chat", "invite": [member.user_id] if i < RESPONDING else []}
        made = synapse.request(
            "POST", "/_matrix/client/v3/createRoom", body, token=bot.access_token
        )
        rooms.append(str(made["room_id"]))
    for room in rooms[:RESPONDING]:
        synapse.request(
            "POST", f"/_matrix/client/v3/join/{quote(room)}", {}, token=member.access_token
        )
    shutil.copytree(READINGS, tmp_path / "readings")
    # two sections: each group's course ends with Friday's session, so however long a loaded
    # machine takes to settle, no third round opens on the scaled clock
    (tmp_path / "readings" / "two-parts.yaml").write_text(TWO_PARTS, encoding="utf-8")
    url = postgres.fresh_database()
    database = url.rsplit("/", 1)[1]
    held: list[str] = []  # actions the killed replica held when it died
    since = time.time() + 4.0  # the shared clock reads CLOCK_START four seconds from now
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STUDYBOT_DATABASE_URL": url,
        "STUDYBOT_SCALE_TOKEN": bot.access_token,
        "STUDYBOT_ANONYMITY_KEY": "shared-by-every-replica",
    }
    scaled = f"{CLOCK_START.isoformat()},{FACTOR},{since}"  # every replica's clock
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for n in range(3):
            config = tmp_path / f"replica{n}.yaml"
            config.write_text(config_yaml(bot, synapse, rooms, f"data{n}"), encoding="utf-8")
            log = (tmp_path / f"replica{n}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.scaled_clock",
                        scaled,
                        "run",
                        "--config",
                        str(config),
                    ],
                    env={**env, "STUDYBOT_INSTANCE": f"replica{n}"},
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=tmp_path,
                )
            )
            log.close()

        def clock() -> datetime:
            return datetime.fromtimestamp(
                CLOCK_START.timestamp() + (time.time() - since) * FACTOR, UTC
            )

        # the member joins its groups once the replicas listen, then answers every prompt 1
        welcomed: set[str] = set()
        deadline = time.monotonic() + 30
        while len(welcomed) < RESPONDING:
            assert time.monotonic() < deadline, f"joined only {len(welcomed)} groups"
            for room in rooms[:RESPONDING]:
                if room not in welcomed:
                    say(synapse, member, room, "!study join")
            time.sleep(2.0)
            for room in rooms[:RESPONDING]:
                bodies = [
                    str(e["content"].get("body", ""))
                    for e in bot_messages(synapse, member.access_token, room, bot.user_id)
                ]
                if any("Welcome" in b or "already" in b for b in bodies):
                    welcomed.add(room)
        answered: set[str] = set()
        sent: list[str] = []
        killed = False
        while clock() < CLOCK_END:
            for n, proc in enumerate(procs):
                if proc.poll() is not None and not (killed and n == 1):
                    raise AssertionError(
                        f"replica {n} exited: {(tmp_path / f'replica{n}.log').read_text()[-3000:]}"
                    )
            if not killed and clock() >= KILL_AT:
                # freeze replica 1, and kill it if it holds a claim (else try again shortly),
                # so that the test sees a claim taken over, not only a replica gone
                procs[1].send_signal(signal.SIGSTOP)
                held = postgres.sql(
                    "SELECT id FROM actions WHERE state = 'pending' AND lease_until IS NOT NULL "
                    "AND claimed_by LIKE 'replica1/%'",
                    database=database,
                ).split()
                if held or clock() >= KILL_AT + timedelta(hours=12):
                    procs[1].send_signal(signal.SIGKILL)
                    procs[1].wait()
                    killed = True
                else:
                    procs[1].send_signal(signal.SIGCONT)
                    time.sleep(0.02)
                    continue
            for room in rooms[:RESPONDING]:
                for event in bot_messages(synapse, member.access_token, room, bot.user_id):
                    body = str(event["content"].get("body", ""))
                    if body.startswith("Prompt 1\n") and event["event_id"] not in answered:
                        answered.add(event["event_id"])
                        text = f"answer {len(sent):03d} in {room}"
                        say(synapse, member, room, f"!study respond 1 {text}")
                        sent.append(text)
            time.sleep(0.3)
        # Done when the database says so, not after a guess at how long a loaded machine takes:
        # every session opened, and nothing due by the end still pending (the last closes, and
        # the actions the killed replica held once its leases ran out).
        due_by_end = to_db(CLOCK_END)
        settle = time.monotonic() + 120
        while True:
            opened = int(postgres.sql("SELECT COUNT(*) FROM sessions", database=database))
            waiting = int(
                postgres.sql(
                    "SELECT COUNT(*) FROM actions WHERE state = 'pending' "
                    f"AND due_at <= '{due_by_end}'",
                    database=database,
                )
            )
            if opened == GROUPS * 2 and waiting == 0:
                break
            assert time.monotonic() < settle, f"{opened} sessions, {waiting} actions still due"
            time.sleep(0.2)
        assert killed
        for n in (0, 2):
            procs[n].send_signal(signal.SIGTERM)
        for n in (0, 2):
            assert procs[n].wait(timeout=30) == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    states = postgres.sql(
        "SELECT state, COUNT(*) FROM actions GROUP BY state ORDER BY 1", database=database
    )
    by_state = dict(line.split("|") for line in states.split())
    assert "failed" not in by_state and "missed" not in by_state, by_state
    sessions = int(postgres.sql("SELECT COUNT(*) FROM sessions", database=database))
    assert sessions == GROUPS * 2  # Tuesday's and Friday's session of every group
    # every post is in its room exactly once
    prompts = 0
    for room in rooms:
        # a post, or an answer to one command (the same answer to two commands is fine)
        said = Counter(
            (str(e["content"].get("body", "")), replied_to(e))
            for e in bot_messages(synapse, bot.access_token, room, bot.user_id)
        )
        repeated = {b[:60]: n for (b, _), n in said.items() if n > 1}
        assert not repeated, (room, repeated)
        prompts += sum(n for (b, _), n in said.items() if b.startswith("Prompt 1\n"))
    assert prompts == GROUPS * 2
    # every response the member sent is stored, once
    stored = postgres.sql("SELECT text FROM responses ORDER BY text", database=database).split("\n")
    stored = [s for s in stored if s]
    assert sorted(stored) == sorted(sent) and len(sent) >= RESPONDING
    # the killed replica had done part of the work; the survivors took over the rest
    owners = postgres.sql(
        "SELECT split_part(claimed_by, '/', 1), COUNT(*) FROM actions WHERE state = 'done' "
        "GROUP BY 1 ORDER BY 1",
        database=database,
    )
    done_by = dict(line.split("|") for line in owners.split())
    assert set(done_by) == {"replica0", "replica1", "replica2"}, done_by
    if held:
        marks = ",".join(held)
        taken = postgres.sql(
            f"SELECT state || ':' || split_part(claimed_by, '/', 1) FROM actions WHERE id IN ({marks})",
            database=database,
        ).split()
        assert all(t in ("done:replica0", "done:replica2") for t in taken), taken
    print(f"done by replica: {done_by}; held by the killed replica and taken over: {len(held)}")


def replied_to(event: dict[str, Any]) -> str | None:
    relation = event["content"].get("m.relates_to") or {}
    reply = relation.get("m.in_reply_to") or {}
    return str(reply["event_id"]) if "event_id" in reply else None


def say(server: Synapse, account: Account, room: str, text: str) -> None:
    txn = f"t{time.monotonic_ns()}"
    server.request(
        "PUT",
        f"/_matrix/client/v3/rooms/{quote(room)}/send/m.room.message/{txn}",
        {"msgtype": "m.text", "body": text},
        token=account.access_token,
    )
