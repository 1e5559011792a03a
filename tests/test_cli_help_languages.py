"""`studybot ... --help` and argparse's own errors in the language asked for."""

from __future__ import annotations

import re

import pytest

from bot.core.i18n import PSEUDO_CLOSE, PSEUDO_OPEN
from tests.test_cli import studybot


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_command_s_help_is_in_the_language_of_lang() -> None:
    result = studybot("check", "--help", "--lang", "es")
    assert result.returncode == 0, result.stderr
    shown = _flat(result.stdout)
    assert shown.startswith("uso: studybot check")
    for piece in (
        "argumentos posicionales:",
        "opciones:",
        "-h, --help muestra esta ayuda y sale",
        "--log-level {debug,info,warning,error} cuánto registrar (por defecto info)",
        "--lang LANG el idioma en que se imprime, por ejemplo es o pt_BR",
    ):
        assert piece in shown, (piece, result.stdout)
    assert "show this help" not in shown and "options:" not in shown


def test_argparse_s_errors_are_in_the_language_of_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "pt_BR.UTF-8")
    result = studybot("check")
    assert result.returncode == 2
    assert "studybot check: erro: estes argumentos são obrigatórios: config" in result.stderr
    result = studybot("export", "config.yaml", "--group", "g", "--format", "pdf")
    assert "escolha inválida: 'pdf' (escolha entre 'csv', 'json', 'md', 'annotations')" in (
        _flat(result.stderr)
    ), result.stderr


def test_without_a_language_the_help_stays_english(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    result = studybot("pack", "--help")
    shown = _flat(result.stdout)
    assert shown.startswith("usage: studybot pack") and "curriculum packs" not in shown
    assert "new start a pack in a new folder" in shown, result.stdout


# the names of positional arguments, shown as argparse lists them
POSITIONALS = {"config", "article", "COMMAND", "command"}
# and the pack command's subcommands, listed by name
SUBCOMMANDS = {"new", "check", "build", "install", "fork", "list", "harvest", "approve", "diff"}


def test_every_help_line_of_ours_goes_through_the_catalog() -> None:
    """In the pseudo-locale each help text of ours is wrapped; what is left once the wrapped
    text, the options, metavars and choices are taken out is argparse's frame (left as it is
    there: accenting its `%s` would break it) and the command's name."""
    frame = ("usage:", "options:", "positional arguments:", "show this help message and exit")
    for command in ("run", "check", "preview", "export", "archive", "import", "demo", "pack"):
        result = studybot(command, "--help", "--lang", "en_XA")
        assert result.returncode == 0, result.stderr
        rest = re.sub(f"{PSEUDO_OPEN}[^{PSEUDO_CLOSE}]*{PSEUDO_CLOSE}", " ", _flat(result.stdout))
        for words in frame:
            rest = rest.replace(words, " ")
        rest = re.sub(r"\{[^}]*\}|-{1,2}[\w-]+|\b[A-Z_|@\[\]]{2,}\b", " ", rest)
        left = set(re.findall(r"[A-Za-z]{2,}", rest)) - {
            "studybot",
            command,
            *POSITIONALS,
            *SUBCOMMANDS,
        }
        assert left == set(), (command, left, result.stdout)
