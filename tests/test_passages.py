"""Discussing a passage through the core: quote a sentence, reply to its quotation, see the
most-discussed ones, and own one's notes (mine, edit, delete, export-mine, forget-me)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

pytestmark = pytest.mark.backends

ANA = member("Ana")
BEA = member("Bea")
CAL = member("Cal")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
ANONYMOUS = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    anonymous: true")


async def opened(h: Harness) -> None:
    await h.advance_to(OPENS + timedelta(minutes=1))


def quotations(h: Harness) -> list[str]:
    return [s.message.body for s in h.platform.posts() if "on this passage" in s.message.body]


async def test_quote_by_words_posts_the_passage_in_the_thread_and_replies_join_it(
    harness: Harness,
) -> None:
    await opened(harness)
    said = await harness.command('quote "fixed time" Regularity matters to me', member=BEA)
    assert "Saved your note 1" in said and "shared" in said
    [post] = [s for s in harness.platform.posts() if "on this passage" in s.message.body]
    assert post.thread is not None and post.message.member_text
    assert "> The first part says that groups keep going when they meet at a fixed time." in (
        post.message.body
    )
    assert "**Bea** on this passage: Regularity matters to me" in post.message.body
    assert post.posted is not None
    answer = await harness.reply_to(
        post.posted.message_id, "Same for me, Tuesdays work", member=CAL, own_id="c1"
    )
    assert "Added your reply" in answer
    listed = await harness.command("passages", member=CAL)
    assert "fixed time" in listed and "1 note, 1 reply" in listed
    mine = await harness.command("mine", member=BEA)
    assert "Note 1" in mine and "Regularity matters to me" in mine


async def test_ambiguous_words_list_the_candidates_and_a_number_picks_one(
    harness: Harness,
) -> None:
    await opened(harness)
    said = await harness.command('quote "a" which one?', member=BEA)
    assert "several sentences" in said and "`#1`" in said and "`#2`" in said
    assert quotations(harness) == []
    assert "Saved your note" in await harness.command("quote #2 This one", member=BEA)
    assert "second paragraph" in quotations(harness)[-1]


async def test_a_quote_matching_nothing_says_so_and_saves_nothing(harness: Harness) -> None:
    await opened(harness)
    said = await harness.command('quote "purple elephants" hmm', member=BEA)
    assert "No sentence" in said and "purple elephants" in said
    assert "Usage: quote" in await harness.command("quote no quotes here", member=BEA)
    assert "No sentence" in await harness.command("quote #99 far away", member=BEA)
    assert "not responded" in await harness.command("mine", member=BEA)


async def test_near_spellings_and_invisible_characters_still_find_the_sentence(
    harness: Harness,
) -> None:
    await opened(harness)
    said = await harness.command('quote "grups keep\u202egoing" close enough', member=BEA)
    assert "Saved your note" in said


async def test_a_comment_far_too_long_is_refused_whole(harness: Harness) -> None:
    await opened(harness)
    said = await harness.command('quote "fixed time" ' + "x" * 10_000, member=BEA)
    assert "10,000 characters" in said and "Nothing was saved" in said
    assert quotations(harness) == []


async def test_private_notes_stay_out_of_the_thread_and_the_counts(harness: Harness) -> None:
    await opened(harness)
    said = await harness.command('quote --private "fixed time" just for me', member=BEA)
    assert "private" in said
    assert quotations(harness) == []
    assert "Nobody has quoted" in await harness.command("passages", member=CAL)
    assert "just for me" in await harness.command("mine", member=BEA)


async def test_the_others_words_show_once_you_have_taken_part(harness: Harness) -> None:
    await opened(harness)
    await harness.command('quote "fixed time" Bea thinks so', member=BEA)
    hidden = await harness.command("passages", member=CAL)
    assert "fixed time" in hidden and "Bea thinks so" not in hidden and "Respond" in hidden
    await harness.command("respond 1 something", member=CAL)
    assert "Bea thinks so" in await harness.command("passages", member=CAL)


async def test_edit_and_delete_are_the_authors_alone(harness: Harness) -> None:
    await opened(harness)
    await harness.command('quote "fixed time" first words', member=BEA)
    assert "no note 1" in await harness.command("quote-edit 1 hijacked", member=CAL)
    assert "no note 1" in await harness.command("quote-delete 1", member=CAL)
    assert "Changed" in await harness.command("quote-edit 1 second words", member=BEA)
    assert "second words" in await harness.command("mine", member=BEA)
    assert "Deleted" in await harness.command("quote-delete 1", member=BEA)
    assert "Nobody has quoted" in await harness.command("passages", member=BEA)


async def test_a_passage_from_a_closed_session_is_late(harness: Harness) -> None:
    await opened(harness)
    await harness.advance(timedelta(days=6, hours=1))  # closed
    said = await harness.command('quote "fixed time" after the close', member=BEA)
    assert "marked late" in said
    assert "fixed time" in await harness.command("passages", member=BEA)


async def test_a_reply_to_the_section_post_quoting_words_is_a_note(harness: Harness) -> None:
    await opened(harness)
    section = harness.platform.posts("section")[0]
    assert section.posted is not None
    said = await harness.reply_to(
        section.posted.message_id, "“second paragraph” nice touch", member=BEA, own_id="b1"
    )
    assert "Saved your note" in said
    ordinary = await harness.reply_to(
        section.posted.message_id, "just chatting", member=BEA, own_id="b2"
    )
    assert ordinary == ""


async def test_markup_and_mentions_in_a_note_are_member_text(harness: Harness) -> None:
    await opened(harness)
    await harness.command('quote "fixed time" @everyone <b>hi</b> [x](http://e.vil)', member=BEA)
    [post] = [s for s in harness.platform.posts() if "on this passage" in s.message.body]
    assert post.message.member_text  # adapters disable mentions and escape it


async def test_export_mine_and_forget_me_carry_the_notes(harness: Harness) -> None:
    await opened(harness)
    await harness.command('quote "fixed time" exported words', member=BEA)
    await harness.command("export-mine", member=BEA)
    [reply] = [s.message for s in harness.platform.sent if s.message.attachment is not None]
    assert reply.attachment is not None
    data = json.loads(reply.attachment.content)
    assert data["annotations"][0]["text"] == "exported words"
    said = await harness.command("forget-me confirm", member=BEA)
    assert "0 responses and 1 note on passages" in said
    assert "Nobody has quoted" in await harness.command("passages", member=CAL)


async def test_anonymous_group_notes_carry_no_name_anywhere(
    write_config: Callable[[str], Path], tmp_path: Path, storage_backend: str
) -> None:
    if storage_backend != "sqlite":
        pytest.skip("reads the SQLite file itself")
    db = tmp_path / "anon.db"
    h = await make_harness(write_config(ANONYMOUS), start=START, storage_path=str(db))
    try:
        await h.command("join", member=BEA)
        await opened(h)
        said = await h.command('quote "fixed time" unseen', member=BEA)
        assert "without your name" in said
        [post] = quotations(h)
        assert "Bea" not in post and "**Someone**" in post
        assert "unseen" in await h.command("mine", member=BEA)
        assert "unseen" not in await h.command("mine", member=CAL)
        assert "Changed" in await h.command("quote-edit 1 still unseen", member=BEA)
        with sqlite3.connect(db) as raw:
            rows = raw.execute("SELECT member_id, author_key FROM annotations").fetchall()
        assert rows and all(m is None and k.startswith("a:") for m, k in rows)
        said = await h.command("forget-me confirm", member=BEA)
        assert "1 note on passages" in said
        with sqlite3.connect(db) as raw:
            assert raw.execute("SELECT COUNT(*) FROM annotations").fetchone() == (0,)
    finally:
        await h.close()


async def test_retention_removes_old_notes(write_config: Callable[[str], Path]) -> None:
    config = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    retention_days: 3")
    h = await make_harness(write_config(config), start=START)
    try:
        await opened(h)
        await h.command('quote "fixed time" soon gone', member=BEA)
        await h.advance(timedelta(days=5))
        assert "soon gone" not in await h.command("mine", member=BEA)
    finally:
        await h.close()


def test_suggestions_find_word_starts_in_order_first_then_in_any_order() -> None:
    from bot.readings.passage_search import passage_index

    index = passage_index(
        (("a", "Was the time right? The time was fixed. Timely fixes help."), ("b", "Fix it."))
    )
    assert [v for v, _ in index.suggest("time was")] == ["#2", "#1"]
    assert [v for v, _ in index.suggest("fix")] == ["#2", "#3", "#4"]
    assert [v for v, _ in index.suggest("TIM")] == ["#1", "#2", "#3"]
    assert [v for v, _ in index.suggest("ime")] == []  # the start of a word, not its middle
    assert index.suggest("zebra") == []
    assert [v for v, _ in index.suggest("", limit=2)] == ["#1", "#2"]


async def test_an_edit_of_the_reading_moves_a_note_with_its_words_or_keeps_it_orphaned(
    write_config: Callable[[str], Path],
) -> None:
    from tests.test_courses import reloading

    path = write_config(BASE_CONFIG)
    h = await make_harness(path, start=START)
    try:
        await opened(h)
        await h.command('quote "fixed time" It follows its words', member=BEA)
        await h.command('quote "second paragraph" Its words go', member=BEA)
        reading = path.parent / "readings" / "three-parts.yaml"
        text = reading.read_text(encoding="utf-8")
        edited = text.replace(
            "      The first part says", "      A sentence comes first now. The first part says"
        ).replace("It has a second paragraph too.", "The second paragraph was rewritten.")
        assert edited != text
        reading.write_text(edited, encoding="utf-8")
        await reloading(h, path)
        await h.circle.reload()
        [moved] = [n for n, _, _ in await h.storage.session_annotations(1) if not n.orphaned]
        body = h.circle.config.readings["three-parts"].sections[0].body
        assert body[moved.start : moved.end] == moved.exact and moved.sentence == 1
        assert moved.text == "It follows its words"
        listed = await h.command("passages", member=BEA)
        assert "fixed time" in listed and "second paragraph too" not in listed
        mine = await h.command("mine", member=BEA)
        assert "Its words go" in mine and "(its words left the reading)" in mine
        assert await h.storage.count("annotations") == 2  # nothing silently dropped
    finally:
        await h.close()


async def test_bidi_controls_mentions_and_markup_in_quotes_stay_text(harness: Harness) -> None:
    await opened(harness)
    hostile = "\u202egnp.exe\u202c @everyone <script>x</script> **bold** \u2066isolated\u2069"
    said = await harness.command(f'quote "fixed\u202e time" {hostile}', member=BEA)
    assert "Saved your note 1" in said
    [post] = [s for s in harness.platform.posts() if "on this passage" in s.message.body]
    assert post.message.member_text  # adapters escape it and disable mentions
    assert "@everyone" in post.message.body and "<script>x</script>" in post.message.body
    mine = await harness.command("mine", member=BEA)
    assert "gnp.exe" in mine and "isolated" in mine
