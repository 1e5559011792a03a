"""A pack's MANIFEST: the sha256 of every file, so an installed pack is the pack that was built.

One line per file, `<sha256>  <path>`, sorted by path (what `sha256sum -c` reads). The
manifest's own sha256 names the whole pack: `forked_from` pins a parent by it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bot.core.i18n import N_
from bot.packs.files import MANIFEST, PackFile, Refused, pack_files, safe_name


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_text(files: list[PackFile]) -> str:
    return "".join(f"{file_sha256(f.path)}  {f.name}\n" for f in files)


def write_manifest(folder: Path) -> str:
    """Write `folder/MANIFEST` for the files now in it; returns the manifest's sha256."""
    text = manifest_text(pack_files(folder))
    (folder / MANIFEST).write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_sha256(folder: Path) -> str:
    return file_sha256(folder / MANIFEST)


def verify_manifest(folder: Path) -> str:
    """Check every file against the MANIFEST (none missing, none extra, none changed);
    returns the manifest's sha256, or Refused naming the first file that does not match."""
    path = folder / MANIFEST
    if not path.is_file():
        raise Refused(
            N_(
                "the pack has no MANIFEST, so its files cannot be checked; build it with "
                "`studybot pack build` first (nothing installed)"
            )
        )
    listed: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            raise Refused(
                N_("line {number} of the MANIFEST is not `<sha256>  <file>`; nothing installed"),
                number=number,
            )
        listed[safe_name(name)] = digest
    present = {f.name: f for f in pack_files(folder)}
    for name, digest in listed.items():
        found = present.get(name)
        if found is None:
            raise Refused(
                N_("{name} is listed in the MANIFEST but missing from the pack; nothing installed"),
                name=name,
            )
        if file_sha256(found.path) != digest:
            raise Refused(
                N_(
                    "{name} does not match its checksum in the MANIFEST (changed after the pack "
                    "was built?); nothing installed"
                ),
                name=name,
            )
    extra = sorted(set(present) - set(listed))
    if extra:
        raise Refused(
            N_("{name} is in the pack but not in its MANIFEST; nothing installed"), name=extra[0]
        )
    return manifest_sha256(folder)
