"""The group's archive: what it shows and hides, and how it loads in a real headless Chromium."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bot.exports.archive import build_archive
from bot.testing import Harness, make_harness, member
from tests.conftest import BASE_CONFIG, START
from tests.test_cli import studybot

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts" / "archive"
OPENS = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 30, 12, 0, tzinfo=UTC)
SOURCE = "https://example.org/three-parts"  # the fixture reading's `source`
BEA, CAL, DEV = member("Bea"), member("Cal"), member("Dev")
INJECTION = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quotes\""
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)


async def reading_group_history(h: Harness) -> None:
    """Three sessions: shared, private, late, multi-paragraph and hostile responses."""
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command(
        "respond 1 Meeting at a fixed time made it a habit.\n\nAnd a friend who expects me.",
        member=BEA,
    )
    await h.command(f"respond 2 {INJECTION}", member=CAL)
    await h.command("respond 1 --private Only for me: I nearly quit.", member=DEV)
    await h.advance(timedelta(days=7))
    await h.command("respond 1 Short is kind to busy people.", member=DEV)
    await h.advance(timedelta(days=7))
    await h.command("respond 1 That reading is a practice, not a test.", member=BEA)
    await h.command("respond 2 My sister.", member=CAL)
    await h.advance(timedelta(days=6, hours=1))
    await h.command("respond 2 Also my neighbour (sent late).", member=DEV)


@pytest.fixture
def site(write_config: Callable[[str], Path], tmp_path: Path) -> Path:
    """The archive of a group with three sessions of history."""

    async def build() -> Path:
        h = await make_harness(write_config(BASE_CONFIG), start=START)
        await reading_group_history(h)
        group = h.config.group("readers")
        assert group is not None
        out = tmp_path / "site"
        await build_archive(h.storage, group, out, NOW)
        await h.close()
        return out

    return asyncio.run(build())


def pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


def test_archive_has_an_index_a_page_per_session_and_participation(site: Path) -> None:
    html = pages(site)
    assert set(html) == {
        "index.html",
        "participation.html",
        "session-1.html",
        "session-2.html",
        "session-3.html",
    }
    index = html["index.html"]
    assert "Three Parts" in index and "Session 2: Part Two" in index
    session = html["session-1.html"]
    assert "What keeps you coming back?" in session
    assert "Meeting at a fixed time made it a habit.</p><p>And a friend" in session
    assert "— Bea" in session
    assert "late" in html["session-3.html"] and "Also my neighbour" in html["session-3.html"]
    assert "<svg" in html["participation.html"] and "<table>" in html["participation.html"]
    for text in html.values():
        assert '<meta name="viewport"' in text and "max-width" in text


def test_archive_never_shows_private_responses_and_escapes_member_text(site: Path) -> None:
    for name, text in pages(site).items():
        assert "I nearly quit" not in text, name
        assert "<script" not in text.lower(), name
        assert "onerror=alert" not in text.replace("onerror=alert(1)&gt;", ""), name
    session = pages(site)["session-1.html"]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in session
    assert "1 private response, not shown" in session


async def test_anonymous_responses_have_no_author_in_the_archive(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    config = BASE_CONFIG.replace("admins: [ana]", "admins: [ana]\n    anonymous: true")
    h = await make_harness(write_config(config), start=START)
    await h.advance_to(OPENS + timedelta(minutes=1))
    await h.command("respond 1 Nobody knows I wrote this.", member=member("Zelda"))
    group = h.config.group("readers")
    assert group is not None
    await build_archive(h.storage, group, tmp_path / "anon", NOW)
    await h.close()
    session = pages(tmp_path / "anon")["session-1.html"]
    assert "Nobody knows I wrote this." in session and "— Anonymous" in session
    assert all("Zelda" not in text for text in pages(tmp_path / "anon").values())


async def test_studybot_archive_command(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_config(BASE_CONFIG)
    h = await make_harness(path, start=START, storage_path=str(tmp_path / "data" / "test.db"))
    await reading_group_history(h)
    await h.close()
    out = tmp_path / "archive-out"
    result = studybot("archive", str(path), "--group", "readers", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "5 pages" in result.stdout and (out / "index.html").exists()
    missing = studybot("archive", str(path), "--group", "nope", "--out", str(out))
    assert missing.returncode == 1 and "No group 'nope'" in missing.stderr


# -- in a real browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed when missing (CI runs as root on a fresh machine)."""
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if found is None:
        subprocess.run(["apt-get", "update"], check=True, capture_output=True, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "chromium"], check=True, capture_output=True, timeout=1200
        )
        found = "/usr/bin/chromium"
    return found


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value is not None:
                self.targets.append(value)


def render_in_chromium(
    chromium: str, page: Path, shot: Path, size: str, profile: Path
) -> tuple[str, str]:
    """Load `page` headless; returns (the DOM after load, chromium's log)."""
    url = page.resolve().as_uri()
    base = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={size}"]
    shot.parent.mkdir(parents=True, exist_ok=True)
    taken = subprocess.run(
        [*base, f"--screenshot={shot}", url], capture_output=True, text=True, timeout=120
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout, taken.stderr + dom.stderr


def test_archive_in_headless_chromium(chromium: str, site: Path, tmp_path: Path) -> None:
    html = pages(site)
    for name, text in html.items():
        links = Links()
        links.feed(text)
        for target in links.targets:
            parsed = urlparse(target)
            if target == SOURCE:  # the one link out: where the reading itself lives
                continue
            assert not parsed.scheme and not parsed.netloc, f"{name}: external {target}"
            assert (site / parsed.path).is_file(), f"{name}: broken link {target}"
    wanted = {
        "index.html": "index",
        "session-1.html": "session",
        "participation.html": "participation",
    }
    for name, kind in wanted.items():
        for label, size in (("desktop", "1280,1400"), ("phone", "390,1400")):
            shot = SHOTS / f"{kind}-{label}.png"
            dom, log = render_in_chromium(
                chromium, site / name, shot, size, tmp_path / f"profile-{kind}-{label}"
            )
            console = [line for line in log.splitlines() if ":CONSOLE" in line]
            assert not console, console
            assert "<main>" in dom and "</html>" in dom
            assert "<script" not in dom.lower() and "<img" not in dom.lower()  # text stayed text
            assert shot.is_file() and shot.stat().st_size > 5_000, shot


# -- the archive carries the course (issue 14) ------------------------------------------------


@pytest.fixture
def course_site(write_config: Callable[[str], Path], tmp_path: Path) -> tuple[Path, Path]:
    """`studybot archive` of a two-reading course, four sessions in (the fourth still open),
    with the config then changed so that the second reading has left the course."""
    from tests.test_courses import COURSE, course_config

    path = course_config(write_config, COURSE)

    async def history() -> None:
        h = await make_harness(path, start=START, storage_path=str(tmp_path / "data" / "test.db"))
        await h.advance_to(OPENS + timedelta(minutes=1))
        await h.command("respond 1 A fixed hour.", member=BEA)
        await h.command("respond 1 --private Mine alone.", member=CAL)
        await h.command("respond 2 Later, I think.", member=DEV)
        await h.advance(timedelta(days=6, hours=1))  # session 1 closes
        await h.command("respond 2 After the close.", member=CAL)
        await h.advance_to(OPENS + timedelta(days=21, minutes=1))  # session 4: the second reading
        await h.command("respond 1 My neighbour reads with me.", member=BEA)
        await h.close()

    asyncio.run(history())
    before = tmp_path / "course-site"
    made = studybot("archive", str(path), "--group", "readers", "--out", str(before))
    assert made.returncode == 0, made.stderr
    path.write_text(path.read_text().replace("[three-parts, next-steps]", "[three-parts]"))
    after = tmp_path / "course-site-after"
    made = studybot("archive", str(path), "--group", "readers", "--out", str(after))
    assert made.returncode == 0, made.stderr
    return before, after


def test_the_index_shows_the_course_as_readings_and_sections_with_their_sessions(
    course_site: tuple[Path, Path],
) -> None:
    index = pages(course_site[0])["index.html"]
    assert "A course of 2 readings." in index
    assert index.index("<cite>Three Parts</cite>") < index.index("<cite>Next Steps</cite>")
    assert (
        '<li><span class="section">Part One</span> · <a href="session-1.html">session 1</a></li>'
        in index
    )
    assert (
        '<li><span class="section">Keeping On</span> · <span class="empty">not read yet</span></li>'
        in index
    )
    assert f'<a href="{SOURCE}" rel="noopener noreferrer">the original</a>' in index
    assert "Session 4: Reading Together" in index and "no longer in" not in index
    later = pages(course_site[1])["index.html"]
    # the config changed; what was read did not
    assert "Session 4: Reading Together" in later
    assert '<cite>Next Steps</cite></h3>\n<p class="meta">by Study Circle · ' in later
    assert "no longer in the group's readings" in later
    assert "Reading <cite>Three Parts</cite> by Study Circle." in later
    assert "Read before the course changed: <cite>Next Steps</cite>." in later


def test_a_session_page_shows_what_was_read_its_source_and_the_closing_summary(
    course_site: tuple[Path, Path],
) -> None:
    first = pages(course_site[0])["session-1.html"]
    # no summary in the reading: the section's first paragraph, not the rest
    assert "The first part says that groups keep going when they meet at a fixed time." in first
    assert "It has a second paragraph too." not in first
    assert f'Read the whole text: <a href="{SOURCE}" rel="noopener noreferrer">' in first
    assert "<h2>Closing summary</h2>" in first
    assert "Closed Monday 7 December 2026: 3 members took part." in first
    assert "<li>1. What keeps you coming back? — 2 responses</li>" in first
    assert "<li>2. What would you change? — 1 response</li>" in first
    assert "1 response came after the close." in first
    assert "Mine alone." not in first and "Cal" not in first.split("Closing summary")[1]
    fourth = pages(course_site[1])["session-4.html"]
    assert "<cite>Next Steps</cite>" in fourth
    assert "Why a group reads further than one reader does." in fourth  # its summary
    assert "somebody expects you" not in fourth
    assert "https://example.org/next-steps" in fourth
    assert "The session was still open when this archive was made." in fourth


def test_a_source_that_is_not_a_web_address_is_never_a_link(
    write_config: Callable[[str], Path], tmp_path: Path
) -> None:
    path = write_config(BASE_CONFIG)
    reading = path.parent / "readings" / "three-parts.yaml"
    reading.write_text(reading.read_text().replace(SOURCE, "javascript:alert(1)"), encoding="utf-8")

    async def build() -> Path:
        h = await make_harness(path, start=START)
        await h.advance_to(OPENS + timedelta(minutes=1))
        group = h.config.group("readers")
        assert group is not None
        await build_archive(h.storage, group, tmp_path / "site", NOW, h.config.readings)
        await h.close()
        return tmp_path / "site"

    for text in pages(asyncio.run(build())).values():
        assert "javascript:" not in text and "Read the whole text" not in text


def test_the_course_archive_in_headless_chromium(
    chromium: str, course_site: tuple[Path, Path], tmp_path: Path
) -> None:
    site = course_site[1]
    sources = {SOURCE, "https://example.org/next-steps"}
    for name, text in pages(site).items():
        links = Links()
        links.feed(text)
        for target in links.targets:
            parsed = urlparse(target)
            if target in sources:
                continue
            assert not parsed.scheme and not parsed.netloc, f"{name}: external {target}"
            assert (site / parsed.path).is_file(), f"{name}: broken link {target}"
    for name, kind in (("index.html", "course-index"), ("session-4.html", "course-session")):
        for label, size in (("desktop", "1280,1600"), ("phone", "390,1600")):
            shot = SHOTS / f"{kind}-{label}.png"
            dom, log = render_in_chromium(
                chromium, site / name, shot, size, tmp_path / f"profile-{kind}-{label}"
            )
            console = [line for line in log.splitlines() if ":CONSOLE" in line]
            assert not console, console
            assert "<main>" in dom and "Reading Together" in dom
            assert shot.is_file() and shot.stat().st_size > 5_000, shot


# -- the section's text with the group's notes in its margins (issue 18) -----------------------

BIDI = "\u202eevil\u202c \u2067ltr\u2069"
NOTED_TEXT = (
    "      Before all else, a new opening sentence.\n"
    "      The first part says that groups keep going when they meet at a fixed time.\n\n"
    "      A new second paragraph replaces the old one.\n"
)


@pytest.fixture
def noted_site(write_config: Callable[[str], Path], tmp_path: Path) -> Path:
    """A session with shared notes (hostile ones too), replies and a private note; then the
    reading edited so that one note follows its words and one loses them."""
    path = write_config(BASE_CONFIG)

    async def build() -> Path:
        from tests.test_courses import reloading

        h = await make_harness(path, start=START)
        await h.advance_to(OPENS + timedelta(minutes=1))
        await h.command('quote "fixed time" A fixed hour is the whole trick.', member=BEA)
        await h.command(f'quote "fixed time" {INJECTION} @everyone {BIDI}', member=CAL)
        await h.command('quote --private "fixed time" Only mine, never shown.', member=DEV)
        await h.command('quote "second paragraph" Short and sweet.', member=DEV)
        [first] = [s for s in h.platform.posts() if "A fixed hour" in s.message.body]
        assert first.posted is not None
        await h.reply_to(first.posted.message_id, "Tuesdays for us.", member=DEV, own_id="d1")
        await h.command('quote "second part is short" Brief.', member=BEA)  # not this session's
        reading = path.parent / "readings" / "three-parts.yaml"
        text = reading.read_text(encoding="utf-8")
        old = (
            "      The first part says that groups keep going when they meet at a fixed time.\n\n"
            "      It has a second paragraph too.\n"
        )
        assert old in text
        reading.write_text(text.replace(old, NOTED_TEXT), encoding="utf-8")
        await reloading(h, path)
        await h.circle.reload()
        listed = await h.command("passages", member=BEA)
        assert "fixed time" in listed and "second paragraph" not in listed
        group = h.config.group("readers")
        assert group is not None
        out = tmp_path / "noted-site"
        await build_archive(h.storage, h.circle.config.group("readers") or group, out, NOW)
        await h.close()
        return out

    return asyncio.run(build())


def test_the_archive_marks_discussed_passages_with_their_notes_in_the_margin(
    noted_site: Path,
) -> None:
    session = pages(noted_site)["session-1.html"]
    assert "The text, with the group&#x27;s notes" in session
    assert 'Before all else, a new opening sentence.\n<mark id="m1">The first part says' in session
    marked = session.split('<mark id="m1">')[1].split("</mark>")[0]
    assert marked == "The first part says that groups keep going when they meet at a fixed time."
    margin = session.split('<aside class="margin">')[1].split("</aside>")[0]
    assert "A fixed hour is the whole trick." in margin and "— Bea" in margin
    assert "Tuesdays for us." in margin and "— Dev" in margin
    assert "&lt;script&gt;" in margin and "<script" not in session.lower()
    assert "@everyone" in margin and "<bdi>" in margin
    assert "Only mine, never shown." not in session
    # the note whose words the edit took away is kept, shown apart
    orphaned = session.split('<section class="orphaned">')[1]
    assert "Notes on words an edit of the reading took away" in orphaned
    assert "It has a second paragraph too." in orphaned and "Short and sweet." in orphaned
    assert "<mark" not in orphaned
    assert session.count("<mark") == 1


def test_margin_notes_read_on_a_phone_and_beside_the_text_on_a_desktop(
    chromium: str, noted_site: Path, tmp_path: Path
) -> None:
    page = noted_site / "session-1.html"
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    # narrow screens: the aside simply follows its paragraph; wide ones: a grid column
    assert '</p>\n<aside class="margin">' in html and "@media (min-width: 64rem)" in html
    for label, size in (("desktop", "1280,1600"), ("phone", "390,1600")):
        shot = SHOTS / f"margins-{label}.png"
        dom, log = render_in_chromium(chromium, page, shot, size, tmp_path / f"profile-m-{label}")
        console = [line for line in log.splitlines() if ":CONSOLE" in line]
        assert not console, console
        assert "<mark" in dom and 'class="margin"' in dom
        assert "<script" not in dom.lower() and "<img" not in dom.lower()
        assert shot.is_file() and shot.stat().st_size > 5_000, shot
