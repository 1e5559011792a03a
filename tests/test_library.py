"""The library site (issue 16): a static site of the shipped packs and a fork, listed by
language, topic and licence, each pack with its sessions, notes, lessons, lineage and
downloads; searched in a real headless Chromium, and still usable with JavaScript off."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote, urlparse

import pytest

from bot.core.i18n import PSEUDO_CLOSE, PSEUDO_OPEN
from bot.packs.manifest import file_sha256
from tests.packs_helpers import run
from tests.test_archive import (  # noqa: F401  (chromium is a fixture)
    CHROMIUM_FLAGS,
    Links,
    chromium,
)
from tests.test_pseudo_locale import unwrapped

ROOT = Path(__file__).resolve().parent.parent
LESSON = (
    "lessons:\n"
    "  - reading: first-steps\n"
    "    section: small-steps\n"
    "    prompt: What rhythm would actually fit your week, and what usually breaks it?\n"
    "    text: Thursday evenings after the market closed suited everyone.\n"
    "    credit: Readers of El Alto\n"
)


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    """The shipped packs, and a fork of first-steps with a lesson, in one folder."""
    shelf = tmp_path / "shelf"
    for name in ("coup-in-bolivia", "first-steps"):
        shutil.copytree(ROOT / "packs" / name, shelf / name)
    store = tmp_path / "store"
    assert run("pack", "install", str(shelf / "first-steps"), "--packs", str(store)) == 0
    fork = shelf / "first-steps-el-alto"
    assert run("pack", "fork", "first-steps", "--as", "first-steps-el-alto", "--out", str(fork),
               "--packs", str(store)) == 0  # fmt: skip
    text = (fork / "pack.yaml").read_text(encoding="utf-8")
    text = text.replace("lessons: []\n", LESSON).replace(
        'title: "First steps: why study together"', 'title: "First steps in El Alto"'
    )
    (fork / "pack.yaml").write_text(text, encoding="utf-8")
    return shelf


@pytest.fixture
def site(shelf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    out = tmp_path / "site"
    assert run("library", "build", str(shelf), "--out", str(out)) == 0
    assert "Library of 3 packs in" in capsys.readouterr().out
    return out


def page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(v for k, v in attrs if k == "id" and v)


def test_the_index_lists_packs_by_language_topic_and_licence(site: Path) -> None:
    index = page(site, "index.html")
    assert "3 packs: courses to run, fork, improve and pass on." in index
    assert '<html lang="en">' in index
    for title in ("Lessons from the 2019 coup in Bolivia", "First steps: why study together",
                  "First steps in El Alto"):  # fmt: skip
        assert title in index
    assert "<h3>By language</h3>" in index and "<h3>By topic</h3>" in index
    assert "<h3>By licence</h3>" in index
    assert re.search(r"<li>CC-BY-SA-4\.0: (<a [^>]+>[^<]+</a>, ){2}<a ", index)
    assert re.search(r'<li>bolivia: <a href="pack-coup-in-bolivia-1\.0\.0\.html">', index)
    assert '<form class="search" id="search" action="search.html" method="get"' in index
    assert "<script" not in index  # the index needs no script at all


def test_a_pack_page_has_sessions_notes_lessons_lineage_and_downloads(
    site: Path, tmp_path: Path
) -> None:
    fork = page(site, "pack-first-steps-el-alto-1.1.0.html")
    assert "Small steps and a shared rhythm" in fork
    assert "<dt>How to open</dt>" in fork and "<dt>A closing question</dt>" in fork
    assert "Thursday evenings after the market closed suited everyone." in fork
    assert "— Readers of El Alto" in fork
    # lineage: the fork hangs under the pack it came from, and that pack names its fork
    assert re.search(
        r'<ul class="tree"><li><a href="pack-first-steps-1\.0\.0\.html">first-steps@1\.0\.0</a>'
        r'<ul><li><span class="here">first-steps-el-alto@1\.1\.0</span></li></ul></li></ul>',
        fork,
    )
    original = page(site, "pack-first-steps-1.0.0.html")
    assert '<a href="pack-first-steps-el-alto-1.1.0.html">first-steps-el-alto@1.1.0</a>' in original
    bolivia = page(site, "pack-coup-in-bolivia-1.0.0.html")
    assert "An original pack; nobody has forked it yet." in bolivia
    assert bolivia.count('<section class="note">') == 8
    # the download's checksum is on the page, and the file installs (its MANIFEST verified)
    sha = file_sha256(site / "coup-in-bolivia-1.0.0.tar.gz")
    assert f'<code class="sha">{sha}</code>' in bolivia
    assert run("pack", "install", str(site / "coup-in-bolivia-1.0.0.tar.gz"),
               "--packs", str(tmp_path / "b")) == 0  # fmt: skip


def test_a_pack_page_names_its_languages_and_shows_the_notes_in_each(site: Path) -> None:
    bolivia = page(site, "pack-coup-in-bolivia-1.0.0.html")
    # named in the site's language (English here), each note block in its own
    assert "in English, Spanish, Portuguese (Brazil)" in bolivia
    # every session's notes in each language the pack has, each marked with its language
    assert bolivia.count('<div class="note-language" lang="en">') == 8
    assert bolivia.count('<div class="note-language" lang="es">') == 8
    assert bolivia.count('<div class="note-language" lang="pt-BR">') == 8
    first = bolivia.index('<div class="note-language" lang="es">')
    spanish = bolivia[first : bolivia.index("</div>", first)]
    assert '<h5 lang="en">Spanish</h5>' in spanish
    assert "<dt>Cómo abrir</dt><dd>Hagan una ronda: cada quien dice su nombre" in spanish
    assert "<dt>Una pregunta para cerrar</dt>" in spanish and "How to open" not in spanish
    first_steps = page(site, "pack-first-steps-1.0.0.html")
    assert "<dt>Como abrir</dt><dd>Façam uma rodada" in first_steps
    index = page(site, "index.html")
    assert "in English, Spanish, Portuguese (Brazil)" in index
    assert re.search(
        r'<li>Spanish: (<a [^>]+>[^<]+</a>, )*<a href="pack-coup-in-bolivia-1\.0\.0\.html">', index
    )


def test_the_search_page_lists_everything_without_javascript(site: Path) -> None:
    search = page(site, "search.html")
    assert '<ol id="results" class="results" hidden></ol>' in search
    assert "Role of US Government Disruption" in search  # a section, listed for find in page
    index = page(site, "search-index.js")
    assert index.startswith("window.STUDYBOT_LIBRARY = [")
    assert len(index) < 20_000  # small: titles, summaries and section titles only


def test_library_build_keeps_to_the_archive_folder_rules(
    shelf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", encoding="utf-8")
    assert run("library", "build", str(shelf), "--out", str(taken)) == 1
    assert "not a Study Circle archive" in capsys.readouterr().err
    assert run("library", "build", str(shelf), "--out", str(Path.home())) == 1
    assert "home folder" in capsys.readouterr().err
    out = tmp_path / "site"
    assert run("library", "build", str(shelf), "--out", str(out)) == 0
    assert run("library", "build", str(shelf), "--out", str(out)) == 1
    assert "add --force" in capsys.readouterr().err
    shutil.rmtree(shelf / "first-steps-el-alto")
    assert run("library", "build", str(shelf), "--out", str(out), "--force") == 0
    assert not (out / "pack-first-steps-el-alto-1.1.0.html").exists()  # the stale page went
    assert (tmp_path / "taken" / "notes.txt").read_text(encoding="utf-8") == "mine"


def _chromium(browser: str, url: str, profile: Path, shot: Path | None = None) -> tuple[str, str]:
    base = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1400"]
    log = ""
    if shot is not None:
        taken = subprocess.run([*base, f"--screenshot={shot}", url], capture_output=True,
                               text=True, timeout=120)  # fmt: skip
        assert taken.returncode == 0, taken.stderr[-2000:]
        log += taken.stderr
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout, log + dom.stderr


def test_the_library_in_headless_chromium(
    chromium: str,  # noqa: F811  (the fixture imported above)
    site: Path,
    tmp_path: Path,
) -> None:
    ids = {}
    for path in site.glob("*.html"):
        parser = Ids()
        parser.feed(path.read_text(encoding="utf-8"))
        ids[path.name] = parser.ids
    for path in site.glob("*.html"):
        links = Links()
        links.feed(path.read_text(encoding="utf-8"))
        for target in links.targets:
            parsed = urlparse(target)
            assert not parsed.scheme and not parsed.netloc, f"{path.name}: external {target}"
            assert (site / parsed.path).is_file(), f"{path.name}: broken link {target}"
            if parsed.fragment:
                assert parsed.fragment in ids[parsed.path], f"{path.name}: no anchor {target}"
    shots = tmp_path / "screenshots"
    shots.mkdir()
    for kind, name in (("index", "index.html"), ("pack", "pack-first-steps-el-alto-1.1.0.html"),
                       ("search", "search.html")):  # fmt: skip
        shot = shots / f"{kind}.png"
        dom, log = _chromium(chromium, (site / name).as_uri(), tmp_path / f"p-{kind}", shot)
        console = [line for line in log.splitlines() if ":CONSOLE" in line]
        assert not console, console
        assert "<main>" in dom and shot.stat().st_size > 5_000, shot
    # search finds a section by a word in its title (accents and case aside)
    url = (site / "search.html").as_uri() + "?q=" + quote("disinformation")
    dom, log = _chromium(chromium, url, tmp_path / "p-query", shots / "search-results.png")
    assert not [line for line in log.splitlines() if ":CONSOLE" in line]
    results = dom.split('<ol id="results" class="results">', 1)[1].split("</ol>", 1)[0]
    assert "Corporate Media Disinformation and Building a People's Alternative" in results
    assert (
        'href="pack-coup-in-bolivia-1.0.0.html#s-coup-in-bolivia-media-and-alternatives"' in results
    )
    assert "Introduction" not in results
    assert "1 match for" in dom
    assert '<section id="everything" hidden="">' in dom


def test_a_pack_without_a_licence_or_with_a_changed_file_is_left_out_in_a_sentence(
    shelf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bolivia = shelf / "coup-in-bolivia" / "pack.yaml"
    bolivia.write_text(bolivia.read_text(encoding="utf-8").replace("license: CC-BY-SA-4.0\n", ""))
    reading = shelf / "first-steps" / "readings" / "first-steps.yaml"
    reading.write_text(reading.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    assert run("library", "build", str(shelf), "--out", str(tmp_path / "site")) == 0
    said = capsys.readouterr()
    assert "Library of 1 pack in" in said.out
    assert "coup-in-bolivia: the pack has no `license:`" in " ".join(said.err.split())
    assert (
        "first-steps: readings/first-steps.yaml does not match its checksum in the MANIFEST "
        "(changed after the pack was built?); rebuild it with `pack build`"
    ) in " ".join(said.err.split())
    assert not (tmp_path / "site" / "pack-coup-in-bolivia-1.0.0.html").exists()
    assert not (tmp_path / "site" / "first-steps-1.0.0.tar.gz").exists()


# -- in the reader's language (--lang) ------------------------------------------------------


def _shelf_of(tmp_path: Path, name: str, packs: tuple[str, ...]) -> Path:
    shelf = tmp_path / name
    for pack in packs:
        shutil.copytree(ROOT / "packs" / pack, shelf / pack)
    return shelf


def test_library_build_in_spanish_with_real_plurals(
    shelf: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sitio"
    assert run("library", "build", str(shelf), "--out", str(out), "--lang", "es") == 0
    assert f"Biblioteca de 3 paquetes en {out} (abre index.html)." in capsys.readouterr().out
    one = _shelf_of(tmp_path, "uno", ("coup-in-bolivia",))
    two = _shelf_of(tmp_path, "dos", ("coup-in-bolivia", "first-steps"))
    assert run("library", "build", str(one), "--out", str(tmp_path / "s1"), "--lang", "es") == 0
    assert "Biblioteca de 1 paquete en" in capsys.readouterr().out
    assert "1 paquete: un curso para llevar, adaptar, mejorar y compartir." in page(
        tmp_path / "s1", "index.html"
    )
    assert run("library", "build", str(two), "--out", str(tmp_path / "s2"), "--lang", "es") == 0
    assert "Biblioteca de 2 paquetes en" in capsys.readouterr().out
    # again over it: refused in Spanish, then replaced with --force
    assert run("library", "build", str(two), "--out", str(tmp_path / "s2"), "--lang", "es") == 1
    assert "tiene un archivo anterior; agrega --force para reemplazarlo." in " ".join(
        capsys.readouterr().err.split()
    )
    assert run("library", "build", str(two), "--out", str(tmp_path / "s2"), "--lang", "es",
               "--force") == 0  # fmt: skip
    assert "(reemplazó la anterior; abre index.html)." in capsys.readouterr().out
    assert run("library", "build", str(tmp_path / "nada"), "--out", str(tmp_path / "s3"),
               "--lang", "es") == 1  # fmt: skip
    assert "indica la carpeta que contiene los paquetes." in capsys.readouterr().err

    index = page(out, "index.html")
    assert '<html lang="es">' in index
    assert "<title>Paquetes de cursos · Biblioteca de Study Circle</title>" in index
    assert '<nav><a href="index.html">Biblioteca</a><a href="search.html">Buscar</a></nav>' in index
    assert "<h1>Paquetes de cursos</h1>" in index
    assert "3 paquetes: cursos para llevar, adaptar, mejorar y compartir." in index
    assert 'placeholder="una palabra de un título o resumen"' in index
    assert "<h2>Explorar</h2>" in index and "<h3>Por idioma</h3>" in index
    assert "<h3>Por tema</h3>" in index and "<h3>Por licencia</h3>" in index
    # language names in Spanish, by Babel; the packs' own words as their authors wrote them
    assert "en inglés, español, portugués (Brasil)" in index
    assert re.search(r"<li>español: <a ", index)
    assert "versión 1.0.0" in index and "temas: bolivia" in index
    assert "Lessons from the 2019 coup in Bolivia" in index
    assert "Instala uno con <code>studybot pack install FILE</code>." in index

    fork = page(out, "pack-first-steps-el-alto-1.1.0.html")
    assert '<html lang="es">' in fork
    assert "<h2>Descargar</h2>" in fork and "<h2>Árbol de versiones</h2>" in fork
    assert "<h2>Sesiones</h2>" in fork
    assert "Con 1 aprendizaje de grupos que lo llevaron." in fork
    assert (
        "Para instalarlo: <code>studybot pack install first-steps-el-alto-1.1.0.tar.gz</code>"
        in fork
    )
    assert 'sha256 del archivo: <code class="sha">' in fork
    assert "Sobre: What rhythm would actually fit your week" in fork  # the prompt as written
    assert "Thursday evenings after the market closed suited everyone." in fork
    assert "<h4>Notas de facilitación</h4>" in fork
    # each note block keeps its own language; the heading naming it is in the site's
    assert '<div class="note-language" lang="en"><h5 lang="es">inglés</h5>' in fork
    assert "<dt>How to open</dt>" in fork
    bolivia = page(out, "pack-coup-in-bolivia-1.0.0.html")
    assert (
        "Un paquete original; nadie ha hecho todavía una versión propia a partir de él." in bolivia
    )
    assert '<h5 lang="es">portugués (Brasil)</h5>' in bolivia

    search = page(out, "search.html")
    assert "<h1>Buscar en la biblioteca</h1>" in search
    assert "<h2>Todo lo que hay en la biblioteca</h2>" in search
    assert "· paquete coup-in-bolivia@1.0.0" in search
    assert "{n} resultado para «{query}»." in html.unescape(search)


def test_the_spanish_library_searches_in_spanish_in_headless_chromium(
    chromium: str,  # noqa: F811  (the fixture imported above)
    shelf: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "sitio"
    assert run("library", "build", str(shelf), "--out", str(out), "--lang", "es") == 0
    for query, said in (("disinformation", "1 resultado para «disinformation»."),
                        ("listening", "2 resultados para «listening».")):  # fmt: skip
        url = (out / "search.html").as_uri() + "?q=" + quote(query)
        dom, log = _chromium(chromium, url, tmp_path / f"p-{query}")
        assert not [line for line in log.splitlines() if ":CONSOLE" in line]
        assert said in html.unescape(dom), dom[-3000:]


class _Shown(HTMLParser):
    """The lines a reader meets on a page in its own language: the text of each block
    (inline elements such as a link or `<code>` stay in their sentence's line), and the
    words of a placeholder, title or label. Text marked as another language (a pack's
    notes in Spanish, say) is the pack's, not the site's, and is left out."""

    INLINE: ClassVar[set[str]] = {"a", "code", "span", "cite", "em", "strong", "b", "i"}
    VOID: ClassVar[set[str]] = {"meta", "link", "input", "br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.lines: list[str] = []
        self._langs: list[str | None] = []
        self._line = ""
        self._skip = False

    def _here(self) -> str | None:
        return self._langs[-1] if self._langs else None

    def _break(self) -> None:
        if self._line.strip():
            self.lines.append(" ".join(self._line.split()))
        self._line = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "html":
            self.lang = given.get("lang")
        lang = given.get("lang") or self._here()
        if tag not in self.INLINE:
            self._break()
        if lang == self.lang:
            self.lines += [
                v for k, v in attrs if k in {"placeholder", "title", "alt", "aria-label"} and v
            ]
        if tag not in self.VOID:
            self._langs.append(lang)
        self._skip = tag in {"style", "script"}

    def handle_endtag(self, tag: str) -> None:
        if self._langs:
            self._langs.pop()
        if tag not in self.INLINE:
            self._break()
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip and self._here() == self.lang:
            self._line += data


def _pack_words(shelf: Path) -> list[str]:
    """What the packs' authors wrote: titles, summaries, names, readings, lessons, and the
    ids, versions and licences that are data in any language."""
    from bot.exports.library import find_packs
    from bot.packs.model import load_pack

    pieces: list[str] = []
    for folder in find_packs(shelf):
        pack = load_pack(folder)
        pieces += [pack.id, pack.title, pack.summary, str(pack.version), pack.ref]
        pieces += [pack.license or "", pack.cadence or "", pack.session_length or ""]
        pieces += [*pack.authors, *pack.topics, f"{pack.title} {pack.version}"]
        pieces += [f"{pack.id}-{pack.version}.tar.gz"]
        if pack.forked_from is not None:
            pieces.append(pack.forked_from.ref)
        for reading in pack.readings:
            pieces += [reading.title, reading.author or ""]
            for section in reading.sections:
                pieces += [section.title, section.opening or "", *section.prompts]
        for lesson in pack.lessons:
            pieces += [lesson.text, lesson.credit or "", lesson.prompt or ""]
    # as the page shows them: a paragraph's line breaks and runs of spaces are one space
    return sorted({" ".join(p.split()) for p in pieces if p.strip()}, key=len, reverse=True)


def test_every_line_of_the_library_goes_through_the_catalog(shelf: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "library", "build", str(shelf), "--out", str(out),
         "--lang", "en_XA"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "2000", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert said and all(line.startswith(PSEUDO_OPEN) and line.endswith(PSEUDO_CLOSE)
                        for line in said), said  # fmt: skip
    content = _pack_words(shelf)
    data = re.compile(r"^[#\d\s·.,:;–—→←()]+$")
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 5  # the index, the search page and three packs
    for name in pages:
        parser = _Shown()
        parser.feed(name.read_text(encoding="utf-8"))
        assert parser.lang == "en-XA", name.name
        lines = [line for line in parser.lines if not data.match(line)]
        assert any(PSEUDO_OPEN in line for line in lines), name.name
        assert unwrapped(lines, content) == [], (name.name, unwrapped(lines, content))
    # the sentence the search script shows, in each of the language's plural forms
    forms = html.unescape(page(out, "search.html")).split('data-forms="', 1)[1].split('"}', 1)[0]
    assert "⟦{n} måţçĥ föŕ “{query}”.⟧" in forms
