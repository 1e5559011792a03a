"""Anonymous prompts: the database alone cannot tell who wrote them; the author still can."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.messages import MessageKind
from bot.testing import make_harness, member
from tests.conftest import BASE_CONFIG, START

BEA = member("Bea")
CAL = member("Cal")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
ANONYMOUS = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    anonymous: true")


async def test_anonymous_group_keeps_authors_out_of_the_database(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    db = tmp_path / "anon.db"
    h = await make_harness(write_config(ANONYMOUS), start=START, storage_path=str(db))
    await h.command("join", member=BEA)
    await h.advance_to(OPENS + timedelta(minutes=1))
    assert "anonymous" in await h.command("respond 1 my secret view", member=BEA)
    assert "Replaced" in await h.command("respond 1 my revised view", member=BEA)
    await h.command("respond 1 Cal's view", member=CAL)
    assert "my revised view" in await h.command("mine", member=BEA)
    assert "Cal's view" not in await h.command("mine", member=BEA)

    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT member_id, author_key, message_id FROM responses").fetchall()
    assert len(rows) == 2
    assert all(
        member_id is None and key.startswith("a:") and msg is None for member_id, key, msg in rows
    )
    assert len({key for _, key, _ in rows}) == 2  # one key per author and prompt, no member id

    await h.command("export-mine", member=BEA)
    replies = [s.message for s in h.platform.sent if s.message.attachment]
    data = json.loads(replies[-1].attachment.content)  # type: ignore[union-attr]
    assert [r["text"] for r in data["responses"]] == ["my revised view"]

    await h.advance(timedelta(days=7))
    summary = h.platform.posts(MessageKind.SUMMARY)[0].message.body
    assert "Bea" not in summary and "Cal" not in summary and "anonymous" in summary

    assert "Deleted" not in await h.command("delete 1", member=BEA)  # the session has moved on
    await h.command("forget-me confirm", member=BEA)
    with sqlite3.connect(db) as raw:
        left = [r[0] for r in raw.execute("SELECT text FROM responses").fetchall()]
    assert left == ["Cal's view"]
    await h.close()


async def test_anonymous_prompt_in_a_reading(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    readings = tmp_path / "readings"
    readings.mkdir(exist_ok=True)
    (readings / "mixed.yaml").write_text(
        "id: mixed\ntitle: Mixed\nsections:\n  - id: a\n    title: A\n    body: Text.\n"
        "    prompts:\n      - Open question\n      - {text: Sensitive question, anonymous: true}\n"
    )
    h = await make_harness(
        write_config(BASE_CONFIG.replace("reading: three-parts", "reading: mixed")), start=START
    )
    await h.advance_to(OPENS + timedelta(minutes=1))
    assert "anonymous" not in await h.command("respond 1 named", member=BEA)
    assert "anonymous" in await h.command("respond 2 unnamed", member=BEA)
    prompt2 = h.platform.posts(MessageKind.PROMPT)[1].posted
    assert prompt2 is not None
    reply = await h.reply_to(prompt2.message_id, "by reply", member=CAL, own_id="cal-1")
    assert "shows your name" in reply
    rows = await h.storage.session_responses(1)
    assert [(r.prompt, m is None, r.message_id) for r, m in rows] == [
        (1, False, None),
        (2, True, None),
        (2, True, None),
    ]
    await h.close()


async def test_answering_only_anonymously_counts_for_her_and_she_is_not_nudged(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    ana = member("Ana")
    db = tmp_path / "anon.db"
    config = ANONYMOUS.replace("admins: [ana]", "admins: [ana]\n    drift_after: 1")
    h = await make_harness(write_config(config), start=START, storage_path=str(db))
    try:
        for m in (BEA, CAL):
            await h.command("join", member=m)
            await h.command("reminders on", member=m)
        await h.advance_to(OPENS + timedelta(minutes=1))
        assert "anonymous" in await h.command("respond 1 only in secret", member=BEA)

        def nudged(who: str) -> list[str]:
            return [
                d.message.body for d in h.platform.dms(who) if d.message.kind is MessageKind.NUDGE
            ]

        assert "Nudged 1 member by direct message" in await h.command("remind", member=ana)
        await h.advance(timedelta(days=5, hours=1))  # the session's own nudge, a day before closing
        assert nudged("bea") == [] and len(nudged("cal")) == 2
        await h.advance(timedelta(days=1))  # closed: the drift check runs
        assert not any("We miss you" in (d.message.title or "") for d in h.platform.dms("bea"))
        assert any("We miss you" in (d.message.title or "") for d in h.platform.dms("cal"))
        assert "You took part in 1 of 1 session" in await h.command("progress", member=BEA)
        assert "You took part in 0 of 1 session" in await h.command("progress", member=CAL)
    finally:
        await h.close()
    with sqlite3.connect(db) as raw:  # she was recognised, not recorded
        rows = raw.execute("SELECT member_id, author_key FROM responses").fetchall()
    assert [(member_id, key[:2]) for member_id, key in rows] == [(None, "a:")]
