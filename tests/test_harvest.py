"""Passing on what a group learned (issue 16): `respond --public`, `pack harvest` proposing
the next version with those responses as lessons, the admin's `pack approve`, forget-me
reaching into harvests not yet approved, and public responses outliving `expire_after`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.exports.exporting import export_rows
from bot.exports.harvesting import harvest
from bot.packs.files import Refused
from bot.packs.harvest import PROPOSAL, approve
from bot.packs.model import load_pack
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START
from tests.packs_helpers import make_pack, run

pytestmark = pytest.mark.backends

ANA, BEA, CY = member("Ana"), member("Bea"), member("Cy")
PACKED = BASE_CONFIG.replace("reading: three-parts", "curriculum: pack-p@1.0.0")
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # session 1, Tue 19:00 in Berlin
NOW = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)

Starter = Callable[..., Awaitable[Harness]]


def install_pack(tmp_path: Path) -> None:
    """Pack P 1.0.0 whose first section asks a named and an anonymous question."""
    folder = make_pack(tmp_path / "src")
    reading = folder / "readings" / "reading-p.yaml"
    reading.write_text(
        reading.read_text().replace(
            "      - What brought you here?\n",
            "      - What brought you here?\n"
            "      - {text: What are you afraid of losing?, anonymous: true}\n",
        ),
        encoding="utf-8",
    )
    assert run("pack", "build", str(folder), "--out", str(tmp_path / "p.tar.gz")) == 0
    assert run("pack", "install", str(tmp_path / "p.tar.gz"), "--config", str(tmp_path / "config.yaml")) == 0  # fmt: skip


@pytest.fixture
async def start_with(tmp_path: Path, write_config: Callable[[str], Path]) -> AsyncIterator[Starter]:
    made: list[Harness] = []

    async def start(extra: str = "") -> Harness:
        text = PACKED
        if extra:
            text = text.replace("    admins: [ana]\n", f"    admins: [ana]\n    {extra}\n")
        path = write_config(text)
        install_pack(tmp_path)
        h = await make_harness(path, start=START)
        made.append(h)
        return h

    yield start
    for h in made:
        await h.close()


async def session_one_answered(h: Harness) -> None:
    """Session 1 open; Ana answers in public, Bea shares with the group only, Cy keeps hers
    private, and Bea answers the anonymous prompt in public."""
    await h.advance_to(OPENS + timedelta(minutes=1))
    for who in (ANA, BEA, CY):
        await h.command("join", member=who)
    said = await h.command("respond 1 --public The history made me come.", member=ANA)
    assert "beyond it" in said and "if an admin approves" in said
    await h.command("respond 1 --shared Only for us.", member=BEA)
    await h.command("respond 1 --private Mine alone.", member=CY)
    said = await h.command("respond 2 --public Losing the archive.", member=BEA, direct=True)
    assert "anonymous" in said and "beyond it" in said


async def test_respond_public_is_stored_and_both_private_and_public_is_refused(
    start_with: Starter,
) -> None:
    h = await start_with()
    await session_one_answered(h)
    said = await h.command("respond 1 --private --public Which one?", member=ANA)
    assert said.startswith("A response cannot be private and public at once; nothing was saved.")
    public = await h.storage.public_responses("readers")
    assert sorted(r.text for _, r, _ in public) == [
        "Losing the archive.",
        "The history made me come.",
    ]
    # replacing the text keeps the member's choice; --shared takes it back
    await h.command("respond 1 Still the history.", member=ANA)
    assert "Still the history." in [
        r.text for _, r, _ in await h.storage.public_responses("readers")
    ]
    await h.command("respond 1 --shared Still the history.", member=ANA)
    assert [r.text for _, r, _ in await h.storage.public_responses("readers")] == [
        "Losing the archive."
    ]


async def test_harvest_proposes_the_next_version_with_public_responses_as_lessons(
    start_with: Starter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = await start_with()
    await session_one_answered(h)
    await h.advance_to(OPENS + timedelta(days=8))  # session 2 opened; nobody answers it
    group = h.config.groups[0]
    out = (tmp_path / "proposal").resolve()
    proposal = await harvest(h.storage, group, out, NOW)
    pack = proposal.pack
    assert pack.ref == "pack-p@1.1.0"
    assert pack.forked_from is None  # the same pack, one version on: its lineage as it was
    assert pack.notes == load_pack(group.pack.path).notes if group.pack else False
    lessons = {lesson.text: lesson for lesson in pack.lessons}
    assert set(lessons) == {"The history made me come.", "Losing the archive."}
    assert lessons["The history made me come."].credit == "Ana"
    assert lessons["The history made me come."].section == "opening"
    assert lessons["The history made me come."].prompt == "What brought you here?"
    assert lessons["Losing the archive."].credit is None  # anonymous: no name
    report = (out / PROPOSAL).read_text(encoding="utf-8")
    assert "## Prompts nobody answered" in report
    assert "- session 2 (reading-p/closing): What will you do differently?" in report
    assert "The history" not in report  # no member's words outside pack.yaml
    assert run("pack", "check", str(out)) == 0
    assert "It is a harvest waiting for approval" in " ".join(capsys.readouterr().out.split())
    # nothing leaves without the admin's yes: build refuses the proposal
    assert run("pack", "build", str(out), "--out", str(tmp_path / "p11.tar.gz")) == 1
    assert "is a harvest not yet approved; nothing was built" in capsys.readouterr().err
    assert not (tmp_path / "p11.tar.gz").exists()
    approved, sha = approve(out)
    assert approved.ref == "pack-p@1.1.0" and len(sha) == 64
    assert not (out / PROPOSAL).exists() and (out / "MANIFEST").is_file()
    assert run("pack", "build", str(out), "--out", str(tmp_path / "p11.tar.gz")) == 0
    with pytest.raises(Refused, match="is not a harvest waiting for approval"):
        approve(out)


async def test_forget_me_takes_a_members_words_out_of_harvests_not_yet_approved(
    start_with: Starter, tmp_path: Path
) -> None:
    h = await start_with()
    await session_one_answered(h)
    group = h.config.groups[0]
    pending = (tmp_path / "pending").resolve()
    done = (tmp_path / "done").resolve()
    await harvest(h.storage, group, pending, NOW)
    approved = await harvest(h.storage, group, done, NOW)
    harvest_id = await h.storage.pending_harvest(str(done))
    assert harvest_id is not None
    approve(done)
    await h.storage.approve_harvest(harvest_id, NOW)
    said = await h.command("forget-me confirm", member=BEA, direct=True)
    assert "1 lesson from a pack proposed but not yet approved" in said
    assert [x.text for x in load_pack(pending).lessons] == ["The history made me come."]
    # the approved one is the admin's now, as it was approved
    assert {x.text for x in load_pack(done).lessons} == {x.text for x in approved.pack.lessons}
    said = await h.command("forget-me confirm", member=ANA, direct=True)
    assert "1 lesson from a pack" in said
    assert load_pack(pending).lessons == ()


async def test_public_responses_outlive_expire_after_in_exports_and_the_archive(
    start_with: Starter,
) -> None:
    from bot.exports.archive import collect

    h = await start_with("expire_after: 14d")
    await session_one_answered(h)
    group = h.config.groups[0]
    await h.advance_to(OPENS + timedelta(days=6 + 14, minutes=2))
    assert (await h.storage.sessions("readers"))[0].expired_at is not None
    rows = await export_rows(h.storage, group)
    assert sorted((r.member, r.response) for r in rows) == [
        ("Ana", "The history made me come."),
        ("anonymous", "Losing the archive."),
    ]
    site = await collect(h.storage, group, NOW)
    shown = [(r.author, r.text) for p in site.sessions[0].prompts for r in p.responses]
    assert sorted(shown, key=str) == sorted(
        [("Ana", "The history made me come."), (None, "Losing the archive.")], key=str
    )


async def test_privacy_minimal_keeps_only_the_public_responses_when_the_discussion_expires(
    start_with: Starter,
) -> None:
    h = await start_with("privacy: minimal\n    retention_days: 365")
    await session_one_answered(h)
    assert await h.storage.count("responses") == 4
    await h.advance_to(OPENS + timedelta(days=6 + 14, minutes=2))
    rows = await export_rows(h.storage, h.config.groups[0])
    # minimal makes every prompt anonymous: what outlives the discussion carries no name
    assert sorted((r.member, r.response) for r in rows) == [
        ("anonymous", "Losing the archive."),
        ("anonymous", "The history made me come."),
    ]
    assert await h.storage.count("responses") == 2


async def test_a_harvest_refuses_a_used_folder_and_a_group_without_a_pack(
    start_with: Starter, tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    h = await start_with()
    group = h.config.groups[0]
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Refused, match="is not an empty folder; harvest into a new folder"):
        await harvest(h.storage, group, used.resolve(), NOW)
    assert sorted(p.name for p in used.iterdir()) == ["notes.txt"]
    plain = await make_harness(write_config(BASE_CONFIG), start=START)
    try:
        with pytest.raises(Refused, match="reads no pack"):
            await harvest(plain.storage, plain.config.groups[0], (tmp_path / "x").resolve(), NOW)
    finally:
        await plain.close()
    assert not (tmp_path / "x").exists()
