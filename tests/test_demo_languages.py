"""`studybot demo --lang es` (and pt_BR) at a real terminal (a pty): the demo's group, its
member and the companions speak that language, and so does the reading."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.commands.spec import COMMANDS
from tests.terminal_pty import CTRL_D, ROOT, TerminalSession

# what each language must show: the demo's own lines, the member's choice, the reading, and
# what the companions answer
SHOWN = {
    "es": (
        "Demostración de Study Circle",
        "Desde ahora te escribo en español",
        "Círculo de prueba",
        "Por qué leer en grupo",
        "Piensa en algo que querías leer y nunca terminaste. ¿Qué se interpuso?",
        "Saber la fecha de antemano es lo que me trajo",
        "Fin de la demostración.",
    ),
    "pt_BR": (
        "Demonstração do Study Circle",
        "português",
        "Círculo de teste",
        "Por que ler em grupo",
        "Pense em algo que você queria ler e nunca terminou. O que atrapalhou?",
        "Saber a data com antecedência foi o que me trouxe aqui",
        "Fim da demonstração.",
    ),
}
# the reading's English, which a Spanish or Portuguese demo never shows
ENGLISH_READING = ("Why read together", "Think of something you meant to read")


def _demo_at_a_terminal(code: str) -> str:
    """Run the demo in `code`: ask `now` while session 1 is open, wait for the companions' answers in its summary, then Ctrl-D."""
    session = TerminalSession("demo", "--lang", code, "--as", "Rosa", "--speed", "15000", cwd=ROOT)
    try:
        session.prompt_waits("Rosa")
        session.expect(SHOWN[code][4])  # session 1's first prompt, in the room
        mark = session.mark()
        session.type("/study now\r")
        session.expect(SHOWN[code][3], after=mark)  # `now` answers in the member's language
        session.expect(SHOWN[code][5])  # a companion's answer, in the summary of session 1
        session.type(CTRL_D)
        assert session.wait_exit() == 0, session.text()[-3000:]
        return session.text()
    finally:
        session.close()


@pytest.fixture(scope="module", params=["es", "pt_BR"])
def demo(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    code = str(request.param)
    yield code, _demo_at_a_terminal(code)


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").replace("▌", " ").split())


def test_the_demo_speaks_the_language_it_is_given(demo: tuple[str, str]) -> None:
    code, text = demo
    flat = _flat(text)
    for needle in SHOWN[code]:
        assert " ".join(needle.split()) in flat, (code, needle)
    assert not any(english in flat for english in ENGLISH_READING), code


# words only an English sentence has: two on one line make it English
_ENGLISH = frozenset(
    [
        "the",
        "you",
        "your",
        "is",
        "are",
        "of",
        "and",
        "to",
        "with",
        "this",
        "that",
        "will",
        "has",
        "have",
        "from",
        "by",
        "for",
        "it",
        "be",
        "was",
        "what",
        "who",
        "when",
        "next",
        "session",
        "sessions",
        "response",
        "responses",
        "reply",
        "message",
        "closed",
        "thank",
        "took",
        "saved",
        "prompt",
        "room",
        "thread",
        "opened",
        "direct",
        "time",
        "before",
        "each",
        "use",
        "see",
    ]
)
_COMMANDS = re.compile(
    r"`[^`]*`|/study(?: [\w-]+)?|studybot run --config FILE|Study Circle|>2|\b(?:"
    + "|".join(re.escape(c.name) for c in COMMANDS)
    + r")\b"
)


def english_sentences(text: str, user: str = "Rosa") -> list[str]:
    """Lines of the screen that read as English once command names are taken out."""
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith(f"{user}>"):
            continue  # what the person typed
        words = re.findall(r"[a-z]+", _COMMANDS.sub(" ", line).lower())
        if len(set(words) & _ENGLISH) >= 2:
            found.append(line.strip())
    return found


def test_the_sentence_finder_knows_english_from_spanish_and_portuguese() -> None:
    assert english_sentences("│ Reply to this message to respond, or use respond 1 │")
    assert not english_sentences("Escribe /study help para ver los comandos; usa `respond 1`.")
    assert not english_sentences("Digite /study help para ver os comandos do Study Circle.")


def test_the_demo_shows_no_english_sentence_but_command_names(demo: tuple[str, str]) -> None:
    code, text = demo
    assert english_sentences(text) == [], code


def test_an_unknown_demo_language_is_one_clear_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.main import main

    assert main(["demo", "--lang", "spanish"]) == 2
    said = capsys.readouterr().err.strip()
    assert said == (
        "studybot demo: unknown language 'spanish' (did you mean es?); "
        "the demo speaks en, es, pt_BR"
    )


def test_an_unknown_demo_language_is_said_in_the_environment_s_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli.main import main

    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "es_BO.UTF-8")
    assert main(["demo", "--lang", "klingon"]) == 2
    assert capsys.readouterr().err.strip() == (
        "studybot demo: idioma desconocido 'klingon'; la demo habla en, es, pt_BR"
    )
