"""A group runs a curriculum pack (issue 16, item 3): `curriculum: ID@VERSION` instead of
`readings:`, the pack's facilitator notes sent to the admins before each session and in their
digest (never in the room), and a version upgrade mid-course that posts nothing twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.load import ConfigError, load_config
from bot.testing import make_harness, member
from tests.conftest import BASE_CONFIG, START
from tests.packs_helpers import make_pack, run

ANA, BEA = member("Ana"), member("Bea")
PACKED = BASE_CONFIG.replace("reading: three-parts", "curriculum: pack-p@1.0.0")


def install(tmp_path: Path, version: str = "1.0.0", **kw: str) -> None:
    folder = make_pack(tmp_path / f"src-{version}", version=version, **kw)
    out = tmp_path / f"pack-p-{version}.tar.gz"
    assert run("pack", "build", str(folder), "--out", str(out)) == 0
    assert run("pack", "install", str(out), "--config", str(tmp_path / "config.yaml")) == 0


def test_a_group_reads_an_installed_pack(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    path = write_config(PACKED)
    install(tmp_path)
    config = load_config(path)
    group = config.groups[0]
    assert group.pack is not None and group.pack.ref == "pack-p@1.0.0"
    assert [r.id for r in group.course.readings] == ["reading-p"]
    assert "reading-p" in config.readings_for(group)
    assert "reading-p" not in config.readings  # the readings folder is untouched


def test_a_pack_not_installed_is_a_located_problem(write_config: Callable[[str], Path]) -> None:
    path = write_config(PACKED)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "curriculum:" in t)
    assert (problem.line, problem.column) == (line, 5)
    assert problem.message.startswith(
        "curriculum pack-p@1.0.0: no pack 'pack-p' is installed; install it with "
        "`studybot pack install`"
    )


def test_curriculum_and_readings_together_is_a_located_problem(
    write_config: Callable[[str], Path],
) -> None:
    both = PACKED.replace("    start:", "    readings: [three-parts]\n    start:")
    path = write_config(both)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert problem.line == next(
        i for i, t in enumerate(path.read_text().splitlines(), 1) if "- id: readers" in t
    )
    assert "reads either a pack (`curriculum:`) or `readings:`, not both" in problem.message


def test_a_curriculum_without_a_version_is_a_located_problem(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config(PACKED.replace("pack-p@1.0.0", "pack-p"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "should name a pack and its version, like first-steps@1.0.0" in str(caught.value)


async def test_facilitator_notes_reach_the_admins_before_the_session_never_the_room(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    path = write_config(PACKED)
    install(tmp_path)
    h = await make_harness(path, start=START)
    try:
        # the first session is Tuesday 1 December at 19:00 Berlin; notes go 24 hours before
        await h.advance(timedelta(hours=5))
        assert not [s for s in h.platform.dms("ana") if "Facilitator" in (s.message.title or "")]
        await h.advance(timedelta(hours=1, minutes=1))
        notes = [s for s in h.platform.dms("ana") if "Facilitator" in (s.message.title or "")]
        assert len(notes) == 1
        body = notes[0].message.body
        assert "**Where We Begin**" in body
        assert "How to open: Ask everyone for one sentence about why they came." in body
        assert "A closing question: What surprised you tonight?" in body
        assert "Suggested length: 90m" in body
        everywhere_else = [s for s in h.platform.sent if not s.where.startswith("dm:ana")]
        assert not any("Ask everyone for one sentence" in s.message.body for s in everywhere_else)
        # the session opens with the pack's first section, and the digest carries the notes
        # for the next one (there are none for `closing`, so none)
        await h.advance(timedelta(days=1))
        assert any("Where We Begin" in (s.message.title or "") for s in h.platform.posts())
        await h.command("join", member=BEA)
        await h.advance(timedelta(days=6, hours=1))
        again = [s for s in h.platform.dms("ana") if "Facilitator" in (s.message.title or "")]
        assert len(again) == 1  # nothing to say about `closing`, so nothing sent
    finally:
        await h.close()


async def test_the_digest_carries_the_next_sessions_notes(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    extra = (
        "  - reading: reading-p\n"
        "    section: closing\n"
        "    closing_question: What will you carry into next month?\n"
    )
    path = write_config(PACKED)
    folder = make_pack(tmp_path / "src")
    text = (folder / "pack.yaml").read_text().rstrip("\n") + "\n" + extra
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    assert run("pack", "build", str(folder), "--out", str(tmp_path / "p.tar.gz")) == 0
    assert run("pack", "install", str(tmp_path / "p.tar.gz"), "--config", str(path)) == 0
    h = await make_harness(path, start=START)
    try:
        await h.advance(timedelta(days=1, hours=7))  # session 1 is open
        await h.advance(timedelta(days=6))  # and closed: the digest goes out
        digests = [s for s in h.platform.dms("ana") if (s.message.title or "").startswith("Digest")]
        assert digests
        body = digests[0].message.body
        assert "**Facilitator notes for next time**" in body
        assert "A closing question: What will you carry into next month?" in body
    finally:
        await h.close()


async def test_upgrading_the_pack_mid_course_posts_nothing_twice(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    path = write_config(PACKED)
    install(tmp_path)
    storage = str(tmp_path / "course.db")
    h = await make_harness(path, start=START, storage_path=storage)
    try:
        await h.advance(timedelta(days=1, hours=7))
        first = [s.message.title for s in h.platform.posts("section")]
        assert any("Where We Begin" in (t or "") for t in first)
    finally:
        await h.close()
    # v1.1.0 adds a section between the two; the group moves to it
    newer = make_pack(tmp_path / "src-1.1.0", version="1.1.0")
    reading = newer / "readings" / "reading-p.yaml"
    reading.write_text(
        reading.read_text().replace(
            "  - id: closing\n",
            "  - id: middle\n    title: In The Middle\n    body: A new page.\n"
            "    prompts: [What changed?]\n  - id: closing\n",
        ),
        encoding="utf-8",
    )
    assert run("pack", "build", str(newer), "--out", str(tmp_path / "p11.tar.gz")) == 0
    assert run("pack", "install", str(tmp_path / "p11.tar.gz"), "--config", str(path)) == 0
    path.write_text(path.read_text().replace("pack-p@1.0.0", "pack-p@1.1.0"), encoding="utf-8")
    h = await make_harness(path, start=START + timedelta(days=1, hours=7), storage_path=storage)
    try:
        await h.advance(timedelta(days=30))
        titles = [s.message.title or "" for s in h.platform.posts("section")]
        assert not any("Where We Begin" in t for t in titles)  # not posted again
        assert [t for t in titles if "In The Middle" in t or "Where We Go Next" in t]
        assert titles.index(next(t for t in titles if "In The Middle" in t)) < titles.index(
            next(t for t in titles if "Where We Go Next" in t)
        )
    finally:
        await h.close()
