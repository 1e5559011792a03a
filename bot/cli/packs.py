"""`studybot pack ...`: make, check, build, install, fork, list and compare curriculum packs."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console

from bot.cli import pack_words as say
from bot.cli.cli_words import cli_words
from bot.config.load import data_dir_of, packs_dir
from bot.core.i18n import ENGLISH, Words
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
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    w: Words = ENGLISH,
) -> None:
    """The subcommands, their help in `w` (the language `--lang` or `LANG` asks for)."""
    pack = sub.add_parser(
        "pack",
        parents=[common],
        help=w.gettext("curriculum packs: courses to share, install and improve"),
    )
    lang_help = w.gettext("the language to print in, e.g. es or pt_BR (default: from LANG)")
    pack.add_argument("--lang", help=lang_help)
    # every subcommand takes it too (`pack check DIR --lang es`); SUPPRESS keeps a --lang given
    # before the subcommand from being reset to the subcommand's default
    lang = argparse.ArgumentParser(add_help=False)
    lang.add_argument("--lang", default=argparse.SUPPRESS, help=lang_help)
    commands = pack.add_subparsers(dest="pack_command", metavar="COMMAND")
    pack.set_defaults(func=lambda args: _usage(pack))

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[lang], help=help)

    def with_store(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--config",
            default="config.yaml",
            help=w.gettext("the config whose data folder holds the packs"),
        )
        parser.add_argument(
            "--packs", help=w.gettext("the packs folder itself (default: DATA_DIR/packs)")
        )

    new = add("new", w.gettext("start a pack in a new folder"))
    new.add_argument("folder", metavar="DIR")
    new.set_defaults(func=_new)

    check = add("check", w.gettext("say what is wrong with a pack, file and line"))
    check.add_argument("folder", metavar="DIR")
    check.set_defaults(func=_check)

    build = add("build", w.gettext("write the MANIFEST and the pack as one .tar.gz"))
    build.add_argument("folder", metavar="DIR")
    build.add_argument(
        "--out", required=True, metavar="FILE", help=w.gettext("the .tar.gz to write")
    )
    build.add_argument(
        "--sign-with", metavar="KEY", help=w.gettext("sign the MANIFEST with this SSH key")
    )
    build.set_defaults(func=_build)

    install = add("install", w.gettext("check and install a pack for groups to run"))
    install.add_argument(
        "source", metavar="FILE|DIR", help=w.gettext("a .tar.gz, .zip, folder or git repo")
    )
    install.add_argument(
        "--verify-with",
        metavar="ALLOWED_SIGNERS",
        help=w.gettext("refuse the pack unless one of these keys signed it"),
    )
    with_store(install)
    install.set_defaults(func=_install)

    forking = add("fork", w.gettext("copy an installed pack to make your own"))
    forking.add_argument("ref", metavar="ID[@VERSION]")
    forking.add_argument("--as", dest="new_id", required=True, metavar="NEW_ID")
    forking.add_argument(
        "--out", metavar="DIR", help=w.gettext("where to write it (default: ./NEW_ID)")
    )
    with_store(forking)
    forking.set_defaults(func=_fork)

    listing = add("list", w.gettext("the installed packs and their versions"))
    with_store(listing)
    listing.set_defaults(func=_list)

    harvesting = add(
        "harvest", w.gettext("propose the next version of a group's pack with what it learned")
    )
    harvesting.add_argument("--group", required=True, metavar="G", help=w.gettext("the group's id"))
    harvesting.add_argument(
        "--out", required=True, metavar="DIR", help=w.gettext("a new or empty folder")
    )
    harvesting.add_argument("--config", default="config.yaml", help=w.gettext("the bot's config"))
    harvesting.set_defaults(func=_harvest)

    approving = add(
        "approve", w.gettext("the admin's yes to a harvest: check it and write its MANIFEST")
    )
    approving.add_argument("folder", metavar="DIR")
    approving.add_argument("--config", default="config.yaml", help=w.gettext("the bot's config"))
    approving.set_defaults(func=_approve)

    diff = add("diff", w.gettext("what changed between two packs or versions"))
    diff.add_argument(
        "old", metavar="A", help=w.gettext("a pack folder or an installed ID@VERSION")
    )
    diff.add_argument("new", metavar="B")
    with_store(diff)
    diff.set_defaults(func=_diff)


def _words(args: argparse.Namespace) -> Words:
    return cli_words(getattr(args, "lang", None))


def _say(text: str) -> None:
    out.print(text, markup=False, soft_wrap=True)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _store(args: argparse.Namespace) -> PackStore:
    if args.packs:
        return PackStore(Path(args.packs))
    return PackStore(packs_dir(data_dir_of(Path(args.config))))


def _say_problems(w: Words, problems: list[Problem], what: str) -> None:
    err.print(say.problems_in(w, len(problems), what), markup=False, soft_wrap=True)
    for problem in problems:
        err.print("  " + problem.render(w), markup=False, soft_wrap=True)


def _loaded(w: Words, folder: Path) -> Pack | None:
    try:
        return load_pack(folder)
    except PackError as exc:
        _say_problems(w, list(exc.problems), str(folder))
        return None


def _refused(w: Words, exc: Refused) -> int:
    message = exc.say(w)
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
    w = _words(args)
    try:
        path = new_pack(Path(args.folder))
    except Refused as exc:
        return _refused(w, exc)
    _say(say.started(w, args.folder, str(path)))
    return 0


def _check(args: argparse.Namespace) -> int:
    w = _words(args)
    pack = _loaded(w, Path(args.folder))
    if pack is None:
        return 1
    sections = sum(len(r.sections) for r in pack.readings)
    _say(say.valid(w, pack.ref, len(pack.readings), sections, len(pack.notes), len(pack.lessons)))
    for problem in publish_problems(pack):
        _say(say.before_build(w, problem.text(w)))
    for code, missing in untranslated_notes(pack):
        _say(say.notes_untranslated(w, code, missing))
    if is_proposal(pack.path):
        _say(say.waiting_for_approval(w, PROPOSAL, args.folder))
    return 0


def _build(args: argparse.Namespace) -> int:
    w = _words(args)
    folder = Path(args.folder)
    pack = _loaded(w, folder)
    if pack is None:
        return 1
    blocking = publish_problems(pack)
    if blocking:
        _say_problems(w, list(blocking), str(folder))
        return 1
    if is_proposal(folder):
        err.print(say.not_approved_yet(w, str(folder), PROPOSAL), markup=False, soft_wrap=True)
        return 1
    target = Path(args.out)
    if not target.name.endswith((".tar.gz", ".tgz")):
        err.print(say.not_a_tarball(w, str(target)), markup=False, soft_wrap=True)
        return 1
    try:
        sha = write_manifest(folder)
        if args.sign_with:
            sign_manifest(folder, Path(args.sign_with))
        else:
            (folder / "MANIFEST.sig").unlink(missing_ok=True)
        build_tarball(folder, target, f"{pack.id}-{pack.version}")
    except Refused as exc:
        return _refused(w, exc)
    except OSError as exc:
        err.print(
            say.not_written(w, str(target), str(exc.strerror or exc)), markup=False, soft_wrap=True
        )
        return 1
    _say(say.built(w, pack.ref, str(target), sha, signed=bool(args.sign_with)))
    return 0


def _install(args: argparse.Namespace) -> int:
    w = _words(args)
    store = _store(args)
    signers = Path(args.verify_with) if args.verify_with else None
    try:
        done = store.install(Path(args.source), allowed_signers=signers)
    except Refused as exc:
        return _refused(w, exc)
    if done.already:
        _say(say.already_installed(w, done.pack.ref, done.signer))
        return 0
    _say(say.installed(w, done.pack.ref, done.pack.title, done.sha256, done.signer))
    return 0


def _fork(args: argparse.Namespace) -> int:
    w = _words(args)
    store = _store(args)
    target = Path(args.out or args.new_id)
    try:
        path = fork(store, args.ref, args.new_id, target)
    except Refused as exc:
        return _refused(w, exc)
    except PackError as exc:
        _say_problems(w, list(exc.problems), args.ref)
        return 1
    pack = load_pack(target)
    parent = pack.forked_from.ref if pack.forked_from else args.ref
    _say(say.forked(w, parent, str(target), pack.ref, str(path)))
    return 0


def _list(args: argparse.Namespace) -> int:
    w = _words(args)
    store = _store(args)
    installed = store.all()
    if not installed:
        out.print(say.none_installed(w, str(store.root)), markup=False, soft_wrap=True)
        return 0
    for pack_id, version in installed:
        try:
            pack = load_pack(store.folder(pack_id, version))
        except PackError:
            out.print(say.unreadable(w, f"{pack_id}@{version}"), markup=False, soft_wrap=True)
            continue
        parent = pack.forked_from.ref if pack.forked_from else None
        _say(say.listed(w, pack.ref, pack.title, list(pack.languages), pack.license, parent))
    return 0


def _diff(args: argparse.Namespace) -> int:
    w = _words(args)
    store = _store(args)
    packs: list[Pack] = []
    for name in (args.old, args.new):
        try:
            folder = (
                Path(name) if Path(name).is_dir() or not looks_like_ref(name) else store.find(name)
            )
            packs.append(load_pack(folder))
        except Refused as exc:
            return _refused(w, exc)
        except PackError as exc:
            _say_problems(w, list(exc.problems), name)
            return 1
    lines = pack_diff(*packs)
    if not lines:
        out.print(say.same_course(w, packs[0].ref, packs[1].ref), markup=False, soft_wrap=True)
        return 0
    out.print(say.changes_from(w, packs[0].ref, packs[1].ref), markup=False, soft_wrap=True)
    for line in lines:
        out.print("  " + line.say(w), markup=False, soft_wrap=True)
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

    w = _words(args)
    found = config_and_group(args)
    if found is None:
        return 1
    config, group = found
    target = Path(args.out).resolve()
    readings = config.readings_for(group)
    try:
        proposal = _on_storage(
            config,
            lambda storage: harvest(
                storage,
                group,
                target,
                datetime.now(UTC),
                readings,
                language=w,
                readings_dir=config.readings_dir,
            ),
        )
    except Refused as exc:
        return _refused(w, exc)
    _say(
        say.proposed(
            w,
            proposal.pack.ref,
            str(target),
            proposal.added,
            len(proposal.unanswered),
            str(target / PROPOSAL),
        )
    )
    return 0


def _approve(args: argparse.Namespace) -> int:
    from bot.cli.configs import load_or_say

    w = _words(args)
    folder = Path(args.folder)
    where = str(folder.resolve())
    config = load_or_say(args.config, w)
    if config is None:
        return 1
    harvest_id = _on_storage(config, lambda storage: storage.pending_harvest(where))
    if harvest_id is None and is_proposal(folder):
        err.print(say.not_proposed_here(w, str(folder)), markup=False, soft_wrap=True)
        return 1
    try:
        pack, sha = approve(folder)
    except Refused as exc:
        return _refused(w, exc)
    if harvest_id is not None:
        recorded = harvest_id
        _on_storage(config, lambda storage: storage.approve_harvest(recorded, datetime.now(UTC)))
    _say(say.approved(w, pack.ref, len(pack.lessons), sha, str(folder)))
    return 0
