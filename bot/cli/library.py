"""`studybot library build`: a static site of a folder of packs, for any file share or host."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    library = sub.add_parser(
        "library", parents=[common], help="a static site of curriculum packs (the clearing house)"
    )
    commands = library.add_subparsers(dest="library_command", metavar="COMMAND")
    library.set_defaults(func=lambda args: _usage(library))
    build = commands.add_parser("build", help="write the library site of a folder of packs")
    build.add_argument("packs", metavar="PACKS_DIR", help="a folder of pack folders (or a store)")
    build.add_argument("--out", required=True, metavar="SITE", help="a new or empty folder")
    build.add_argument("--force", action="store_true", help="replace an earlier library there")
    build.set_defaults(func=_build)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _build(args: argparse.Namespace) -> int:
    from bot.exports.destination import Refused, mark_site, site_folder
    from bot.exports.library import build_library

    packs = Path(args.packs)
    if not packs.is_dir():
        err.print(
            f"There is no folder {packs}; give the folder that holds the packs.", markup=False
        )
        return 1
    try:
        folder = site_folder(Path(args.out), force=args.force)
    except Refused as exc:
        err.print(str(exc), markup=False, soft_wrap=True)
        return 1
    try:
        made = build_library(packs, folder.path)
        mark_site(folder, made.written, "library")
    except OSError as exc:
        err.print(
            f"Could not write the library into {args.out}: {exc.strerror or exc}.",
            markup=False,
            soft_wrap=True,
        )
        return 1
    for gone in made.left_out:
        err.print(f"Left out {gone.folder}: {gone.why}", markup=False, soft_wrap=True)
    again = "replaced the earlier one; " if folder.earlier else ""
    out.print(
        f"Library of {len(made.packs)} pack(s) in {args.out} ({again}open index.html).",
        markup=False,
        soft_wrap=True,
    )
    return 0
