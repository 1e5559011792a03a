"""`studybot pack ...`: make, check, build, install, fork, list and compare curriculum packs."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console

from bot.config.load import data_dir_of, packs_dir
from bot.documents.problems import Problem
from bot.packs.bundle import build_tarball
from bot.packs.diff import pack_diff
from bot.packs.files import Refused
from bot.packs.harvest import PROPOSAL, approve, is_proposal
from bot.packs.manifest import write_manifest
from bot.packs.model import (
    Pack,
    PackError,
    load_pack,
    looks_like_ref,
    publish_problems,
    untranslated_notes,
)
from bot.packs.scaffold import new_pack
from bot.packs.signing import sign_manifest
from bot.packs.store import PackStore, fork

if TYPE_CHECKING:
    from bot.config.model import Config
    from bot.storage import Storage

T = TypeVar("T")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    pack = sub.add_parser(
        "pack", parents=[common], help="curriculum packs: courses to share, install and improve"
    )
    commands = pack.add_subparsers(dest="pack_command", metavar="COMMAND")
    pack.set_defaults(func=lambda args: _usage(pack))

    def with_store(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--config", default="config.yaml", help="the config whose data folder holds the packs"
        )
        parser.add_argument("--packs", help="the packs folder itself (default: DATA_DIR/packs)")

    new = commands.add_parser("new", help="start a pack in a new folder")
    new.add_argument("folder", metavar="DIR")
    new.set_defaults(func=_new)

    check = commands.add_parser("check", help="say what is wrong with a pack, file and line")
    check.add_argument("folder", metavar="DIR")
    check.set_defaults(func=_check)

    build = commands.add_parser("build", help="write the MANIFEST and the pack as one .tar.gz")
    build.add_argument("folder", metavar="DIR")
    build.add_argument("--out", required=True, metavar="FILE", help="the .tar.gz to write")
    build.add_argument("--sign-with", metavar="KEY", help="sign the MANIFEST with this SSH key")
    build.set_defaults(func=_build)

    install = commands.add_parser("install", help="check and install a pack for groups to run")
    install.add_argument("source", metavar="FILE|DIR", help="a .tar.gz, .zip, folder or git repo")
    install.add_argument(
        "--verify-with",
        metavar="ALLOWED_SIGNERS",
        help="refuse the pack unless one of these keys signed it",
    )
    with_store(install)
    install.set_defaults(func=_install)

    forking = commands.add_parser("fork", help="copy an installed pack to make your own")
    forking.add_argument("ref", metavar="ID[@VERSION]")
    forking.add_argument("--as", dest="new_id", required=True, metavar="NEW_ID")
    forking.add_argument("--out", metavar="DIR", help="where to write it (default: ./NEW_ID)")
    with_store(forking)
    forking.set_defaults(func=_fork)

    listing = commands.add_parser("list", help="the installed packs and their versions")
    with_store(listing)
    listing.set_defaults(func=_list)

    harvesting = commands.add_parser(
        "harvest", help="propose the next version of a group's pack with what it learned"
    )
    harvesting.add_argument("--group", required=True, metavar="G", help="the group's id")
    harvesting.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")
    harvesting.add_argument("--config", default="config.yaml", help="the bot's config")
    harvesting.set_defaults(func=_harvest)

    approving = commands.add_parser(
        "approve", help="the admin's yes to a harvest: check it and write its MANIFEST"
    )
    approving.add_argument("folder", metavar="DIR")
    approving.add_argument("--config", default="config.yaml", help="the bot's config")
    approving.set_defaults(func=_approve)

    diff = commands.add_parser("diff", help="what changed between two packs or versions")
    diff.add_argument("old", metavar="A", help="a pack folder or an installed ID@VERSION")
    diff.add_argument("new", metavar="B")
    with_store(diff)
    diff.set_defaults(func=_diff)


def _say(text: str) -> None:
    out.print(text, markup=False, soft_wrap=True)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _store(args: argparse.Namespace) -> PackStore:
    if args.packs:
        return PackStore(Path(args.packs))
    return PackStore(packs_dir(data_dir_of(Path(args.config))))


def _say_problems(problems: list[Problem], what: str) -> None:
    err.print(f"{len(problems)} problem(s) in {what}:", markup=False)
    for problem in problems:
        err.print("  " + problem.render(), markup=False, soft_wrap=True)


def _loaded(folder: Path) -> Pack | None:
    try:
        return load_pack(folder)
    except PackError as exc:
        _say_problems(list(exc.problems), str(folder))
        return None


def _refused(exc: Refused) -> int:
    message = str(exc)
    first = message.split(" ", 1)[0]
    if first.isalpha():  # a word, not a file name or a pack's id, which keep their case
        message = message[0].upper() + message[1:]
    err.print(
        message + ("" if message.endswith(".") else "."),
        markup=False,
        soft_wrap=True,
    )
    return 1


def _new(args: argparse.Namespace) -> int:
    try:
        path = new_pack(Path(args.folder))
    except Refused as exc:
        return _refused(exc)
    out.print(
        f"A new pack is in {args.folder}: edit {path} and the reading in it, then "
        f"`studybot pack check {args.folder}`.",
        markup=False,
        soft_wrap=True,
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    pack = _loaded(Path(args.folder))
    if pack is None:
        return 1
    sections = sum(len(r.sections) for r in pack.readings)
    out.print(
        f"{pack.ref} is valid: {len(pack.readings)} reading(s), {sections} section(s), "
        f"{len(pack.notes)} facilitator note(s), {len(pack.lessons)} lesson(s).",
        markup=False,
    )
    for problem in publish_problems(pack):
        out.print("Before you build it: " + problem.message + ".", markup=False, soft_wrap=True)
    for code, missing in untranslated_notes(pack):
        _say(
            f"{len(missing)} facilitator note(s) have no {code} text yet ({', '.join(missing)}); "
            f"admins reading {code} get those in English."
        )
    if is_proposal(pack.path):
        _say(
            f"It is a harvest waiting for approval: read {PROPOSAL}, then "
            f"`studybot pack approve {args.folder}`."
        )
    return 0


def _build(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    pack = _loaded(folder)
    if pack is None:
        return 1
    blocking = publish_problems(pack)
    if blocking:
        _say_problems(list(blocking), str(folder))
        return 1
    if is_proposal(folder):
        return _refused(
            Refused(
                f"{folder} is a harvest not yet approved; nothing was built. Read {PROPOSAL}, "
                f"then `studybot pack approve {folder}`"
            )
        )
    target = Path(args.out)
    if not target.name.endswith((".tar.gz", ".tgz")):
        err.print(f"{target} should end in .tar.gz; nothing was built.", markup=False)
        return 1
    try:
        sha = write_manifest(folder)
        signed = ""
        if args.sign_with:
            sign_manifest(folder, Path(args.sign_with))
            signed = ", signed"
        else:
            (folder / "MANIFEST.sig").unlink(missing_ok=True)
        build_tarball(folder, target, f"{pack.id}-{pack.version}")
    except Refused as exc:
        return _refused(exc)
    except OSError as exc:
        err.print(f"Could not write {target}: {exc.strerror or exc}.", markup=False)
        return 1
    out.print(
        f"Built {pack.ref} into {target}{signed}; MANIFEST sha256 {sha}.",
        markup=False,
        soft_wrap=True,
    )
    return 0


def _install(args: argparse.Namespace) -> int:
    store = _store(args)
    signers = Path(args.verify_with) if args.verify_with else None
    try:
        done = store.install(Path(args.source), allowed_signers=signers)
    except Refused as exc:
        return _refused(exc)
    signed = f", signed by {done.signer}" if done.signer else ""
    if done.already:
        out.print(
            f"{done.pack.ref} is already installed, the same to the byte{signed}.", markup=False
        )
        return 0
    out.print(
        f"Installed {done.pack.ref} ({done.pack.title}){signed}: every file matches its "
        f"checksum (MANIFEST sha256 {done.sha256}). A group runs it with "
        f"`curriculum: {done.pack.ref}`.",
        markup=False,
        soft_wrap=True,
    )
    return 0


def _fork(args: argparse.Namespace) -> int:
    store = _store(args)
    target = Path(args.out or args.new_id)
    try:
        path = fork(store, args.ref, args.new_id, target)
    except Refused as exc:
        return _refused(exc)
    except PackError as exc:
        _say_problems(list(exc.problems), args.ref)
        return 1
    pack = load_pack(target)
    out.print(
        f"Forked {pack.forked_from.ref if pack.forked_from else args.ref} into {target} as "
        f"{pack.ref}; edit {path}, then `studybot pack build {target} --out FILE`.",
        markup=False,
        soft_wrap=True,
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    store = _store(args)
    installed = store.all()
    if not installed:
        out.print(f"No packs are installed in {store.root}.", markup=False)
        return 0
    for pack_id, version in installed:
        try:
            pack = load_pack(store.folder(pack_id, version))
        except PackError:
            out.print(f"{pack_id}@{version}  (cannot be read; install it again)", markup=False)
            continue
        lineage = f", forked from {pack.forked_from.ref}" if pack.forked_from else ""
        out.print(
            f"{pack.ref}  {pack.title} [{', '.join(pack.languages)}; {pack.license or 'no licence'}{lineage}]",
            markup=False,
        )
    return 0


def _diff(args: argparse.Namespace) -> int:
    store = _store(args)
    packs: list[Pack] = []
    for name in (args.old, args.new):
        try:
            folder = (
                Path(name) if Path(name).is_dir() or not looks_like_ref(name) else store.find(name)
            )
            packs.append(load_pack(folder))
        except Refused as exc:
            return _refused(exc)
        except PackError as exc:
            _say_problems(list(exc.problems), name)
            return 1
    lines = pack_diff(*packs)
    if not lines:
        out.print(f"{packs[0].ref} and {packs[1].ref} hold the same course.", markup=False)
        return 0
    out.print(f"From {packs[0].ref} to {packs[1].ref}:", markup=False)
    for line in lines:
        out.print("  " + line, markup=False, soft_wrap=True)
    return 0


def _on_storage(config: Config, work: Callable[[Storage], Awaitable[T]]) -> T:
    """Run `work` on the config's storage, opened for it and closed after."""
    from bot.storage import open_storage

    async def go() -> T:
        storage = await open_storage(config.storage)
        try:
            return await work(storage)
        finally:
            await storage.close()

    return asyncio.run(go())


def _harvest(args: argparse.Namespace) -> int:
    from bot.cli.configs import config_and_group
    from bot.exports.harvesting import harvest

    found = config_and_group(args)
    if found is None:
        return 1
    config, group = found
    target = Path(args.out).resolve()
    readings = config.readings_for(group)
    try:
        proposal = _on_storage(
            config, lambda storage: harvest(storage, group, target, datetime.now(UTC), readings)
        )
    except Refused as exc:
        return _refused(exc)
    _say(
        f"Proposed {proposal.pack.ref} in {target}: {proposal.added} lesson(s) shared beyond "
        f"the group, {len(proposal.unanswered)} prompt(s) nobody answered (see "
        f"{target / PROPOSAL}). Edit it, then `studybot pack approve {target}`."
    )
    return 0


def _approve(args: argparse.Namespace) -> int:
    from bot.cli.configs import load_or_say

    folder = Path(args.folder)
    where = str(folder.resolve())
    config = load_or_say(args.config)
    if config is None:
        return 1
    harvest_id = _on_storage(config, lambda storage: storage.pending_harvest(where))
    try:
        if harvest_id is None and is_proposal(folder):
            raise Refused(
                f"{folder} is not a harvest this bot proposed (or it was approved already); "
                "nothing was approved"
            )
        pack, sha = approve(folder)
    except Refused as exc:
        return _refused(exc)
    if harvest_id is not None:
        recorded = harvest_id
        _on_storage(config, lambda storage: storage.approve_harvest(recorded, datetime.now(UTC)))
    _say(
        f"Approved {pack.ref} with {len(pack.lessons)} lesson(s); MANIFEST sha256 {sha}. "
        f"Build it with `studybot pack build {folder} --out FILE` (add --sign-with KEY)."
    )
    return 0
