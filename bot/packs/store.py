"""The packs installed in a data directory: `packs/ID/VERSION/`, each checked on the way in.

Installing copies or unpacks into a staging folder inside the store, checks the MANIFEST
(and the signature, when asked), loads the pack, checks its lineage, and only then moves it
into place in one rename: a refused pack leaves nothing behind.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.i18n import N_
from bot.core.said import Said
from bot.packs.bundle import pack_root, unpack
from bot.packs.editing import set_keys
from bot.packs.files import MANIFEST, SIGNATURE, PackFile, Refused, pack_files
from bot.packs.manifest import manifest_sha256, verify_manifest
from bot.packs.model import PACK_FILE, Pack, PackError, load_pack
from bot.packs.signing import verify_signature
from bot.packs.version import parse_version


@dataclass(frozen=True, slots=True, kw_only=True)
class Installed:
    pack: Pack
    sha256: str
    signer: str | None = None
    already: bool = False  # the same pack was installed before; nothing changed


class PackStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, pack_id: str, version: str) -> Path:
        return self.root / pack_id / version

    def versions(self, pack_id: str) -> list[str]:
        base = self.root / pack_id
        if not base.is_dir():
            return []
        found = [p.name for p in base.iterdir() if (p / PACK_FILE).is_file()]
        return sorted(found, key=_version_key)

    def all(self) -> list[tuple[str, str]]:
        """Every installed (id, version), sorted."""
        if not self.root.is_dir():
            return []
        return [
            (p.name, v)
            for p in sorted(self.root.iterdir())
            if p.is_dir() and not p.name.startswith(".")
            for v in self.versions(p.name)
        ]

    def find(self, ref: str) -> Path:
        """The folder of `ID@VERSION` (or the newest version of `ID`), or Refused."""
        pack_id, _, version = ref.partition("@")
        versions = self.versions(pack_id)
        if not versions:
            raise Refused(
                N_("no pack {pack} is installed; install it with `studybot pack install`"),
                pack=repr(pack_id),
            )
        if not version:
            version = versions[-1]
        if version not in versions:
            raise Refused(
                Said.ngettext(
                    "pack {pack} is installed in version {versions}, not {version}",
                    "pack {pack} is installed in versions {versions}, not {version}",
                    len(versions),
                    pack=repr(pack_id),
                    versions=", ".join(versions),
                    version=version,
                )
            )
        return self.folder(pack_id, version)

    def load(self, ref: str) -> Pack:
        return load_pack(self.find(ref))

    def install(self, source: Path, *, allowed_signers: Path | None = None) -> Installed:
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.root))
        try:
            folder = _stage(source, staging)
            sha = verify_manifest(folder)
            signer = verify_signature(folder, allowed_signers) if allowed_signers else None
            try:
                pack = load_pack(folder)
            except PackError as exc:
                first = exc.problems[0]  # named inside the pack, not the staging folder
                inside = replace(first, file=first.file.replace(str(folder) + "/", ""))
                raise Refused(N_("{problem}; nothing installed"), problem=inside) from None
            self._check_lineage(pack)
            target = self.folder(pack.id, str(pack.version))
            if target.exists():
                if manifest_sha256(target) == sha:
                    return Installed(
                        pack=load_pack(target), sha256=sha, signer=signer, already=True
                    )
                raise Refused(
                    N_(
                        "{ref} is already installed with different contents; a changed pack "
                        "needs a new version number (nothing installed)"
                    ),
                    ref=pack.ref,
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            folder.rename(target)
            return Installed(pack=load_pack(target), sha256=sha, signer=signer)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _check_lineage(self, pack: Pack) -> None:
        """Refuse a pack whose `forked_from` chain comes back to itself."""
        seen = {(pack.id, str(pack.version))}
        parent = pack.forked_from
        while parent is not None:
            key = (parent.id, parent.version)
            if key in seen:
                assert pack.forked_from is not None
                if pack.forked_from.ref == pack.ref:
                    raise Refused(
                        N_(
                            "{ref} names itself in `forked_from` (a forked_from cycle); "
                            "nothing installed"
                        ),
                        ref=pack.ref,
                    )
                raise Refused(
                    N_(
                        "{ref} is forked from {parent}, which leads back to {ref} (a "
                        "forked_from cycle); nothing installed"
                    ),
                    ref=pack.ref,
                    parent=pack.forked_from.ref,
                )
            seen.add(key)
            try:
                parent = load_pack(self.folder(*key)).forked_from
            except PackError:
                return  # the parent is not installed here: its lineage ends as far as we know


def _stage(source: Path, staging: Path) -> Path:
    """Bring the pack at `source` (archive, folder or git repository) into `staging`."""
    if source.is_file():
        return unpack(source, staging)
    if not source.is_dir():
        raise Refused(N_("there is no pack at {source}"), source=str(source))
    if not (source / PACK_FILE).is_file() and _is_git(source):
        _clone(source, staging / "pack")
        return pack_root(staging / "pack")
    if not (source / PACK_FILE).is_file():
        raise Refused(N_("{source} has no pack.yaml; nothing installed"), source=str(source))
    copy = staging / "pack"
    copy.mkdir()
    for item in [*pack_files(source, include_signature=True), *_manifest(source)]:
        (copy / item.name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item.path, copy / item.name, follow_symlinks=False)
    return copy


def _manifest(source: Path) -> list[PackFile]:
    path = source / MANIFEST
    return [PackFile(MANIFEST, path, path.stat().st_size)] if path.is_file() else []


def _is_git(source: Path) -> bool:
    return (source / "HEAD").is_file() and (source / "objects").is_dir()


def _clone(source: Path, into: Path) -> None:
    git = shutil.which("git")
    if git is None:
        raise Refused(N_("git is not installed, so a pack cannot be installed from a repository"))
    done = subprocess.run(
        [git, "clone", "--quiet", "--depth", "1", source.resolve().as_uri(), str(into)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if done.returncode != 0:
        raise Refused(N_("git could not clone {source}; nothing installed"), source=str(source))
    shutil.rmtree(into / ".git", ignore_errors=True)


def fork(store: PackStore, ref: str, new_id: str, out: Path) -> Path:
    """Copy the installed pack `ref` into the new folder `out` as `new_id`, one minor version
    on, with `forked_from` naming where it came from. Returns `out/pack.yaml`."""
    source = store.find(ref)
    parent = load_pack(source)
    if out.exists() and any(out.iterdir()):
        raise Refused(N_("{folder} is not empty; fork into a new folder"), folder=str(out))
    out.mkdir(parents=True, exist_ok=True)
    for item in pack_files(source):
        target = out / item.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(item.path, target)
    (out / SIGNATURE).unlink(missing_ok=True)
    path = out / PACK_FILE
    text = set_keys(
        path.read_text(encoding="utf-8"),
        {
            "id": new_id,
            "version": str(parent.version.bump_minor()),
            "forked_from": {
                "id": parent.id,
                "version": str(parent.version),
                "sha256": manifest_sha256(source),
            },
        },
    )
    path.write_text(text, encoding="utf-8")
    return path


def _version_key(text: str) -> tuple[int, int, int]:
    try:
        v = parse_version(text)
    except ValueError:
        return (-1, -1, -1)
    return (v.major, v.minor, v.patch)
