"""The library: a static site of a folder of packs, to put on a web host, a file share or a
USB stick. Every page is plain HTML that works from `file://` with no server and nothing
fetched from outside; search is a small prebuilt index and a script, and the search page
lists everything it can find, so it is still of use with JavaScript off."""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.core.i18n import ENGLISH, Words
from bot.exports.library.pages import (
    SCRIPT,
    STYLESHEET,
    Shelved,
    index_page,
    pack_page,
    search_index,
    search_page,
)
from bot.packs.bundle import build_tarball
from bot.packs.files import MANIFEST, Refused, pack_files
from bot.packs.manifest import file_sha256, verify_manifest, write_manifest
from bot.packs.model import PACK_FILE, Pack, PackError, load_pack, publish_problems

log = logging.getLogger(__name__)

_DEPTH = 3  # PACKS_DIR/ID/VERSION/pack.yaml, as a data folder's store holds them


@dataclass(frozen=True, slots=True, kw_only=True)
class LeftOut:
    folder: Path
    why: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Library:
    written: list[Path]
    packs: tuple[Shelved, ...]
    left_out: tuple[LeftOut, ...]


def find_packs(root: Path) -> list[Path]:
    """Every folder under `root` (at most three levels down) holding a pack.yaml."""
    found: list[Path] = []
    for depth in range(_DEPTH + 1):
        pattern = "/".join(["*"] * depth + [PACK_FILE])
        found += [p.parent for p in root.glob(pattern) if p.is_file() and not p.is_symlink()]
    return sorted(set(found))


def _download(pack: Pack, out: Path) -> Path:
    """The pack as a .tar.gz in `out`, its MANIFEST checked (or, for a pack folder not yet
    built, made in a copy: the library never writes into the packs it shows)."""
    name = f"{pack.id}-{pack.version}.tar.gz"
    top = f"{pack.id}-{pack.version}"
    if (pack.path / MANIFEST).is_file():
        verify_manifest(pack.path)
        build_tarball(pack.path, out / name, top)
        return out / name
    with tempfile.TemporaryDirectory(prefix="studybot-library-") as scratch:
        copy = Path(scratch) / "pack"
        for item in pack_files(pack.path, include_signature=False):
            (copy / item.name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item.path, copy / item.name)
        write_manifest(copy)
        build_tarball(copy, out / name, top)
    return out / name


def build_library(packs_dir: Path, out: Path, *, words: Words = ENGLISH) -> Library:
    """Write the site into the folder `out` (already cleared for it); returns what it wrote.
    `words` is the site's language: its headings, labels and `<html lang>`, and the reasons a
    pack was left out; the packs' own text stays as their authors wrote it."""
    out.mkdir(parents=True, exist_ok=True)
    left_out: list[LeftOut] = []
    shelved: list[Shelved] = []
    written: list[Path] = []
    seen: set[str] = set()
    for folder in find_packs(packs_dir):
        try:
            pack = load_pack(folder)
        except PackError as exc:
            left_out.append(LeftOut(folder=folder, why=exc.problems[0].render(words)))
            continue
        blocking = publish_problems(pack)
        if blocking:
            left_out.append(LeftOut(folder=folder, why=blocking[0].text(words)))
            continue
        if pack.ref in seen:
            twice = words.gettext("{ref} is in the folder twice", ref=pack.ref)
            left_out.append(LeftOut(folder=folder, why=twice))
            continue
        try:
            download = _download(pack, out)
        except Refused as exc:
            why = exc.say(words).removesuffix("; nothing installed")
            rebuild = words.gettext("{problem}; rebuild it with `pack build`", problem=why)
            left_out.append(LeftOut(folder=folder, why=rebuild))
            continue
        seen.add(pack.ref)
        written.append(download)
        sha = (
            file_sha256(pack.path / MANIFEST)
            if (pack.path / MANIFEST).is_file()
            else _manifest_of(download)
        )
        shelved.append(
            Shelved(
                pack=pack,
                download=download.name,
                download_sha256=file_sha256(download),
                manifest_sha256=sha,
            )
        )
    shelf = tuple(sorted(shelved, key=lambda s: (s.pack.title.casefold(), s.pack.version)))
    pages = {
        "index.html": index_page(shelf, words),
        "search.html": search_page(shelf, words),
        "library.css": STYLESHEET,
        "search.js": SCRIPT,
        "search-index.js": search_index(shelf, words),
    }
    for item in shelf:
        pages[item.page] = pack_page(item, shelf, words)
    for name, text in pages.items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for gone in left_out:
        log.debug("library: left out %s: %s", gone.folder, gone.why)
    return Library(written=written, packs=shelf, left_out=tuple(left_out))


def _manifest_of(download: Path) -> str:
    """The sha256 of the MANIFEST inside a built .tar.gz (the pack's own checksum)."""
    import hashlib
    import tarfile

    with tarfile.open(download, mode="r:gz") as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("/" + MANIFEST))
        handle = tar.extractfile(member)
        assert handle is not None
        return hashlib.sha256(handle.read()).hexdigest()
