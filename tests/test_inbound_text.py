"""Text that arrives broken from a platform (a lone surrogate from JSON, a NUL) is cleaned where
it enters the core: the member is served, and their words are kept, on every storage engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.events import CommandReceived, MemberRef, Origin
from bot.runtime.cleaning import clean_text, well_formed
from bot.testing import make_harness, member
from tests.conftest import BASE_CONFIG, START

pytestmark = pytest.mark.backends

BROKEN = MemberRef(platform="console", user_id="zoe", display_name="Zo\ud800e")


def test_a_lone_surrogate_becomes_a_replacement_and_a_split_pair_joins() -> None:
    assert clean_text("a\ud800b") == "a\ufffdb"
    assert clean_text("\ud83d\ude00") == "😀"  # a pair that came as two halves
    assert clean_text("nul\x00here") == "nulhere"
    plain = "nothing to clean: ÿ 😀"
    assert clean_text(plain) is plain


def test_an_event_is_cleaned_in_every_text_nested_too_and_kept_when_whole() -> None:
    origin = Origin(platform="console", room="console", thread="t\x00")
    ascii_nul = CommandReceived(
        origin=origin, member=BROKEN, name="respond", args="1 only ASCII, and a NUL\x00"
    )
    cleaned = well_formed(ascii_nul)
    assert cleaned.args == "1 only ASCII, and a NUL"
    assert cleaned.origin.thread == "t"
    assert cleaned.member.display_name == "Zo\ufffde"
    whole = CommandReceived(
        origin=Origin(platform="console", room="console"),
        member=MemberRef(platform="console", user_id="ana", display_name="Ána 😀"),
        name="respond",
        args="1 plain ASCII",
    )
    assert well_formed(whole) is whole


async def test_a_member_with_a_lone_surrogate_in_the_name_is_served(
    write_config: Callable[[str], Path],
) -> None:
    h = await make_harness(write_config(BASE_CONFIG), start=START)
    try:
        assert "`join`" in await h.command("help", member=BROKEN)
        assert "Welcome" in await h.command("join", member=BROKEN)
        stored = await h.storage.find_member("console", "zoe")
        assert stored is not None and stored.display_name == "Zo\ufffde"
    finally:
        await h.close()


async def test_a_response_with_a_lone_surrogate_or_a_nul_is_saved(
    write_config: Callable[[str], Path],
) -> None:
    h = await make_harness(write_config(BASE_CONFIG), start=START)
    try:
        await h.command("join", member=BROKEN)
        await h.advance(timedelta(days=1, hours=6))  # the session opens
        reply = await h.command("respond 1 half \ud83d of a pair\x00, then \ud800", member=BROKEN)
        assert "Saved your response to prompt 1" in reply
        mine = await h.command("mine", member=BROKEN)
        assert "half \ufffd of a pair, then \ufffd" in mine
        prompt = next(p for p in h.platform.posts("prompt") if p.message.prompt_number == 2)
        assert prompt.posted is not None
        ack = await h.reply_to(
            prompt.posted.message_id, "by reply \udc80", member=member("ana"), own_id="r1"
        )
        assert "Saved your response to prompt 2" in ack
    finally:
        await h.close()
