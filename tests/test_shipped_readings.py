"""Tests that the readings we ship load and keep to the promises made about them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.readings.model import load_reading, load_readings

READINGS = Path(__file__).resolve().parent.parent / "readings"
SHIPPED = sorted([*READINGS.glob("*.yaml"), *READINGS.glob("*.yml")])

BOLIVIA_TITLES = [
    "Introduction",
    "Role of US Government Disruption",
    "Lack of Popular Participation in Social Movements",
    "Mistakes of our Bolivian allies and Lessons for us",
    "1. The State as Armed Bodies of Men",
    "2. Importance of mobilizing and educating the people",
    "Corporate Media Disinformation and Building a People's Alternative",
    "Our Responsibility in the Imperial Core",
]


def test_readings_folder_loads_without_problems() -> None:
    readings, problems = load_readings(READINGS)
    assert problems == []
    assert {"coup-in-bolivia", "first-steps"} <= set(readings)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_reading_loads(path: Path) -> None:
    reading = load_reading(path, READINGS)
    assert reading.id == path.stem
    assert reading.sections
    for section in reading.sections:
        assert section.body.strip()
        assert section.prompts


def test_bolivia_study_guide() -> None:
    reading = load_reading(READINGS / "coup-in-bolivia.yaml", READINGS)
    assert [s.title for s in reading.sections] == BOLIVIA_TITLES
    assert reading.author == "Kevin Zeese and Margaret Flowers"
    assert reading.publication is not None and "Popular Resistance" in reading.publication
    assert reading.source == (
        "https://popularresistance.org/the-coup-in-bolivia-lessons-for-our-movement/"
    )
    assert "The Coup In Bolivia: Lessons For Our Movement" in reading.title
    for section in reading.sections:
        assert len(section.body.split()) <= 120, section.title
        assert 2 <= len(section.prompts) <= 3, section.title
        # Each summary sends members to the original section.
        assert section.body.splitlines()[-1].startswith("Read "), section.title
        assert "original" in section.body.splitlines()[-1], section.title


def test_first_steps_is_a_short_complete_reading() -> None:
    reading = load_reading(READINGS / "first-steps.yaml", READINGS)
    assert reading.id == "first-steps"
    assert len(reading.sections) == 3
    for section in reading.sections:
        assert 150 <= len(section.body.split()) <= 250, section.title
        assert len(section.prompts) == 2, section.title


# -- the translations we ship -------------------------------------------------------------------

# the languages each shipped reading promises, in every section
PROMISED = {"coup-in-bolivia": ("es", "pt_BR"), "first-steps": ("es", "pt_BR")}
# names a translation keeps as the English has them (the OAS is the OEA in Spanish)
NAMES = ("Morales", "Áñez", "Sacaba", "Senkata", "Engels", "Lenin", "MAS", "Washington")


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


@pytest.mark.parametrize("reading_id", sorted(PROMISED))
def test_shipped_translations_are_complete(reading_id: str) -> None:
    reading = load_reading(READINGS / f"{reading_id}.yaml", READINGS)
    for code in PROMISED[reading_id]:
        assert reading.title_in(code) != reading.title, (reading_id, code)
        for section in reading.sections:
            assert code in section.languages, (section.id, code)
            shown = section.in_language(code)
            assert shown.title != section.title and shown.body.strip(), (section.id, code)
            # the loader refuses another number of prompts; each one is translated too
            assert len(shown.prompts) == len(section.prompts), (section.id, code)
            assert not set(shown.prompts) & set(section.prompts), (section.id, code)
            # the same facts: every date and number, every name the English gives
            assert _numbers(shown.body) == _numbers(section.body), (section.id, code)
            for name in NAMES:
                assert (name in shown.body) == (name in section.body), (section.id, name)
    # nothing beyond what is promised: a half-done language is not shipped
    every = {code for section in reading.sections for code in section.languages}
    assert every == set(PROMISED[reading_id])


@pytest.mark.parametrize(
    ("code", "read", "oas"), [("es", "Lee ", "OEA"), ("pt_BR", "Leia ", "OEA")]
)
def test_the_translated_study_guide_keeps_the_guides_shape(code: str, read: str, oas: str) -> None:
    reading = load_reading(READINGS / "coup-in-bolivia.yaml", READINGS)
    assert "The Coup In Bolivia: Lessons For Our Movement" in reading.title_in(code)
    for section in reading.sections:
        shown = section.in_language(code)
        assert len(shown.body.split()) <= 130, section.id
        last = shown.body.splitlines()[-1]
        assert last.startswith(read) and "original" in last, section.id  # to the source
        if "OAS" in section.body:
            assert oas in shown.body, section.id


@pytest.mark.parametrize("code", ["es", "pt_BR"])
def test_first_steps_is_as_short_in_each_language(code: str) -> None:
    reading = load_reading(READINGS / "first-steps.yaml", READINGS)
    for section in reading.sections:
        assert 150 <= len(section.in_language(code).body.split()) <= 250, section.id
