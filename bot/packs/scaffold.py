"""`studybot pack new`: a pack folder to fill in, which `pack check` accepts as it stands."""

from __future__ import annotations

from pathlib import Path

from bot.core.i18n import N_
from bot.packs.files import Refused

_PACK_YAML = """\
# A curriculum pack: a course other groups can run, improve and pass on.
# `studybot pack check {folder}` says what is wrong, with the line; `pack build` makes the file.
id: {pack_id}
title: "{title}"
version: 1.0.0
summary: >
  One or two sentences on what the course is about and who it is for.
languages: [en]
# under which terms others may use, change and share the pack (an SPDX id); required to build
license: CC-BY-SA-4.0
authors: ["Your name or your group's"]
topics: [study]
# the readings in the order a group reads them (the readings format of `readings/`)
readings:
  - readings/{pack_id}.yaml
suggested:
  cadence: weekly
  session_length: 90m
# for the admins only, sent before each session: how to open, what to watch for, how to close
notes:
  - reading: {pack_id}
    section: opening
    opening: Go round the room; everyone says in one sentence what brought them here.
    watch_for: Quiet members; ask them directly, kindly, once.
    closing_question: What would you tell a friend about this session?
# what earlier groups learned, as short excerpts (`pack harvest` proposes them)
lessons: []
"""

_READING_YAML = """\
id: {pack_id}
title: "{title}"
author: ""
sections:
  - id: opening
    title: Where we start
    body: |
      Write the first section here, or point to a file with `file: texts/opening.md`.
    prompts:
      - What do you hope to take from this course?
"""


def new_pack(folder: Path) -> Path:
    """Write a starting pack into `folder` (new or empty); returns its pack.yaml."""
    if folder.exists() and any(folder.iterdir()):
        raise Refused(
            N_("{folder} is not empty; give a new folder for the pack"), folder=str(folder)
        )
    pack_id = _slug(folder.resolve().name)
    title = pack_id.replace("-", " ").capitalize()
    (folder / "readings").mkdir(parents=True, exist_ok=True)
    values = {"pack_id": pack_id, "title": title, "folder": folder}
    (folder / "readings" / f"{pack_id}.yaml").write_text(
        _READING_YAML.format(**values), encoding="utf-8"
    )
    path = folder / "pack.yaml"
    path.write_text(_PACK_YAML.format(**values), encoding="utf-8")
    return path


def _slug(text: str) -> str:
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64]
    return slug or "my-pack"
