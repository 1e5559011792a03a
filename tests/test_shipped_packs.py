"""The packs we ship (issue 16): each passes `pack check`, carries a facilitator note for every
session, verifies against its MANIFEST, and holds the very reading that readings/ holds."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from bot.packs.manifest import verify_manifest
from bot.packs.model import load_pack, publish_problems, untranslated_notes
from bot.readings.model import load_reading
from tests.packs_helpers import run

ROOT = Path(__file__).resolve().parent.parent
PACKS = ROOT / "packs"
SHIPPED = ("coup-in-bolivia", "first-steps")
RESYNC = "run `python packs/sync.py` to copy readings/ into the shipped packs"


def _sync_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("packs_sync", PACKS / "sync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_a_shipped_pack_passes_pack_check(pack_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("pack", "check", str(PACKS / pack_id)) == 0
    said = capsys.readouterr().out
    assert f"{pack_id}@1.0.0 is valid" in said and "Before you build it" not in said
    pack = load_pack(PACKS / pack_id)
    assert publish_problems(pack) == []
    sections = [(r.id, s.id) for r in pack.readings for s in r.sections]
    assert [(n.reading, n.section) for n in pack.notes] == sections  # a note for every session
    assert all(n.opening and n.watch_for and n.closing_question for n in pack.notes)


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_a_shipped_packs_reading_is_the_one_in_readings(pack_id: str) -> None:
    copy = PACKS / pack_id / "readings" / f"{pack_id}.yaml"
    original = ROOT / "readings" / f"{pack_id}.yaml"
    assert copy.read_bytes() == original.read_bytes(), f"{copy} differs from {original}: {RESYNC}"
    pack = load_pack(PACKS / pack_id)
    languages = _sync_module().languages_of(load_reading(original, ROOT / "readings"))
    assert list(pack.languages) == languages, f"the pack's languages are stale: {RESYNC}"
    try:
        verify_manifest(PACKS / pack_id)
    except Exception as exc:
        raise AssertionError(f"{pack_id}'s MANIFEST does not match ({exc}): {RESYNC}") from None


def test_the_shipped_packs_go_into_the_sdist() -> None:
    text = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "graft packs" in text and "graft readings" in text


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_every_shipped_note_speaks_each_language_the_pack_lists(pack_id: str) -> None:
    pack = load_pack(PACKS / pack_id)
    assert untranslated_notes(pack) == []
    for code in (c for c in pack.languages if c != "en"):
        for note in pack.notes:
            key = note.language_for(code)
            assert key is not None, f"{note.reading}/{note.section} has no {code} note"
            text = dict(note.translations)[key]
            # every part written in the language, none left to fall back on the English
            for part in ("opening", "watch_for", "closing_question"):
                said = getattr(text, part)
                assert said and said != getattr(note, part), (note.section, code, part)
