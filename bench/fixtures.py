"""Configs with many groups and databases with many responses, built fast for the benchmarks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.records import to_db
from bot.documents import yamlsource

ROOT = Path(__file__).resolve().parents[1]
READINGS = ROOT / "tests" / "fixtures" / "readings"  # three-parts: 3 sections, 5 prompts
READING = "three-parts"
# Monday 30 November 2026, 12:00 UTC; the first sessions are on Tuesday 1 December.
START = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
FIRST_SESSION = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)


def group_yaml(index: int, *, platform: str = "console", at: str = "19:00") -> str:
    """One group in flow style (one line each keeps a 100k-group config small)."""
    where = ""
    if platform == "discord":
        where = f", channel: {100_000_000_000_000_000 + index}"
    elif platform == "matrix":
        where = f', room: "!g{index}:bench.local"'
    return (
        f"  - {{id: g{index}, name: Group {index}, platform: {platform}{where}, timezone: UTC, "
        f'reading: {READING}, start: 2026-12-01, cadence: {{weekly: [tue], at: "{at}"}}, '
        f"reminders: [], respond_for: 6d, admins: [admin]}}\n"
    )


def write_config(
    folder: Path,
    groups: int,
    *,
    platform: str = "console",
    platforms_yaml: str = "",
    storage: str = "bench.db",
    extra: str = "",
) -> Path:
    """A config with `groups` groups all meeting Tuesdays at 19:00 UTC; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"storage: {storage}\n",
        f"readings_dir: {READINGS}\n",
        "watch_config: false\n",
        "rate_limit: {commands: 10000, per: 1m}\n",
        extra,
        platforms_yaml,
        "groups:\n",
    ]
    lines += [group_yaml(i, platform=platform) for i in range(groups)]
    path = folder / "config.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@contextmanager
def big_yaml_allowed() -> Iterator[None]:
    """Lift the YAML size guards (1 MB, 200k nodes) that refuse configs past ~6k groups."""
    saved = yamlsource.MAX_YAML_BYTES, yamlsource.MAX_NODES
    yamlsource.MAX_YAML_BYTES, yamlsource.MAX_NODES = 10**9, 10**9
    try:
        yield
    finally:
        yamlsource.MAX_YAML_BYTES, yamlsource.MAX_NODES = saved


def seed_responses(
    db_path: Path,
    *,
    groups: int,
    responses: int,
    members: int = 5_000,
    sessions_per_group: int = 2,
    open_last: bool = True,
) -> dict[str, int]:
    """Fill an already migrated database with groups, members, closed (and open) sessions and
    `responses` responses, directly with sqlite3 in one transaction (seeding is not measured)."""
    now = to_db(START)
    con = sqlite3.connect(db_path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        con.executemany(
            "INSERT OR IGNORE INTO groups (id, platform, room, reading_id, next_section, created_at) "
            "VALUES (?, 'console', 'console', ?, ?, ?)",
            ((f"g{i}", READING, sessions_per_group, now) for i in range(groups)),
        )
        con.executemany(
            "INSERT INTO members (id, platform, user_id, display_name, created_at) "
            "VALUES (?, 'console', ?, ?, ?)",
            ((m, f"m{m}", f"Member {m}", now) for m in range(1, members + 1)),
        )
        session_ids: list[tuple[int, int]] = []  # (session id, group index)
        sid = 0
        for g in range(groups):
            for number in range(1, sessions_per_group + 1):
                sid += 1
                opened = FIRST_SESSION - timedelta(days=7 * (sessions_per_group - number))
                is_open = open_last and number == sessions_per_group
                con.execute(
                    "INSERT INTO sessions (id, group_id, number, first_section, section_count, "
                    "opened_at, closes_at, closed_at, open_key) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
                    (
                        sid,
                        f"g{g}",
                        number,
                        number - 1,
                        to_db(opened),
                        to_db(opened + timedelta(days=6)),
                        None if is_open else to_db(opened + timedelta(days=6)),
                        f"seed:{sid}",
                    ),
                )
                con.executemany(
                    "INSERT INTO session_prompts (session_id, number, text) VALUES (?, ?, ?)",
                    ((sid, p, f"Prompt {p}") for p in (1, 2)),
                )
                session_ids.append((sid, g))
        text = "A seeded response of typical length, a sentence or two about the reading. " * 2

        def rows() -> Iterator[tuple[object, ...]]:
            made = 0
            per_session = max(1, -(-responses // len(session_ids)))
            for sid_, g in session_ids:
                for k in range(per_session):
                    if made >= responses:
                        return
                    member = 1 + (g * 7 + k // 2) % members
                    prompt = 1 + k % 2
                    yield (sid_, member, f"m:{member}", prompt, text, k % 5 == 0, now, now)
                    made += 1

        con.executemany(
            "INSERT OR IGNORE INTO responses (session_id, member_id, author_key, prompt, text, "
            "private, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
        con.executemany(
            "INSERT OR IGNORE INTO memberships (group_id, member_id, joined_at) VALUES (?, ?, ?)",
            ((f"g{g}", 1 + (g * 7 + k) % members, now) for g in range(groups) for k in range(5)),
        )
        con.commit()
        stored = con.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
        return {"groups": groups, "sessions": sid, "responses": int(stored), "members": members}
    finally:
        con.close()
