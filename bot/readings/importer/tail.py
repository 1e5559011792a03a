"""Where an article ends on a web page, and a reader's words for what comes after it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.i18n import N_
from bot.readings.importer.footer import TAIL_MIN_WORDS, article_end
from bot.readings.importer.model import AFTER_END, Dropped
from bot.readings.importer.webcopy import comment_thread_start

# What each kind of page furniture below an article looks like, in the admin's words.
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.I))
    for reason, pattern in (
        (
            N_("a comment thread"),
            r"^(\d[\d,.]*\s+|one |two |three )?(comments?|responses?|replies|thoughts)\b|"
            r"^(leave|post|add|write) a (reply|comment|response)|says:$|^reply$|"
            r"^(join|start) the (discussion|conversation)|comments are closed",
        ),
        (
            N_("related links"),
            r"^related\b|you (may|might) also|^recommended|read next|more (stories|articles|posts)",
        ),
        (N_("share buttons"), r"^share\b|^like this|^like loading|^loading"),
        (N_("a newsletter sign-up"), r"^subscribe\b|newsletter"),
        (
            N_("tags and categories"),
            r"^(posted|filed|published) (in|under)|^(tags?|tagged|categor)",
        ),
        (N_("the page footer"), r"^(©|\(c\)|copyright)|all rights reserved|^print\b"),
    )
)


def find_tail(lines: Sequence[str], *, markdown: bool) -> tuple[int, tuple[str, ...]] | None:
    """The first line after the article's end and what follows it, if the end can be told."""
    marker = article_end(lines, markdown=markdown)
    thread = comment_thread_start(lines, min_words_before=TAIL_MIN_WORDS)
    if marker is None and thread is None:
        return None
    start = min(i for i in (marker, thread) if i is not None)
    return start, describe_tail(lines[start:], thread_found=thread is not None)


def describe_tail(lines: Sequence[str], *, thread_found: bool) -> tuple[str, ...]:
    """What follows the article's end, each kind an English catalog message."""
    reasons: list[str] = []
    for line in lines:
        text = " ".join(line.strip(" \t#>*_-–—•|").split())
        for reason, pattern in _KINDS:
            if reason not in reasons and pattern.search(text):
                reasons.append(reason)
    if thread_found and "a comment thread" not in reasons:
        reasons.append(N_("a comment thread"))
    return tuple(reasons) or (N_("the page footer"),)


def tail_dropped(lines: Sequence[str], reasons: tuple[str, ...]) -> Dropped:
    joined = reasons[0] if len(reasons) == 1 else ", ".join(reasons[:-1]) + " and " + reasons[-1]
    return Dropped(where=AFTER_END, reason=joined, reasons=reasons, lines=tuple(lines))
