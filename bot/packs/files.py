"""The files a pack folder holds, read safely: plain files inside it, within the size limits."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.core.i18n import N_
from bot.core.said import Said, Saying

MANIFEST = "MANIFEST"
SIGNATURE = "MANIFEST.sig"
SKIPPED_DIRS = frozenset({".git", "__pycache__"})
MAX_FILES = 2_000
MAX_PACK_BYTES = 64 * 1024 * 1024  # unpacked; a course of readings is a few megabytes at most


class Refused(Saying):
    """A pack refused, with the one sentence that says why, in the reader's words."""


@dataclass(frozen=True, slots=True)
class PackFile:
    name: str  # the POSIX path inside the pack
    path: Path
    size: int


def safe_name(name: str) -> str:
    """`name` as a relative POSIX path that stays inside the pack, or Refused."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if not name or pure.is_absolute() or name.startswith("/") or ":" in pure.parts[0]:
        raise Refused(
            N_("the pack names a file by an absolute path ({name}); nothing installed"),
            name=repr(name),
        )
    if ".." in pure.parts:
        raise Refused(
            N_("the pack names a file outside itself ({name}); nothing installed"), name=repr(name)
        )
    return pure.as_posix()


def pack_files(folder: Path, *, include_signature: bool = False) -> list[PackFile]:
    """Every file of the pack folder, sorted, the manifest itself left out. Refuses links,
    devices, too many files and too many bytes before reading any of them."""
    files: list[PackFile] = []
    total = 0
    root = folder.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        for name in list(dirnames):
            if name in SKIPPED_DIRS:
                dirnames.remove(name)
            elif (here / name).is_symlink():
                raise Refused(
                    N_("{name} is a link; packs hold plain files only, nothing installed"),
                    name=str((here / name).relative_to(root)),
                )
        for name in filenames:
            path = here / name
            relative = path.relative_to(root).as_posix()
            if relative == MANIFEST or (relative == SIGNATURE and not include_signature):
                continue
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode):
                raise Refused(special_file(relative))
            total += info.st_size
            if total > MAX_PACK_BYTES:
                raise Refused(too_large(total))
            files.append(PackFile(relative, path, info.st_size))
            if len(files) > MAX_FILES:
                raise Refused(too_many())
    return sorted(files, key=lambda f: f.name)


def too_large(size: int) -> Said:
    return Said.gettext(
        "the pack is {size} MB, more than the {most} MB a pack may hold; nothing installed",
        size=round(size / 1_048_576),
        most=MAX_PACK_BYTES // 1_048_576,
    )


def too_many() -> Said:
    return Said.ngettext(
        "the pack holds more than {n} file; nothing installed",
        "the pack holds more than {n} files; nothing installed",
        MAX_FILES,
    )


def special_file(name: str) -> Said:
    return Said.gettext(
        "{name} is a link or a special file; packs hold plain files only, nothing installed",
        name=name,
    )
