"""The pseudo-locale finds words that bypass the catalog: a group in `en_XA` runs the console
scenario (`studybot run`, input piped as a service gets it) and builds its archive; every line
the bot writes must come out wrapped in ⟦ ⟧, apart from the reading's own text, the members'
words and names, the commands typed, and dates (Babel's, not the catalog's)."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import yaml

from bot.commands.spec import COMMANDS
from bot.config.load import load_config
from bot.core.i18n import PSEUDO_CLOSE, PSEUDO_OPEN
from bot.exports.archive import build_archive
from bot.storage import open_storage
from tests.conftest import BASE_CONFIG

FIXTURES = Path(__file__).resolve().parent / "fixtures"

ROOT = Path(__file__).resolve().parent.parent

CONFIG = "rate_limit: {commands: 500, per: 1m}\n" + BASE_CONFIG.replace(
    "admins: [ana]",
    "admins: [ana]\n    language: en_XA\n    rsvp: true\n    live_after: 2d\n"
    "    pairing: {enabled: true}",
)

# what a member types: every kind of reply, refusal and hint the console scenario can meet
SCRIPT = [
    "/study help",
    "/study help join",
    "/study join",
    "/study join",
    "/study schedule",
    "/study now",
    "/study respond 1 too early",
    "a line with no session",
    "/study post-now",
    "/study status",
    "/study now",
    "We keep a fixed time.",
    ">2 Fewer meetings.",
    ">7 no such prompt",
    "another line after all prompts",
    "/study mine",
    "/study responses",
    "/as Bea",
    "/study join",
    "/study respond 1 A fixed evening helps me.",
    '/study quote "fixed time" that is the heart of it',
    '/study quote "nowhere words" nothing',
    "/study passages",
    "/study responses",
    "/study reminders on",
    "/as you",
    "/study passages",
    "/study rsvp",
    "/study rsvp yes",
    "/study progress",
    "/study snooze 2",
    "/study snooze 0",
    "/study snooze 999",
    "/study reminders off",
    "/study timezone America/La_Paz",
    "/study timezone Nowhere/City",
    "/study language",
    "/study remind",
    "/study drifting",
    "/study pair-history",
    "/study delete 2",
    "/study delete 2",
    "/study quote-edit 9 words",
    "/study skip",
    "/study pause",
    "/study resume",
    "/study post-now",
    "/study post-now confirm",
    "/study respond 1 Short is good.",
    "/study pair-history",
    "/study reload",
    "/study export",
    "/study export-mine",
    "/study forget-me",
    "/study nosuch",
    "/study respond",
    "/study language xx",
]

# Babel writes dates in the pseudo-locale's base, English; they are not the catalog's
_DATES = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b|\([A-Z][a-z]+/[A-Za-z_]+\)"
)
_WORD = re.compile(r"[A-Za-z]{2,}")
# a button's fallback on the console is the command to type instead: "[label] → rsvp yes"
_FALLBACK = re.compile(r"\] → [^│]*")


def _wrapped_removed(line: str) -> str:
    """The line without its ⟦ ⟧ spans (innermost first, so nested ones go too)."""
    span = re.compile(f"{PSEUDO_OPEN}[^{PSEUDO_OPEN}{PSEUDO_CLOSE}]*{PSEUDO_CLOSE}")
    while True:
        shorter = span.sub(" ", line)
        if shorter == line:
            return line
        line = shorter


def _content(readings: Path, names: Iterable[str]) -> list[str]:
    """What is not the bot's to translate: the readings' text, the members' words and names,
    and the commands as typed (`/study respond PROMPT ...`)."""
    pieces: list[str] = []
    for path in readings.glob("*.yaml"):
        reading = yaml.safe_load(path.read_text(encoding="utf-8"))
        pieces += [str(reading.get(key, "")) for key in ("title", "author", "source")]
        for section in reading.get("sections", []):
            pieces.append(str(section.get("title", "")))
            pieces += [p.strip() for p in str(section.get("body", "")).split("\n\n")]
            pieces += [str(p) for p in section.get("prompts", [])]
    for line in SCRIPT:
        pieces.append(line)
        if not line.startswith("/"):
            pieces.append(line.lstrip(">0123456789 "))
        else:
            pieces += re.findall(r'"([^"]*)"', line)
            pieces.append(re.sub(r'^/study \S+ (\d+ )?("[^"]*" )?', "", line))
    pieces += [f"/study {spec.usage}" for spec in COMMANDS]
    pieces += list(names)
    return sorted({p for p in pieces if p}, key=len, reverse=True)


def unwrapped(lines: Iterable[str], content: list[str]) -> list[str]:
    """The lines that carry words neither wrapped by the pseudo-locale nor someone else's."""
    found = []
    for line in lines:
        rest = _wrapped_removed(line)
        for piece in content:
            rest = rest.replace(piece, " ")
        rest = _DATES.sub(" ", _FALLBACK.sub(" ", rest))
        if _WORD.search(rest):
            found.append(line.strip())
    return found


def _run_console(config: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run", "--config", str(config), "--log-file", "bot.log"],
        input="\n".join(SCRIPT) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=config.parent,
        # wide, so that rich never wraps a line between its ⟦ and its ⟧
        env={**os.environ, "COLUMNS": "2000", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class _Text(HTMLParser):
    """The text a reader meets on a page: text nodes and the labels of charts and links."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.lang: str | None = None
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self._skip = tag == "style"
        self.lines += [v for k, v in attrs if k in {"aria-label", "title", "alt"} and v]

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.lines.append(data.strip())


def test_every_line_of_the_console_scenario_and_the_archive_goes_through_the_catalog(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = write_config(CONFIG)
    out = _run_console(config)
    content = _content(FIXTURES / "readings", ["you", "Bea", "Readers", "readers", "console"])
    typed = re.compile(r"^(you|Bea)> ")
    shown = [line for line in out.splitlines() if line.strip() and not typed.match(line)]
    assert any(PSEUDO_OPEN in line for line in shown), out[:2000]
    assert unwrapped(shown, content) == [], "\n".join(unwrapped(shown, content))

    async def archive() -> Path:
        loaded = load_config(config)
        group = loaded.groups[0]
        storage = await open_storage(loaded.storage)
        try:
            await build_archive(storage, group, tmp_path / "site", datetime.now(UTC), None)
        finally:
            await storage.close()
        return tmp_path / "site"

    site = asyncio.run(archive())
    pages = sorted(site.glob("*.html"))
    assert len(pages) >= 4  # the index, participation and both sessions
    for page in pages:
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.lang == "en-XA", page.name
        pieces = [p for p in content if p != "console"]
        numbers = re.compile(r"^[#\d\s·.,:–—→←]+$")
        text = [line for line in parser.lines if not numbers.match(line)]
        assert unwrapped(text, pieces) == [], (page.name, unwrapped(text, pieces))
