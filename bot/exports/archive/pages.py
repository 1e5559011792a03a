"""The archive's HTML: one layout with inline CSS, and the three kinds of page. All text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bot.core.i18n import ENGLISH, N_, Words
from bot.exports.archive.charts import bar_chart
from bot.exports.archive.margins import MARGIN_STYLE, AnnotatedText, annotated_html
from bot.exports.archive.outline import OutlineReading
from bot.sessions import passage_words

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
    words: Words = ENGLISH  # the group's language: every page's words and its `lang`


def layout(group: ArchivedGroup, title: str, body: str) -> str:
    w = group.words
    name = escape(group.name)
    footer = w.gettext(
        "Archive of {name}, made by Study Circle on {date}. Only responses members chose to "
        "share are here; private ones are counted, never shown, and anonymous ones carry no name.",
        name=name,
        date=escape(group.generated),
    )
    participation = _tag("a", w.gettext("Participation"), href="participation.html")
    return f"""<!doctype html>
<html lang="{escape(w.html_lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · {name}</title>
<style>{STYLE}{MARGIN_STYLE}</style>
</head>
<body>
<header class="site"><nav><a href="index.html">{name}</a>{participation}</nav></header>
<main>
{body}
</main>
<footer>{footer}</footer>
</body>
</html>
"""


def _t(text: str) -> str:
    """A sentence from the catalog, as element content (its values were plain text too)."""
    return escape(text, quote=False)


def _tag(name: str, text: str, *, cls: str | None = None, href: str | None = None) -> str:
    """`text` from the catalog in one element: `<h2>Course</h2>`, `<span class="tag">late</span>`."""
    attributes = f' class="{cls}"' if cls else ""
    attributes += f' href="{escape(href)}"' if href else ""
    return f"<{name}{attributes}>{_t(text)}</{name}>"


def _source_link(url: str, label: str) -> str:
    # the one link that leaves the archive: to where the reading itself lives
    return f'<a href="{escape(url)}" rel="noopener noreferrer">{escape(label)}</a>'


def _session_link(w: Words, n: int) -> str:
    return _tag("a", w.gettext("session {number}", number=n), href=f"session-{n}.html")


def _course_outline(group: ArchivedGroup) -> list[str]:
    """The course as readings and sections, each section with the sessions that read it."""
    w = group.words
    lines = [_tag("h2", w.gettext("Course"))]
    for reading in group.course:
        lines.append('<section class="reading">')
        lines.append(f"<h3><cite>{escape(reading.title)}</cite></h3>")
        about = [_t(w.gettext("by {author}", author=reading.author))] if reading.author else []
        if reading.source:
            about.append(_source_link(reading.source, w.gettext("the original")))
        if not reading.in_course:
            about.append(_t(w.gettext("no longer in the group's readings")))
        if about:
            lines.append(f'<p class="meta">{" · ".join(about)}</p>')
        lines.append('<ol class="outline">')
        for section in reading.sections:
            if section.sessions:
                read = ", ".join(_session_link(w, n) for n in section.sessions)
            else:
                read = _tag("span", w.gettext("not read yet"), cls="empty")
            lines.append(f'<li><span class="section">{escape(section.title)}</span> · {read}</li>')
        lines.append("</ol></section>")
    return lines


def index_page(group: ArchivedGroup) -> str:
    w = group.words
    listed = [r for r in group.course if r.in_course]
    earlier = [r for r in group.course if not r.in_course]
    first = listed[0] if len(listed) == 1 else None
    lines = [f"<h1>{escape(group.name)}</h1>"]
    if first is not None:
        title = f"<cite>{escape(first.title)}</cite>"
        if first.author:
            reading = w.gettext(
                "Reading {title} by {author}.", title=title, author=escape(first.author)
            )
        else:
            reading = w.gettext("Reading {title}.", title=title)
        lines.append(f'<p class="meta">{reading}</p>')
    elif listed:
        course = w.ngettext("A course of {n} reading.", "A course of {n} readings.", len(listed))
        lines.append(f'<p class="meta">{_t(course)}</p>')
    if earlier:
        named = ", ".join(f"<cite>{escape(r.title)}</cite>" for r in earlier)
        before = w.gettext("Read before the course changed: {named}.", named=named)
        lines.append(f'<p class="meta">{before}</p>')
    lines += _course_outline(group)
    lines.append(_tag("h2", w.gettext("Sessions")))
    several = len(group.course) > 1
    if not group.sessions:
        lines.append(_tag("p", w.gettext("No session has been held yet."), cls="empty"))
    else:
        lines.append('<ol class="sessions">')
        for s in group.sessions:
            shared = w.ngettext("{n} shared response", "{n} shared responses", s.shared)
            taking_part = w.ngettext("{n} taking part", "{n} taking part", s.responders)
            reading = f" · <cite>{escape(s.reading)}</cite>" if several else ""
            link = w.gettext("Session {number}: {titles}", number=s.number, titles=s.titles)
            lines.append(
                f'<li><a href="{s.filename}">{_t(link)}</a>'
                f'<p class="meta">{escape(s.date)}{reading} · {_t(taking_part)} · '
                f"{_t(shared)}</p></li>"
            )
        lines.append("</ol>")
    over_time = _t(w.gettext("Participation over time →"))
    lines.append(f'<p><a href="participation.html">{over_time}</a></p>')
    return layout(group, first.title if first is not None else group.name, "\n".join(lines))


def _what_was_read(s: ArchivedSession, w: Words) -> list[str]:
    """The sections the session read: each one's summary or first paragraph, and the source."""
    lines = ['<section class="reading-part">']
    for section in s.sections:
        lines.append(f"<h2>{escape(section.title)}</h2>")
        if section.opening:
            lines.append(f'<p class="opening">{escape(section.opening)}</p>')
        if section.annotated is not None:
            lines += annotated_html(
                section.annotated,
                passage_words.archive_text_title(w),
                passage_words.orphaned_title(w),
            )
    if s.source:
        whole = w.gettext("Read the whole text: {link}", link=_source_link(s.source, s.source))
        lines.append(f'<p class="meta">{whole}</p>')
    lines.append("</section>")
    return lines


def _closing_summary(s: ArchivedSession, w: Words) -> list[str]:
    lines = ['<section class="closing">', _tag("h2", w.gettext("Closing summary"))]
    closing = s.closing
    if closing is None:
        still = _t(w.gettext("The session was still open when this archive was made."))
        lines.append(f'<p class="empty">{still}</p>')
        lines.append("</section>")
        return lines
    if closing.anonymous:
        who = w.ngettext(
            "{n} member took part, with {anonymous}",
            "{n} members took part, with {anonymous}",
            closing.took_part,
            anonymous=w.ngettext(
                "{n} anonymous response", "{n} anonymous responses", closing.anonymous
            ),
        )
    else:
        who = w.ngettext("{n} member took part", "{n} members took part", closing.took_part)
    closed = w.gettext("Closed {date}: {who}.", date=closing.date, who=who)
    lines.append(f"<p>{_t(closed)}</p>")
    lines.append("<ul>")
    for number, text, count in closing.per_prompt:
        responses = w.ngettext("{n} response", "{n} responses", count)
        lines.append(f"<li>{number}. {escape(text)} — {_t(responses)}</li>")
    lines.append("</ul>")
    if closing.late:
        late = w.ngettext(
            "{n} response came after the close.",
            "{n} responses came after the close.",
            closing.late,
        )
        lines.append(f'<p class="meta">{_t(late)}</p>')
    lines.append("</section>")
    return lines


def session_page(group: ArchivedGroup, index: int) -> str:
    w = group.words
    s = group.sessions[index]
    title = w.gettext("Session {number}", number=s.number)
    lines = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(s.date)} · <cite>{escape(s.reading)}</cite> · {escape(s.titles)}</p>',
        *_what_was_read(s, w),
        _tag("h2", w.gettext("Prompts")),
    ]
    for prompt in s.prompts:
        lines.append('<section class="prompt">')
        lines.append(
            f'<h3><span class="prompt-number">{prompt.number}.</span>{escape(prompt.text)}</h3>'
        )
        if not prompt.responses:
            lines.append(_tag("p", w.gettext("No shared responses."), cls="empty"))
        for r in prompt.responses:
            paragraphs = "".join(
                f"<p>{'<br>'.join(escape(line) for line in para.splitlines())}</p>"
                for para in r.text.split("\n\n")
                if para.strip()
            )
            who = escape(r.author) if r.author is not None else _t(w.gettext("Anonymous"))
            late = _tag("span", w.gettext("late"), cls="tag") if r.late else ""
            lines.append(f'<blockquote>{paragraphs}<p class="by">— {who}{late}</p></blockquote>')
        if prompt.private_count:
            hidden = w.ngettext(
                "{n} private response, not shown.",
                "{n} private responses, not shown.",
                prompt.private_count,
            )
            lines.append(f'<p class="meta">{_t(hidden)}</p>')
        lines.append("</section>")
    lines += _closing_summary(s, w)
    if index > 0:
        before = group.sessions[index - 1]
        back = w.gettext("← Session {number}", number=before.number)
        prev = f'<a href="{before.filename}">{_t(back)}</a>'
    else:
        prev = "<span></span>"
    if index + 1 < len(group.sessions):
        after = group.sessions[index + 1]
        on = w.gettext("Session {number} →", number=after.number)
        nxt = f'<a href="{after.filename}">{_t(on)}</a>'
    else:
        nxt = _tag("a", w.gettext("All sessions"), href="index.html")
    lines.append(f'<nav class="pager">{prev}{nxt}</nav>')
    return layout(group, title, "\n".join(lines))


def participation_page(group: ArchivedGroup) -> str:
    w = group.words
    sessions: Sequence[ArchivedSession] = group.sessions
    taking_part = w.gettext("Members taking part, per session")
    responses = w.gettext("Responses per session")
    today = w.ngettext(
        "{n} member today. Counts only: nobody is ranked.",
        "{n} members today. Counts only: nobody is ranked.",
        group.members,
    )
    lines = [
        _tag("h1", w.gettext("Participation")),
        f'<p class="meta">{_t(today)}</p>',
        f"<h2>{_t(taking_part)}</h2>",
        bar_chart(
            taking_part,
            [(f"#{s.number}", s.responders) for s in sessions],
            amount=lambda n: w.ngettext("{n} member", "{n} members", n),
            empty=w.gettext("{chart}: nothing to show yet.", chart=taking_part),
        ),
        _tag("h2", w.gettext("Responses, per session")),
        bar_chart(
            responses,
            [(f"#{s.number}", s.total) for s in sessions],
            amount=lambda n: w.ngettext("{n} response", "{n} responses", n),
            empty=w.gettext("{chart}: nothing to show yet.", chart=responses),
        ),
    ]
    if sessions:
        heads = [
            _t(w.gettext(label))
            for label in (N_("Session"), N_("Members"), N_("Answers"), N_("Shared"))
        ]
        lines.append(
            f'<div class="scroll"><table><thead><tr><th>{heads[0]}</th>'
            f"<th class=num>{heads[1]}</th><th class=num>{heads[2]}</th><th class=num>{heads[3]}</th>"
            "</tr></thead><tbody>"
        )
        for s in sessions:
            lines.append(
                f'<tr><td class="when"><a href="{s.filename}">#{s.number}</a> · {escape(s.short_date)}</td>'
                f"<td class=num>{s.responders}</td><td class=num>{s.total}</td>"
                f"<td class=num>{s.shared}</td></tr>"
            )
        lines.append("</tbody></table></div>")
    return layout(group, w.gettext("Participation"), "\n".join(lines))
