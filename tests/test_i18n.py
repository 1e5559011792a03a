"""Languages: who reads which, plural forms, dates and numbers, weekday names in the config."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config.load import ConfigError, load_config
from bot.core.i18n import ENGLISH, PSEUDO_CLOSE, PSEUDO_OPEN, normalize, pseudo, resolve
from bot.core.records import Member
from bot.sessions.language import for_member, member_language
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START

BEA = member("Bea")
LA_PAZ = ZoneInfo("America/La_Paz")
EVENING = datetime(2026, 12, 8, 23, 0, tzinfo=UTC)  # 19:00 in La Paz, a Tuesday


def _member(language: str | None = None) -> Member:
    return Member(
        id=1, platform="discord", user_id="1", display_name="Bea", timezone=None, language=language
    )


# -- which language ---------------------------------------------------------------------------


def test_discord_and_gettext_codes_mean_the_shipped_languages() -> None:
    assert normalize("es-ES") == normalize("es-419") == normalize("ES") == "es"
    assert normalize("pt-BR") == normalize("pt") == "pt_BR"
    assert normalize("en-US") == normalize("en-GB") == "en"
    assert normalize("fr") is None and normalize("") is None and normalize(None) is None


async def test_a_member_reads_their_choice_then_their_client_then_the_group(
    write_config: Callable[[str], Path],
) -> None:
    config = load_config(
        write_config(BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    language: pt_BR"))
    )
    group = config.groups[0]
    from bot.core.events import Origin

    app_es = Origin(platform="discord", room="r", locale="es-419")
    app_fr = Origin(platform="discord", room="r", locale="fr")
    plain = Origin(platform="matrix", room="r")
    assert member_language(_member("en"), app_es, group) == "en"  # the member's own choice
    assert member_language(_member(), app_es, group) == "es"  # then their client's
    assert member_language(_member(), app_fr, group) == "pt_BR"  # a client we lack: the group
    assert member_language(_member(), plain, group) == "pt_BR"  # Matrix tells no locale
    assert member_language(_member(), plain, None) == "en"  # no group: English
    assert member_language(None, None, None) == "en"
    assert for_member(_member("es"), plain, group).code == "es"


# -- plural forms --------------------------------------------------------------------------------

SINGULAR = "You took part in {took_part} of {n} session of {group}."
PLURAL = "You took part in {took_part} of {n} sessions of {group}."


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", {0: "0 sessions", 1: "1 session of", 2: "2 sessions", 5: "5 sessions"}),
        ("es", {0: "0 sesiones", 1: "1 sesión de", 2: "2 sesiones", 5: "5 sesiones"}),
        # Brazilian Portuguese counts 0 with 1 (CLDR: i = 0..1)
        ("pt_BR", {0: "0 sessão", 1: "1 sessão de", 2: "2 sessões", 5: "5 sessões"}),
    ],
)
def test_plural_forms_for_0_1_2_and_5(code: str, expected: dict[int, str]) -> None:
    words = resolve(code)
    for n, shown in expected.items():
        text = words.ngettext(SINGULAR, PLURAL, n, took_part=0, group="G")
        assert shown in text, (code, n, text)


def test_numbers_are_written_the_languages_way() -> None:
    assert ENGLISH.number(12345) == "12,345"
    assert resolve("es").number(12345) == "12.345"
    assert resolve("pt_BR").number(12345) == "12.345"
    text = resolve("es").ngettext(SINGULAR, PLURAL, 1000, took_part=3, group="G")
    assert "1000 sesiones" in text or "1.000 sesiones" in text


# -- dates and times -------------------------------------------------------------------------------


def test_dates_in_spanish_and_portuguese_with_the_zone() -> None:
    assert resolve("es").moment(EVENING, LA_PAZ) == (
        "martes, 8 de diciembre de 2026, 19:00 (America/La_Paz)"
    )
    assert resolve("pt_BR").moment(EVENING, ZoneInfo("America/Sao_Paulo")) == (
        "terça-feira, 8 de dezembro de 2026, 20:00 (America/Sao_Paulo)"
    )
    assert resolve("es").weekday(EVENING, LA_PAZ) == "martes"
    assert resolve("es").long_day(EVENING, LA_PAZ) == "martes, 8 de diciembre de 2026"


def test_english_dates_stay_as_they_were() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert ENGLISH.moment(EVENING, berlin) == "Wed 9 Dec, 00:00 (Europe/Berlin)"
    assert ENGLISH.moment(datetime(2026, 9, 1, 17, tzinfo=UTC), berlin) == (
        "Tue 1 Sep, 19:00 (Europe/Berlin)"
    )
    assert ENGLISH.long_day(EVENING, LA_PAZ) == "Tuesday 8 December 2026"
    assert ENGLISH.short_day(EVENING, LA_PAZ) == "8 Dec"


# -- the config ------------------------------------------------------------------------------------


def _group_config(cadence: str, language: str) -> str:
    return BASE_CONFIG.replace(
        'cadence: {weekly: [tue], at: "19:00"}', f"cadence: {cadence}\n    language: {language}"
    )


@pytest.mark.parametrize(
    ("language", "days"),
    [
        ("es", "[martes, Jueves]"),
        ("es", "[mar, jue]"),
        ("es", "[Miércoles, viernes]"),
        ("pt_BR", "[terça, quinta-feira]"),
        ("pt_BR", "[ter., qui]"),
        ("es", "[tue, thursday]"),  # English names stay accepted
    ],
)
def test_weekdays_in_the_groups_language(
    write_config: Callable[[str], Path], language: str, days: str
) -> None:
    config = load_config(write_config(_group_config(f'{{weekly: {days}, at: "19:00"}}', language)))
    weekly = config.groups[0].spec.cadence.weekly
    assert weekly is not None and len(weekly) == 2
    assert set(weekly) <= {"tue", "wed", "thu", "fri"}


def test_spanish_weekdays_are_refused_in_an_english_group(
    write_config: Callable[[str], Path],
) -> None:
    with pytest.raises(ConfigError):
        load_config(write_config(_group_config('{weekly: [martes], at: "19:00"}', "en")))


def test_an_unknown_language_is_a_located_problem_with_a_suggestion(
    write_config: Callable[[str], Path],
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(_group_config('{weekly: [tue], at: "19:00"}', "spanish")))
    (problem,) = caught.value.problems
    assert problem.line is not None and "language" in problem.render()
    assert "did you mean es?" in problem.message and "pt_BR" in problem.message


# -- the pseudo-locale ------------------------------------------------------------------------------


def test_the_pseudo_locale_wraps_each_line_and_keeps_placeholders_and_code() -> None:
    shown = pseudo("Welcome to {group}!\nUse `schedule` and see https://example.org")
    first, second = shown.split("\n")
    assert first.startswith(PSEUDO_OPEN) and first.endswith(PSEUDO_CLOSE)
    assert "{group}" in first and "Welcome" not in first
    assert "`schedule`" in second and "https://example.org" in second
    assert resolve("en_XA").gettext("Hello {name}", name="Bea").endswith("Bea" + PSEUDO_CLOSE)


# -- the language command --------------------------------------------------------------------------


async def test_language_command_sets_shows_and_clears(harness: Harness) -> None:
    shown = await harness.command("language", member=BEA)
    assert "English" in shown and "español" in shown and "português" in shown
    assert "Desde ahora te escribo en español" in await harness.command("language es", member=BEA)
    assert "Te escribo en español (lo elegiste tú)" in await harness.command("language", member=BEA)
    assert "No eres miembro de Readers" in await harness.command("progress", member=BEA)
    assert "did you mean" not in await harness.command("language default", member=BEA)
    assert "I write to you in English" in await harness.command("language", member=BEA)


async def test_language_command_suggests_a_close_language(harness: Harness) -> None:
    text = await harness.command("language portugese", member=BEA)
    assert "`pt_BR`" in text and "don't know" in text


async def test_a_client_in_spanish_gets_spanish_replies_until_the_member_chooses(
    harness: Harness,
) -> None:
    assert "No conozco el comando" in await harness.command(
        "repsond 1 x", member=BEA, locale="es-ES"
    )
    await harness.command("language en", member=BEA, locale="es-ES")
    assert "don't know the command" in await harness.command(
        "repsond 1 x", member=BEA, locale="es-ES"
    )


async def test_usage_errors_speak_the_readers_language(harness: Harness) -> None:
    await harness.command("language pt_BR", member=BEA)
    text = await harness.command("respond 1", member=BEA)
    assert "falta TEXT. Use assim: respond PROMPT" in text


async def test_a_member_language_outlives_a_restart(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_config(BASE_CONFIG)
    store = str(tmp_path / "lang.db")
    first = await make_harness(path, start=START, storage_path=store)
    await first.command("language es", member=BEA)
    await first.close()
    again = await make_harness(path, start=START, storage_path=store)
    try:
        assert "lo elegiste tú" in await again.command("language", member=BEA)
    finally:
        await again.close()


# -- a volunteer's new language -----------------------------------------------------------------


def test_a_volunteers_compiled_catalog_is_a_language_to_choose(tmp_path: Path) -> None:
    """The README's steps, with pybabel itself: copy the template, translate, compile; the new
    language is then offered (the group's `language: fr` is the one config line)."""
    import gettext
    import shutil

    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po, write_po

    from bot.core.i18n import DOMAIN, LOCALE_DIR, shipped_languages

    locale = tmp_path / "locale"
    locale.mkdir()
    shutil.copy(LOCALE_DIR / "studybot.pot", locale / "studybot.pot")
    pybabel = CommandLineInterface()
    pybabel.run(["pybabel", "-q", "init", "-D", DOMAIN, "-i", str(locale / "studybot.pot"),
                 "-d", str(locale), "-l", "fr"])  # fmt: skip
    po = locale / "fr" / "LC_MESSAGES" / "studybot.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    catalog["I can write in {languages}."].string = "Je peux écrire en {languages}."
    with po.open("wb") as fh:
        write_po(fh, catalog)
    pybabel.run(["pybabel", "-q", "compile", "-D", DOMAIN, "-d", str(locale)])
    assert shipped_languages(locale) == ("en", "fr")
    assert shipped_languages() == ("en", "es", "pt_BR")  # what ships
    french = gettext.translation(DOMAIN, localedir=str(locale), languages=["fr"])
    assert french.gettext("I can write in {languages}.") == "Je peux écrire en {languages}."
