"""Where an export or an archive may be written: never over a file without `--force`, an
archive only into an empty folder or one it made itself, and never into `/` or a home."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.core.i18n import N_
from bot.core.said import Saying

MARKER = ".studybot-archive"  # names the files an archive wrote, so it knows its own folder


class Refused(Saying):
    """The destination will not be written; the sentence says why and what to do instead."""


def check_file_target(path: Path, *, force: bool) -> None:
    """Refuse a folder, a file in a folder that does not exist, and (without `force`) a file
    that exists."""
    if path.is_dir():
        raise Refused(
            N_("{path} is a folder; give a file name in it, such as {example}."),
            path=str(path),
            example=str(path / "export.csv"),
        )
    if not path.parent.is_dir():
        raise Refused(
            N_("The folder {folder} does not exist; create it, or choose another."),
            folder=str(path.parent),
        )
    if path.exists() and not force:
        raise Refused(N_("{path} already exists; add --force to replace it."), path=str(path))


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[TextIO]:
    """A text file to write `path` through: it takes `path`'s place in one rename once the
    block ends, and vanishes if the block fails, so nothing is left half written."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _mode_for(path))  # mkstemp makes 0600; an export is an ordinary file
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def _mode_for(path: Path) -> int:
    """The replaced file's permissions, or what a new file gets under the current umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteFolder:
    """A folder cleared for an archive, and the files an earlier archive left in it."""

    path: Path
    earlier: frozenset[str]


def site_folder(path: Path, *, force: bool) -> SiteFolder:
    """Clear `path` for an archive: new, empty, or an earlier archive's (with `force`)."""
    resolved = path.expanduser().resolve()
    if resolved == Path(resolved.anchor) or resolved in _homes():
        raise Refused(
            N_("{path} is the root or a home folder; choose a folder of its own for the archive."),
            path=str(path),
        )
    if resolved.exists() and not resolved.is_dir():
        raise Refused(N_("{path} is a file; choose a folder for the archive."), path=str(path))
    if not resolved.exists() or not any(resolved.iterdir()):
        return SiteFolder(path=resolved, earlier=frozenset())
    earlier = _marked(resolved)
    if earlier is None:
        raise Refused(
            N_(
                "{path} already holds files that are not a Study Circle archive; "
                "choose an empty or new folder."
            ),
            path=str(path),
        )
    if not force:
        raise Refused(
            N_("{path} holds an earlier archive; add --force to replace it."), path=str(path)
        )
    return SiteFolder(path=resolved, earlier=earlier)


def mark_site(folder: SiteFolder, written: list[Path], group_id: str) -> None:
    """Record the archive's files in the folder, and remove earlier pages it no longer has."""
    names = sorted(p.name for p in written)
    for stale in folder.earlier - set(names):
        old = folder.path / stale
        # only plain files directly in this folder, whatever the marker file says
        if stale != MARKER and "/" not in stale and old.is_file() and not old.is_symlink():
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
    record = {"group": group_id, "files": names}
    (folder.path / MARKER).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def _marked(folder: Path) -> frozenset[str] | None:
    """The files an earlier archive wrote here, or None if no archive made this folder."""
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return frozenset(str(name) for name in record["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _homes() -> set[Path]:
    """People's home folders (a site written into one would scatter pages among their files):
    this user's, root's, and those of ordinary accounts (uid 1000 and up; services below)."""
    homes = {Path.home().resolve()}
    with contextlib.suppress(OSError):
        homes.update(
            Path(entry.pw_dir).resolve()
            for entry in pwd.getpwall()
            if entry.pw_dir and (entry.pw_uid == 0 or entry.pw_uid >= 1000)
        )
    return homes
