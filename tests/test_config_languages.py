"""What is wrong with a config, said in the reader's language: `check --lang`, `run`'s refusal
(LANG), the `reload` reply (the admin's language) and the watcher's message (the group's)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config.load import ConfigError, load_config
from bot.core.i18n import PSEUDO_CLOSE, PSEUDO_OPEN
from bot.core.said import Said
from bot.runtime.watcher import ConfigWatcher
from bot.testing import make_harness, member
from tests.conftest import BASE_CONFIG, START
from tests.test_cli import studybot

ANA = member("Ana")  # the group's admin

# One config with a mistake of each common kind an admin makes, each on its own line.
MISTAKES = (
    BASE_CONFIG.replace("timezone: Europe/Berlin", "timezone: Europe/Berlln")
    .replace("reminders: [24h, 1h]", "remindrs: [24h, 1h]")
    .replace('cadence: {weekly: [tue], at: "19:00"}', 'cadence: {weekly: [someday], at: "7pm"}')
    .replace(
        "respond_for: 6d", "respond_for: soon\n    sections_per_session: many\n    digest: daily"
    )
    + "  - id: second\n"
    "    name: Second\n"
    "    platform: telegram\n"
    "    reading: three-parts\n"
    "    start: 2026-12-01\n"
    '    cadence: {weekly: [tue], at: "19:00"}\n'
)
# mistakes found after the shape is right (a reading nobody has), and in the YAML itself
UNKNOWN_READING = BASE_CONFIG.replace("reading: three-parts", "reading: nowhere")
IMPOSSIBLE_DATE = BASE_CONFIG.replace("start: 2026-12-01", "start: 2026-11-31")

# what a Spanish and a Portuguese reader are told of each (a piece of each sentence)
SAID = {
    "es": [
        "zona horaria desconocida 'Europe/Berlln'; ¿quisiste decir Europe/Berlin?",
        "clave desconocida 'groups.0.remindrs'; ¿quisiste decir 'reminders'?",
        "escribe uno de estos: 'mon', 'tue'",
        "escribe una hora del día como",
        "'soon' no es una duración",
        "aquí va un número entero (valor: 'many')",
        "'session', 'weekly' o 'off'",
        "'console', 'matrix' o 'discord'",
    ],
    "pt_BR": [
        "fuso horário desconhecido 'Europe/Berlln'; você quis dizer Europe/Berlin?",
        "chave desconhecida 'groups.0.remindrs'; você quis dizer 'reminders'?",
        "escreva um destes: 'mon', 'tue'",
        "escreva um horário como",
        "'soon' não é uma duração",
        "aqui vai um número inteiro (valor: 'many')",
        "'session', 'weekly' ou 'off'",
        "'console', 'matrix' ou 'discord'",
    ],
}

_LOCATED = re.compile(r"^\s*\S+\.yaml(?::\d+)?(?::\d+)?: (.*)$")


def _problem_lines(stderr: str) -> list[str]:
    """What each problem says, its `file:line:column:` taken off."""
    return [m.group(1) for line in stderr.splitlines() if (m := _LOCATED.match(line))]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["es", "pt_BR"])
def test_check_says_every_problem_in_the_language_asked_for(
    write_config: Callable[[str], Path], lang: str
) -> None:
    result = studybot("check", str(write_config(MISTAKES)), "--lang", lang)
    assert result.returncode == 1
    shown = _flat(result.stderr)
    for piece in SAID[lang]:
        assert piece in shown, (piece, result.stderr)
    english = re.findall(r"\b(?:problems?|did you mean|write|unknown|must|here)\b", shown)
    assert english == [], result.stderr
    later = _flat(studybot("check", str(write_config(UNKNOWN_READING)), "--lang", lang).stderr)
    assert {
        "es": "lectura desconocida 'nowhere'; lecturas en",
        "pt_BR": "leitura desconhecida 'nowhere'; leituras em",
    }[lang] in later, later
    yaml_said = _flat(studybot("check", str(write_config(IMPOSSIBLE_DATE)), "--lang", lang).stderr)
    assert {
        "es": "2026-11-31 no es una fecha; escribe una fecha que exista",
        "pt_BR": "2026-11-31 não é uma data; escreva uma data que exista",
    }[lang] in yaml_said, yaml_said


def test_run_refuses_a_broken_config_in_the_language_of_lang(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(BASE_CONFIG.replace("respond_for: 6d", "respond_for: soon"))
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "es_BO.UTF-8")
    result = studybot("run", "--config", str(config))
    assert result.returncode == 1
    shown = _flat(result.stderr)
    assert "1 problema en la configuración" in shown, result.stderr
    assert "'soon' no es una duración; escribe por ejemplo 30m, 24h, 6d o 1d12h" in shown


def test_every_problem_line_goes_through_the_catalog(
    write_config: Callable[[str], Path],
) -> None:
    """In the pseudo-locale each problem's sentence is wrapped whole: none bypasses the catalog."""
    result = studybot("check", str(write_config(MISTAKES)), "--lang", "en_XA")
    lines = _problem_lines(result.stderr)
    assert len(lines) == 8, result.stderr
    for line in lines:
        assert line.startswith(PSEUDO_OPEN) and line.endswith(PSEUDO_CLOSE), line


def _verbatim_parts(said: Said) -> list[str]:
    found = [said.message] if said.verbatim else []
    for _, value in said.values:
        if isinstance(value, Said):
            found += _verbatim_parts(value)
    return found


def test_no_problem_of_a_common_mistake_keeps_a_library_s_english(
    write_config: Callable[[str], Path],
) -> None:
    """A sentence pydantic or PyYAML wrote is shown as it is (there is no catalog for it); none
    of the common mistakes above comes to that."""
    with pytest.raises(ConfigError) as raised:
        load_config(write_config(MISTAKES))
    left = [part for p in raised.value.problems for part in _verbatim_parts(p.said)]
    assert left == []


async def test_the_reload_reply_lists_the_problems_in_the_admin_s_language(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config(BASE_CONFIG)
    h = await make_harness(path, start=START)

    async def reloader():  # type: ignore[no-untyped-def]
        return load_config(path)

    h.circle.reloader = reloader
    await h.command("language es", member=ANA)
    path.write_text(BASE_CONFIG.replace("timezone: Europe/Berlin", "timezone: Europe/Berlln"))
    text = _flat(await h.command("reload", member=ANA))
    assert "La configuración tiene 1 problema" in text or "1 problema" in text, text
    assert "zona horaria desconocida 'Europe/Berlln'; ¿quisiste decir Europe/Berlin?" in text
    await h.close()


async def test_the_watcher_tells_a_portuguese_group_s_admins_in_portuguese(
    write_config: Callable[[str], Path],
) -> None:
    brazilian = BASE_CONFIG.replace(
        "    admins: [ana]\n", "    admins: [ana]\n    language: pt_BR\n"
    )
    path = write_config(brazilian)
    h = await make_harness(path, start=START)

    async def reloader():  # type: ignore[no-untyped-def]
        return load_config(path)

    h.circle.reloader = reloader
    watcher = ConfigWatcher(h.circle, path)
    path.write_text(brazilian.replace("start: 2026-12-01", "start: 2026-11-31"), encoding="utf-8")
    assert await watcher.check() is False
    told = h.platform.dms("ana")[-1].message
    body = _flat(told.body)
    assert "2026-11-31 não é uma data; escreva uma data que exista" in body, told.body
    assert "is not a date" not in body
    await h.close()


def test_a_platform_that_cannot_start_is_said_in_the_language_of_lang(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person starting the bot reads why it could not log in in their language."""
    matrix = BASE_CONFIG.replace("groups:", MATRIX_SETTINGS + "groups:").replace(
        "platform: console", 'platform: matrix\n    room: "!abc:example.org"'
    )
    config = write_config(matrix)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("STUDYBOT_TEST_NO_TOKEN", raising=False)
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    result = studybot("run", "--config", str(config), "--log-file", str(config.parent / "bot.log"))
    assert result.returncode == 1
    said = _flat(result.stderr)
    assert said == (
        "Não foi possível iniciar: a variável de ambiente STUDYBOT_TEST_NO_TOKEN indicada nas "
        "configurações do Matrix está vazia"
    ), result.stderr


MATRIX_SETTINGS = """platforms:
  matrix:
    homeserver: http://127.0.0.1:9
    user_id: "@bot:example.org"
    access_token_env: STUDYBOT_TEST_NO_TOKEN
"""


def test_check_names_each_course_by_its_title_in_the_language_asked_for() -> None:
    """The shipped example's Bolivia guide has a Spanish title: `check --lang es` shows it."""
    result = studybot("check", "config.example.yaml", "--lang", "es")
    assert result.returncode == 0, result.stderr
    shown = _flat(result.stdout)
    assert "es válido: 3 grupos, 2 lecturas." in shown
    assert "(matrix, Guía de estudio:" in shown, shown


def test_import_says_and_writes_its_own_words_in_the_language_asked_for(tmp_path: Path) -> None:
    """What `import` makes up (section titles, the file's comments) and its refusals are in
    the admin's language; the article's words stay as they are."""
    article = tmp_path / "charla.txt"
    paragraph = " ".join(["La asamblea decide cada semana qué leer y quién modera."] * 12)
    article.write_text("\n\n".join([paragraph] * 8) + "\n", encoding="utf-8")
    out = tmp_path / "charla.yaml"
    args = ("import", str(article), "--out", str(out), "--split", "words", "--max-words", "200")
    result = studybot(*args, "--lang", "es")
    assert result.returncode == 0, result.stderr
    written = out.read_text(encoding="utf-8")
    assert 'title: "Parte 1"' in written and 'title: "Parte 2"' in written, written
    assert 'author: ""  # la fuente no nombraba a nadie como autor' in written
    assert written.startswith("# Importado con `studybot import`.")
    assert "# PENDIENTE: agrega preguntas" in written and "TODO" not in written
    word_file = tmp_path / "acta.docx"
    word_file.write_bytes(b"not really a word document")
    refused = studybot(
        "import", str(word_file), "--out", str(tmp_path / "a.yaml"), "--lang", "pt_BR"
    )
    assert refused.returncode == 1
    assert "não dá para importar um arquivo .docx (um documento do Word); salve como HTML" in (
        _flat(refused.stderr)
    ), refused.stderr


@pytest.mark.parametrize("lang", ["es", "pt_BR", "en"])
def test_preview_fits_an_80_column_terminal_in_every_language(lang: str) -> None:
    """The table keeps all its columns on a narrow terminal: Spanish and Portuguese dates are
    longer than English ones, and rich used to squeeze the number and sections columns to
    nothing (or cut the last one off) to fit them."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(Path.cwd())}
    shown = subprocess.run(
        [sys.executable, "-m", "bot.cli", "preview", "config.example.yaml", "--group",
         "tuesday-readers", "--days", "10", "--lang", lang],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    ).stdout  # fmt: skip
    table = [line for line in shown.splitlines() if line[:1] in "┏┃┡│└"]
    assert table and all(len(line) <= 80 for line in table), shown
    assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in table), shown  # no column cut off
    header = " ".join(line for line in table if line.startswith("┃"))
    assert "#" in header and "Role of US" in shown, shown
