"""Bring the shipped packs' readings up to date with the repository's readings/ folder.

Each pack here holds a copy of its reading (a pack is a folder of plain files that travels on
its own); this copies readings/ID.yaml into packs/ID/readings/, sets the pack's `languages`
to English and every language the reading has translations in, and writes its MANIFEST.
Run it from anywhere after changing a reading: `python packs/sync.py`; tests/test_shipped_packs.py
fails until you do.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.packs.editing import set_keys  # noqa: E402
from bot.packs.manifest import write_manifest  # noqa: E402
from bot.readings.model import Reading, load_reading  # noqa: E402

PACKS = ROOT / "packs"
READINGS = ROOT / "readings"
SHIPPED = ("coup-in-bolivia", "first-steps")


def languages_of(reading: Reading) -> list[str]:
    """English, then each language some section of the reading is translated into."""
    found = {code.replace("_", "-") for s in reading.sections for code in s.languages}
    return ["en", *sorted(found - {"en"})]


def sync(pack_id: str) -> Path:
    folder = PACKS / pack_id
    source = READINGS / f"{pack_id}.yaml"
    shutil.copyfile(source, folder / "readings" / source.name)
    reading = load_reading(source, READINGS)
    path = folder / "pack.yaml"
    text = set_keys(path.read_text(encoding="utf-8"), {"languages": languages_of(reading)})
    path.write_text(text, encoding="utf-8")
    write_manifest(folder)
    return folder


if __name__ == "__main__":
    for name in SHIPPED:
        print(f"synced {sync(name)}")
