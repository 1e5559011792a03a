"""The library's HTML, stylesheet, search script and search index. All text is escaped; the
pages link only to each other and to the pack files beside them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape

from babel import Locale, UnknownLocaleError

from bot.core.i18n import ENGLISH, N_, Words, pseudo, resolve
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
  // the page's language: its sentence for each plural category ("one", "other", ...), with
  // {n} and {query} in it, and the number written that language's way
  var lang = document.documentElement.lang || "en";
  var forms = {};
  try { forms = JSON.parse(status.getAttribute("data-forms") || "{}"); } catch (e) { forms = {}; }
  function said(count, query) {
    var kind = "other";
    try { kind = new Intl.PluralRules(lang).select(count); } catch (e) { kind = "other"; }
    var text = forms[kind] || forms.other || "";
    var number = count.toLocaleString(lang);
    return text.split("{n}").join(number).split("{query}").join(query);
  }
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
    status.textContent = said(found.length, query);
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


def _html(w: Words, message: str, /, **markup: str) -> str:
    """A sentence from the catalog as HTML: its own words escaped, its values (a link, a
    `<code>`) already HTML. `message` is marked with `N_` where it is written."""
    return escape(w.gettext(message), quote=False).format(**markup)


def _text(text: str) -> str:
    """A sentence from the catalog (its values plain text too), as element content."""
    return escape(text, quote=False)


def _tag(name: str, text: str, *, cls: str | None = None, href: str | None = None) -> str:
    """A sentence from the catalog in one element: `<h2>Download</h2>`."""
    attributes = f' class="{cls}"' if cls else ""
    attributes += f' href="{escape(href)}"' if href else ""
    return f"<{name}{attributes}>{_text(text)}</{name}>"


def _layout(w: Words, title: str, body: str, *, scripts: Sequence[str] = ()) -> str:
    tags = "".join(f'<script src="{escape(s)}"></script>\n' for s in scripts)
    nav = _tag("a", w.gettext("Library"), href="index.html") + _tag(
        "a", w.gettext("Search"), href="search.html"
    )
    page_title = w.gettext("{page} · Study Circle library", page=title)
    footer = _html(
        w,
        N_(
            "A library of Study Circle curriculum packs: courses groups run in their own chat, "
            "improve and pass on. Install one with {command}."
        ),
        command="<code>studybot pack install FILE</code>",
    )
    return f"""<!doctype html>
<html lang="{escape(w.html_lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(page_title)}</title>
<link rel="stylesheet" href="library.css">
</head>
<body>
<header class="site"><nav>{nav}</nav></header>
<main>
{body}
</main>
<footer>{footer}</footer>
{tags}</body>
</html>
"""


def _search_form(w: Words) -> str:
    search = _text(w.gettext("Search"))
    # TRANSLATORS: the hint inside the library's empty search box
    hint = escape(w.gettext("a word from a title or summary"))
    return (
        '<form class="search" id="search" action="search.html" method="get" role="search">'
        f'<label for="q" class="meta">{search}</label>'
        f'<input id="q" name="q" type="search" placeholder="{hint}">'
        f'<button type="submit">{search}</button></form>'
    )


def _link(item: Shelved, label: str | None = None) -> str:
    text = label if label is not None else f"{item.pack.title} {item.pack.version}"
    return f'<a href="{escape(item.page)}">{escape(text)}</a>'


def _language(w: Words, code: str) -> str:
    """A language named in the site's language: "Spanish", "español", "espanhol"."""
    key = language_key(code)
    try:
        name = Locale.parse(key).get_display_name(w.locale) or key
    except (UnknownLocaleError, ValueError):
        name = key
    return pseudo(name) if w.pseudo else name


def _about(w: Words, pack: Pack) -> str:
    languages = ", ".join(_language(w, c) for c in pack.languages)
    bits = [
        w.gettext("version {version}", version=str(pack.version)),
        # TRANSLATORS: the languages a pack is written in: "in English, Spanish"
        w.gettext("in {languages}", languages=languages),
        pack.license or "",
    ]
    if pack.topics:
        bits.append(w.gettext("topics: {topics}", topics=", ".join(pack.topics)))
    return " · ".join(escape(b) for b in bits if b)


def _facet(
    w: Words,
    shelf: Sequence[Shelved],
    title: str,
    key: Callable[[Pack], Iterable[str]],
    label: Callable[[str], str] = str,
) -> list[str]:
    groups: dict[str, list[Shelved]] = {}
    for item in shelf:
        for value in key(item.pack):
            groups.setdefault(label(value), []).append(item)
    lines = [f"<h3>{_text(title)}</h3>", '<ul class="facets">']
    for value in sorted(groups, key=str.casefold):
        links = ", ".join(_link(i) for i in groups[value])
        lines.append(f"<li>{escape(value)}: {links}</li>")
    if not groups:
        lines.append(_tag("li", w.gettext("none given"), cls="empty"))
    lines.append("</ul>")
    return lines


def index_page(shelf: Sequence[Shelved], w: Words = ENGLISH) -> str:
    heading = w.gettext("Curriculum packs")
    count = w.ngettext(
        "{n} pack: a course to run, fork, improve and pass on.",
        "{n} packs: courses to run, fork, improve and pass on.",
        len(shelf),
    )
    lines = [
        f"<h1>{_text(heading)}</h1>",
        f'<p class="meta">{_text(count)}</p>',
        _search_form(w),
        '<ul class="packs">',
    ]
    for item in shelf:
        pack = item.pack
        lines.append(
            f'<li>{_link(item)}<p class="meta">{_about(w, pack)}</p>'
            f"<p>{escape(pack.summary)}</p></li>"
        )
    if not shelf:
        lines.append(_tag("li", w.gettext("No packs yet."), cls="empty"))
    lines.append("</ul>")
    lines.append(_tag("h2", w.gettext("Browse")))
    lines += _facet(
        w, shelf, w.gettext("By language"), lambda p: p.languages, lambda c: _language(w, c)
    )
    lines += _facet(w, shelf, w.gettext("By topic"), lambda p: p.topics)
    lines += _facet(
        w, shelf, w.gettext("By licence"), lambda p: (p.license or "",) if p.license else ()
    )
    return _layout(w, heading, "\n".join(lines))


def section_anchor(reading: str, section: str) -> str:
    return f"s-{reading}-{section}"


def _lineage(w: Words, item: Shelved, shelf: Sequence[Shelved]) -> list[str]:
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
        # TRANSLATORS: beside the pack a library pack was forked from, when the library lacks it
        elsewhere = _text(w.gettext("(not in this library)"))
        tree = f'<li>{escape(outside)} <span class="meta">{elsewhere}</span><ul>{tree}</ul></li>'
    # TRANSLATORS: the heading over a pack's family tree: what it was forked from, its forks
    lines = [_tag("h2", w.gettext("Lineage")), f'<ul class="tree">{tree}</ul>']
    if item.pack.forked_from is None and not children(item.pack.ref):
        original = w.gettext("An original pack; nobody has forked it yet.")
        lines.append(f'<p class="meta">{_text(original)}</p>')
    versions = [s for s in shelf if s.pack.id == item.pack.id and s is not item]
    if versions:
        links = ", ".join(_link(s, str(s.pack.version)) for s in versions)
        others = _html(w, N_("Other versions here: {links}"), links=links)
        lines.append(f'<p class="meta">{others}</p>')
    return lines


def _lesson(w: Words, lesson: Lesson) -> str:
    asked = ""
    if lesson.prompt:
        # TRANSLATORS: a lesson from a group, and the discussion prompt it answers
        on = w.gettext("On: {prompt}", prompt=lesson.prompt)
        asked = f'<p class="by">{_text(on)}</p>'
    # TRANSLATORS: who a lesson is from, when the group gave no name
    credit = escape(lesson.credit) if lesson.credit else _text(w.gettext("anonymous"))
    return (
        f'<blockquote><p>{escape(lesson.text)}</p>{asked}<p class="by">— {credit}</p></blockquote>'
    )


def _note(w: Words, note: FacilitatorNote) -> str:
    """A session's facilitator notes: the English, then each translation the pack has, each
    marked with its language (and its labels in it) so a reader and a screen reader know.
    The heading naming the language is in the site's language, and marked so."""
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
            f'<h5 lang="{escape(w.html_lang)}">{escape(_language(w, code))}</h5>'
            f'<dl class="note">{parts}</dl></div>'
        )
    heading = _text(w.gettext("Facilitator notes"))
    return f'<section class="note"><h4>{heading}</h4>{"".join(blocks)}</section>'


def pack_page(item: Shelved, shelf: Sequence[Shelved], w: Words = ENGLISH) -> str:
    pack = item.pack
    lines = [
        f"<h1>{escape(pack.title)}</h1>",
        f'<p class="meta">{_about(w, pack)}</p>',
        f"<p>{escape(pack.summary)}</p>",
    ]
    if pack.authors:
        # TRANSLATORS: a pack's authors, under its title
        by = w.gettext("By {authors}", authors=", ".join(pack.authors))
        lines.append(f'<p class="meta">{_text(by)}</p>')
    suggested = [x for x in (pack.cadence, pack.session_length) if x]
    if suggested:
        # TRANSLATORS: the pack's suggested rhythm and session length, as its authors wrote them
        said = w.gettext("Suggested: {what}", what=" · ".join(suggested))
        lines.append(f'<p class="meta">{_text(said)}</p>')
    download = escape(item.download)
    file_sha = _html(
        w,
        N_("sha256 of the file: {sha}"),
        sha=f'<code class="sha">{item.download_sha256}</code>',
    )
    manifest_sha = _html(
        w,
        N_("sha256 of its MANIFEST (what {forked_from} pins): {sha}"),
        forked_from="<code>forked_from</code>",
        sha=f'<code class="sha">{item.manifest_sha256}</code>',
    )
    install = _html(
        w,
        N_("Install: {command}, then {curriculum} in a group."),
        command=f"<code>studybot pack install {download}</code>",
        curriculum=f"<code>curriculum: {escape(pack.ref)}</code>",
    )
    lines += [
        _tag("h2", w.gettext("Download")),
        f'<p><a href="{download}" download>{download}</a></p>',
        f'<p class="meta">{file_sha}</p>',
        f'<p class="meta">{manifest_sha}</p>',
        f'<p class="meta">{install}</p>',
    ]
    lines += _lineage(w, item, shelf)
    sessions = _tag("h2", w.gettext("Sessions"))
    lines.append(sessions)
    number = 0
    for reading in pack.readings:
        lines.append(f"<h3>{escape(reading.title)}</h3>")
        if reading.author:
            # TRANSLATORS: the author of a reading, under its title
            by = w.gettext("by {author}", author=reading.author)
            lines.append(f'<p class="meta">{_text(by)}</p>')
        # a lesson about the whole reading, shown once rather than under every section
        lines += [
            _lesson(w, x) for x in pack.lessons if x.reading == reading.id and x.section is None
        ]
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
                lines.append(_note(w, note))
            for lesson in (
                x for x in pack.lessons if (x.reading, x.section) == (reading.id, section.id)
            ):
                lines.append(_lesson(w, lesson))
            lines.append("</section>")
    if pack.lessons:
        with_lessons = w.ngettext(
            "With {n} lesson from groups that ran it.",
            "With {n} lessons from groups that ran it.",
            len(pack.lessons),
        )
        lines.insert(lines.index(sessions) + 1, f'<p class="meta">{_text(with_lessons)}</p>')
    return _layout(w, f"{pack.title} {pack.version}", "\n".join(lines))


def _entries(shelf: Sequence[Shelved], w: Words) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for item in shelf:
        pack = item.pack
        found.append(
            {
                "k": "pack",
                "t": pack.title,
                "s": pack.summary,
                # TRANSLATORS: where a search result is: a pack, by its id@version
                "p": w.gettext("pack {ref}", ref=pack.ref),
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
                        # TRANSLATORS: where a search result is: a section of a reading in a pack
                        "p": w.gettext(
                            "{pack} {version}, {reading}",
                            pack=pack.title,
                            version=str(pack.version),
                            reading=reading.title,
                        ),
                        "u": f"{item.page}#{section_anchor(reading.id, section.id)}",
                    }
                )
    return found


def search_index(shelf: Sequence[Shelved], w: Words = ENGLISH) -> str:
    """The index as a script that sets a global: a `<script src>` loads from `file://`,
    where fetching a JSON file is refused."""
    text = json.dumps(_entries(shelf, w), ensure_ascii=False, separators=(",", ":"))
    return "window.STUDYBOT_LIBRARY = " + text.replace("</", "<\\/") + ";\n"


# a number of each plural category CLDR knows (Arabic's zero and two, Polish's few, ...)
_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 100, 101, 102, 1_000_000)


def _match_forms(w: Words) -> dict[str, str]:
    """The search's status sentence for each plural category of the site's language, with
    {n} and {query} left for the script to fill (it picks the category with Intl)."""
    rule = w.locale.plural_form
    forms: dict[str, str] = {}
    for sample in _SAMPLES:
        kind = rule(sample)
        if kind not in forms:
            forms[kind] = w.ngettext(
                "{n} match for “{query}”.",
                "{n} matches for “{query}”.",
                sample,
                n="{n}",
                query="{query}",
            )
    return forms


def search_page(shelf: Sequence[Shelved], w: Words = ENGLISH) -> str:
    forms = escape(json.dumps(_match_forms(w), ensure_ascii=False))
    heading = w.gettext("Search the library")
    everything = w.gettext(
        "Every pack and section; with JavaScript off, use your browser's find in page."
    )
    lines = [
        f"<h1>{_text(heading)}</h1>",
        _search_form(w),
        f'<p id="status" class="meta" role="status" data-forms="{forms}"></p>',
        '<ol id="results" class="results" hidden></ol>',
        '<section id="everything">' + _tag("h2", w.gettext("Everything in the library")),
        f'<p class="meta">{_text(everything)}</p>',
        '<ul class="everything">',
    ]
    for entry in _entries(shelf, w):
        lines.append(
            f'<li class="{entry["k"]}"><a href="{escape(entry["u"])}">{escape(entry["t"])}</a>'
            f' <span class="meta">· {escape(entry["p"])}</span></li>'
        )
    lines += ["</ul>", "</section>"]
    return _layout(
        w, w.gettext("Search"), "\n".join(lines), scripts=("search-index.js", "search.js")
    )
