"""A short reading in English with a Spanish translation, for the tests of who reads which
language (the core, the console, Discord, Matrix)."""

from __future__ import annotations

from pathlib import Path

READING_ID = "two-tongues"

READING = """\
id: two-tongues
title: Meeting Again
author: Study Circle
titles:
  es: Volver a encontrarnos
sections:
  - id: one
    title: The Fixed Hour
    body: Groups keep going when they meet at a fixed hour.
    prompts:
      - What keeps you coming back?
      - What would you change?
    translations:
      es:
        title: La hora fija
        body: Los grupos siguen adelante cuando se juntan siempre a la misma hora.
        prompts:
          - ¿Qué te hace volver?
          - ¿Qué cambiarías?
  - id: two
    title: Short Is Fine
    body: A short section gets read.
    prompts:
      - Is short better?
    translations:
      es:
        title: Lo corto también sirve
        body: Una sección corta se lee.
        prompts:
          - ¿Es mejor lo corto?
"""

# what each language shows of the first session
ENGLISH = ("The Fixed Hour", "fixed hour", "What keeps you coming back?", "What would you change?")
SPANISH = ("La hora fija", "misma hora", "¿Qué te hace volver?", "¿Qué cambiarías?")


def write_reading(readings_dir: Path) -> Path:
    readings_dir.mkdir(parents=True, exist_ok=True)
    path = readings_dir / f"{READING_ID}.yaml"
    path.write_text(READING, encoding="utf-8")
    return path


def group_config(*, platform: str = "console", language: str = "en", extra: str = "") -> str:
    """A group reading the bilingual text, its first session on Tuesday 1 December 2026."""
    return f"""
storage: data/test.db
readings_dir: readings
groups:
  - id: readers
    name: Readers
    platform: {platform}
    timezone: Europe/Berlin
    reading: {READING_ID}
    language: {language}
    start: 2026-12-01
    cadence: {{weekly: [tue], at: "19:00"}}
    reminders: [24h]
    respond_for: 6d
    admins: [ana]
{extra}"""
