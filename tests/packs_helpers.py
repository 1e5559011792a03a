"""Making packs for tests: a small valid pack, built, signed and tampered with on demand."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from bot.cli.main import main

READING = """\
id: {reading}
title: "{title}"
author: Study Circle tests
sections:
  - id: opening
    title: Where We Begin
    body: A first page, short enough to read on the bus.
    prompts:
      - What brought you here?
  - id: closing
    title: Where We Go Next
    body: The last page asks what comes next.
    prompts:
      - What will you do differently?
"""

PACK = """\
id: {pack_id}
title: "{title}"
version: {version}
summary: A two-session course for testing packs.
languages: [en]
license: CC-BY-4.0
authors: [Study Circle tests]
topics: [testing]
readings:
  - readings/{reading}.yaml
suggested:
  cadence: weekly
  session_length: 90m
notes:
  - reading: {reading}
    section: opening
    opening: Ask everyone for one sentence about why they came.
    watch_for: Somebody who has not spoken by half time.
    closing_question: What surprised you tonight?
"""


def make_pack(
    where: Path,
    pack_id: str = "pack-p",
    version: str = "1.0.0",
    *,
    reading: str = "reading-p",
    title: str = "Pack P",
    extra: str = "",
) -> Path:
    """A valid pack folder at `where`; returns it."""
    (where / "readings").mkdir(parents=True, exist_ok=True)
    (where / "readings" / f"{reading}.yaml").write_text(
        READING.format(reading=reading, title=f"{title}: the reading"), encoding="utf-8"
    )
    text = PACK.format(pack_id=pack_id, version=version, reading=reading, title=title)
    (where / "pack.yaml").write_text(text + textwrap.dedent(extra), encoding="utf-8")
    return where


def run(*argv: str) -> int:
    return main(list(argv))


def ssh_key(where: Path, name: str = "publisher") -> tuple[Path, Path]:
    """A throwaway ed25519 key and an allowed_signers file trusting it."""
    key = where / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    public = (where / f"{name}.pub").read_text(encoding="utf-8").split()
    signers = where / f"{name}.allowed_signers"
    signers.write_text(f"{name}@example.org {public[0]} {public[1]}\n", encoding="utf-8")
    return key, signers
