"""The `studybot` command line: run, demo, check, preview, export, import."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from babel.dates import format_date
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from bot.cli import cli_words as say
from bot.cli.configs import config_and_group, load_or_say
from bot.cli.help_language import help_language
from bot.cli.terminal import LogChoice, beside_terminal, first_of, stop_on_signals
from bot.config.model import Config, Group
from bot.core.clock import Clock, SystemClock
from bot.core.durations import format_duration
from bot.core.i18n import ENGLISH, Words
from bot.core.platform import AdapterError, Terminal
from bot.core.said import Said
from bot.runtime.logs import LEVELS, setup_logging
from bot.schedule.previewing import describe_start

log = logging.getLogger(__name__)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def main(argv: Sequence[str] | None = None, *, clock: Clock | None = None) -> int:
    """The `studybot` command. `clock` replaces the system clock of `run` (tests inject a
    scaled one here; the shipped command never reads a clock from its environment)."""
    parser = _parser(help_language(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    args.clock = clock
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    setup_logging(args.log_level, Path(args.log_file) if args.log_file else None)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        return 130


def _parser(w: Words = ENGLISH) -> argparse.ArgumentParser:
    """The command line, its help in `w`."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--log-level",
        choices=LEVELS,
        default="info",
        help=w.gettext("how much to log (default info)"),
    )
    common.add_argument(
        "--log-file", help=w.gettext("write logs to this file instead of standard error")
    )
    parser = argparse.ArgumentParser(
        prog="studybot",
        description=w.gettext("Study Circle: reading groups on Discord, Matrix and the console."),
    )
    sub = parser.add_subparsers(dest="command")

    run = sub.add_parser(
        "run", parents=[common], help=w.gettext("run the bot on the platforms the config uses")
    )
    run.add_argument(
        "--config", default="config.yaml", help=w.gettext("the config file (default config.yaml)")
    )
    run.add_argument("--as", dest="as_user", help=w.gettext("on the console, speak as this member"))
    run.add_argument(
        "--platform",
        dest="platforms",
        action="append",
        metavar="NAME",
        help=w.gettext(
            "serve only this platform (repeatable; default: every platform the groups use); "
            "other processes sharing the database serve the rest"
        ),
    )
    run.set_defaults(func=_run)

    from bot.cli.storage import register as register_storage_commands

    register_storage_commands(sub, common, w)

    from bot.cli.packs import register as register_pack_commands

    register_pack_commands(sub, common, w)

    from bot.cli.library import register as register_library_commands

    register_library_commands(sub, common, w)

    demo = sub.add_parser(
        "demo",
        parents=[common],
        help=w.gettext("watch a whole reading on a fast clock in the terminal"),
    )
    demo.add_argument(
        "--speed",
        type=float,
        default=6000.0,
        help=w.gettext("simulated seconds per real second (default 6000)"),
    )
    demo.add_argument(
        "--readings", help=w.gettext("folder with the demo reading (default: the shipped readings)")
    )
    demo.add_argument(
        "--as", dest="as_user", default="you", help=w.gettext("your name in the demo")
    )
    demo.add_argument(
        "--lang",
        default="en",
        help=w.gettext(
            "the language of the demo's group and of you in it: en, es, pt_BR (default en)"
        ),
    )
    demo.set_defaults(func=_demo)

    check = sub.add_parser(
        "check",
        parents=[common],
        help=w.gettext("validate a config; print each group's next session"),
    )
    check.add_argument("config")
    _lang_option(check, w)
    check.set_defaults(func=_check)

    preview = sub.add_parser(
        "preview", parents=[common], help=w.gettext("upcoming sessions and reminders per group")
    )
    preview.add_argument("config")
    preview.add_argument(
        "--days", type=int, default=28, help=w.gettext("how far ahead (default 28)")
    )
    preview.add_argument(
        "--ics", help=w.gettext("also write an iCalendar file members can subscribe to")
    )
    preview.add_argument("--group", help=w.gettext("only this group (its own feed with --ics)"))
    _lang_option(preview, w)
    preview.set_defaults(func=_preview)

    export = sub.add_parser(
        "export",
        parents=[common],
        help=w.gettext("a group's shared responses as CSV, JSON or Markdown"),
    )
    export.add_argument("config")
    export.add_argument("--group", required=True)
    export.add_argument(
        "--format",
        choices=("csv", "json", "md", "annotations"),
        default="csv",
        help=w.gettext("annotations: the notes on passages as W3C Web Annotation JSON-LD"),
    )
    export.add_argument("--out", help=w.gettext("file to write (default: standard output)"))
    export.add_argument(
        "--force", action="store_true", help=w.gettext("replace --out if it exists")
    )
    export.set_defaults(func=_export)

    archive = sub.add_parser(
        "archive",
        parents=[common],
        help=w.gettext(
            "a group's sessions and shared responses as a static website, viewable offline"
        ),
    )
    archive.add_argument("config")
    archive.add_argument("--group", required=True)
    archive.add_argument(
        "--out",
        required=True,
        help=w.gettext("folder to write the site into: new, empty, or its own"),
    )
    archive.add_argument(
        "--force", action="store_true", help=w.gettext("replace an earlier archive in that folder")
    )
    archive.set_defaults(func=_archive)

    notes = sub.add_parser(
        "import-annotations",
        parents=[common],
        help=w.gettext(
            "W3C Web Annotation JSON-LD (as `export --format annotations` writes) into a group"
        ),
    )
    notes.add_argument("config")
    notes.add_argument("--group", required=True)
    notes.add_argument("file", help=w.gettext("the JSON-LD file to read"))
    _lang_option(notes, w)
    notes.set_defaults(func=_import_annotations)

    imp = sub.add_parser(
        "import",
        parents=[common],
        help=w.gettext("split an article (HTML, PDF, EPUB, Markdown or text) into a reading YAML"),
    )
    imp.add_argument("article", metavar="SOURCE")
    imp.add_argument("--out", help=w.gettext("the reading file to write, e.g. readings/NAME.yaml"))
    imp.add_argument(
        "--max-words",
        type=int,
        default=600,
        help=w.gettext("target words per section without headings"),
    )
    imp.add_argument(
        "--id", dest="reading_id", help=w.gettext("the reading's id (default: from the file name)")
    )
    imp.add_argument("--title", help=w.gettext("the reading's title (default: from the article)"))
    imp.add_argument("--force", action="store_true", help=w.gettext("overwrite --out if it exists"))
    imp.add_argument(
        "--split",
        choices=("auto", "headings", "outline", "words"),
        default="auto",
        help=w.gettext(
            "cut at headings, at the PDF outline or EPUB contents, or every --max-words words"
        ),
    )
    imp.add_argument(
        "--keep-tail",
        action="store_true",
        help=w.gettext("keep what follows the article (comments...)"),
    )
    imp.add_argument(
        "--dry-run", action="store_true", help=w.gettext("show the sections, write nothing")
    )
    _lang_option(imp, w)
    imp.set_defaults(func=_import)
    return parser


def _lang_option(command: argparse.ArgumentParser, w: Words) -> None:
    command.add_argument(
        "--lang", help=w.gettext("the language to print in, e.g. es or pt_BR (default: from LANG)")
    )


# -- check / preview ------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from bot.schedule.cadence import next_slot

    w = say.cli_words(args.lang)
    config = load_or_say(args.config, w)
    if config is None:
        return 1
    now = datetime.now(UTC)
    valid = say.valid(w, args.config, len(config.groups), len(config.readings))
    out.print(Text(valid, style="green"))
    for group in config.groups:
        slot = next_slot(group.spec, group.zone, now)
        when = describe_start(slot, group.zone, w) if slot else say.no_date_left(w)
        out.print(
            say.group_line(w, group.id, group.platform, group.course.title_in(w.code), when),
            markup=False,
        )
        if group.spec.minimal:
            filled = ", ".join(group.spec.preset_keys) or say.minimal_nothing(w)
            out.print(say.minimal_line(w, filled), markup=False)
    return 0


def _local(moment: datetime, group: Group, words: Words) -> str:
    """A moment in the group's zone, which the table's title names: 'Tue 1 Dec 2026, 19:00',
    'mar, 1 dic 2026, 19:00' (short enough to leave the table's other columns room)."""
    if words.locale.language != "en":
        local = moment.astimezone(group.zone)
        day = format_date(local.date(), "EEE d MMM y", locale=words.locale)
        return f"{day}, {words.clock(moment, group.zone)}"
    return describe_start(moment, group.zone, words).split(" (")[0]


def _short(moment: datetime, group: Group, words: Words) -> str:
    """'Mon 7 Dec 19:00': the year and the zone are the session's."""
    if words.locale.language != "en":
        return f"{words.short_day(moment, group.zone)} {words.clock(moment, group.zone)}"
    local = moment.astimezone(group.zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _preview(args: argparse.Namespace) -> int:
    from bot.schedule.previewing import PreviewBreak, preview_rows, write_ics

    w = say.cli_words(args.lang)
    config = load_or_say(args.config, w)
    if config is None:
        return 1
    now = datetime.now(UTC)
    until = now + timedelta(days=args.days)
    if args.group is not None and config.group(args.group) is None:
        groups = ", ".join(g.id for g in config.groups)
        err.print(say.no_group(w, repr(args.group), groups), markup=False)
        return 1
    for group in config.groups:
        if args.group is not None and group.id != args.group:
            continue
        table = Table(title=f"{group.spec.name} ({group.spec.timezone})", title_justify="left")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column(say.session_column(w), no_wrap=True)
        table.add_column(say.sections_column(w), min_width=12)
        table.add_column(w.gettext("Open until"))
        if group.spec.rsvp:
            table.add_column(w.gettext("Live talk"))
        sources: dict[str, str] = {}
        for row in preview_rows(group, now, until):
            if isinstance(row, PreviewBreak):
                rest = ["—"] * (2 if group.spec.rsvp else 1)
                table.add_row("", _local(row.start, group, w), w.gettext("break"), *rest)
                continue
            if row.source:
                sources.setdefault(row.reading, row.source)
            live = [_short(row.live, group, w)] if row.live is not None else []
            table.add_row(
                str(row.number),
                _local(row.start, group, w),
                row.sections,
                _short(row.closes, group, w),
                *live,
            )
        out.print(table)
        leads = say.and_list(
            w, [format_duration(lead) for lead in sorted(group.spec.reminders, reverse=True)]
        )
        if leads:
            out.print(w.gettext("  Reminders: {leads} before each session.", leads=leads))
        else:
            out.print(w.gettext("  No reminders."))
        for title, source in sources.items():
            out.print(f"  {title}: {source}", markup=False, soft_wrap=True)
    if args.ics:
        path = Path(args.ics)
        write_ics(config, now, until, path, group_id=args.group)
        out.print(say.calendar_written(w, escape(str(path))))
    return 0


# -- export / import ------------------------------------------------------------------


def _export(args: argparse.Namespace) -> int:
    from bot.exports.destination import Refused, check_file_target, written_whole
    from bot.exports.exporting import write_export
    from bot.storage import open_storage

    found = config_and_group(args)
    if found is None:
        return 1
    config, group = found
    target = Path(args.out) if args.out else None
    try:
        if target is not None:
            check_file_target(target, force=args.force)
    except Refused as exc:
        err.print(exc.say(say.cli_words(getattr(args, "lang", None))), markup=False, soft_wrap=True)
        return 1

    async def go(fh: TextIO) -> int:
        storage = await open_storage(config.storage)
        try:
            return await write_export(storage, group, args.format, fh, config.readings_for(group))
        finally:
            await storage.close()

    if target is None:
        count = asyncio.run(go(sys.stdout))
    else:
        try:
            with written_whole(target) as fh:
                count = asyncio.run(go(fh))
        except OSError as exc:
            err.print(
                say.not_written(say.cli_words(), str(target), str(exc.strerror or exc)),
                markup=False,
                soft_wrap=True,
            )
            return 1
    err.print(say.exported(say.cli_words(), count), markup=False)
    return 0


def _import_annotations(args: argparse.Namespace) -> int:
    import json

    from bot.exports.annotation_import import check_file
    from bot.storage import open_storage

    w = say.cli_words(args.lang)
    found = config_and_group(args)
    if found is None:
        return 1
    config, group = found
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        err.print(say.annotations_unreadable(w, args.file, str(exc)), markup=False,
                  soft_wrap=True)  # fmt: skip
        return 1

    async def go() -> tuple[list[Said], tuple[int, int, int]]:
        storage = await open_storage(config.storage)
        try:
            checked = check_file(
                data,
                group,
                await storage.sessions(group.id),
                config.readings_for(group),
                limit=config.spec.max_response_chars,
            )
            if checked.problems:
                return checked.problems, (0, 0, 0)
            rows = [(n.note, n.replies) for n in checked.notes]
            return [], await storage.import_annotations(rows, datetime.now(UTC))
        finally:
            await storage.close()

    problems, (saved, replies, already) = asyncio.run(go())
    if problems:
        for problem in problems:
            err.print(f"{args.file}: {problem.say(w)}", markup=False, soft_wrap=True)
        err.print(say.annotation_problems(w, len(problems)), markup=False)
        return 1
    out.print(say.annotations_imported(w, saved, replies, group.spec.name),
              markup=False, soft_wrap=True)  # fmt: skip
    if already:
        out.print(say.annotations_already_there(w, already), markup=False, soft_wrap=True)
    return 0


def _archive(args: argparse.Namespace) -> int:
    from bot.exports.archive import build_archive
    from bot.exports.destination import Refused, mark_site, site_folder
    from bot.storage import open_storage

    found = config_and_group(args)
    if found is None:
        return 1
    config, group = found
    try:
        folder = site_folder(Path(args.out), force=args.force)
    except Refused as exc:
        err.print(exc.say(say.cli_words(getattr(args, "lang", None))), markup=False, soft_wrap=True)
        return 1

    async def go() -> list[Path]:
        storage = await open_storage(config.storage)
        try:
            return await build_archive(
                storage, group, folder.path, datetime.now(UTC), config.readings_for(group)
            )
        finally:
            await storage.close()

    try:
        written = asyncio.run(go())
        mark_site(folder, written, group.id)
    except OSError as exc:
        err.print(
            say.archive_not_written(say.cli_words(), args.out, str(exc.strerror or exc)),
            markup=False,
            soft_wrap=True,
        )
        return 1
    out.print(
        say.archived(
            say.cli_words(), group.spec.name, len(written), args.out, bool(folder.earlier)
        ),
        markup=False,
        soft_wrap=True,
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    from bot.readings.importer.command import ImportRequest, run_import

    target = Path(args.out) if args.out else None
    request = ImportRequest(
        source=Path(args.article),
        target=target,
        max_words=args.max_words,
        reading_id=args.reading_id or (_slug(target.stem) if target else None),
        title=args.title,
        force=args.force,
        split=args.split,
        keep_tail=args.keep_tail,
        dry_run=args.dry_run,
    )
    return run_import(request, out=out, err=err, words=say.cli_words(args.lang))


def _slug(text: str) -> str:
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:64] or "reading"


# -- run / demo -----------------------------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    path = Path(args.config)
    if not path.exists():
        err.print(say.no_config(say.cli_words(), str(path)), markup=False)
        return 1
    config = load_or_say(args.config)
    if config is None:
        return 1
    if args.platforms:
        unknown = sorted(set(args.platforms) - set(config.platform_names))
        if unknown:
            err.print(
                say.unused_platforms(
                    say.cli_words(), ", ".join(unknown), ", ".join(config.platform_names)
                ),
                markup=False,
            )
            return 1
    return asyncio.run(
        _serve(
            config,
            as_user=args.as_user,
            names=tuple(args.platforms) if args.platforms else None,
            clock=args.clock,
            logging_to=LogChoice(level=args.log_level, file=args.log_file),
        )
    )


async def _serve(
    config: Config,
    *,
    as_user: str | None,
    names: tuple[str, ...] | None = None,
    clock: Clock | None = None,
    logging_to: LogChoice | None = None,
) -> int:
    from bot.runtime.app import build_app, build_platforms
    from bot.runtime.registry import PlatformUnavailable
    from bot.storage.engines.single_process import AlreadyRunning

    clock = clock or SystemClock()
    try:
        platforms = build_platforms(config, names, as_user=as_user, now=clock.now)
    except PlatformUnavailable as exc:
        err.print(exc.say(say.cli_words()), markup=False)
        return 1
    console = platforms.get("console")
    terminal = console if isinstance(console, Terminal) else None
    if terminal is not None and terminal.interactive:
        beside_terminal(terminal, config.data_dir, logging_to or LogChoice())
    try:
        app = await build_app(config, platforms=platforms, clock=clock)
    except AlreadyRunning as exc:
        err.print(say.cli_words().gettext("Not starting: {problem}", problem=exc), markup=False)
        return 1
    except (OSError, ConnectionError, RuntimeError) as exc:
        from bot.storage.engines.database import redact

        log.exception("opening the storage failed")
        err.print(
            say.cli_words().gettext(
                "Could not open the storage at {where}: {problem}",
                where=redact(config.storage),
                problem=exc,
            ),
            markup=False,
        )
        return 1
    stop = stop_on_signals()
    try:
        await app.start()
    except Exception as exc:
        log.exception("start-up failed")
        w = say.cli_words()
        problem = exc.say(w) if isinstance(exc, AdapterError) else str(exc)
        err.print(w.gettext("Could not start: {problem}", problem=problem), markup=False)
        await app.stop()
        return 1
    # Ctrl-D (or the end of piped input) ends the run as Ctrl-C and SIGTERM do
    ended = [stop.wait()] + ([terminal.input_finished.wait()] if terminal is not None else [])
    await first_of(*ended)
    log.info("shutting down")
    await app.stop()
    if terminal is not None and terminal.interactive:
        stopped = say.cli_words().gettext(
            "Stopped: work in hand finished, and the database closed."
        )
        terminal.say(escape(stopped))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot.cli.demo import run_demo
    from bot.core.i18n import SUPPORTED, normalize, suggest

    if normalize(args.lang) is None:
        hint = suggest(args.lang)
        print(
            say.unknown_demo_language(say.cli_words(), args.lang, hint, SUPPORTED), file=sys.stderr
        )
        return 2

    return asyncio.run(
        run_demo(
            speed=args.speed,
            readings=Path(args.readings) if args.readings else None,
            user=args.as_user,
            logging_to=LogChoice(level=args.log_level, file=args.log_file),
            language=args.lang,
        )
    )


if __name__ == "__main__":
    raise SystemExit(main())
