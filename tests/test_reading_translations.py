"""Readings in several languages: the loader's problems, and who reads which text (the room
the group's language, a member their own), with responses pooled across languages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config.load import load_config
from bot.core.messages import MessageKind
from bot.readings.model import ReadingError, load_reading
from bot.testing import Harness, make_harness, member
from tests.bilingual import ENGLISH, SPANISH, group_config, write_reading
from tests.conftest import START

ANA = member("Ana")
BEA = member("Bea")


# -- the loader ---------------------------------------------------------------------------------

TRANSLATED = """\
id: tr
title: T
sections:
  - id: one
    title: One
    body: Text.
    prompts:
      - First?
      - Second?
    translations:
{translation}
"""


def _problems(tmp_path: Path, translation: str, *, titles: str = "") -> list[str]:
    path = tmp_path / "tr.yaml"
    text = TRANSLATED.format(translation=translation)
    if titles:
        text = text.replace("title: T\n", f"title: T\n{titles}\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadingError) as caught:
        load_reading(path, tmp_path)
    return [p.render() for p in caught.value.problems]


def test_a_translation_in_an_unknown_language_is_a_located_problem(tmp_path: Path) -> None:
    translation = """\
      spanish:
        title: Uno
        body: Texto.
        prompts: ["¿Primero?", "¿Segundo?"]"""
    [problem] = _problems(tmp_path, translation)
    assert "tr.yaml:11" in problem  # the line of `spanish:`
    assert "'spanish'" in problem and "did you mean 'es'" in problem
    assert "en, es, pt_BR" in problem


def test_reading_titles_in_an_unknown_language_are_a_located_problem(tmp_path: Path) -> None:
    good = """\
      es:
        title: Uno
        body: Texto.
        prompts: ["¿Primero?", "¿Segundo?"]"""
    [problem] = _problems(tmp_path, good, titles="titles:\n  xx: Equis")
    assert "tr.yaml:4" in problem and "a title in 'xx'" in problem


@pytest.mark.parametrize(
    "prompts", ['["¿Primero?"]', '["¿Primero?", "¿Segundo?", "¿Tercero?"]', "[]"]
)
def test_a_translation_with_another_number_of_prompts_is_a_located_problem(
    tmp_path: Path, prompts: str
) -> None:
    translation = f"""\
      es:
        title: Uno
        body: Texto.
        prompts: {prompts}"""
    [problem] = _problems(tmp_path, translation)
    assert "tr.yaml:14" in problem  # the line of the translation's prompts
    assert "'es' translation of section 'one'" in problem
    assert "the section 2" in problem and "same order" in problem


def test_every_problem_of_a_reading_is_reported_together(tmp_path: Path) -> None:
    translation = """\
      fr-xx:
        title: Un
        body: Texte.
        prompts: ["Premier ?", "Second ?"]
      pt_BR:
        title: Um
        body: Texto.
        prompts: ["Primeiro?"]"""
    problems = _problems(tmp_path, translation)
    assert len(problems) == 2
    assert "'fr-xx'" in problems[0] and "'pt_BR' translation" in problems[1]


def test_a_complete_translation_loads_under_its_language(tmp_path: Path) -> None:
    reading = load_reading(write_reading(tmp_path), tmp_path)
    assert reading.title_in("es") == "Volver a encontrarnos"
    first = reading.sections[0]
    assert first.languages == ("es",)
    shown = first.in_language("es-419")
    assert (shown.title, shown.prompts[0]) == ("La hora fija", "¿Qué te hace volver?")
    assert first.in_language("pt_BR") == first  # no Portuguese: the original


# -- who reads which ----------------------------------------------------------------------------


@pytest.fixture
def bilingual(write_config: Callable[[str], Path]) -> Callable[..., Path]:
    def write(**options: str) -> Path:
        path = write_config(group_config(**options))
        write_reading(path.parent / "readings")
        return path

    return write


@pytest.fixture
async def english_group(bilingual: Callable[..., Path]) -> AsyncIterator[Harness]:
    h = await make_harness(bilingual(), start=START)
    yield h
    await h.close()


@pytest.fixture
async def spanish_group(bilingual: Callable[..., Path]) -> AsyncIterator[Harness]:
    h = await make_harness(bilingual(language="es"), start=START)
    yield h
    await h.close()


def _room_text(h: Harness) -> str:
    return "\n".join(f"{s.message.title or ''}\n{s.message.body}" for s in h.platform.posts())


async def _open_first_session(h: Harness) -> None:
    await h.advance(timedelta(days=1, hours=7))  # past the 24 h reminder and the opening


async def test_an_english_group_with_a_member_who_reads_spanish(english_group: Harness) -> None:
    h = english_group
    await h.command("join", member=ANA)
    await h.command("reminders on", member=ANA)
    await h.command("language es", member=BEA)
    await h.command("join", member=BEA)
    await h.command("reminders on", member=BEA)
    await _open_first_session(h)

    room = _room_text(h)
    assert all(text in room for text in ENGLISH)
    assert not any(text in room for text in SPANISH)
    # the reminder by DM: each member in their own language
    [to_bea] = [s.message for s in h.platform.dms("bea") if s.message.kind == MessageKind.REMINDER]
    [to_ana] = [s.message for s in h.platform.dms("ana") if s.message.kind == MessageKind.REMINDER]
    assert "“La hora fija”" in to_bea.body and "Volver a encontrarnos" in to_bea.body
    assert "“The Fixed Hour”" in to_ana.body and "Meeting Again" in to_ana.body

    now = await h.command("now", member=BEA)
    assert all(text in now for text in SPANISH)
    assert "What keeps you coming back?" not in now
    assert "What keeps you coming back?" in await h.command("now", member=ANA)
    assert "Lo corto también sirve" in await h.command("schedule", member=BEA)  # session 2
    assert "Short Is Fine" in await h.command("schedule", member=ANA)

    # one prompt, two languages, one pool of answers
    await h.command("respond 1 Meeting at the same time.", member=ANA)
    await h.command("respond 1 Que nos esperan.", member=BEA)
    session = await h.storage.open_session("readers")
    assert session is not None
    rows = await h.storage.session_responses(session.id)
    assert sorted(r.prompt for r, _ in rows) == [1, 1]
    stored = await h.storage.prompts(session.id)
    assert [p.text for p in stored] == ["What keeps you coming back?", "What would you change?"]

    await h.advance(timedelta(days=6, hours=1))  # the session closes
    [summary] = h.platform.posts(MessageKind.SUMMARY)
    assert "**1. What keeps you coming back?** — 2 responses" in summary.message.body


async def test_a_spanish_group_with_a_member_who_reads_english(spanish_group: Harness) -> None:
    h = spanish_group
    await h.command("language en", member=ANA)
    await h.command("join", member=ANA)
    await h.command("join", member=BEA)
    await _open_first_session(h)

    room = _room_text(h)
    assert all(text in room for text in SPANISH)
    assert "Volver a encontrarnos" in room
    assert not any(text in room for text in ENGLISH)
    prompts = h.platform.posts(MessageKind.PROMPT)
    assert [p.message.prompt_number for p in prompts] == [1, 2]
    assert "¿Qué te hace volver?" in prompts[0].message.body
    assert "¿Qué cambiarías?" in prompts[1].message.body

    now = await h.command("now", member=ANA)
    assert all(text in now for text in ENGLISH) and "¿Qué" not in now
    to_bea = await h.command("now", member=BEA)
    assert all(text in to_bea for text in SPANISH)

    # a reply to the Spanish prompt and a `respond` by an English reader: the same prompt
    first = prompts[0].posted
    assert first is not None
    await h.reply_to(first.message_id, "Las ganas de hablar.", member=BEA, own_id="bea-1")
    await h.command("respond 1 The company.", member=ANA)
    await h.advance(timedelta(days=6, hours=1))
    [summary] = h.platform.posts(MessageKind.SUMMARY)
    assert "¿Qué te hace volver?" in summary.message.body
    assert "What keeps you coming back?" not in summary.message.body


async def test_a_reading_edited_after_the_session_opened_keeps_the_stored_prompt(
    bilingual: Callable[..., Path],
) -> None:
    path = bilingual(language="es")
    h = await make_harness(path, start=START)
    h.circle.reloader = lambda: asyncio.to_thread(load_config, path)
    try:
        await _open_first_session(h)
        readings = path.parent / "readings" / "two-tongues.yaml"
        edited = readings.read_text(encoding="utf-8")
        readings.write_text(edited.replace("What would you change?", "Who else?"), "utf-8")
        await h.command("reload", member=ANA)
        now = await h.command("now", member=member("Cy"))
        # prompt 2 of the session is no longer prompt 2 of the reading: its stored words stay
        # rather than the translation of another question; prompt 1 is still translated
        assert "1. ¿Qué te hace volver?" in now
        assert "2. What would you change?" in now
    finally:
        await h.close()


async def test_the_archive_of_a_spanish_group_reads_as_its_room_did(
    spanish_group: Harness, tmp_path: Path
) -> None:
    from bot.exports.archive import build_archive

    h = spanish_group
    await h.command("join", member=BEA)
    await _open_first_session(h)
    await h.command("respond 1 Las ganas de hablar.", member=BEA)
    await h.advance(timedelta(days=6, hours=1))  # closed, with its summary
    group = h.config.group("readers")
    assert group is not None
    await build_archive(h.storage, group, tmp_path / "site", h.clock.now())
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "site").glob("*.html")}
    session = pages["session-1.html"]
    assert "La hora fija" in session and "¿Qué te hace volver?" in session
    assert "Las ganas de hablar." in session
    assert "The Fixed Hour" not in session and "What keeps you coming back?" not in session
    assert "Volver a encontrarnos" in pages["index.html"]
    assert "Lo corto también sirve" in pages["index.html"]  # the course's next section


async def test_anonymous_prompts_by_direct_message_in_the_members_language(
    bilingual: Callable[..., Path],
) -> None:
    """An anonymous group: a Spanish reader asks `now` and answers by DM (where nobody sees
    them answer); an English reader answers in the room; one pool, no names."""
    h = await make_harness(bilingual(extra="    anonymous: true\n"), start=START)
    try:
        await h.command("language es", member=BEA)
        await h.command("join", member=BEA)
        await h.command("join", member=ANA)
        await _open_first_session(h)
        now = await h.command("now", member=BEA, direct=True)
        assert "1. ¿Qué te hace volver?" in now and "What keeps" not in now
        saved = await h.command("respond 1 Que nadie me juzga.", member=BEA, direct=True)
        assert "anonymous" in saved or "anónim" in saved
        await h.command("respond 1 The quiet.", member=ANA)
        await h.advance(timedelta(days=6, hours=1))
        [summary] = h.platform.posts(MessageKind.SUMMARY)
        body = summary.message.body
        assert "**1. What keeps you coming back?** — 2 responses" in body
        assert "Bea" not in body and "Ana" not in body
    finally:
        await h.close()


async def test_a_spanish_room_quotes_the_spanish_it_read(bilingual: Callable[..., Path]) -> None:
    """Passages: members quote the words their room was shown; an edit of the reading that
    keeps those words elsewhere moves the note rather than orphaning it."""
    path = bilingual(language="es")
    h = await make_harness(path, start=START)
    h.circle.reloader = lambda: asyncio.to_thread(load_config, path)
    try:
        await h.command("join", member=BEA)
        await _open_first_session(h)
        said = await h.command('quote "misma hora" Eso me sirve', member=BEA)
        assert "note 1" in said.lower() or "nota 1" in said.lower()
        [post] = [s for s in h.platform.posts() if "Eso me sirve" in s.message.body]
        assert "misma hora" in post.message.body
        assert "misma hora" in await h.command("passages", member=member("Cy"))

        readings = path.parent / "readings" / "two-tongues.yaml"
        text = readings.read_text(encoding="utf-8")
        edited = text.replace(
            "body: Los grupos siguen adelante",
            "body: Un grupo es gente. Los grupos siguen adelante",
        )
        assert edited != text
        readings.write_text(edited, encoding="utf-8")
        await h.command("reload", member=ANA)
        mine = await h.command("mine", member=BEA)
        assert "Eso me sirve" in mine and "left the reading" not in mine
    finally:
        await h.close()


def test_the_calendar_of_a_spanish_group_names_the_spanish_sections(
    bilingual: Callable[..., Path],
) -> None:
    from bot.schedule.previewing import group_calendar_events

    config = load_config(bilingual(language="es"))
    [group] = config.groups
    events = group_calendar_events(group, START, START + timedelta(days=10))
    assert [e.summary for e in events] == [
        "Readers: La hora fija",
        "Readers: Lo corto también sirve",
    ]


async def test_an_admins_nudge_names_the_reading_in_each_members_language(
    english_group: Harness,
) -> None:
    h = english_group
    await h.command("language es", member=BEA)
    await h.command("join", member=BEA)
    await h.command("join", member=member("Cy"))
    await _open_first_session(h)
    await h.command("remind", member=ANA)
    [to_bea] = [
        s.message.body for s in h.platform.dms("bea") if s.message.kind is MessageKind.NUDGE
    ]
    [to_cy] = [s.message.body for s in h.platform.dms("cy") if s.message.kind is MessageKind.NUDGE]
    assert "*Volver a encontrarnos*" in to_bea and "*Meeting Again*" in to_cy
    assert "gentle nudge" in to_cy and "gentle nudge" not in to_bea  # all of it in her language


async def test_status_names_the_sections_in_the_asking_admins_language(
    spanish_group: Harness,
) -> None:
    h = spanish_group
    await _open_first_session(h)
    assert "La hora fija" in await h.command("status", member=ANA)  # the group's language
    await h.command("language en", member=ANA)
    status = await h.command("status", member=ANA)
    assert "The Fixed Hour" in status and "Short Is Fine" in status
    assert "La hora fija" not in status
