"""The archive's HTML: one layout with inline CSS, and the three kinds of page. All text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bot.exports.archive.charts import bar_chart
from bot.exports.archive.margins import MARGIN_STYLE, AnnotatedText, annotated_html
from bot.exports.archive.outline import OutlineReading
from bot.sessions import passage_words as words

STYLE = """
:root { color-scheme: light dark; --ink: #1f2328; --muted: #5d6670; --line: #d9dde2;
  --paper: #fdfcf9; --card: #ffffff; --accent: #2f6f62; --bar: #3f8f7f; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e6e3dc; --muted: #a3a9b0; --line: #3a4048; --paper: #16191d; --card: #1e2227;
    --accent: #7cc4b2; --bar: #5aa896; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 1.0625rem/1.65 Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif; }
main, header.site, footer { max-width: 42rem; margin: 0 auto; padding: 0 1.25rem; }
header.site { padding-top: 1.5rem; }
header.site nav { font: 0.9rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header.site nav a { margin-right: 1rem; }
h1, h2, h3 { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  line-height: 1.25; letter-spacing: -0.01em; }
h1 { font-size: 1.9rem; margin: 1.25rem 0 0.25rem; }
h2 { font-size: 1.3rem; margin: 2.25rem 0 0.75rem; }
h3 { font-size: 1.05rem; margin: 1.75rem 0 0.5rem; }
a { color: var(--accent); text-underline-offset: 0.15em; }
.meta, .empty, footer, .axis { color: var(--muted); }
.meta { font: 0.95rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; }
ol.sessions { list-style: none; padding: 0; margin: 0; }
ol.sessions li { border-top: 1px solid var(--line); padding: 0.8rem 0; }
ol.sessions li a { font: 600 1.05rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  text-decoration: none; }
ol.sessions li a:hover { text-decoration: underline; }
section.prompt { margin-top: 2rem; }
section.reading { margin-top: 1.25rem; }
ol.outline { padding-left: 1.5rem; margin: 0.5rem 0 0; }
ol.outline li { padding: 0.2rem 0; }
ol.outline .section { font-weight: 600; }
p.opening { margin: 0 0 1rem; overflow-wrap: anywhere; }
section.closing { margin-top: 2.5rem; border-top: 1px solid var(--line); }
section.prompt h3 { margin-bottom: 0.75rem; }
.prompt-number { color: var(--muted); margin-right: 0.35rem; }
blockquote { margin: 0 0 1rem; padding: 0.75rem 1rem; background: var(--card);
  border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px; }
blockquote p { margin: 0 0 0.5rem; overflow-wrap: anywhere; }
blockquote p.by { font: 0.875rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--muted); margin: 0; }
.tag { font-size: 0.75rem; border: 1px solid var(--line); border-radius: 999px;
  padding: 0 0.45rem; margin-left: 0.35rem; }
nav.pager { display: flex; justify-content: space-between; gap: 1rem; margin: 2.5rem 0 1rem;
  font: 0.95rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
table { border-collapse: collapse; width: 100%;
  font: 0.95rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
th, td { text-align: left; padding: 0.45rem 0.5rem; border-bottom: 1px solid var(--line); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; max-width: 480px; height: auto; display: block; margin: 0.5rem 0 1.5rem;
  font: 14px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.scroll { overflow-x: auto; }
td.when { white-space: nowrap; }
@media (max-width: 30rem) { table { font-size: 0.875rem; } th, td { padding: 0.4rem 0.3rem; } h1 { font-size: 1.6rem; } }
svg.chart .bar { fill: var(--bar); }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .axis { fill: var(--muted); }
svg.chart .value { fill: var(--ink); font-weight: 600; }
footer { font: 0.85rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; }
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedResponse:
    text: str
    author: str | None  # None: given anonymously
    late: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedPrompt:
    number: int
    text: str
    responses: tuple[ArchivedResponse, ...]
    private_count: int  # how many answers stay private: counted, never shown


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedSection:
    title: str
    opening: str  # the section's summary, or its first paragraph
    annotated: AnnotatedText | None = None  # the whole text with its notes, when it has some


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedClosing:
    """The closing summary: counts only, as of the close."""

    date: str
    took_part: int  # members named on a response given before the close
    anonymous: int  # anonymous responses before the close
    per_prompt: tuple[tuple[int, str, int], ...]  # (number, prompt, responses)
    late: int  # responses that came after the close


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedSession:
    number: int
    date: str
    short_date: str
    reading: str
    source: str | None  # where the reading can be read, when it is a web address
    sections: tuple[ArchivedSection, ...]
    prompts: tuple[ArchivedPrompt, ...]
    responders: int
    closing: ArchivedClosing | None  # None while the session is open

    @property
    def filename(self) -> str:
        return f"session-{self.number}.html"

    @property
    def titles(self) -> str:
        return " · ".join(s.title for s in self.sections)

    @property
    def shared(self) -> int:
        return sum(len(p.responses) for p in self.prompts)

    @property
    def total(self) -> int:
        return sum(len(p.responses) + p.private_count for p in self.prompts)


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchivedGroup:
    name: str
    course: tuple[OutlineReading, ...]
    generated: str
    members: int
    sessions: tuple[ArchivedSession, ...]


def layout(group: ArchivedGroup, title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {escape(group.name)}</title>
<style>{STYLE}{MARGIN_STYLE}</style>
</head>
<body>
<header class="site"><nav><a href="index.html">{escape(group.name)}</a><a href="participation.html">Participation</a></nav></header>
<main>
{body}
</main>
<footer>Archive of {escape(group.name)}, made by Study Circle on {escape(group.generated)}.
Only responses members chose to share are here; private ones are counted, never shown, and
anonymous ones carry no name.</footer>
</body>
</html>
"""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _source_link(url: str, label: str) -> str:
    # the one link that leaves the archive: to where the reading itself lives
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(label)}</a>'


def _course_outline(group: ArchivedGroup) -> list[str]:
    """The course as readings and sections, each section with the sessions that read it."""
    lines = ["<h2>Course</h2>"]
    for reading in group.course:
        lines.append('<section class="reading">')
        lines.append(f"<h3><cite>{escape(reading.title)}</cite></h3>")
        about = [f"by {escape(reading.author)}"] if reading.author else []
        if reading.source:
            about.append(_source_link(reading.source, "the original"))
        if not reading.in_course:
            about.append("no longer in the group's readings")
        if about:
            lines.append(f'<p class="meta">{" · ".join(about)}</p>')
        lines.append('<ol class="outline">')
        for section in reading.sections:
            if section.sessions:
                read = ", ".join(
                    f'<a href="session-{n}.html">session {n}</a>' for n in section.sessions
                )
            else:
                read = '<span class="empty">not read yet</span>'
            lines.append(f'<li><span class="section">{escape(section.title)}</span> · {read}</li>')
        lines.append("</ol></section>")
    return lines


def index_page(group: ArchivedGroup) -> str:
    listed = [r for r in group.course if r.in_course]
    earlier = [r for r in group.course if not r.in_course]
    first = listed[0] if len(listed) == 1 else None
    lines = [f"<h1>{escape(group.name)}</h1>"]
    if first is not None:
        by = f" by {escape(first.author)}" if first.author else ""
        lines.append(f'<p class="meta">Reading <cite>{escape(first.title)}</cite>{by}.</p>')
    elif listed:
        lines.append(f'<p class="meta">A course of {_plural(len(listed), "reading")}.</p>')
    if earlier:
        named = ", ".join(f"<cite>{escape(r.title)}</cite>" for r in earlier)
        lines.append(f'<p class="meta">Read before the course changed: {named}.</p>')
    lines += _course_outline(group)
    lines.append("<h2>Sessions</h2>")
    several = len(group.course) > 1
    if not group.sessions:
        lines.append('<p class="empty">No session has been held yet.</p>')
    else:
        lines.append('<ol class="sessions">')
        for s in group.sessions:
            shared = _plural(s.shared, "shared response")
            reading = f" · <cite>{escape(s.reading)}</cite>" if several else ""
            lines.append(
                f'<li><a href="{s.filename}">Session {s.number}: {escape(s.titles)}</a>'
                f'<p class="meta">{escape(s.date)}{reading} · {s.responders} taking part · {shared}</p></li>'
            )
        lines.append("</ol>")
    lines.append('<p><a href="participation.html">Participation over time →</a></p>')
    return layout(group, first.title if first is not None else group.name, "\n".join(lines))


def _what_was_read(s: ArchivedSession) -> list[str]:
    """The sections the session read: each one's summary or first paragraph, and the source."""
    lines = ['<section class="reading-part">']
    for section in s.sections:
        lines.append(f"<h2>{escape(section.title)}</h2>")
        if section.opening:
            lines.append(f'<p class="opening">{escape(section.opening)}</p>')
        if section.annotated is not None:
            lines += annotated_html(
                section.annotated, words.ARCHIVE_TEXT_TITLE, words.ORPHANED_TITLE
            )
    if s.source:
        lines.append(f'<p class="meta">Read the whole text: {_source_link(s.source, s.source)}</p>')
    lines.append("</section>")
    return lines


def _closing_summary(s: ArchivedSession) -> list[str]:
    lines = ['<section class="closing">', "<h2>Closing summary</h2>"]
    closing = s.closing
    if closing is None:
        lines.append('<p class="empty">The session was still open when this archive was made.</p>')
        lines.append("</section>")
        return lines
    who = f"{_plural(closing.took_part, 'member')} took part"
    if closing.anonymous:
        who += f", with {_plural(closing.anonymous, 'anonymous response')}"
    lines.append(f"<p>Closed {escape(closing.date)}: {who}.</p>")
    lines.append("<ul>")
    for number, text, count in closing.per_prompt:
        lines.append(f"<li>{number}. {escape(text)} — {_plural(count, 'response')}</li>")
    lines.append("</ul>")
    if closing.late:
        lines.append(
            f'<p class="meta">{_plural(closing.late, "response")} came after the close.</p>'
        )
    lines.append("</section>")
    return lines


def session_page(group: ArchivedGroup, index: int) -> str:
    s = group.sessions[index]
    lines = [
        f"<h1>Session {s.number}</h1>",
        f'<p class="meta">{escape(s.date)} · <cite>{escape(s.reading)}</cite> · {escape(s.titles)}</p>',
        *_what_was_read(s),
        "<h2>Prompts</h2>",
    ]
    for prompt in s.prompts:
        lines.append('<section class="prompt">')
        lines.append(
            f'<h3><span class="prompt-number">{prompt.number}.</span>{escape(prompt.text)}</h3>'
        )
        if not prompt.responses:
            lines.append('<p class="empty">No shared responses.</p>')
        for r in prompt.responses:
            paragraphs = "".join(
                f"<p>{'<br>'.join(escape(line) for line in para.splitlines())}</p>"
                for para in r.text.split("\n\n")
                if para.strip()
            )
            who = escape(r.author) if r.author is not None else "Anonymous"
            late = '<span class="tag">late</span>' if r.late else ""
            lines.append(f'<blockquote>{paragraphs}<p class="by">— {who}{late}</p></blockquote>')
        if prompt.private_count:
            n = prompt.private_count
            lines.append(
                f'<p class="meta">{n} private response{"s" if n != 1 else ""}, not shown.</p>'
            )
        lines.append("</section>")
    lines += _closing_summary(s)
    prev = (
        f'<a href="{group.sessions[index - 1].filename}">← Session {group.sessions[index - 1].number}</a>'
        if index > 0
        else "<span></span>"
    )
    nxt = (
        f'<a href="{group.sessions[index + 1].filename}">Session {group.sessions[index + 1].number} →</a>'
        if index + 1 < len(group.sessions)
        else '<a href="index.html">All sessions</a>'
    )
    lines.append(f'<nav class="pager">{prev}{nxt}</nav>')
    return layout(group, f"Session {s.number}", "\n".join(lines))


def participation_page(group: ArchivedGroup) -> str:
    sessions: Sequence[ArchivedSession] = group.sessions
    lines = [
        "<h1>Participation</h1>",
        f'<p class="meta">{group.members} member{"s" if group.members != 1 else ""} today. '
        "Counts only: nobody is ranked.</p>",
        "<h2>Members taking part, per session</h2>",
        bar_chart(
            "Members taking part, per session",
            [(f"#{s.number}", s.responders) for s in sessions],
            unit="members",
        ),
        "<h2>Responses, per session</h2>",
        bar_chart(
            "Responses per session", [(f"#{s.number}", s.total) for s in sessions], unit="responses"
        ),
    ]
    if sessions:
        lines.append(
            '<div class="scroll"><table><thead><tr><th>Session</th>'
            "<th class=num>Members</th><th class=num>Answers</th><th class=num>Shared</th>"
            "</tr></thead><tbody>"
        )
        for s in sessions:
            lines.append(
                f'<tr><td class="when"><a href="{s.filename}">#{s.number}</a> · {escape(s.short_date)}</td>'
                f"<td class=num>{s.responders}</td><td class=num>{s.total}</td>"
                f"<td class=num>{s.shared}</td></tr>"
            )
        lines.append("</tbody></table></div>")
    return layout(group, "Participation", "\n".join(lines))
