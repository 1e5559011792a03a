"""`studybot library build`: a static site of a folder of packs, for any file share or host."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from bot.cli import library_words as say
from bot.cli.cli_words import cli_words
from bot.core.i18n import ENGLISH, Words

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    w: Words = ENGLISH,
) -> None:
    """The subcommands, their help in `w` (the language `--lang` or `LANG` asks for)."""
    library = sub.add_parser(
        "library",
        parents=[common],
        help=w.gettext("a static site of curriculum packs (the clearing house)"),
    )
    commands = library.add_subparsers(dest="library_command", metavar="COMMAND")
    library.set_defaults(func=lambda args: _usage(library))
    build = commands.add_parser(
        "build", help=w.gettext("write the library site of a folder of packs")
    )
    build.add_argument(
        "packs", metavar="PACKS_DIR", help=w.gettext("a folder of pack folders (or a store)")
    )
    build.add_argument(
        "--out", required=True, metavar="SITE", help=w.gettext("a new or empty folder")
    )
    build.add_argument(
        "--force", action="store_true", help=w.gettext("replace an earlier library there")
    )
    build.add_argument(
        "--lang",
        help=w.gettext(
            "the language to print in and of the site's own words, e.g. es or pt_BR "
            "(default: from LANG); the packs stay as their authors wrote them"
        ),
    )
    build.set_defaults(func=_build)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _build(args: argparse.Namespace) -> int:
    from bot.exports.destination import Refused, mark_site, site_folder
    from bot.exports.library import build_library

    w = cli_words(args.lang)
    packs = Path(args.packs)
    if not packs.is_dir():
        err.print(say.no_folder(w, str(packs)), markup=False, soft_wrap=True)
        return 1
    try:
        folder = site_folder(Path(args.out), force=args.force)
    except Refused as exc:
        err.print(exc.say(w), markup=False, soft_wrap=True)
        return 1
    try:
        made = build_library(packs, folder.path, words=w)
        mark_site(folder, made.written, "library")
    except OSError as exc:
        problem = str(exc.strerror or exc)  # the system's own words
        err.print(say.not_written(w, args.out, problem), markup=False, soft_wrap=True)
        return 1
    for gone in made.left_out:
        err.print(say.left_out(w, str(gone.folder), gone.why), markup=False, soft_wrap=True)
    shown = say.built(w, len(made.packs), args.out, replaced=bool(folder.earlier))
    out.print(shown, markup=False, soft_wrap=True)
    return 0
