"""Every storage method, once per engine: the same suite runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.events import MemberRef
from bot.core.messages import Posted
from bot.storage import Storage, open_storage
from bot.storage.engines.database import statements
from bot.storage.migrations import MIGRATIONS

pytestmark = pytest.mark.backends

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
ANA = MemberRef(platform="matrix", user_id="@ana:example.org", display_name="Ana")
BEA = MemberRef(platform="matrix", user_id="@bea:example.org", display_name="Bea")


async def a_group(storage: Storage, gid: str = "readers") -> None:
    await storage.sync_groups([(gid, "matrix", f"!{gid}:example.org", "coup")], NOW)


async def a_session(storage: Storage, gid: str = "readers", key: str = "open:1") -> int:
    session = await storage.create_session(
        group_id=gid,
        first_section=0,
        section_count=1,
        opened_at=NOW,
        closes_at=NOW + timedelta(days=6),
        prompts=["What stood out?", "What would you do?"],
        open_key=key,
        anonymous=frozenset({2}),
    )
    return session.id


async def test_migrations_reach_the_last_schema_and_reopening_changes_nothing(
    storage: Storage,
) -> None:
    assert await storage.schema_version() == len(MIGRATIONS)
    await storage._migrate()  # a second process starting on a migrated database
    assert await storage.schema_version() == len(MIGRATIONS)


async def test_groups_sync_update_and_archive(storage: Storage) -> None:
    await storage.sync_groups(
        [("a", "matrix", "!a:x", "coup"), ("b", "discord", "123", "coup")], NOW
    )
    state = await storage.group_state("a")
    assert (state.platform, state.room, state.reading_id) == ("matrix", "!a:x", "coup")
    await storage.add_actions([("b", "open", NOW, NOW, "b:open:1")])
    archived = await storage.sync_groups([("a", "matrix", "!a2:x", "coup")], NOW)
    assert archived == ["b"]
    assert (await storage.group_state("b")).archived
    assert (await storage.group_state("a")).room == "!a2:x"
    assert await storage.pending_actions("b") == []
    with pytest.raises(KeyError):
        await storage.group_state("nope")


async def test_pause_finish_and_reading_change(storage: Storage) -> None:
    await a_group(storage)
    await a_session(storage)
    await storage.set_paused("readers", True)
    await storage.set_finished("readers")
    state = await storage.group_state("readers")
    assert state.paused and state.finished
    await storage.sync_groups([("readers", "matrix", "!readers:example.org", "other")], NOW)
    state = await storage.group_state("readers")
    # a new course may go on; what was read stays read (the sessions say which sections)
    assert not state.finished
    assert await storage.posted_sections("readers") == set()  # a_session recorded no ids


async def test_members_join_leave_timezone_reminders(storage: Storage) -> None:
    await a_group(storage)
    ana = await storage.member(ANA, NOW)
    again = await storage.member(
        MemberRef(platform="matrix", user_id=ANA.user_id, display_name="Ana B"), NOW
    )
    assert again.id == ana.id and again.display_name == "Ana B"
    assert await storage.find_member("matrix", ANA.user_id) == again
    assert await storage.find_member("matrix", "@nobody:x") is None
    await storage.set_timezone(ana.id, "America/La_Paz")
    assert (await storage.find_member("matrix", ANA.user_id)).timezone == "America/La_Paz"  # type: ignore[union-attr]
    assert await storage.join("readers", ana.id, NOW)
    assert not await storage.join("readers", ana.id, NOW)
    assert await storage.is_member("readers", ana.id)
    assert await storage.set_reminders("readers", ana.id, True)
    bea = await storage.member(BEA, NOW)
    await storage.join("readers", bea.id, NOW + timedelta(minutes=1))
    assert [(m.display_name, r) for m, r in await storage.group_members("readers")] == [
        ("Ana B", True),
        ("Bea", False),
    ]
    ships = await storage.memberships("readers")
    assert [s.joined_at for s in ships] == [NOW, NOW + timedelta(minutes=1)]
    assert await storage.member_groups(ana.id) == ["readers"]
    assert await storage.leave("readers", ana.id)
    assert not await storage.leave("readers", ana.id)
    assert not await storage.set_reminders("readers", ana.id, False)
    assert await storage.count("memberships") == 1


async def test_sessions_are_created_once_per_key(storage: Storage) -> None:
    await a_group(storage)
    first = await a_session(storage)
    assert await a_session(storage) == first
    second = await a_session(storage, key="open:2")
    s1, s2 = await storage.sessions("readers")
    assert (s1.id, s1.number, s2.id, s2.number) == (first, 1, second, 2)
    assert (await storage.session_by_open_key("open:1")).id == first  # type: ignore[union-attr]
    assert await storage.session_by_open_key("open:9") is None
    assert (await storage.latest_session("readers")).id == second  # type: ignore[union-attr]
    assert (await storage.open_session("readers")).id == second  # type: ignore[union-attr]
    await storage.set_session_thread(second, "$root", "$thread")
    assert await storage.close_session(second, NOW + timedelta(days=6))
    assert not await storage.close_session(second, NOW + timedelta(days=7))
    closed = await storage.session_by_id(second)
    assert closed is not None and closed.thread == "$thread" and closed.root_message == "$root"
    assert closed.closed_at == NOW + timedelta(days=6)
    assert (await storage.open_session("readers")).id == first  # type: ignore[union-attr]
    assert await storage.session_by_id(999) is None


async def test_prompts_and_their_messages(storage: Storage) -> None:
    await a_group(storage)
    sid = await a_session(storage)
    prompts = await storage.prompts(sid)
    assert [(p.number, p.text, p.anonymous) for p in prompts] == [
        (1, "What stood out?", False),
        (2, "What would you do?", True),
    ]
    await storage.set_prompt_message(sid, 1, "$p1")
    found = await storage.prompt_by_message("$p1")
    assert found is not None and (found.session_id, found.number) == (sid, 1)
    assert await storage.prompt_by_message("$nope") is None
    assert await storage.anonymous_prompts() == [(sid, 2)]


async def test_responses_save_replace_edit_delete(storage: Storage) -> None:
    await a_group(storage)
    sid = await a_session(storage)
    ana = await storage.member(ANA, NOW)
    kwargs = dict(session_id=sid, member_id=ana.id, author_key="k-ana", private=False, late=False)
    first = await storage.save_response(**kwargs, prompt=1, text="one", message_id="$m1", now=NOW)  # type: ignore[arg-type]
    assert first.created and not first.private and not first.joined
    again = await storage.save_response(**kwargs, prompt=1, text="uno", message_id="$m1", now=NOW)  # type: ignore[arg-type]
    assert not again.created
    assert await storage.save_response(
        session_id=sid,
        member_id=None,
        author_key="hash-ana",
        prompt=2,
        text="secret",
        private=True,
        late=True,
        message_id=None,
        now=NOW,
    )
    mine = await storage.responses_of(sid, ["k-ana", "hash-ana"])
    assert [(r.prompt, r.text, r.private, r.late) for r in mine] == [
        (1, "uno", False, False),
        (2, "secret", True, True),
    ]
    assert await storage.edit_response_by_message("$m1", ana.id, "one, edited", NOW)
    assert not await storage.edit_response_by_message("$m1", ana.id + 1, "not theirs", NOW)
    with_authors = await storage.session_responses(sid)
    assert [(r.text, a.display_name if a else None) for r, a in with_authors] == [
        ("one, edited", "Ana"),
        ("secret", None),
    ]
    assert await storage.response_counts(sid) == {1: 1, 2: 1}
    shared = await storage.shared_responses(sid)
    assert [(s.prompt, s.text, s.author) for s in shared] == [(1, "one, edited", "Ana")]
    assert await storage.delete_response(sid, ["hash-ana"], 2)
    assert not await storage.delete_response(sid, ["hash-ana"], 2)
    assert await storage.delete_response_by_message("$m1")
    assert not await storage.delete_response_by_message("$m1")
    assert await storage.count("responses") == 0


async def test_attendance_participation_and_group_export(storage: Storage) -> None:
    await a_group(storage)
    s1 = await a_session(storage)
    s2 = await a_session(storage, key="open:2")
    ana = await storage.member(ANA, NOW)
    await storage.save_response(
        session_id=s1,
        member_id=ana.id,
        author_key="k",
        prompt=1,
        text="hi",
        private=False,
        late=False,
        message_id=None,
        now=NOW,
    )
    assert [(s.id, took) for s, took in await storage.attendance("readers", ana.id)] == [
        (s1, True),
        (s2, False),
    ]
    assert [(s.id, who) for s, who in await storage.participation("readers")] == [
        (s1, frozenset({ana.id})),
        (s2, frozenset()),
    ]
    rows = [item async for item in storage.group_responses("readers")]
    assert [(s.number, r.text, a.display_name if a else None) for s, r, a in rows] == [
        (1, "hi", "Ana")
    ]


async def test_member_data_forget_and_purge(storage: Storage) -> None:
    await a_group(storage)
    sid = await a_session(storage)
    ana = await storage.member(ANA, NOW)
    await storage.join("readers", ana.id, NOW)
    for prompt, member_id, key in ((1, ana.id, "k"), (2, None, "anon-k")):
        await storage.save_response(
            session_id=sid,
            member_id=member_id,
            author_key=key,
            prompt=prompt,
            text=f"text {prompt}",
            private=False,
            late=False,
            message_id=None,
            now=NOW,
        )
    data = await storage.member_data(ana.id, ["anon-k"])
    json.dumps(data)  # what export-mine writes must serialise
    assert data["member"]["display_name"] == "Ana"
    assert [r["anonymous"] for r in data["responses"]] == [0, 1]
    assert len(data["memberships"]) == 1
    assert await storage.purge_responses("readers", NOW) == 0
    assert await storage.purge_responses("readers", NOW + timedelta(seconds=1)) == 2
    await storage.save_response(
        session_id=sid,
        member_id=ana.id,
        author_key="k",
        prompt=1,
        text="again",
        private=False,
        late=False,
        message_id=None,
        now=NOW,
    )
    assert await storage.forget_member(ana.id, []) == 1
    assert await storage.find_member("matrix", ANA.user_id) is None
    assert await storage.count("memberships") == 0


async def test_retention_can_spare_what_was_shared_beyond_the_group(storage: Storage) -> None:
    await a_group(storage)
    sid = await a_session(storage)
    for prompt, public in ((1, True), (2, False)):
        await storage.save_response(session_id=sid, member_id=None, author_key=f"anon-{prompt}",
                                    prompt=prompt, text=f"text {prompt}", private=False,
                                    public=public, late=False, message_id=None, now=NOW)  # fmt: skip
    later = NOW + timedelta(seconds=1)
    assert await storage.purge_responses("readers", later, keep_public=True) == 1
    assert [r.text for _, r, _ in await storage.public_responses("readers")] == ["text 1"]
    assert await storage.purge_responses("readers", later) == 1


async def test_actions_plan_run_fail_cancel(storage: Storage) -> None:
    await a_group(storage)
    rows = [
        ("readers", "remind", NOW - timedelta(hours=1), NOW, "r:1"),
        ("readers", "open", NOW, NOW, "o:1"),
        ("readers", "open", NOW + timedelta(days=7), NOW + timedelta(days=7), "o:2"),
    ]
    assert await storage.add_actions(rows) == 3
    assert await storage.add_actions(rows) == 0
    assert await storage.count("actions") == 3
    assert [a.key for a in await storage.due_actions(NOW)] == ["r:1", "o:1"]
    assert await storage.next_due() == NOW - timedelta(hours=1)
    remind, opening, _ = await storage.pending_actions("readers")
    await storage.finish_action(remind.id, "done", NOW)
    assert await storage.action_failed(opening.id, "Boom", NOW + timedelta(seconds=30)) == 1
    assert await storage.next_due() == NOW + timedelta(seconds=30)
    assert await storage.last_slot("readers") == NOW + timedelta(days=7)
    assert await storage.cancel_actions("readers", ["open"], NOW + timedelta(days=7)) == 1
    assert await storage.last_slot("readers") == NOW
    assert await storage.cancel_actions("readers", ["open", "remind"]) == 1
    assert await storage.pending_actions("readers") == []
    assert await storage.next_due() is None


async def test_claims_lease_takeover_release_and_order(storage: Storage) -> None:
    await storage.sync_groups([("a", "matrix", "!a:x", "coup"), ("b", "discord", "1", "coup")], NOW)
    await storage.add_actions(
        [
            ("a", "remind", NOW, NOW, "a:1"),
            ("a", "open", NOW + timedelta(seconds=1), NOW, "a:2"),
            ("b", "open", NOW, NOW, "b:1"),
        ]
    )
    later = NOW + timedelta(seconds=5)
    lease = timedelta(minutes=2)
    first = await storage.claim_due_actions(later, owner="p1", lease=lease, groups=["a"])
    # only a group's earliest pending action: a:2 waits until a:1 is finished
    assert [a.key for a in first] == ["a:1"]
    second = await storage.claim_due_actions(later, owner="p2", lease=lease, groups=["a", "b"])
    assert [a.key for a in second] == ["b:1"]
    assert await storage.claim_due_actions(later, owner="p3", lease=lease) == []
    assert await storage.claim_due_actions(later, owner="p3", lease=lease, groups=[]) == []
    # every due action is leased or waiting: the next look is when the first lease ends
    assert await storage.next_due() == later + lease
    assert await storage.next_due(groups=["zzz"]) is None
    # p1 and p2 die holding their claims; after the lease p3 takes both over
    taken = await storage.claim_due_actions(later + lease, owner="p3", lease=lease)
    assert sorted(a.key for a in taken) == ["a:1", "b:1"]
    claims = await storage.action_claims()
    assert {claims[a.id][0] for a in taken} == {"p3"}
    # a finished action is never claimed again, and the group's next one becomes claimable
    a1 = first[0].id
    await storage.finish_action(a1, "done", later + lease)
    assert await storage.release_actions([second[0].id], owner="p1") == 0  # not p1's
    assert await storage.release_actions([second[0].id], owner="p3") == 1
    again = await storage.claim_due_actions(later + lease, owner="p4", lease=lease)
    assert sorted(a.key for a in again) == ["a:2", "b:1"]
    b1 = next(a for a in again if a.key == "b:1")
    await storage.action_failed(b1.id, "Boom", later + lease + timedelta(seconds=30))
    # b:1 is retried in 30 s, before a:2's lease (p4's) ends
    assert await storage.next_due() == later + lease + timedelta(seconds=30)


async def test_sent_keys_record_once_and_replace(storage: Storage) -> None:
    assert await storage.sent("k") is None
    await storage.record_sent("k", Posted(message_id="$1", room="!r"), NOW)
    await storage.record_sent("k", Posted(message_id="$2", room="!r", thread="$t"), NOW)
    assert await storage.sent("k") == Posted(message_id="$2", room="!r", thread="$t")
    assert await storage.count("sent") == 1
    with pytest.raises(ValueError):
        await storage.count("schema_version; DROP TABLE x")


async def test_snoozes(storage: Storage) -> None:
    await a_group(storage)
    ana = await storage.member(ANA, NOW)
    week = timedelta(days=7)
    await storage.add_snooze("readers", ana.id, NOW, NOW + week)
    await storage.add_snooze("readers", ana.id, NOW + timedelta(days=1), NOW + 2 * week)
    snoozes = await storage.snoozes("readers")
    assert [(s.starts_at, s.ends_at) for s in snoozes] == [
        (NOW, NOW + timedelta(days=1)),
        (NOW + timedelta(days=1), NOW + 2 * week),
    ]
    assert await storage.end_snooze("readers", ana.id, NOW + timedelta(days=2))
    assert not await storage.end_snooze("readers", ana.id, NOW + timedelta(days=3))
    assert not (await storage.snoozes("readers"))[-1].active(NOW + timedelta(days=3))


async def test_pairings_rsvps_and_drift_notices(storage: Storage) -> None:
    await a_group(storage)
    sid = await a_session(storage)
    ana = await storage.member(ANA, NOW)
    bea = await storage.member(BEA, NOW)
    assert await storage.save_pairings(sid, [[ana.id, bea.id]])
    assert not await storage.save_pairings(sid, [[bea.id, ana.id]])
    [(session, teams)] = await storage.pairings("readers")
    assert session.id == sid
    assert [[m.display_name for m in team] for team in teams] == [["Ana", "Bea"]]
    await storage.set_rsvp(sid, ana.id, True, NOW)
    await storage.set_rsvp(sid, bea.id, True, NOW)
    await storage.set_rsvp(sid, bea.id, False, NOW + timedelta(minutes=1))
    await storage.save_response(
        session_id=sid,
        member_id=ana.id,
        author_key="k",
        prompt=1,
        text="here",
        private=False,
        late=False,
        message_id=None,
        now=NOW,
    )
    await storage.record_attendance(sid)
    assert [(r.member.display_name, r.going, r.attended) for r in await storage.rsvps(sid)] == [
        ("Ana", True, True),
        ("Bea", False, False),
    ]
    await storage.add_drift_notice("readers", bea.id, NOW)
    await storage.add_drift_notice("readers", bea.id, NOW)
    await storage.add_drift_notice("readers", bea.id, NOW + timedelta(days=9))
    assert await storage.drift_notices("readers") == {bea.id: NOW + timedelta(days=9)}


async def test_a_restarted_instance_takes_back_its_own_claims_at_once(storage: Storage) -> None:
    await storage.sync_groups(
        [(g, "matrix", f"!{g}:example.org", "coup") for g in ("readers", "writers")], NOW
    )
    await storage.add_actions(
        [("readers", "open", NOW, NOW, "o:1"), ("writers", "open", NOW, NOW, "o:2")]
    )
    lease = timedelta(minutes=5)
    [mine] = await storage.claim_due_actions(NOW, owner="host:abc/11-x", lease=lease, limit=1)
    [theirs] = await storage.claim_due_actions(NOW, owner="host:abcd/12-y", lease=lease)
    assert await storage.release_claims_of("host:abc") == 1
    again = await storage.claim_due_actions(NOW, owner="host:abc/13-z", lease=lease)
    assert [a.id for a in again] == [mine.id]  # the other instance's claim still holds
    assert theirs.id != mine.id


async def test_an_inbound_message_is_handled_once_and_forgotten_later(storage: Storage) -> None:
    assert await storage.first_sight("matrix", "$event", NOW)
    assert not await storage.first_sight("matrix", "$event", NOW + timedelta(seconds=1))
    assert await storage.first_sight("discord", "$event", NOW)
    # long after, the id is forgotten (platforms redeliver within minutes, never days)
    assert await storage.first_sight("matrix", "$event", NOW + timedelta(days=3))


async def test_a_running_action_keeps_its_claim_by_renewing_it(storage: Storage) -> None:
    await a_group(storage)
    await storage.add_actions([("readers", "open", NOW, NOW, "o:1")])
    lease = timedelta(minutes=5)
    [action] = await storage.claim_due_actions(NOW, owner="p1/1", lease=lease)
    assert await storage.renew_claim(action.id, "p1/1", NOW + 2 * lease)
    assert await storage.claim_due_actions(NOW + lease, owner="p2/1", lease=lease) == []
    taken = await storage.claim_due_actions(NOW + 2 * lease, owner="p2/1", lease=lease)
    assert [a.id for a in taken] == [action.id]
    assert not await storage.renew_claim(action.id, "p1/1", NOW + 3 * lease)  # no longer p1's


async def test_processes_starting_together_migrate_once(storage_at: Callable[[str], str]) -> None:
    location = storage_at("shared.db")
    stores = await asyncio.gather(*(open_storage(location) for _ in range(4)))
    try:
        rows = await stores[0]._all("SELECT version FROM schema_version ORDER BY version")
        assert [r["version"] for r in rows] == list(range(1, len(MIGRATIONS) + 1))
    finally:
        for store in stores:
            await store.close()


async def test_saving_keeps_an_earlier_privacy_choice_and_can_join_in_the_same_unit(
    storage: Storage,
) -> None:
    await a_group(storage)
    sid = await a_session(storage)
    ana = await storage.member(ANA, NOW)
    assert not await storage.is_member("readers", ana.id)
    common = dict(session_id=sid, member_id=ana.id, author_key="k", prompt=1, late=False)
    first = await storage.save_response(
        **common,  # type: ignore[arg-type]
        text="one",
        private=True,
        message_id=None,
        now=NOW,
        join=("readers", ana.id),
    )
    assert (first.created, first.private, first.joined) == (True, True, True)
    assert await storage.is_member("readers", ana.id)
    again = await storage.save_response(
        **common,  # type: ignore[arg-type]
        text="two",
        private=None,
        default_private=False,
        message_id=None,
        now=NOW,
        join=("readers", ana.id),
    )
    assert (again.created, again.private, again.joined) == (False, True, False)
    shared = await storage.save_response(
        **common,  # type: ignore[arg-type]
        text="three",
        private=False,
        message_id=None,
        now=NOW,
    )
    assert (shared.created, shared.private) == (False, False)
    [stored] = await storage.responses_of(sid, ["k"])
    assert (stored.text, stored.private) == ("three", False)


async def test_cached_lookups_follow_every_change(storage: Storage) -> None:
    await a_group(storage)
    assert await storage.open_session("readers") is None
    sid = await a_session(storage)
    opened = await storage.open_session("readers")
    assert opened is not None and opened.id == sid
    assert [p.text for p in await storage.prompts(sid)] == ["What stood out?", "What would you do?"]
    await storage.close_session(sid, NOW)
    assert await storage.open_session("readers") is None
    latest = await storage.latest_session("readers")
    assert latest is not None and latest.closed_at is not None
    ana = await storage.member(ANA, NOW)
    assert (await storage.member(ANA, NOW)).id == ana.id
    renamed = await storage.member(
        MemberRef(platform=ANA.platform, user_id=ANA.user_id, display_name="Ana R."), NOW
    )
    assert (renamed.id, renamed.display_name) == (ana.id, "Ana R.")
    assert not await storage.is_member("readers", ana.id)
    await storage.join("readers", ana.id, NOW)
    assert await storage.is_member("readers", ana.id)
    await storage.leave("readers", ana.id)
    assert not await storage.is_member("readers", ana.id)
    assert await storage.forget_member(ana.id, []) >= 0
    assert await storage.find_member(ANA.platform, ANA.user_id) is None
    fresh = await storage.member(ANA, NOW)
    assert fresh.id != ana.id or await storage.find_member(ANA.platform, ANA.user_id) is not None


async def test_a_failed_transaction_leaves_no_cached_row_behind(storage: Storage) -> None:
    await a_group(storage)
    with pytest.raises(RuntimeError):
        async with storage.transaction() as db:
            await db.execute(
                "INSERT INTO sessions (group_id, number, first_section, section_count, opened_at, "
                "closes_at) VALUES ('readers', 1, 0, 1, '2026-12-01', '2026-12-08')"
            )
            # a read through the store inside the transaction sees its own row...
            assert await storage.open_session("readers") is not None
            raise RuntimeError("then it fails")
    # ...which was rolled back, and must not linger in the cache
    assert await storage.open_session("readers") is None


async def test_standing_inputs_come_in_one_read(storage: Storage) -> None:
    await a_group(storage)
    s1 = await a_session(storage)
    s2 = await a_session(storage, key="open:2")
    ana = await storage.member(ANA, NOW)
    assert (await storage.standing_inputs("readers", ana.id))[0] is None
    await storage.join("readers", ana.id, NOW)
    await storage.add_snooze("readers", ana.id, NOW, NOW + timedelta(days=3))
    await storage.save_response(
        session_id=s2,
        member_id=ana.id,
        author_key="k",
        prompt=1,
        text="hi",
        private=False,
        late=False,
        message_id=None,
        now=NOW,
    )
    membership, attendance, snoozes = await storage.standing_inputs("readers", ana.id)
    assert membership is not None and membership.member.id == ana.id
    assert [(s.id, took) for s, took in attendance] == [(s1, False), (s2, True)]
    assert attendance == await storage.attendance("readers", ana.id)
    assert snoozes == await storage.snoozes("readers")
    assert [s.member_id for s in snoozes] == [ana.id]


# -- courses (issue 14) ------------------------------------------------------------------


async def test_sessions_record_their_reading_and_sections_and_a_restart_frees_them(
    storage: Storage,
) -> None:
    await a_group(storage)
    first = await storage.create_session(
        group_id="readers",
        first_section=0,
        section_count=2,
        opened_at=NOW,
        closes_at=NOW + timedelta(days=6),
        prompts=["Why?"],
        open_key="open:a",
        reading_id="coup",
        section_ids=["intro", "us-role"],
    )
    await storage.create_session(
        group_id="readers",
        first_section=0,
        section_count=1,
        opened_at=NOW + timedelta(days=7),
        closes_at=NOW + timedelta(days=13),
        prompts=["Why?"],
        open_key="open:b",
        reading_id="state",
        section_ids=["ch1"],
    )
    assert (first.reading_id, first.section_ids, first.restarted) == (
        "coup",
        ("intro", "us-role"),
        False,
    )
    posted = {("coup", "intro"), ("coup", "us-role"), ("state", "ch1")}
    assert await storage.posted_sections("readers") == posted
    assert (await storage.posted_sections_of(None))["readers"] == posted
    await storage.set_finished("readers")
    assert await storage.restart_reading("readers", "coup") == 1
    assert await storage.restart_reading("readers", "coup") == 0
    assert await storage.posted_sections("readers") == {("state", "ch1")}
    assert not (await storage.group_state("readers")).finished
    restarted = await storage.session_by_id(first.id)
    assert restarted is not None and restarted.restarted and restarted.section_ids
    # every way a session is read carries what it recorded
    await storage.save_response(
        session_id=first.id,
        member_id=None,
        author_key="k",
        prompt=1,
        text="hi",
        private=False,
        late=False,
        message_id=None,
        now=NOW,
    )
    streamed = [s async for s, _, _ in storage.group_responses("readers")]
    assert [(s.reading_id, s.section_ids) for s in streamed] == [("coup", ("intro", "us-role"))]


async def test_older_sessions_get_their_section_ids_written_once(storage: Storage) -> None:
    await a_group(storage)
    older = await a_session(storage)  # recorded by position only, as before courses
    assert [s.id for s in await storage.sessions_without_section_ids()] == [older]
    await storage.set_section_ids([(older, ("intro",))])
    await storage.set_section_ids([(older, ("something-else",))])  # the first writing stays
    assert await storage.sessions_without_section_ids() == []
    session = await storage.session_by_id(older)
    assert session is not None and session.section_ids == ("intro",)


async def test_a_cancelled_action_planned_again_is_pending_again(storage: Storage) -> None:
    await a_group(storage)
    row = ("readers", "open", NOW, NOW, "readers@slot:open")
    assert await storage.add_actions([row]) == 1
    assert await storage.add_actions([row]) == 0  # pending already: left alone
    await storage.cancel_actions("readers", ["open"])
    assert await storage.pending_actions("readers") == []
    assert await storage.add_actions([row]) == 1
    assert [a.key for a in await storage.pending_actions("readers")] == ["readers@slot:open"]
    many = [("readers", "remind", NOW, NOW, f"readers@slot:remind:{i}") for i in range(600)]
    await storage.add_actions(many)
    await storage.cancel_actions("readers", ["remind"])
    assert await storage.add_actions(many) == 600  # the batch path revives them too
    assert len(await storage.pending_actions("readers")) == 601


# -- one pending nudge and RSVP reminder per group (issue 12) ------------------------------

ONE_FOLLOW_UP = next(m for m in MIGRATIONS if m.description.startswith("one pending nudge"))
UNIQUE = "(?i)unique"


def follow_up(
    kind: str, number: int, gid: str = "readers"
) -> tuple[str, str, datetime, datetime, str]:
    opened = NOW + timedelta(hours=number)
    return (gid, kind, opened + timedelta(days=2), opened, f"{gid}:s{number}:{kind}")


async def test_a_group_holds_one_pending_nudge_and_one_rsvp_reminder(storage: Storage) -> None:
    await a_group(storage)
    await a_group(storage, "other")
    await storage.add_actions([follow_up("nudge", 1), follow_up("rsvp-remind", 1)])
    await storage.add_actions([follow_up("nudge", 1, "other")])  # another group's own
    for kind in ("nudge", "rsvp-remind"):
        with pytest.raises(Exception, match=UNIQUE):
            await storage.add_actions([follow_up(kind, 2)])
    assert len(await storage.pending_actions("readers")) == 2
    await storage.add_actions([follow_up("nudge", 1)])  # planned again: no change, no error
    await storage.cancel_actions("readers", ["nudge"])
    await storage.add_actions([follow_up("nudge", 2)])
    assert [a.key for a in await storage.pending_actions("readers")] == [
        "readers:s1:rsvp-remind",
        "readers:s2:nudge",
    ]


async def test_the_migration_cancels_doubles_planned_before_the_unique_key(
    storage: Storage,
) -> None:
    await a_group(storage)
    await a_group(storage, "other")
    async with storage.transaction() as db:  # the schema as it was before the step
        await db.execute("DROP INDEX actions_one_pending_follow_up")
    await storage.add_actions(
        [
            *(follow_up(kind, n) for kind in ("nudge", "rsvp-remind") for n in (1, 2)),
            follow_up("nudge", 1, "other"),
            ("readers", "remind", NOW, NOW + timedelta(days=1), "readers@1:remind:24h"),
            ("readers", "remind", NOW, NOW + timedelta(days=1), "readers@1:remind:1h"),
        ]
    )
    assert ONE_FOLLOW_UP.sql is not None
    async with storage.transaction() as db:
        for statement in statements(ONE_FOLLOW_UP.sql):
            await db.execute(storage.database.ddl(statement))
    kept = {a.key for a in await storage.pending_actions("readers")}
    assert kept == {
        "readers:s2:nudge",
        "readers:s2:rsvp-remind",
        "readers@1:remind:24h",
        "readers@1:remind:1h",
    }
    assert [a.key for a in await storage.pending_actions("other")] == ["other:s1:nudge"]
    with pytest.raises(Exception, match=UNIQUE):
        await storage.add_actions([follow_up("nudge", 3)])


async def test_writes_cancelled_at_any_point_leave_the_store_working(storage: Storage) -> None:
    """A stop cancels writers wherever they are (a COMMIT included): the next write still
    works, and no abandoned future holds an error nobody reads."""
    import gc

    await a_group(storage)
    loop = asyncio.get_running_loop()
    reported: list[str] = []
    loop.set_exception_handler(
        lambda _loop, context: reported.append(
            f"{context['message']}: {context.get('exception')!r} {context.get('future')!r}"
        )
    )
    try:
        n = 0
        for delay in range(16):
            tasks = []
            for _ in range(4):
                n += 1
                tasks.append(
                    asyncio.create_task(
                        storage.add_actions([("readers", "open", NOW, NOW, f"k{n}")])
                    )
                )
            for _ in range(delay):
                await asyncio.sleep(0)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await a_group(storage, "after")
        assert (await storage.group_state("after")).room == "!after:example.org"
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert reported == []
