"""A pack as one file: built as a reproducible `.tar.gz`, unpacked from `.tar.gz` or `.zip`.

Unpacking trusts nothing in the file: every member must be a plain file or folder with a
relative name inside the pack, and the declared sizes and count are checked before a byte is
written (what a tar bomb or a 500 MB pack is refused by), with the bytes read capped too.
"""

from __future__ import annotations

import gzip
import stat
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import IO

from bot.core.i18n import N_
from bot.packs.files import (
    MAX_FILES,
    MAX_PACK_BYTES,
    PackFile,
    Refused,
    pack_files,
    safe_name,
    special_file,
    too_large,
    too_many,
)

_CHUNK = 1 << 16


def build_tarball(folder: Path, out: Path, top: str) -> None:
    """Write every file of `folder` (MANIFEST and signature included) under `top/` in `out`,
    byte for byte the same each time for the same files."""
    files = pack_files(folder, include_signature=True)
    manifest = folder / "MANIFEST"
    files.append(PackFile("MANIFEST", manifest, manifest.stat().st_size))
    files.sort(key=lambda f: f.name)
    partial = out.with_name(out.name + ".partial")
    with (
        partial.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for f in files:
            info = tarfile.TarInfo(f"{top}/{f.name}")
            info.size = f.size
            info.mode = 0o644
            info.mtime = 0
            with f.path.open("rb") as fh:
                tar.addfile(info, fh)
    partial.replace(out)


def unpack(archive: Path, into: Path) -> Path:
    """Unpack `archive` into the empty folder `into`; returns the folder holding pack.yaml."""
    try:
        size = archive.stat().st_size
    except OSError as exc:
        raise Refused(
            N_("cannot read {archive}: {problem}"),
            archive=str(archive),
            problem=str(exc.strerror or exc),
        ) from None
    if size > MAX_PACK_BYTES:
        raise Refused(too_large(size))
    name = archive.name.lower()
    if name.endswith(".zip"):
        _unzip(archive, into)
    elif name.endswith((".tar.gz", ".tgz", ".tar")):
        _untar(archive, into)
    else:
        raise Refused(
            N_("{name} is not a pack file; give a .tar.gz, a .zip or a folder"), name=archive.name
        )
    return pack_root(into)


def pack_root(folder: Path) -> Path:
    """The folder holding pack.yaml: `folder` itself, or its one top-level folder."""
    if (folder / "pack.yaml").is_file():
        return folder
    inside = [p for p in folder.iterdir()]
    if len(inside) == 1 and inside[0].is_dir() and (inside[0] / "pack.yaml").is_file():
        return inside[0]
    raise Refused(N_("the pack has no pack.yaml at its top; nothing installed"))


class _Budget:
    def __init__(self) -> None:
        self.bytes = 0
        self.files = 0

    def declare(self, size: int) -> None:
        self.files += 1
        if self.files > MAX_FILES:
            raise Refused(too_many())
        self.bytes += max(size, 0)
        if self.bytes > MAX_PACK_BYTES:
            raise Refused(too_large(self.bytes))


def _write(source: IO[bytes], target: Path, declared: int) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with target.open("xb") as out:
        while block := source.read(_CHUNK):
            written += len(block)
            if written > declared:
                raise Refused(
                    N_("{name} holds more than the pack says it does; nothing installed"),
                    name=target.name,
                )
            out.write(block)


def _untar(archive: Path, into: Path) -> None:
    budget = _Budget()
    try:
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                name = safe_name(member.name)
                if member.isdir():
                    (into / name).mkdir(parents=True, exist_ok=True)
                    continue
                if not member.isreg():
                    raise Refused(special_file(name))
                budget.declare(member.size)
                source = tar.extractfile(member)
                if source is None:
                    raise Refused(
                        N_("{name} cannot be read from the pack; nothing installed"), name=name
                    )
                _write(source, into / name, member.size)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise Refused(
            N_("{name} is not a readable .tar.gz ({problem}); nothing installed"),
            name=archive.name,
            problem=str(exc),
        ) from None


def _unzip(archive: Path, into: Path) -> None:
    budget = _Budget()
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_FILES:
                raise Refused(too_many())
            for info in members:
                safe_name(info.filename.rstrip("/") or info.filename)
                kind = stat.S_IFMT(info.external_attr >> 16)
                if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                    raise Refused(special_file(info.filename))
                if not info.is_dir():
                    budget.declare(info.file_size)
            for info in members:
                name = safe_name(info.filename.rstrip("/"))
                if info.is_dir():
                    (into / name).mkdir(parents=True, exist_ok=True)
                    continue
                with bundle.open(info) as source:
                    _write(source, into / name, info.file_size)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise Refused(
            N_("{name} is not a readable .zip ({problem}); nothing installed"),
            name=archive.name,
            problem=str(exc),
        ) from None
