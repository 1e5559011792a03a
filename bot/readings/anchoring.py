"""Where an annotation points in a section: the W3C Web Annotation TextQuoteSelector (the exact
words, a little before and after) and TextPositionSelector (character offsets), and how an
anchor is found again when the section's text has changed."""

from __future__ import annotations

from dataclasses import dataclass

from bot.readings.sentences import Sentence, body_hash, split_sentences

CONTEXT_CHARS = 32  # of prefix and suffix, as Hypothesis keeps


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    """A span of one section's body. `sentence` is the index of the sentence it lies in;
    `start`/`end` are offsets in the body whose fingerprint is `body`."""

    section_id: str
    sentence: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    body: str  # body_hash() of the text the offsets are in


def anchor_sentence(section_id: str, body: str, sentence: Sentence) -> Anchor:
    """The anchor of a whole sentence of `body`."""
    return anchor_span(section_id, body, sentence.start, sentence.end)


def anchor_span(section_id: str, body: str, start: int, end: int) -> Anchor:
    """The anchor of `body[start:end]`: its sentence, its words and their context."""
    sentences = split_sentences(body)
    index = next((s.index for s in sentences if s.start <= start < s.end), 0)
    return Anchor(
        section_id=section_id,
        sentence=index,
        start=start,
        end=end,
        exact=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
        body=body_hash(body),
    )


def still_exact(anchor: Anchor, body: str) -> bool:
    """Whether the anchor's offsets still hold its exact words in `body`."""
    return body[anchor.start : anchor.end] == anchor.exact


def reanchor(anchor: Anchor, body: str) -> Anchor | None:
    """The anchor moved onto an edited `body`, or None when its words are no longer there
    (the annotation is then orphaned: kept, and shown apart).

    The exact words are looked for everywhere; where they occur more than once, the place
    whose prefix and suffix agree best wins, and among equals the one nearest the old offset.
    """
    if body_hash(body) == anchor.body:
        return anchor
    if not anchor.exact:
        return None
    places: list[int] = []
    at = body.find(anchor.exact)
    while at != -1:
        places.append(at)
        at = body.find(anchor.exact, at + 1)
    if not places:
        return None
    best = max(places, key=lambda p: (_context_score(anchor, body, p), -abs(p - anchor.start)))
    return anchor_span(anchor.section_id, body, best, best + len(anchor.exact))


def _context_score(anchor: Anchor, body: str, start: int) -> int:
    """How many characters of the prefix (read backwards) and suffix agree at `start`."""
    before = body[max(0, start - len(anchor.prefix)) : start]
    after_start = start + len(anchor.exact)
    after = body[after_start : after_start + len(anchor.suffix)]
    score = 0
    for a, b in zip(reversed(before), reversed(anchor.prefix), strict=False):
        if a != b:
            break
        score += 1
    for a, b in zip(after, anchor.suffix, strict=False):
        if a != b:
            break
        score += 1
    return score
