"""`studybot demo`: a whole reading on a fast clock in the terminal, with two companions."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli.terminal import LogChoice, beside_terminal, stop_on_signals
from bot.config.load import load_config
from bot.core.clock import ScaledClock
from bot.core.events import CommandReceived, MemberRef, Origin
from bot.core.i18n import N_, Words, resolve
from bot.core.platform import Terminal
from bot.runtime.app import App

DEMO_READING = "first-steps"
REAL_TIME_LIMIT = 180.0

# What the two simulated companions say, one line per session; our own words, in the
# catalog so that they answer in the demo's language.
COMPANIONS: dict[str, tuple[str, ...]] = {
    "Ana": (
        N_("Knowing the date in advance is what got me here; I plan my week around it now."),
        N_("Writing even two sentences made me read more slowly, and I noticed more."),
        N_("I want to bring a friend next time and see it through their eyes."),
    ),
    "Bea": (
        N_("I almost skipped this one, but the reminder caught me at the right moment."),
        N_("Listening to the others changed my mind about the second point."),
        N_("The small steps worked: I never felt behind."),
    ),
}


def find_readings(explicit: Path | None) -> Path:
    """The folder holding the demo reading: given, ./readings, or the one beside the package."""
    candidates = [explicit] if explicit else []
    candidates += [Path.cwd() / "readings", Path(__file__).resolve().parents[2] / "readings"]
    for folder in candidates:
        if folder is not None and (folder / f"{DEMO_READING}.yaml").exists():
            return folder.resolve()
    raise FileNotFoundError(f"cannot find readings/{DEMO_READING}.yaml; pass --readings FOLDER")


def find_pack() -> Path | None:
    """The shipped first-steps pack: in ./packs, or in the packs folder beside the package."""
    for base in (Path.cwd(), Path(__file__).resolve().parents[2]):
        folder = base / "packs" / DEMO_READING
        if (folder / "pack.yaml").is_file() and (folder / "MANIFEST").is_file():
            return folder.resolve()
    return None


def install_demo_pack(folder: Path, pack: Path) -> str:
    """Install the demo pack into the demo's own data folder; returns its `ID@VERSION`."""
    from bot.packs.store import PackStore

    return PackStore(folder / "data" / "packs").install(pack).pack.ref


def demo_config(
    folder: Path,
    readings: Path,
    day: datetime,
    user: str = "you",
    words: Words | None = None,
    curriculum: str | None = None,
) -> Path:
    """The demo's config: one console group, in the language of `words` (English if none),
    reading `curriculum` (a pack's ID@VERSION) or the demo reading."""
    words = words or resolve()
    # TRANSLATORS: the name of the group the demo runs
    name = words.gettext("Demo circle")
    path = folder / "demo.yaml"
    course = f"curriculum: {curriculum}" if curriculum else f"reading: {DEMO_READING}"
    path.write_text(
        textwrap.dedent(
            f"""\
            storage: {folder / "demo.db"}
            data_dir: {folder / "data"}
            readings_dir: {readings}
            platforms:
              console: {{user: {json.dumps(user)}}}
            groups:
              - id: demo
                name: {json.dumps(name, ensure_ascii=False)}
                language: {words.code}
                platform: console
                timezone: UTC
                {course}
                start: {day.date().isoformat()}
                cadence: {{cron: "0 19 * * *"}}
                reminders: [30m]
                respond_for: 20h
            """
        ),
        encoding="utf-8",
    )
    return path


async def run_demo(
    *,
    speed: float,
    readings: Path | None,
    user: str,
    logging_to: LogChoice | None = None,
    language: str = "en",
) -> int:
    """The demo; its group and its member (`user`) speak `language`."""
    from bot.runtime.app import build_app, build_platforms

    words = resolve(language)
    pack = None if readings else find_pack()
    try:
        folder_readings = find_readings(readings) if pack is None else None
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    today = datetime.now(UTC).replace(hour=18, minute=0, second=0, microsecond=0)
    clock = ScaledClock(today, speed)
    with tempfile.TemporaryDirectory(prefix="studybot-demo-") as tmp:
        # the demo runs the shipped first-steps pack, as a group would; --readings, a folder
        curriculum = None
        if pack is not None:
            curriculum = install_demo_pack(Path(tmp), pack)
            folder_readings = Path(tmp) / "readings"
            folder_readings.mkdir()
        assert folder_readings is not None
        config = load_config(
            demo_config(Path(tmp), folder_readings, today, user, words, curriculum=curriculum)
        )
        # TRANSLATORS: beside each post's time: the demo's clock runs fast
        demo_time = words.gettext("demo time")
        console = build_platforms(
            config, ("console",), now=clock.now, stamp_note=f" ({demo_time})"
        )["console"]
        assert isinstance(console, Terminal)
        chunks: list[list[str]] = []
        if console.interactive:
            beside_terminal(
                console, config.data_dir, logging_to or LogChoice(), words=words, for_the_demo=True
            )
        else:
            # bytes that are not UTF-8 cost a character, not the demo
            chunks = _chunks(sys.stdin.buffer.read().decode("utf-8", errors="replace"))
            console.feed = asyncio.Queue()
        app = await build_app(config, clock=clock, platforms={"console": console})
        stop = stop_on_signals()
        hours = 3600 / speed
        console.say(
            words.gettext(
                "[bold]Study Circle demo[/bold]: one simulated hour passes every {seconds} s. "
                "Type [bold]/study help[/bold] for commands; a line of text answers the first "
                "prompt you have not answered ([bold]>2 text[/bold] answers prompt 2).",
                seconds=words.number(round(hours, 1)),
            )
            + (
                " " + words.gettext("The course is the pack [bold]{pack}[/bold].", pack=curriculum)
                if curriculum
                else ""
            )
        )
        await app.start()
        try:
            await _drive(app, console, clock, chunks, user, stop, words)
        finally:
            await app.stop()
        console.say(
            words.gettext(
                "[bold]Demo over.[/bold] Run [bold]studybot run --config FILE[/bold] for real "
                "groups."
            )
        )
    return 0


async def _drive(
    app: App,
    console: Terminal,
    clock: ScaledClock,
    chunks: list[list[str]],
    user: str,
    stop: asyncio.Event,
    words: Words,
) -> None:
    """Play the companions' part until the reading ends, Ctrl-C or SIGTERM, or (at a
    terminal) Ctrl-D."""
    circle = app.circle
    storage = app.storage

    def origin(name: str) -> Origin:
        return Origin(platform="console", room="console", token=name)

    people = {
        name: MemberRef(platform="console", user_id=name.lower(), display_name=name)
        for name in COMPANIONS
    }
    me = MemberRef(platform="console", user_id=user.lower(), display_name=user)
    if words.code != "en":  # the member speaks the demo's language, whatever the group's
        await circle.handle(
            CommandReceived(origin=origin(user), member=me, name="language", args=words.code)
        )
    await circle.handle(CommandReceived(origin=origin(user), member=me, name="join", args=""))
    await circle.handle(
        CommandReceived(origin=origin(user), member=me, name="reminders", args="on")
    )
    for ref in people.values():
        await circle.handle(
            CommandReceived(origin=origin(ref.display_name), member=ref, name="join", args="")
        )
    answered: set[int] = set()
    fed = 0
    deadline = time.monotonic() + REAL_TIME_LIMIT
    while time.monotonic() < deadline and not stop.is_set():
        if console.interactive and console.input_finished.is_set():
            break
        await asyncio.sleep(0.1)
        session = await storage.open_session("demo")
        if session is not None:
            if fed < session.number and fed < len(chunks) and console.feed is not None:
                for line in chunks[fed]:
                    await console.feed.put(line)
                fed += 1
            if session.number not in answered and clock.now() >= session.opened_at + timedelta(
                hours=3
            ):
                answered.add(session.number)
                prompts = await storage.prompts(session.id)
                for i, (name, lines) in enumerate(COMPANIONS.items()):
                    text = words.gettext(lines[(session.number - 1) % len(lines)])
                    number = prompts[i % len(prompts)].number if prompts else 1
                    await circle.handle(
                        CommandReceived(
                            origin=origin(name),
                            member=people[name],
                            name="respond",
                            args=f"{number} {text}",
                        )
                    )
        state = await storage.group_state("demo")
        if state.finished:
            break
    if console.feed is not None:
        await console.feed.put(None)
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait(
            [stopped, asyncio.ensure_future(console.input_finished.wait())],
            return_when=asyncio.FIRST_COMPLETED,
        )
        stopped.cancel()


def _chunks(text: str) -> list[list[str]]:
    """Piped input, split at blank lines: chunk N is typed once session N+1 has opened."""
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        if not line.strip():
            if chunks[-1]:
                chunks.append([])
            continue
        chunks[-1].append(line)
    return [c for c in chunks if c]
