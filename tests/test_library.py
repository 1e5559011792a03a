"""The library site (issue 16): a static site of the shipped packs and a fork, listed by
language, topic and licence, each pack with its sessions, notes, lessons, lineage and
downloads; searched in a real headless Chromium, and still usable with JavaScript off."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from bot.packs.manifest import file_sha256
from tests.packs_helpers import run
from tests.test_archive import (  # noqa: F401  (chromium is a fixture)
    CHROMIUM_FLAGS,
    Links,
    chromium,
)

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
