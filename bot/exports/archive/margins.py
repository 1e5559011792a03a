"""A section's text in the archive with its discussed passages marked and the group's shared
notes beside them: in the margin on a wide screen, below the paragraph on a phone (CSS only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from bot.readings.sentences import split_sentences

MARGIN_STYLE = """
section.annotated { margin-top: 1.5rem; }
.para { margin: 0 0 1.25rem; }
.para > p { margin: 0; overflow-wrap: anywhere; }
mark { background: #fbeaa0; color: inherit; padding: 0 0.1em; border-radius: 2px; }
@media (prefers-color-scheme: dark) { mark { background: #5c4d16; } }
sup.ref { font: 600 0.7rem/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin-left: 0.1em; }
sup.ref a { text-decoration: none; }
aside.margin { font: 0.9rem/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 0.6rem 0 0; padding: 0.1rem 0 0.1rem 0.8rem; border-left: 3px solid var(--accent); }
aside.margin .note { margin: 0 0 0.75rem; }
aside.margin .note:target { background: var(--card); outline: 1px solid var(--line); }
aside.margin p { margin: 0 0 0.25rem; overflow-wrap: anywhere; }
aside.margin .by { color: var(--muted); }
aside.margin ul.replies { list-style: none; margin: 0.25rem 0 0; padding: 0 0 0 0.75rem;
  border-left: 1px solid var(--line); }
aside.margin ul.replies li { margin: 0 0 0.25rem; overflow-wrap: anywhere; }
section.orphaned { margin-top: 1.5rem; }
@media (min-width: 64rem) {
  .para { display: grid; grid-template-columns: minmax(0, 1fr) 16rem; column-gap: 1.75rem;
    margin-right: -17.75rem; }
  .para > p { grid-column: 1; }
  aside.margin { grid-column: 2; grid-row: 1; margin: 0; align-self: start; }
}
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class MarginReply:
    text: str
    author: str | None  # None: anonymous


@dataclass(frozen=True, slots=True, kw_only=True)
class MarginNote:
    """One shared note as the archive shows it, anchored at body[start:end]."""

    start: int
    end: int
    exact: str
    text: str
    author: str | None  # None: anonymous
    late: bool
    replies: tuple[MarginReply, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Mark:
    """A marked span of a paragraph (the notes on it, numbered in the page)."""

    number: int
    text: str
    notes: tuple[MarginNote, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnotatedParagraph:
    pieces: tuple[str | Mark, ...]  # plain text and marked spans, in order

    @property
    def marks(self) -> tuple[Mark, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Mark))


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnotatedText:
    paragraphs: tuple[AnnotatedParagraph, ...]
    orphaned: tuple[MarginNote, ...]  # notes whose words an edit took away, shown apart


def annotate(
    body: str, notes: Sequence[MarginNote], orphaned: Sequence[MarginNote], first: int = 1
) -> AnnotatedText:
    """The body's paragraphs with each note's span marked; notes on overlapping spans share
    one mark. Marks are numbered from `first` (numbers run on across a page's sections)."""
    spans: list[tuple[int, int, list[MarginNote]]] = []
    for note in sorted(notes, key=lambda n: (n.start, n.end)):
        if not 0 <= note.start < note.end <= len(body):
            continue
        if spans and note.start < spans[-1][1]:
            start, end, held = spans[-1]
            spans[-1] = (start, max(end, note.end), [*held, note])
        else:
            spans.append((note.start, note.end, [note]))
    number = first
    paragraphs: list[AnnotatedParagraph] = []
    for start, end in _paragraph_spans(body):
        pieces: list[str | Mark] = []
        at = start
        for a, b, held in spans:
            if b <= start or a >= end:
                continue
            a, b = max(a, at), min(b, end)
            if a > at:
                pieces.append(body[at:a])
            pieces.append(Mark(number=number, text=body[a:b], notes=tuple(held)))
            number += 1
            at = b
        if at < end:
            pieces.append(body[at:end])
        paragraphs.append(AnnotatedParagraph(pieces=tuple(pieces)))
    return AnnotatedText(paragraphs=tuple(paragraphs), orphaned=tuple(orphaned))


def _paragraph_spans(body: str) -> list[tuple[int, int]]:
    by_paragraph: dict[int, tuple[int, int]] = {}
    for sentence in split_sentences(body):
        start, end = by_paragraph.get(sentence.paragraph, (sentence.start, sentence.end))
        by_paragraph[sentence.paragraph] = (min(start, sentence.start), max(end, sentence.end))
    return [by_paragraph[p] for p in sorted(by_paragraph)]


def _who(author: str | None) -> str:
    return escape(author) if author is not None else "Anonymous"


def _member_text(text: str) -> str:
    """Member words: escaped, line breaks kept, direction isolated (bidi controls stay inside)."""
    return "<br>".join(f"<bdi>{escape(line)}</bdi>" for line in text.splitlines() or [""])


def _note_html(note: MarginNote, anchor: str) -> str:
    late = '<span class="tag">late</span>' if note.late else ""
    parts = [f'<div class="note"{anchor}>', f'<p dir="auto">{_member_text(note.text)}</p>']
    parts.append(f'<p class="by">— {_who(note.author)}{late}</p>')
    if note.replies:
        items = "".join(
            f'<li dir="auto">{_member_text(r.text)} <span class="by">— {_who(r.author)}</span></li>'
            for r in note.replies
        )
        parts.append(f'<ul class="replies">{items}</ul>')
    parts.append("</div>")
    return "".join(parts)


def annotated_html(text: AnnotatedText, heading: str, orphaned_heading: str) -> list[str]:
    """The section's text with its marks and margin notes, then the orphaned notes apart."""
    lines = ['<section class="annotated">', f"<h3>{escape(heading)}</h3>"]
    for paragraph in text.paragraphs:
        inline = []
        for piece in paragraph.pieces:
            if isinstance(piece, Mark):
                n = piece.number
                inline.append(
                    f'<mark id="m{n}">{escape(piece.text)}</mark>'
                    f'<sup class="ref"><a href="#n{n}">{n}</a></sup>'
                )
            else:
                inline.append(escape(piece))
        lines.append(f'<div class="para"><p>{"".join(inline)}</p>')
        if paragraph.marks:
            lines.append('<aside class="margin">')
            for mark in paragraph.marks:
                for i, note in enumerate(mark.notes):
                    anchor = f' id="n{mark.number}"' if i == 0 else ""
                    ref = f'<a href="#m{mark.number}">{mark.number}</a> ' if i == 0 else ""
                    lines.append(ref + _note_html(note, anchor))
            lines.append("</aside>")
        lines.append("</div>")
    if text.orphaned:
        lines += ['<section class="orphaned">', f"<h3>{escape(orphaned_heading)}</h3>"]
        for note in text.orphaned:
            lines.append(f"<blockquote><p>{escape(note.exact)}</p></blockquote>")
            lines.append('<aside class="margin">' + _note_html(note, "") + "</aside>")
        lines.append("</section>")
    lines.append("</section>")
    return lines
