"""Pairing, snoozes, streaks, nudges, drift, RSVPs and digests, as members and admins see them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.messages import MessageKind
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

pytestmark = pytest.mark.backends  # the SQL of these features runs on every storage engine

ANA = member("Ana")  # the group's admin
BEA = member("Bea")
CAL = member("Cal")
DEV = member("Dev")
EVE = member("Eve")
FAY = member("Fay")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # Tue 19:00 in Berlin
WEEK = timedelta(days=7)

SIX_PARTS = "id: six-parts\ntitle: Six Parts\nsections:\n" + "".join(
    f"  - id: p{i}\n    title: Part {i}\n    body: Part {i} of six.\n"
    f"    prompts: ['First question of part {i}?', 'Second question of part {i}?']\n"
    for i in range(1, 7)
)


Starter = Callable[..., Awaitable[Harness]]


def config(extra: str, reading: str = "three-parts") -> str:
    text = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n" + extra.rstrip())
    return text.replace("reading: three-parts", f"reading: {reading}")


@pytest.fixture
async def start_with(write_config: Callable[[str], Path], tmp_path: Path) -> AsyncIterator[Starter]:
    (tmp_path / "readings").mkdir(exist_ok=True)
    made: list[Harness] = []

    async def start(extra: str = "", reading: str = "three-parts") -> Harness:
        path = write_config(config(extra, reading))
        (tmp_path / "readings" / "six-parts.yaml").write_text(SIX_PARTS, encoding="utf-8")
        h = await make_harness(path, start=START)
        made.append(h)
        return h

    yield start
    for h in made:
        await h.close()


def teams_post(h: Harness, session: int = 1) -> str:
    posts = [s for s in h.platform.posts() if s.message.title == "Teams of two"]
    return posts[session - 1].message.body


def team_lines(post: str) -> list[str]:
    """The teams of a teams post: the items of its list."""
    return [line for line in post.splitlines() if line.startswith("- ")]


# -- teams of two ---------------------------------------------------------------------------


async def test_members_are_paired_in_the_thread_with_a_question_skipping_the_absent(
    start_with: Starter,
) -> None:
    h = await start_with("    pairing: {enabled: true, announce: thread}")
    for who in (ANA, BEA, CAL, DEV, EVE, FAY):
        await h.command("join", member=who)
    assert "Snoozing until" in await h.command("snooze 10", member=EVE)
    await h.command("leave", member=FAY)
    await h.advance_to(OPENS + timedelta(minutes=1))
    post = next(s for s in h.platform.posts() if s.message.title == "Teams of two")
    assert post.thread is not None  # in the session's thread
    names = {m.display_name for m in post.message.mentions}
    assert names == {"Ana", "Bea", "Cal", "Dev"}  # Eve snoozes, Fay left
    assert "Eve" not in post.message.body and "Fay" not in post.message.body
    assert post.message.member_text
    assert "to start: _What" in post.message.body
    history = await h.command("pair-history", member=ANA)
    assert "Session 1:" in history and "&" in history
    assert "for the admins" in await h.command("pair-history", member=BEA)


async def test_an_odd_count_makes_a_trio_and_the_next_session_brings_new_partners(
    start_with: Starter,
) -> None:
    h = await start_with("    pairing: {enabled: true}")
    for who in (ANA, BEA, CAL, DEV):
        await h.command("join", member=who)
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.advance(WEEK)
    first, second = teams_post(h, 1), teams_post(h, 2)
    pairs_first = {line.split(" — ")[0] for line in team_lines(first)}
    pairs_second = {line.split(" — ")[0] for line in team_lines(second)}
    assert len(pairs_first) == 2 and not pairs_first & pairs_second
    await h.command("join", member=EVE)
    await h.advance(WEEK)
    third = teams_post(h, 3)
    lines = team_lines(third)
    assert len(lines) == 2 and sorted(line.count("&") for line in lines) == [1, 2]  # one trio
    assert all(name in third for name in ("Ana", "Bea", "Cal", "Dev", "Eve"))


async def test_teams_by_direct_message_fall_back_to_the_thread_when_dms_are_closed(
    start_with: Starter,
) -> None:
    h = await start_with("    pairing: {enabled: true, announce: dm}")
    for who in (ANA, BEA, CAL, DEV):
        await h.command("join", member=who)
    h.platform.closed_dms.add("dev")
    await h.advance_to(OPENS + timedelta(minutes=1))
    for user in ("ana", "bea", "cal"):
        dms = [s for s in h.platform.dms(user) if s.message.title == "Your partner this session"]
        assert len(dms) == 1 and "teamed with" in dms[0].message.body
    fallback = [s for s in h.platform.posts() if s.message.title == "Teams of two"]
    assert len(fallback) == 1
    assert "Dev" in fallback[0].message.body and fallback[0].message.body.count("&") == 1
    assert "Dev" in {m.display_name for m in fallback[0].message.mentions}


# -- snooze, streaks ------------------------------------------------------------------------


async def test_snoozed_members_get_no_reminders_and_snooze_zero_ends_it(
    start_with: Starter,
) -> None:
    h = await start_with()
    for who in (BEA, CAL):
        await h.command("reminders on", member=who)
    await h.command("snooze 3", member=BEA)
    assert "from 0 to 365, not '400'" in await h.command("snooze 400", member=BEA)
    await h.advance_to(OPENS + timedelta(minutes=1))
    reminders = [s for s in h.platform.dms() if s.message.kind == MessageKind.REMINDER]
    assert {s.where for s in reminders} == {"dm:cal"}
    assert "Welcome back" in await h.command("snooze 0", member=BEA)
    assert "not snoozing" in await h.command("snooze 0", member=BEA)
    await h.advance_to(OPENS + WEEK + timedelta(minutes=1))
    reminders = [s for s in h.platform.dms() if s.message.kind == MessageKind.REMINDER]
    assert "dm:bea" in {s.where for s in reminders}


async def test_a_snooze_and_a_break_keep_the_streak(start_with: Starter) -> None:
    h = await start_with('    breaks: ["2026-12-15"]', reading="six-parts")
    await h.advance_to(OPENS + timedelta(minutes=1))  # session 1, Tue 1 Dec
    await h.command("respond 1 first", member=BEA)
    await h.command("respond 1 first", member=CAL)
    await h.advance(timedelta(days=6))  # Mon 7 Dec, session 1 closed: Bea rests through session 2
    await h.command("snooze 8", member=BEA)
    await h.advance(timedelta(days=1))  # session 2, Tue 8 Dec
    await h.command("respond 1 second", member=CAL)
    await h.advance(WEEK * 2)  # Tue 15 Dec is a break; session 3 opens Tue 22 Dec
    await h.command("respond 1 third", member=BEA)
    bea = await h.command("progress", member=BEA)
    assert "Current streak: 2" in bea and "2 of 2 sessions" in bea
    await h.advance(WEEK)  # session 4 opens; Cal has not answered session 3
    cal = await h.command("progress", member=CAL)
    assert "Current streak: 0" in cal  # session 3 closed without Cal: that one counts
    assert "2 of 4 sessions" in cal


# -- nudges and drift -------------------------------------------------------------------------


async def test_one_gentle_nudge_before_the_window_closes_to_opted_in_members(
    start_with: Starter,
) -> None:
    h = await start_with()
    for who in (BEA, CAL, DEV):
        await h.command("reminders on", member=who)
    await h.command("join", member=EVE)  # no reminders: no nudge
    h.platform.closed_dms.add("dev")
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 done", member=CAL)
    await h.advance_to(OPENS + timedelta(days=5, hours=1))  # 24h before the close
    nudges = [s for s in h.platform.sent if s.message.kind == MessageKind.NUDGE]
    assert [s.where for s in nudges if s.where.startswith("dm:")] == ["dm:bea"]
    in_thread = [s for s in nudges if not s.where.startswith("dm:")]
    assert len(in_thread) == 1 and in_thread[0].thread is not None
    assert [m.display_name for m in in_thread[0].message.mentions] == ["Dev"]
    await h.advance(timedelta(hours=20))
    assert len([s for s in h.platform.sent if s.message.kind == MessageKind.NUDGE]) == 3 - 1


async def test_a_drifting_member_gets_one_kind_message_then_peace(
    start_with: Starter,
) -> None:
    h = await start_with("    drift_after: 2", reading="six-parts")
    await h.command("reminders on", member=DEV)
    await h.command("join", member=BEA)
    await h.advance_to(OPENS + timedelta(minutes=1))
    assert "Nobody" in await h.command("drifting", member=ANA)
    for _ in range(4):
        await h.command("respond 1 here", member=BEA)
        await h.advance(WEEK)
    missed = [s for s in h.platform.dms("dev") if (s.message.title or "").startswith("We miss")]
    assert len(missed) == 1 and "only message like this" in missed[0].message.body
    listed = await h.command("drifting", member=ANA)
    assert "Dev" in listed and "left alone" in listed and "Bea" not in listed
    nudges = [s for s in h.platform.dms("dev") if s.message.kind == MessageKind.NUDGE]
    assert len(nudges) == 2  # nudged in sessions 1 and 2, not after the kind message


async def test_nothing_about_sessions_is_sent_once_the_course_has_finished(
    start_with: Starter,
) -> None:
    h = await start_with("    drift_after: 1")  # three sections, one a week
    await h.command("reminders on", member=BEA)
    await h.advance_to(OPENS + timedelta(minutes=1))
    for _ in range(2):
        await h.command("respond 1 here", member=BEA)
        await h.advance(WEEK)
    sent = len(h.platform.dms("bea"))
    await h.advance(WEEK)  # silent in the last session, which ends the course
    assert (await h.storage.group_state("readers")).finished
    await h.advance(4 * WEEK)
    late = h.platform.dms("bea")[sent:]
    assert [s.message.kind for s in late] == [MessageKind.NUDGE]  # while session 3 was open
    assert not any((s.message.title or "").startswith("We miss") for s in late)


# -- RSVP --------------------------------------------------------------------------------------


async def test_rsvp_buttons_reminder_and_attendance(start_with: Starter) -> None:
    h = await start_with("    rsvp: true\n    live_after: 2d")
    assert "no session is open" in (await h.command("rsvp yes", member=BEA)).lower()
    await h.advance_to(OPENS + timedelta(minutes=1))
    section = h.platform.posts(MessageKind.SECTION)[0].message
    assert [b.action for b in section.buttons] == ["rsvp:yes", "rsvp:no"]
    assert "Thu 19:00" in section.buttons[0].label
    assert "See you" in await h.command("rsvp yes", member=BEA)
    await h.command("rsvp yes", member=CAL)
    assert "Thanks" in await h.command("rsvp no", member=DEV)
    assert "2 going" in await h.command("rsvp", member=EVE)
    await h.command("respond 1 I was there", member=BEA)
    await h.advance_to(OPENS + timedelta(days=2) - timedelta(minutes=59))
    told = {s.where for s in h.platform.dms() if s.message.title and "live" in s.message.title}
    assert told == {"dm:bea", "dm:cal"}
    await h.advance(WEEK)
    session = (await h.storage.sessions("readers"))[0]
    attended = {r.member.display_name: r.attended for r in await h.storage.rsvps(session.id)}
    assert attended == {"Bea": True, "Cal": False, "Dev": False}
    digest = [s for s in h.platform.dms("ana") if (s.message.title or "").startswith("Digest")]
    assert "Live discussion: 2 said yes; 1 of them took part." in digest[0].message.body


async def test_groups_without_rsvp_have_no_buttons(start_with: Starter) -> None:
    h = await start_with()
    await h.advance_to(OPENS + timedelta(minutes=1))
    assert not [b for b in h.platform.posts(MessageKind.SECTION)[0].message.buttons]
    assert "does not hold live" in await h.command("rsvp yes", member=BEA)


# -- the facilitator's digest --------------------------------------------------------------------


async def test_digest_to_the_admin_after_the_session(start_with: Starter) -> None:
    h = await start_with("    drift_after: 1")
    await h.command("join", member=DEV)
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 Shared <b>thought</b>", member=BEA)
    await h.command("respond 1 --private Cal's secret", member=CAL)
    await h.advance(WEEK)
    digests = [s for s in h.platform.dms("ana") if (s.message.title or "").startswith("Digest")]
    assert len(digests) == 1
    body = digests[0].message.body
    assert digests[0].message.member_text
    assert "2 of 3 members responded (2 responses)" in body
    assert "Nobody answered: 2. What would you change?" in body
    assert "Shared <b>thought</b>" in body and "— Bea" in body
    assert "Cal's secret" not in body
    assert "**Drifting**" in body and "Dev (1)" in body


async def test_the_digest_lists_the_most_discussed_passages(start_with: Starter) -> None:
    h = await start_with("    drift_after: 1")
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command('quote "fixed time" Tuesdays', member=BEA)
    await h.command('quote "fixed time" Or Thursdays', member=CAL)
    await h.command('quote "second paragraph" Short', member=BEA)
    await h.command('quote --private "second paragraph" mine alone', member=CAL)
    [first, _, _] = [s for s in h.platform.posts() if "on this passage" in s.message.body]
    assert first.posted is not None
    await h.reply_to(first.posted.message_id, "Fine by me", member=DEV, own_id="d1")
    await h.advance(WEEK)
    [digest] = [s for s in h.platform.dms("ana") if (s.message.title or "").startswith("Digest")]
    body = digest.message.body
    assert "Most-discussed passages:" in body
    listed = body.split("Most-discussed passages:")[1]
    assert "fixed time" in listed and "2 notes, 1 reply" in listed
    assert "second paragraph too." in listed and "1 note" in listed
    assert listed.index("fixed time") < listed.index("second paragraph")
    assert "mine alone" not in body


async def test_digest_skipped_when_no_admin_takes_dms_and_the_room_is_not_chosen(
    start_with: Starter,
) -> None:
    h = await start_with("    drift_after: 1")
    h.platform.closed_dms.add("ana")
    await h.command("join", member=DEV)
    await h.advance_to(OPENS + timedelta(minutes=1) + WEEK)
    assert not [s for s in h.platform.sent if (s.message.title or "").startswith("Digest")]


async def test_digest_in_the_room_leaves_out_who_is_drifting(start_with: Starter) -> None:
    h2 = await start_with("    drift_after: 1\n    digest_in_room: true")
    h2.platform.closed_dms.add("ana")
    await h2.command("join", member=DEV)
    await h2.advance_to(OPENS + timedelta(minutes=1) + WEEK)
    posted = [s for s in h2.platform.posts() if (s.message.title or "").startswith("Digest")]
    assert len(posted) == 1 and "Drifting" not in posted[0].message.body


async def test_weekly_digest_on_monday_morning(start_with: Starter) -> None:
    h = await start_with("    digest: weekly")
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 hello", member=BEA)
    await h.advance_to(datetime(2026, 12, 7, 19, 0, tzinfo=UTC))  # session 1 closed at 18:00
    assert not [s for s in h.platform.dms("ana") if (s.message.title or "").startswith("Digest")]
    await h.advance_to(datetime(2026, 12, 14, 8, 1, tzinfo=UTC))  # Mon 09:01 in Berlin
    digests = [s for s in h.platform.dms("ana") if (s.message.title or "").startswith("Digest")]
    assert len(digests) == 1 and "Session 1" in digests[0].message.body


async def test_digest_off(start_with: Starter) -> None:
    h = await start_with("    digest: 'off'")
    await h.advance_to(OPENS + timedelta(minutes=1) + WEEK)
    assert not [s for s in h.platform.sent if (s.message.title or "").startswith("Digest")]


async def test_forget_me_also_erases_snoozes_rsvps_and_teams(start_with: Starter) -> None:
    h = await start_with("    pairing: {enabled: true}\n    rsvp: true\n    live_after: 2d")
    for who in (BEA, CAL):
        await h.command("join", member=who)
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("rsvp yes", member=BEA)
    await h.command("snooze 2", member=BEA)
    session = (await h.storage.sessions("readers"))[0]
    assert await h.storage.rsvps(session.id) and await h.storage.snoozes("readers")
    assert "Done" in await h.command("forget-me confirm", member=BEA)
    assert not await h.storage.rsvps(session.id)
    assert not await h.storage.snoozes("readers")
    teams = [t for _, ts in await h.storage.pairings("readers") for t in ts]
    assert all(m.display_name != "Bea" for team in teams for m in team)


async def test_export_mine_includes_snoozes_rsvps_and_teams(start_with: Starter) -> None:
    h = await start_with("    pairing: {enabled: true}\n    rsvp: true\n    live_after: 2d")
    for who in (BEA, CAL):
        await h.command("join", member=who)
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("rsvp yes", member=BEA)
    await h.command("snooze 2", member=BEA)
    await h.command("export-mine", member=BEA)
    reply = [s.message for s in h.platform.sent if s.where.startswith("reply:")][-1]
    assert reply.attachment is not None
    data = json.loads(reply.attachment.content)
    assert len(data["snoozes"]) == 1 and data["rsvps"][0]["going"] == 1
    assert data["teams"] == [{"group_id": "readers", "session_number": 1, "partner": "Cal"}]


async def test_the_digest_shows_the_trend_over_closed_sessions(start_with: Starter) -> None:
    h = await start_with()
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 one", member=BEA)
    await h.advance(WEEK)
    await h.command("respond 1 two", member=BEA)
    await h.command("respond 1 two", member=CAL)
    await h.advance(WEEK)
    digests = [s for s in h.platform.dms("ana") if (s.message.title or "").startswith("Digest")]
    assert len(digests) == 2
    assert "**Trend** (members responding): #1: 1 → #2: 2" in digests[1].message.body


async def test_snooze_and_rsvp_times_are_in_the_members_own_zone(start_with: Starter) -> None:
    h = await start_with("    rsvp: true\n    live_after: 2d")
    await h.command("timezone America/La_Paz", member=DEV)
    assert "(America/La_Paz)" in await h.command("snooze 1", member=DEV)
    await h.advance_to(OPENS + timedelta(minutes=1))
    assert "Thu 3 Dec, 14:00 (America/La_Paz)" in await h.command("rsvp", member=DEV)
    assert "Thu 3 Dec, 19:00 (Europe/Berlin)" in await h.command("rsvp", member=BEA)
