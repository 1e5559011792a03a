"""The catalogs are whole: every marked string is in the template and translated, none fuzzy,
and the template is what `pybabel extract` finds in the sources today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.core.i18n import LOCALE_DIR, SUPPORTED

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in SUPPORTED if code != "en"]


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def _forms(string: object) -> tuple[object, ...]:
    return tuple(string) if isinstance(string, (tuple, list)) else (string,)


def _ids(catalog: Catalog) -> set[object]:
    return {(m.context, m.id) for m in catalog if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    out = tmp_path_factory.mktemp("pot") / "studybot.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            str(LOCALE_DIR / "babel.cfg"),
            "--no-location",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    return _read(out)


def test_the_template_is_what_the_sources_mark(extracted: Catalog) -> None:
    template = _read(LOCALE_DIR / "studybot.pot")
    missing = _ids(extracted) - _ids(template)
    stale = _ids(template) - _ids(extracted)
    assert not missing, (
        f"marked in the sources but not in studybot.pot: {sorted(map(str, missing))[:10]}"
    )
    assert not stale, (
        f"in studybot.pot but no longer in the sources: {sorted(map(str, stale))[:10]}"
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalog_has_every_message_translated(code: str, extracted: Catalog) -> None:
    catalog = _read(LOCALE_DIR / code / "LC_MESSAGES" / "studybot.po", code)
    assert _ids(catalog) == _ids(extracted), (
        f"{code}: run pybabel update (see bot/locale/README.md)"
    )
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_their_placeholders(code: str) -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    catalog = _read(LOCALE_DIR / code / "LC_MESSAGES" / "studybot.po", code)
    wrong = []
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set().union(*(fields(i) for i in ids))
        for shown in strings:
            # a singular may say "one" in words instead of {n}
            if not fields(shown) <= wanted or not (wanted - {"n"}) <= fields(shown):
                wrong.append((m.id, shown))
    assert not wrong, f"{code}: placeholders differ: {wrong[:5]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalog_is_the_current_one(code: str) -> None:
    folder = LOCALE_DIR / code / "LC_MESSAGES"
    with (folder / "studybot.mo").open("rb") as f:
        compiled = read_mo(f)
    source = _read(folder / "studybot.po", code)
    differ = [m.id for m in source if m.id and compiled.get(m.id, m.context) is None]
    assert not differ, f"{code}: studybot.mo is older than studybot.po; run pybabel compile"
    for m in source:
        if m.id:
            found = compiled.get(m.id, m.context)
            assert found is not None and _forms(found.string) == _forms(m.string), (
                f"{code}: studybot.mo is older than studybot.po ({m.id!r}); run pybabel compile"
            )
