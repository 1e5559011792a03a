"""The library's HTML, stylesheet, search script and search index. All text is escaped; the
pages link only to each other and to the pack files beside them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from bot.core.i18n import language_name, resolve
from bot.exports.archive.pages import STYLE
from bot.packs.model import FacilitatorNote, Lesson, Pack
from bot.readings.model import language_key


@dataclass(frozen=True, slots=True, kw_only=True)
class Shelved:
    """A pack on the library's shelf: the pack, and the file to download it as."""

    pack: Pack
    download: str  # the .tar.gz beside the pages
    download_sha256: str
    manifest_sha256: str  # what `forked_from` and `pack install` name the pack by

    @property
    def page(self) -> str:
        return f"pack-{self.pack.id}-{self.pack.version}.html"


STYLESHEET = (
    STYLE
    + """
ul.packs { list-style: none; padding: 0; margin: 0; }
ul.packs > li { border-top: 1px solid var(--line); padding: 0.9rem 0; }
ul.packs > li > a { font: 600 1.1rem/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
ul.facets { padding-left: 1.25rem; }
form.search { display: flex; gap: 0.5rem; margin: 1rem 0; }
form.search input { flex: 1; font: inherit; padding: 0.35rem 0.5rem; border: 1px solid var(--line);
  border-radius: 6px; background: var(--card); color: var(--ink); }
form.search button { font: inherit; padding: 0.35rem 0.8rem; border-radius: 6px;
  border: 1px solid var(--accent); background: var(--accent); color: var(--paper); }
code.sha { font-size: 0.8rem; overflow-wrap: anywhere; }
dl.note dt { font-weight: 600; margin-top: 0.5rem; }
dl.note dd { margin: 0 0 0 1rem; }
div.note-language h5 { margin: 0.75rem 0 0; font-size: 0.85rem; color: var(--muted); }
section.note { background: var(--card); border: 1px solid var(--line); border-radius: 6px;
  padding: 0.25rem 1rem 0.75rem; margin: 0.75rem 0; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 1.25rem; }
ul.tree { padding-left: 0; }
ul.tree li { position: relative; padding: 0.2rem 0 0.2rem 1rem; }
ul.tree ul li::before { content: ""; position: absolute; left: -0.25rem; top: 0;
  width: 1rem; height: 0.95rem; border-left: 2px solid var(--line);
  border-bottom: 2px solid var(--line); }
ul.tree .here { font-weight: 700; }
ol.results li, ul.everything li { padding: 0.2rem 0; }
"""
)

SCRIPT = """\
(function () {
  "use strict";
  var entries = window.STUDYBOT_LIBRARY || [];
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var everything = document.getElementById("everything");
  if (!form || !input || !results || !status || !everything) { return; }
  function fold(text) {
    return text.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase();
  }
  function show(query) {
    var words = fold(query).split(/\\s+/).filter(Boolean);
    results.textContent = "";
    if (!words.length) {
      results.hidden = true;
      everything.hidden = false;
      status.textContent = "";
      return;
    }
    var found = entries.filter(function (e) {
      var hay = fold(e.t + " " + e.s + " " + e.p);
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    found.forEach(function (e) {
      var item = document.createElement("li");
      item.className = e.k;
      var link = document.createElement("a");
      link.href = e.u;
      link.textContent = e.t;
      item.appendChild(link);
      var where = document.createElement("span");
      where.className = "meta";
      where.textContent = " · " + e.p;
      item.appendChild(where);
      results.appendChild(item);
    });
    status.textContent = found.length + (found.length === 1 ? " match" : " matches") +
      " for \\u201c" + query + "\\u201d.";
    results.hidden = false;
    everything.hidden = true;
  }
  var asked = new URLSearchParams(window.location.search).get("q") || "";
  input.value = asked;
  show(asked);
  input.addEventListener("input", function () { show(input.value); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
  });
})();
"""


def _layout(title: str, body: str, *, scripts: Sequence[str] = ()) -> str:
    tags = "".join(f'<script src="{escape(s)}"></script>\n' for s in scripts)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · Study Circle library</title>
<link rel="stylesheet" href="library.css">
</head>
<body>
<header class="site"><nav><a href="index.html">Library</a><a href="search.html">Search</a></nav></header>
<main>
{body}
</main>
<footer>A library of Study Circle curriculum packs: courses groups run in their own chat,
improve and pass on. Install one with <code>studybot pack install FILE</code>.</footer>
{tags}</body>
</html>
"""


def _search_form() -> str:
    return (
        '<form class="search" id="search" action="search.html" method="get" role="search">'
        '<label for="q" class="meta">Search</label>'
        '<input id="q" name="q" type="search" placeholder="a word from a title or summary">'
        '<button type="submit">Search</button></form>'
    )


def _link(item: Shelved, label: str | None = None) -> str:
    text = label if label is not None else f"{item.pack.title} {item.pack.version}"
    return f'<a href="{escape(item.page)}">{escape(text)}</a>'


def _language(code: str) -> str:
    """A language as its own speakers name it: "español", "português (Brasil)"."""
    return language_name(language_key(code))


def _about(pack: Pack) -> str:
    languages = ", ".join(_language(c) for c in pack.languages)
    bits = [f"version {pack.version}", f"in {languages}", pack.license or ""]
    if pack.topics:
        bits.append("topics: " + ", ".join(pack.topics))
    return " · ".join(escape(b) for b in bits if b)


def _facet(shelf: Sequence[Shelved], title: str, key: Callable[[Pack], Iterable[str]]) -> list[str]:
    groups: dict[str, list[Shelved]] = {}
    for item in shelf:
        for value in key(item.pack):
            groups.setdefault(value, []).append(item)
    lines = [f"<h3>{escape(title)}</h3>", '<ul class="facets">']
    for value in sorted(groups, key=str.casefold):
        links = ", ".join(_link(i) for i in groups[value])
        lines.append(f"<li>{escape(value)}: {links}</li>")
    if not groups:
        lines.append('<li class="empty">none given</li>')
    lines.append("</ul>")
    return lines


def index_page(shelf: Sequence[Shelved]) -> str:
    lines = [
        "<h1>Curriculum packs</h1>",
        f'<p class="meta">{len(shelf)} pack(s): courses to run, fork, improve and pass on.</p>',
        _search_form(),
        '<ul class="packs">',
    ]
    for item in shelf:
        pack = item.pack
        lines.append(
            f'<li>{_link(item)}<p class="meta">{_about(pack)}</p><p>{escape(pack.summary)}</p></li>'
        )
    if not shelf:
        lines.append('<li class="empty">No packs yet.</li>')
    lines.append("</ul>")
    lines.append("<h2>Browse</h2>")
    lines += _facet(shelf, "By language", lambda p: p.languages)
    lines += _facet(shelf, "By topic", lambda p: p.topics)
    lines += _facet(shelf, "By licence", lambda p: (p.license or "",) if p.license else ())
    return _layout("Curriculum packs", "\n".join(lines))


def section_anchor(reading: str, section: str) -> str:
    return f"s-{reading}-{section}"


def _lineage(item: Shelved, shelf: Sequence[Shelved]) -> list[str]:
    """Forked from (up the chain, as far as the library knows it) and forks (down), as a
    tree of nested lists that CSS draws the branches of."""
    by_ref = {s.pack.ref: s for s in shelf}

    def children(ref: str) -> list[Shelved]:
        return [
            s for s in shelf if s.pack.forked_from is not None and s.pack.forked_from.ref == ref
        ]

    def node(s: Shelved, depth: int) -> str:
        here = s.pack.ref == item.pack.ref
        label = f'<span class="here">{escape(s.pack.ref)}</span>' if here else _link(s, s.pack.ref)
        kids = children(s.pack.ref) if depth < 20 else []
        inner = "".join(node(k, depth + 1) for k in kids)
        return f"<li>{label}{f'<ul>{inner}</ul>' if inner else ''}</li>"

    # climb to the oldest ancestor in the library; one outside it is named, not linked
    top = item
    outside: str | None = None
    seen = {item.pack.ref}
    while top.pack.forked_from is not None:
        parent = by_ref.get(top.pack.forked_from.ref)
        if parent is None or parent.pack.ref in seen:
            outside = top.pack.forked_from.ref if parent is None else None
            break
        seen.add(parent.pack.ref)
        top = parent
    tree = node(top, 0)
    if outside is not None:
        tree = f'<li>{escape(outside)} <span class="meta">(not in this library)</span><ul>{tree}</ul></li>'
    lines = ["<h2>Lineage</h2>", f'<ul class="tree">{tree}</ul>']
    if item.pack.forked_from is None and not children(item.pack.ref):
        lines.append('<p class="meta">An original pack; nobody has forked it yet.</p>')
    versions = [s for s in shelf if s.pack.id == item.pack.id and s is not item]
    if versions:
        links = ", ".join(_link(s, str(s.pack.version)) for s in versions)
        lines.append(f'<p class="meta">Other versions here: {links}</p>')
    return lines


def _lesson(lesson: Lesson) -> str:
    asked = f'<p class="by">On: {escape(lesson.prompt)}</p>' if lesson.prompt else ""
    credit = escape(lesson.credit) if lesson.credit else "anonymous"
    return (
        f'<blockquote><p>{escape(lesson.text)}</p>{asked}<p class="by">— {credit}</p></blockquote>'
    )


def _note(note: FacilitatorNote) -> str:
    """A session's facilitator notes: the English, then each translation the pack has, each
    marked with its language (and its labels in it) so a reader and a screen reader know."""
    blocks: list[str] = []
    for code in ("en", *note.languages):
        shown = note.in_language(code) if code != "en" else note
        words = resolve(code)
        parts = "".join(
            f"<dt>{escape(words.gettext(label))}</dt><dd>{escape(text)}</dd>"
            for label, text in shown.parts
        )
        blocks.append(
            f'<div class="note-language" lang="{escape(code.replace("_", "-"))}">'
            f"<h5>{escape(_language(code))}</h5>"
            f'<dl class="note">{parts}</dl></div>'
        )
    return f'<section class="note"><h4>Facilitator notes</h4>{"".join(blocks)}</section>'


def pack_page(item: Shelved, shelf: Sequence[Shelved]) -> str:
    pack = item.pack
    lines = [
        f"<h1>{escape(pack.title)}</h1>",
        f'<p class="meta">{_about(pack)}</p>',
        f"<p>{escape(pack.summary)}</p>",
    ]
    if pack.authors:
        lines.append(f'<p class="meta">By {escape(", ".join(pack.authors))}</p>')
    suggested = [x for x in (pack.cadence, pack.session_length) if x]
    if suggested:
        lines.append(f'<p class="meta">Suggested: {escape(" · ".join(suggested))}</p>')
    lines += [
        "<h2>Download</h2>",
        f'<p><a href="{escape(item.download)}" download>{escape(item.download)}</a></p>',
        f'<p class="meta">sha256 of the file: <code class="sha">{item.download_sha256}</code></p>',
        f'<p class="meta">sha256 of its MANIFEST (what <code>forked_from</code> pins): '
        f'<code class="sha">{item.manifest_sha256}</code></p>',
        f'<p class="meta">Install: <code>studybot pack install {escape(item.download)}</code>, '
        f"then <code>curriculum: {escape(pack.ref)}</code> in a group.</p>",
    ]
    lines += _lineage(item, shelf)
    lines.append("<h2>Sessions</h2>")
    number = 0
    for reading in pack.readings:
        lines.append(f"<h3>{escape(reading.title)}</h3>")
        if reading.author:
            lines.append(f'<p class="meta">by {escape(reading.author)}</p>')
        # a lesson about the whole reading, shown once rather than under every section
        lines += [_lesson(x) for x in pack.lessons if x.reading == reading.id and x.section is None]
        for section in reading.sections:
            number += 1
            anchor = section_anchor(reading.id, section.id)
            lines.append(
                f'<section class="reading" id="{escape(anchor)}"><h3>'
                f'<span class="prompt-number">{number}.</span>{escape(section.title)}</h3>'
            )
            if section.opening:
                lines.append(f'<p class="opening">{escape(section.opening)}</p>')
            if section.prompts:
                lines.append(
                    "<ol>" + "".join(f"<li>{escape(p)}</li>" for p in section.prompts) + "</ol>"
                )
            note = pack.note_for(reading.id, section.id)
            if note is not None and note.parts:
                lines.append(_note(note))
            for lesson in (
                x for x in pack.lessons if (x.reading, x.section) == (reading.id, section.id)
            ):
                lines.append(_lesson(lesson))
            lines.append("</section>")
    if pack.lessons:
        lines.insert(
            lines.index("<h2>Sessions</h2>") + 1,
            f'<p class="meta">With {len(pack.lessons)} lesson(s) from groups that ran it.</p>',
        )
    return _layout(f"{pack.title} {pack.version}", "\n".join(lines))


def _entries(shelf: Sequence[Shelved]) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for item in shelf:
        pack = item.pack
        found.append(
            {
                "k": "pack",
                "t": pack.title,
                "s": pack.summary,
                "p": f"pack {pack.ref}",
                "u": item.page,
            }
        )
        for reading in pack.readings:
            for section in reading.sections:
                found.append(
                    {
                        "k": "section",
                        "t": section.title,
                        "s": section.summary or "",
                        "p": f"{pack.title} {pack.version}, {reading.title}",
                        "u": f"{item.page}#{section_anchor(reading.id, section.id)}",
                    }
                )
    return found


def search_index(shelf: Sequence[Shelved]) -> str:
    """The index as a script that sets a global: a `<script src>` loads from `file://`,
    where fetching a JSON file is refused."""
    text = json.dumps(_entries(shelf), ensure_ascii=False, separators=(",", ":"))
    return "window.STUDYBOT_LIBRARY = " + text.replace("</", "<\\/") + ";\n"


def search_page(shelf: Sequence[Shelved]) -> str:
    lines = [
        "<h1>Search the library</h1>",
        _search_form(),
        '<p id="status" class="meta" role="status"></p>',
        '<ol id="results" class="results" hidden></ol>',
        '<section id="everything"><h2>Everything in the library</h2>',
        '<p class="meta">Every pack and section; with JavaScript off, use your browser\'s '
        "find in page.</p>",
        '<ul class="everything">',
    ]
    for entry in _entries(shelf):
        lines.append(
            f'<li class="{entry["k"]}"><a href="{escape(entry["u"])}">{escape(entry["t"])}</a>'
            f' <span class="meta">· {escape(entry["p"])}</span></li>'
        )
    lines += ["</ul>", "</section>"]
    return _layout("Search", "\n".join(lines), scripts=("search-index.js", "search.js"))
