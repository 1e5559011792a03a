"""Facilitator notes in several languages (issues 15 and 16): a pack's notes carry
`translations:`, `pack check` places every problem with them, `pack diff` names what changed
in each language, and each admin gets the notes in their own language by DM and in the digest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.packs.model import PackError, load_pack, untranslated_notes
from bot.testing import make_harness, member
from tests.conftest import BASE_CONFIG, START
from tests.packs_helpers import make_pack, run

ANA, BEA = member("Ana"), member("Bea")
BOLIVIA = Path(__file__).resolve().parent.parent / "packs" / "coup-in-bolivia"
PACKED = BASE_CONFIG.replace("reading: three-parts", "curriculum: pack-p@1.0.0")

SPANISH = """\
    translations:
      es:
        opening: Pide a cada quien una frase sobre por qué vino.
        watch_for: Alguien que no ha hablado a mitad de la sesión.
"""


def spanish_pack(where: Path, extra: str = SPANISH, languages: str = "[en, es]") -> Path:
    """The test pack with `extra` added to its one note and `languages` listed."""
    folder = make_pack(where)
    pack_yaml = folder / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8").replace(
        "languages: [en]", f"languages: {languages}"
    )
    pack_yaml.write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    return folder


def line_of(path: Path, needle: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if needle in t)


def test_a_note_reads_in_the_language_asked_and_keeps_english_where_untranslated(
    tmp_path: Path,
) -> None:
    pack = load_pack(spanish_pack(tmp_path / "p"))
    note = pack.note_for("reading-p", "opening", "es")
    assert note is not None
    assert note.opening == "Pide a cada quien una frase sobre por qué vino."
    assert note.watch_for == "Alguien que no ha hablado a mitad de la sesión."
    # the closing question has no Spanish: it stays in English rather than going missing
    assert note.closing_question == "What surprised you tonight?"
    # a regional variant finds the language; a language the pack lacks gets the original
    latin = pack.note_for("reading-p", "opening", "es-419")
    assert latin is not None and latin.opening == note.opening
    english = pack.note_for("reading-p", "opening", "pt_BR")
    assert english is not None and english.opening.startswith("Ask everyone")
    assert pack.note_languages == ("en", "es")
    assert untranslated_notes(pack) == []


@pytest.mark.parametrize(
    ("extra", "languages", "needle", "message"),
    [
        (
            SPANISH.replace("es:", "xx:"),
            "[en, es]",
            "      xx:",
            "the facilitator note for reading-p/opening has a translation in 'xx', which is "
            "not a language the bot knows",
        ),
        (
            SPANISH,
            "[en]",
            "      es:",
            "the facilitator note for reading-p/opening has a translation in 'es', which the "
            "pack's `languages:` does not list (en); add it there or remove the translation",
        ),
        (
            "    translations:\n      es: {opening: '  '}\n",
            "[en, es]",
            "      es:",
            "the facilitator note for reading-p/opening has an empty translation in 'es'",
        ),
    ],
    ids=["unknown-language", "language-not-listed", "empty"],
)
def test_check_places_each_problem_with_a_notes_translation(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: str,
    languages: str,
    needle: str,
    message: str,
) -> None:
    folder = spanish_pack(tmp_path / "p", extra, languages)
    with pytest.raises(PackError) as caught:
        load_pack(folder)
    (problem,) = caught.value.problems
    assert problem.line == line_of(folder / "pack.yaml", needle)
    assert problem.message.startswith(message)
    assert run("pack", "check", str(folder)) == 1
    assert message in capsys.readouterr().err.replace("\n  ", " ")


def test_check_says_which_notes_lack_a_listed_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = spanish_pack(tmp_path / "p", "", "[en, es]")
    assert run("pack", "check", str(folder)) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert (
        "1 facilitator note has no es text yet (reading-p/opening); admins reading es get it "
        "in English." in said
    )


def test_diff_names_each_languages_changes_to_the_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = make_pack(tmp_path / "old")
    new = spanish_pack(tmp_path / "new")
    capsys.readouterr()
    assert run("pack", "diff", str(old), str(new)) == 0
    said = capsys.readouterr().out
    assert "+ facilitator note for reading-p/opening in es" in said
    assert "~ facilitator note for reading-p/opening:" not in said  # the English is the same
    changed = spanish_pack(tmp_path / "changed", SPANISH.replace("una frase", "dos frases"))
    assert run("pack", "diff", str(new), str(changed)) == 0
    said = capsys.readouterr().out
    assert "~ facilitator note for reading-p/opening in es: how to open" in said
    assert run("pack", "diff", str(changed), str(old)) == 0
    assert "- facilitator note for reading-p/opening in es" in capsys.readouterr().out


def install_spanish(tmp_path: Path, config: Path) -> None:
    folder = spanish_pack(tmp_path / "src")
    out = tmp_path / "p.tar.gz"
    assert run("pack", "build", str(folder), "--out", str(out)) == 0
    assert run("pack", "install", str(out), "--config", str(config)) == 0


def notes_dms(h: object, who: str) -> list[str]:
    sent = h.platform.dms(who)  # type: ignore[attr-defined]
    return [s.message.body for s in sent if "acilita" in (s.message.title or "")]


async def test_an_admin_who_reads_spanish_gets_the_notes_in_spanish(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    path = write_config(PACKED)
    install_spanish(tmp_path, path)
    h = await make_harness(path, start=START)
    try:
        await h.command("language es", member=ANA)
        await h.advance(timedelta(hours=6, minutes=1))  # 24 hours before the first session
        titles = [
            s.message.title for s in h.platform.dms("ana") if "acilita" in (s.message.title or "")
        ]
        assert titles == ["Notas de facilitación: Readers, próxima sesión"]
        (body,) = notes_dms(h, "ana")
        assert "Cómo abrir: Pide a cada quien una frase sobre por qué vino." in body
        assert "A qué prestar atención: Alguien que no ha hablado a mitad de la sesión." in body
        # the part the pack left untranslated comes in English, under a Spanish label
        assert "Una pregunta para cerrar: What surprised you tonight?" in body
        assert "Duración sugerida: 90m." in body
        assert "How to open" not in body
    finally:
        await h.close()


async def test_an_admin_without_a_setting_reads_the_groups_language(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    path = write_config(PACKED.replace("    admins: [ana]", "    admins: [ana]\n    language: es"))
    install_spanish(tmp_path, path)
    h = await make_harness(path, start=START)
    try:
        await h.advance(timedelta(hours=6, minutes=1))
        (body,) = notes_dms(h, "ana")
        assert "Cómo abrir: Pide a cada quien" in body
    finally:
        await h.close()


async def test_the_digest_gives_each_admin_the_notes_in_their_language(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    closing = (
        "  - reading: reading-p\n"
        "    section: closing\n"
        "    closing_question: What will you carry into next month?\n"
        "    translations:\n"
        "      es: {closing_question: ¿Qué te llevas para el próximo mes?}\n"
    )
    path = write_config(PACKED.replace("admins: [ana]", "admins: [ana, bea]"))
    folder = spanish_pack(tmp_path / "src")
    text = (folder / "pack.yaml").read_text().rstrip("\n") + "\n" + closing
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    assert run("pack", "build", str(folder), "--out", str(tmp_path / "p.tar.gz")) == 0
    assert run("pack", "install", str(tmp_path / "p.tar.gz"), "--config", str(path)) == 0
    h = await make_harness(path, start=START)
    try:
        await h.command("language es", member=BEA)
        await h.advance(timedelta(days=1, hours=7))  # session 1 is open
        await h.advance(timedelta(days=6))  # and closed: the digest goes out
        for who, line in (
            ("ana", "A closing question: What will you carry into next month?"),
            ("bea", "Una pregunta para cerrar: ¿Qué te llevas para el próximo mes?"),
        ):
            digests = [
                s.message.body
                for s in h.platform.dms(who)
                if (s.message.title or "").startswith("Digest")
            ]
            assert digests and line in digests[0], who
    finally:
        await h.close()


async def test_a_spanish_group_running_the_bolivia_pack_gives_its_admin_spanish_notes(
    tmp_path: Path, write_config: Callable[[str], Path]
) -> None:
    config = BASE_CONFIG.replace("reading: three-parts", "curriculum: coup-in-bolivia@1.0.0")
    path = write_config(config.replace("    admins: [ana]", "    admins: [ana]\n    language: es"))
    assert run("pack", "install", str(BOLIVIA), "--config", str(path)) == 0
    h = await make_harness(path, start=START)
    try:
        await h.advance(timedelta(hours=6, minutes=1))
        (body,) = notes_dms(h, "ana")
        assert "Cómo abrir: Hagan una ronda: cada quien dice su nombre" in body
        assert "Una pregunta para cerrar: ¿Qué necesitarías saber para juzgar" in body
        assert "Go round once" not in body
    finally:
        await h.close()
