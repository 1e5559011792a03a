"""Every command as a member would use it: the happy path and each refusal."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.commands.spec import COMMANDS
from bot.core.events import CommandReceived, Origin
from bot.core.messages import MessageKind
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

# every test here runs on SQLite and on PostgreSQL
pytestmark = pytest.mark.backends

ANA = member("Ana")  # listed in the group's admins
BEA = member("Bea")
CAL = member("Cal")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


async def open_first_session(h: Harness) -> None:
    await h.advance_to(OPENS + timedelta(minutes=1))


def attachment_of(h: Harness) -> bytes:
    replies = [s.message for s in h.platform.sent if s.where.startswith("reply:")]
    assert replies[-1].attachment is not None
    return replies[-1].attachment.content


async def test_help_lists_every_command(harness: Harness) -> None:
    text = await harness.command("help", member=BEA)
    for spec in COMMANDS:  # bare, as every hint: each platform adds how its members type it
        assert f"- `{spec.name}" in text
    assert "respond PROMPT" in await harness.command("help respond", member=BEA)
    assert "There is no command" in await harness.command("help frobnicate", member=BEA)


async def test_unknown_command_answers_with_a_hint(harness: Harness) -> None:
    text = await harness.command("repsond 1 hello", member=BEA)
    assert "don't know" in text and "respond" in text


async def test_bad_arguments_answer_with_usage(harness: Harness) -> None:
    assert "Usage: respond PROMPT" in await harness.command("respond one hello", member=BEA)
    assert "missing TEXT" in await harness.command("respond 1", member=BEA)
    assert "Usage: export" in await harness.command("export pdf", member=ANA)
    assert "Did you mean Europe/Berlin" in await harness.command(
        "timezone Europe/Berln", member=BEA
    )


async def test_join_and_leave(harness: Harness) -> None:
    assert "Welcome" in await harness.command("join", member=BEA)
    assert "already a member" in await harness.command("join", member=BEA)
    assert "left" in await harness.command("leave", member=BEA)
    assert "not a member" in await harness.command("leave", member=BEA)


async def test_schedule_in_group_zone_then_member_zone(harness: Harness) -> None:
    text = await harness.command("schedule", member=BEA)
    assert "Tue 1 Dec, 19:00 (Europe/Berlin)" in text and "Part One" in text
    assert "Part Two" in text and "Part Three" in text
    await harness.command("timezone America/La_Paz", member=BEA)
    assert "Tue 1 Dec, 14:00 (America/La_Paz)" in await harness.command("schedule", member=BEA)


async def test_now_before_and_during_a_session(harness: Harness) -> None:
    assert "No session is open" in await harness.command("now", member=BEA)
    await open_first_session(harness)
    text = await harness.command("now", member=BEA)
    assert "Part One" in text and "What keeps you coming back?" in text


async def test_respond_rules(harness: Harness) -> None:
    assert "No session is open" in await harness.command("respond 1 too early", member=BEA)
    await open_first_session(harness)
    assert "no prompt 5" in await harness.command("respond 5 hello", member=BEA)
    assert "shared with the group" in await harness.command("respond 1 first", member=BEA)
    assert "Replaced" in await harness.command("respond 1 second", member=BEA)
    mine = await harness.command("mine", member=BEA)
    assert "second" in mine and "first" not in mine
    assert "private" in await harness.command("respond 2 --private secret", member=BEA)
    assert "private" in await harness.command(
        "respond 2 still secret", member=BEA
    )  # privacy sticks


async def test_overlong_response_refused_and_nothing_saved(harness: Harness) -> None:
    await open_first_session(harness)
    text = await harness.command("respond 1 " + "x" * 50_000, member=BEA)
    assert "50,000 characters" in text and "Nothing was saved" in text
    assert await harness.storage.count("responses") == 0


async def test_private_by_default_group(write_config: Callable[[str], Path]) -> None:
    config = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    private_by_default: true")
    h = await make_harness(write_config(config), start=START)
    await open_first_session(h)
    assert "private" in await h.command("respond 1 mine only", member=BEA)
    assert "shared" in await h.command("respond 2 --shared for all", member=BEA)
    await h.close()


async def test_delete_and_responses_visibility(harness: Harness) -> None:
    await open_first_session(harness)
    await harness.command("respond 1 Bea's shared thought", member=BEA)
    await harness.command("respond 1 --private Cal's secret", member=CAL)
    assert "Respond to at least one prompt first" in await harness.command("responses", member=ANA)
    await harness.command("respond 2 Ana's answer", member=ANA)
    seen = await harness.command("responses", member=ANA)
    assert "Bea's shared thought" in seen and "Cal's secret" not in seen
    assert "Deleted" in await harness.command("delete 1", member=BEA)
    assert "no response to prompt 1" in await harness.command("delete 1", member=BEA)


async def test_reply_edit_and_delete_of_a_thread_message(harness: Harness) -> None:
    await open_first_session(harness)
    prompt = harness.platform.posts(MessageKind.PROMPT)[0].posted
    assert prompt is not None
    await harness.reply_to(prompt.message_id, "by reply", member=BEA, own_id="bea-1")
    await harness.edit("bea-1", "edited by reply", member=BEA)
    assert "edited by reply" in await harness.command("mine", member=BEA)
    await harness.edit("bea-1", "x" * 10_000, member=BEA)
    assert "edited by reply" in await harness.command("mine", member=BEA)
    await harness.delete("bea-1", member=BEA)
    assert "not responded" in await harness.command("mine", member=BEA)


async def test_progress_and_streak(harness: Harness) -> None:
    await open_first_session(harness)
    await harness.command("respond 1 one", member=BEA)
    await harness.advance(timedelta(days=7))
    assert "1 of 2 sessions" in await harness.command("progress", member=BEA)
    assert "streak: 1" in await harness.command("progress", member=BEA)
    await harness.command("respond 1 two", member=BEA)
    assert "streak: 2" in await harness.command("progress", member=BEA)


async def test_late_responses_are_marked(harness: Harness) -> None:
    await open_first_session(harness)
    await harness.advance(timedelta(days=6, hours=1))
    assert "marked late" in await harness.command("respond 1 sorry I'm late", member=BEA)


@pytest.fixture
async def no_late(write_config: Callable[[str], Path]) -> AsyncIterator[Harness]:
    """A group that takes no late answers, its first session open."""
    config = BASE_CONFIG.replace("respond_for: 6d", "respond_for: 6d\n    accept_late: false")
    h = await make_harness(write_config(config), start=START)
    try:
        await open_first_session(h)
        yield h
    finally:
        await h.close()


async def test_after_a_session_closes_without_late_answers_your_own_stay_yours(
    no_late: Harness,
) -> None:
    h = no_late
    await h.command("respond 1 Mine to keep", member=BEA)
    await h.command("respond 2 Mine to take back", member=BEA)
    await h.advance(timedelta(days=6, hours=1))  # closed; session 2 is a day away
    assert await h.storage.open_session("readers") is None
    assert "nothing to respond to" in await h.command("respond 1 too late", member=BEA)
    mine = await h.command("mine", member=BEA)
    assert "session 1" in mine and "Mine to keep" in mine and "Mine to take back" in mine
    assert "Deleted your response to prompt 2" in await h.command("delete 2", member=BEA)
    mine = await h.command("mine", member=BEA)
    assert "Mine to keep" in mine and "Mine to take back" not in mine
    assert "not responded in session 1" in await h.command("mine", member=CAL)
    assert await h.storage.count("responses") == 1


async def test_after_a_session_closes_without_late_answers_the_shared_ones_can_still_be_read(
    no_late: Harness,
) -> None:
    h = no_late
    await h.command("respond 1 Bea's reading of it", member=BEA)
    await h.command("respond 1 Cal's reading of it", member=CAL)
    await h.advance(timedelta(days=6, hours=1))  # closed; session 2 is a day away
    shared = await h.command("responses", member=BEA)
    assert "session 1" in shared and "Cal's reading of it" in shared


async def test_reminders_opt_in_by_dm(harness: Harness) -> None:
    await harness.command("reminders on", member=BEA)
    await harness.command("join", member=CAL)
    await harness.advance(timedelta(hours=7))
    assert len(harness.platform.dms("bea")) == 1 and harness.platform.dms("cal") == []
    assert "No more" in await harness.command("reminders off", member=BEA)


async def test_export_mine_and_forget_me(harness: Harness) -> None:
    await open_first_session(harness)
    await harness.command("respond 1 my words", member=BEA)
    await harness.command("export-mine", member=BEA)
    data = json.loads(attachment_of(harness))
    assert data["responses"][0]["text"] == "my words"
    assert data["member"]["display_name"] == "Bea"
    assert "forget-me confirm" in await harness.command("forget-me", member=BEA)
    assert await harness.storage.count("responses") == 1
    assert "gone" in await harness.command("forget-me confirm", member=BEA)
    assert await harness.storage.count("responses") == 0
    assert await harness.storage.find_member("console", "bea") is None


ADMIN_COMMANDS = [c.name for c in COMMANDS if c.admin]


@pytest.mark.parametrize("name", ADMIN_COMMANDS)
async def test_every_admin_command_refused_to_members(harness: Harness, name: str) -> None:
    await open_first_session(harness)
    before = await harness.storage.pending_actions("readers")
    assert "is for the admins" in await harness.command(name, member=BEA)
    assert await harness.storage.pending_actions("readers") == before


async def test_platform_admin_flag_counts(harness: Harness) -> None:
    assert "Readers" in await harness.command("status", member=CAL, admin=True)


async def test_status_post_now_skip_pause_resume(harness: Harness) -> None:
    assert "0 of 3 sections" in await harness.command("status", member=ANA)
    assert "Session 1 is open" in await harness.command("post-now", member=ANA)
    assert len(harness.platform.posts(MessageKind.SECTION)) == 1
    # The Tuesday slot is still there for the next section.
    assert "Part Two" in await harness.command("schedule", member=ANA)
    text = await harness.command("skip", member=ANA)
    assert "Skipped the session of Tue 1 Dec" in text and "Tue 8 Dec" in text
    assert "paused" in await harness.command("pause", member=ANA)
    await harness.advance(timedelta(days=14))
    assert len(harness.platform.posts(MessageKind.SECTION)) == 1
    assert "running again" in await harness.command("resume", member=ANA)
    await harness.advance(timedelta(days=7))
    assert len(harness.platform.posts(MessageKind.SECTION)) == 2


async def test_post_now_while_paused_says_so_and_opens_nothing(harness: Harness) -> None:
    await open_first_session(harness)
    assert "paused" in await harness.command("pause", member=ANA)
    for typed in ("post-now", "post-now confirm"):
        text = await harness.command(typed, member=ANA)
        assert "Readers is paused" in text and "`resume`" in text, text
    assert len(harness.platform.posts(MessageKind.SECTION)) == 1
    session = await harness.storage.open_session("readers")
    assert session is not None and session.number == 1  # still open, not closed early
    assert "open" not in {a.kind for a in await harness.storage.pending_actions("readers")}


async def test_post_now_asks_before_closing_the_open_session_early(harness: Harness) -> None:
    await open_first_session(harness)
    text = await harness.command("post-now", member=ANA)
    assert "Session 1 is still open" in text and "`post-now confirm`" in text, text
    assert len(harness.platform.posts(MessageKind.SECTION)) == 1
    session = await harness.storage.open_session("readers")
    assert session is not None and session.number == 1
    assert "Session 2 is open" in await harness.command("post-now confirm", member=ANA)
    first, second = await harness.storage.sessions("readers")
    assert not first.is_open and second.is_open
    assert len(harness.platform.posts(MessageKind.SECTION)) == 2


async def test_post_now_confirm_leaves_one_nudge_and_rsvp_reminder_planned(
    write_config: Callable[[str], Path],
) -> None:
    config = BASE_CONFIG.replace(
        "admins: [ana]", "admins: [ana]\n    rsvp: true\n    live_after: 2d"
    )
    h = await make_harness(write_config(config), start=START)
    try:
        await h.command("post-now", member=ANA)
        assert "See you at the live discussion" in await h.command("rsvp yes", member=BEA)
        await h.advance(timedelta(minutes=5))
        assert "Session 2 is open" in await h.command("post-now confirm", member=ANA)
        kinds = [a.kind for a in await h.storage.pending_actions("readers")]
        assert kinds.count("nudge") == 1 and kinds.count("rsvp-remind") == 1, kinds
        assert "nudge" in await h.command("status", member=ANA)
        await h.advance(timedelta(days=3))
        # session 1 was closed early: no reminder of its live discussion
        assert not any("session 1" in d.message.body for d in h.platform.dms("bea"))
    finally:
        await h.close()


async def test_remind_nudges_only_those_without_a_response(harness: Harness) -> None:
    for m in (BEA, CAL):
        await harness.command("join", member=m)
    harness.platform.closed_dms.add("cal")
    await open_first_session(harness)
    await harness.command("respond 1 done", member=ANA)
    text = await harness.command("remind", member=ANA)
    assert "Nudged 1 member by direct message and 1 in the thread." in text
    assert len(harness.platform.dms("bea")) == 1 and harness.platform.dms("ana") == []
    assert any("Cal" in s.message.body for s in harness.platform.posts(MessageKind.NUDGE))


async def test_export_formats(harness: Harness) -> None:
    await open_first_session(harness)
    await harness.command('respond 1 =HYPERLINK("x") shared', member=BEA)
    await harness.command("respond 2 --private hidden", member=BEA)
    await harness.command("export csv", member=ANA)
    rows = list(csv.DictReader(io.StringIO(attachment_of(harness).decode())))
    assert len(rows) == 1 and rows[0]["response"].startswith("'=")
    await harness.command("export json", member=ANA)
    assert json.loads(attachment_of(harness))["responses"][0]["member"] == "Bea"
    await harness.command("export md", member=ANA)
    assert "hidden" not in attachment_of(harness).decode()


async def test_reload_without_reloader_and_with_broken_yaml(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config(BASE_CONFIG)
    h = await make_harness(path, start=START)
    assert "not available" in await h.command("reload", member=ANA)
    from bot.config.load import load_config

    async def reloader():  # type: ignore[no-untyped-def]
        return load_config(path)

    h.circle.reloader = reloader
    before = await h.storage.pending_actions("readers")
    path.write_text(BASE_CONFIG.replace("respond_for: 6d", "respond_for: [broken"))
    text = await h.command("reload", member=ANA)
    assert "problem" in text and "running schedule is unchanged" in text and "config.yaml:" in text
    assert await h.storage.pending_actions("readers") == before
    path.write_text(BASE_CONFIG.replace("start: 2026-12-01", "start: 2026-11-31"))
    text = await h.command("reload", member=ANA)
    assert "config.yaml:10:12: 2026-11-31 is not a date" in text and "unchanged" in text, text
    path.write_text(BASE_CONFIG.replace('at: "19:00"', 'at: "20:30"'))
    assert "Config reloaded" in await h.command("reload", member=ANA)
    opens = [a for a in await h.storage.pending_actions("readers") if a.kind == "open"]
    assert opens[0].due_at == datetime(2026, 12, 1, 19, 30, tzinfo=UTC)
    await h.close()


async def test_group_removed_from_config_is_archived(write_config: Callable[[str], Path]) -> None:
    path = write_config(BASE_CONFIG)
    h = await make_harness(path, start=START)
    await open_first_session(h)
    await h.command("respond 1 keep me", member=BEA)
    from bot.config.load import load_config

    empty = load_config(write_config("storage: data/test.db\ngroups: []\n"))
    assert await h.circle.apply_config(empty) == ["readers"]
    state = await h.storage.group_state("readers")
    assert state.archived and await h.storage.count("responses") == 1
    assert await h.storage.pending_actions("readers") == []
    await h.close()


async def test_command_in_a_room_without_group(harness: Harness) -> None:
    assert "no study group in this room" in await harness.command(
        "join", member=BEA, room="elsewhere"
    )


async def test_failure_inside_a_handler_is_reported_not_raised(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(harness.storage, "join", boom)
    origin = Origin(platform="console", room="console")
    await harness.send(CommandReceived(origin=origin, member=BEA, name="join", args=""))
    assert "something went wrong" in harness.platform.last_reply()
