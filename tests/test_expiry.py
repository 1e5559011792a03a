"""Discussions that expire on the group's schedule, as the fake platform and the database see
them: every message of a session removed once, refusals told once, and `privacy: minimal`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config.load import ConfigError, load_config
from bot.testing import FakePlatform, Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

pytestmark = pytest.mark.backends

ANA = member("Ana")  # the group's admin
BEA = member("Bea")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # Tue 19:00 in Berlin
CLOSES = OPENS + timedelta(days=6)

Starter = Callable[..., Awaitable[Harness]]


def config(extra: str) -> str:
    keys = "".join(f"    {line.strip()}\n" for line in extra.strip().splitlines())
    return BASE_CONFIG.replace("    admins: [ana]\n", "    admins: [ana]\n" + keys)


@pytest.fixture
async def start_with(write_config: Callable[[str], Path]) -> AsyncIterator[Starter]:
    made: list[Harness] = []

    async def start(
        extra: str = "expire_after: 14d", platform: FakePlatform | None = None
    ) -> Harness:
        h = await make_harness(write_config(config(extra)), start=START, platform=platform)
        made.append(h)
        return h

    yield start
    for h in made:
        await h.close()


async def first_session_with_replies(h: Harness) -> tuple[list[str], list[str]]:
    """Open session 1, have Bea answer prompt 1 and chat in the thread; returns the ids of the
    bot's room posts of the session so far and of Bea's messages."""
    await h.advance_to(OPENS)
    session = await h.storage.open_session("readers")
    assert session is not None and session.thread is not None
    prompts = await h.storage.prompts(session.id)
    assert prompts[0].message_id is not None
    await h.reply_to(prompts[0].message_id, "A thought.", member=BEA, own_id="bea-1",
                     thread=session.thread)  # fmt: skip
    await h.reply_to(session.thread, "Just chatting.", member=BEA, own_id="bea-2",
                     thread=session.thread)  # fmt: skip
    own = [s.posted.message_id for s in h.platform.posts() if s.posted is not None]
    return own, ["bea-1", "bea-2"]


async def test_the_opening_tells_the_room_when_the_discussion_will_disappear(
    start_with: Starter,
) -> None:
    h = await start_with()
    await h.advance_to(OPENS)
    notices = [s for s in h.platform.posts() if "expire" in s.message.body]
    assert len(notices) == 1
    assert "14 days after it closes" in notices[0].message.body
    assert "Mon 21 Dec" in notices[0].message.body  # 6 days open, then 14 days


async def test_every_message_of_a_session_is_removed_once_after_expire_after(
    start_with: Starter,
) -> None:
    h = await start_with()
    own, members = await first_session_with_replies(h)
    await h.advance_to(CLOSES + timedelta(minutes=1))
    assert h.platform.removals == []
    await h.advance_to(CLOSES + timedelta(days=14) - timedelta(minutes=1))
    assert h.platform.removals == []  # not a minute early
    await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
    removed = [m for _, m in h.platform.removals]
    assert len(removed) == len(set(removed))
    session_one = {
        s.posted.message_id
        for s in h.platform.posts()
        if s.posted and s.key and s.key.startswith(("readers:s1:", "readers@2026-12-01"))
    }
    assert {"readers:s1:summary", "readers@2026-12-01T18:00:00.000000+00:00:remind:1h:room"} <= {
        s.key for s in h.platform.posts() if s.posted and s.posted.message_id in removed
    }
    assert set(removed) == session_one | set(members)  # nothing of session 2
    assert set(own) <= session_one
    session = (await h.storage.sessions("readers"))[0]
    assert session.expired_at is not None
    assert h.platform.removed_threads == [session.thread]
    counts = await h.storage.removal_counts(session.id)
    assert counts == {"removed": len(removed)}
    # the responses stay in the database without `privacy: minimal` (retention_days decides)
    assert await h.storage.count("responses") == 1


async def test_a_refusal_is_told_to_the_admins_once_and_not_retried(start_with: Starter) -> None:
    h = await start_with(platform=FakePlatform(refuse_members="Manage Messages"))
    await first_session_with_replies(h)
    await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
    told = [s for s in h.platform.dms("ana") if "could not expire" in (s.message.title or "")]
    assert len(told) == 1 and "Manage Messages" in told[0].message.body
    session = (await h.storage.sessions("readers"))[0]
    assert (await h.storage.removal_counts(session.id))["refused"] == 2
    # the next session's expiry meets the same refusal: nobody is told again
    await h.advance_to(CLOSES + timedelta(days=7 + 14, minutes=1))
    second = (await h.storage.sessions("readers"))[1]
    assert second.expired_at is not None
    told = [s for s in h.platform.dms("ana") if "could not expire" in (s.message.title or "")]
    assert len(told) == 1
    pending = [a for a in await h.storage.pending_actions("readers") if a.kind == "expire"]
    assert all(a.slot != session.opened_at for a in pending)


async def test_a_failure_mid_way_resumes_without_removing_anything_twice(
    start_with: Starter,
) -> None:
    h = await start_with()
    await first_session_with_replies(h)
    await h.advance_to(CLOSES + timedelta(days=14) - timedelta(minutes=1))
    calls = 0
    real = h.platform.remove_message

    async def failing_third(*args: object, **kwargs: object) -> bool:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise ConnectionError("the network went away")
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    h.platform.remove_message = failing_third  # type: ignore[method-assign]
    await h.advance_to(CLOSES + timedelta(days=14))
    session = (await h.storage.sessions("readers"))[0]
    assert session.expired_at is None  # pending, retried in 30 seconds
    assert len(h.platform.removals) == 2
    await h.advance(timedelta(minutes=5))
    session = (await h.storage.sessions("readers"))[0]
    assert session.expired_at is not None
    removed = [m for _, m in h.platform.removals]
    assert len(removed) == len(set(removed))
    assert (await h.storage.removal_counts(session.id)).keys() == {"removed"}


async def test_privacy_minimal_turns_on_its_keys_where_the_file_is_silent(
    write_config: Callable[[str], Path],
) -> None:
    spec = load_config(write_config(config("privacy: minimal"))).groups[0].spec
    assert spec.anonymous and spec.minimal
    assert spec.expire_after == timedelta(days=14) and spec.retention_days == 14
    assert spec.preset_keys == ("anonymous", "expire_after", "retention_days")
    spec = (
        load_config(write_config(config("privacy: minimal\nexpire_after: 7d\nanonymous: false")))
        .groups[0]
        .spec
    )
    assert not spec.anonymous and spec.expire_after == timedelta(days=7)
    assert spec.retention_days == 7 and spec.preset_keys == ("retention_days",)


async def test_a_bad_expire_after_is_a_located_problem(
    write_config: Callable[[str], Path],
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(config("expire_after: two weeks")))
    rendered = [p.render() for p in caught.value.problems]
    # the sentence, not the path (a temporary folder may be named pytest-14)
    said = [p.text() for p in caught.value.problems]
    assert any("expire_after" in r and "14" not in r and "duration" in r for r in said), said
    assert any(":1" in r for r in rendered)


async def test_privacy_minimal_deletes_the_responses_with_the_discussion(
    start_with: Starter,
) -> None:
    h = await start_with("privacy: minimal")
    await first_session_with_replies(h)
    assert await h.storage.count("responses") == 1
    await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
    assert await h.storage.count("responses") == 0
    assert h.platform.removals


async def test_an_expired_session_stays_out_of_exports(start_with: Starter, tmp_path: Path) -> None:
    from bot.exports.exporting import export_rows

    h = await start_with()
    await first_session_with_replies(h)
    group = h.config.groups[0]
    assert await export_rows(h.storage, group)
    await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
    assert await export_rows(h.storage, group) == []


async def test_the_digest_counts_what_expired(start_with: Starter) -> None:
    h = await start_with("expire_after: 1d")
    await first_session_with_replies(h)
    # session 1 closes on 7 Dec and expires on the 8th; session 2's digest (14 Dec) says so
    await h.advance_to(CLOSES + timedelta(days=7, minutes=1))
    digests = [s.message.body for s in h.platform.dms("ana") if "Digest" in (s.message.title or "")]
    assert any("Session 1's discussion expired" in d and "removed" in d for d in digests)


async def test_privacy_minimal_stores_no_names_quotes_nothing_and_exports_no_names(
    start_with: Starter,
) -> None:
    from bot.exports.exporting import export_rows

    h = await start_with("privacy: minimal\nanonymous: false\nexpire_after: 30d")
    await h.command("join", member=BEA)
    await h.advance_to(OPENS)
    await h.command("respond 1 Bea's own thought", member=BEA)
    stored = await h.storage.find_member("console", "bea")
    assert stored is not None and stored.display_name == "bea"  # the platform id, not "Bea"
    [row] = await export_rows(h.storage, h.config.groups[0])
    assert row.member == "member" and row.response == "Bea's own thought"
    await h.advance_to(CLOSES + timedelta(minutes=1))
    digests = [s.message.body for s in h.platform.dms("ana") if "Digest" in (s.message.title or "")]
    assert digests and all("Bea's own thought" not in d for d in digests)
    assert any("1 response" in d for d in digests)


async def test_a_standard_group_keeps_names_and_quotes(start_with: Starter) -> None:
    h = await start_with("anonymous: false")
    await h.command("join", member=BEA)
    await h.advance_to(OPENS)
    await h.command("respond 1 Bea's own thought", member=BEA)
    stored = await h.storage.find_member("console", "bea")
    assert stored is not None and stored.display_name == "Bea"
    await h.advance_to(CLOSES + timedelta(minutes=1))
    digests = [s.message.body for s in h.platform.dms("ana") if "Digest" in (s.message.title or "")]
    assert any("Bea's own thought" in d for d in digests)


async def test_groups_expire_alongside_each_other_each_in_its_own_order(
    write_config: Callable[[str], Path],
) -> None:
    import asyncio
    import contextlib

    second = config("expire_after: 14d").split("groups:\n", 1)[1]
    second = second.replace("id: readers", "id: others").replace("name: Readers", "name: Others")
    text = config("expire_after: 14d") + second.replace(
        "    admins: [ana]\n", "    room: other\n    admins: [ana]\n", 1
    )
    h = await make_harness(write_config(text), start=START)
    try:
        await h.advance_to(OPENS + timedelta(minutes=1))
        await h.advance_to(CLOSES + timedelta(days=14) - timedelta(minutes=1))
        real = h.platform.remove_message
        in_flight: set[str] = set()
        most = 0
        order: dict[str, list[str]] = {}

        both = asyncio.Event()

        async def slow(room: str, message_id: str, **kwargs: object) -> bool:
            nonlocal most
            first = room not in order
            in_flight.add(room)
            most = max(most, len(in_flight))
            order.setdefault(room, []).append(message_id)
            if len(in_flight) == 2:
                both.set()
            if first:  # wait for the other group's first removal, run one after another or not
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(both.wait(), 5)
            in_flight.discard(room)
            return await real(room, message_id, **kwargs)  # type: ignore[arg-type]

        h.platform.remove_message = slow  # type: ignore[method-assign]
        await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
        assert set(order) == {"console", "other"}
        assert most == 2  # both groups' removals were under way at once
        for group_id in ("readers", "others"):
            session = (await h.storage.sessions(group_id))[0]
            assert session.expired_at is not None
        removed = [m for _, m in h.platform.removals]
        assert len(removed) == len(set(removed))
    finally:
        await h.close()


async def quoted_and_replied(h: Harness) -> tuple[str, str]:
    """Bea quotes a passage in the open session, Ana replies to the quotation in the thread;
    returns (the quotation's id, Ana's reply's id)."""
    said = await h.command('quote "fixed time" Tuesdays it is', member=BEA)
    assert "Saved your note 1" in said
    [post] = [s for s in h.platform.posts() if "on this passage" in s.message.body]
    assert post.posted is not None and post.thread is not None
    answer = await h.reply_to(post.posted.message_id, "Agreed.", member=ANA, own_id="ana-r1",
                              thread=post.thread)  # fmt: skip
    assert "Added your reply" in answer
    return post.posted.message_id, "ana-r1"


async def test_quotation_posts_and_their_replies_expire_with_the_discussion(
    start_with: Starter,
) -> None:
    h = await start_with()
    await first_session_with_replies(h)
    quotation, reply = await quoted_and_replied(h)
    await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
    session = (await h.storage.sessions("readers"))[0]
    recorded = {m.message_id: m.state for m in await h.storage.session_messages(session.id)}
    assert recorded[quotation] == "removed" and recorded[reply] == "removed"
    removed = [m for _, m in h.platform.removals]
    assert removed.count(quotation) == 1 and removed.count(reply) == 1
    assert await h.storage.count("annotations") == 1  # retention_days decides, not expiry


async def test_privacy_minimal_deletes_the_notes_with_the_discussion(start_with: Starter) -> None:
    h = await start_with("privacy: minimal")
    await first_session_with_replies(h)
    await quoted_and_replied(h)
    assert await h.storage.count("annotations") == 1
    assert await h.storage.count("annotation_replies") == 1
    await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
    assert await h.storage.count("annotations") == 0
    assert await h.storage.count("annotation_replies") == 0


async def test_notes_of_an_expired_session_stay_out_of_the_annotation_export(
    start_with: Starter,
) -> None:
    from bot.exports.web_annotation import annotation_collections

    h = await start_with()
    await first_session_with_replies(h)
    await quoted_and_replied(h)
    group = h.config.groups[0]
    [collection] = await annotation_collections(h.storage, group)
    assert collection["total"] == 2
    await h.advance_to(CLOSES + timedelta(days=14, minutes=1))
    assert await annotation_collections(h.storage, group) == []
