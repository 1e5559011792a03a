"""A heading followed at once by sub-headings stays their parent: "Parent: Child" titles."""

from __future__ import annotations

from collections.abc import Sequence

from bot.readings.importer.chunks import Draft


def nest_sub_headings(drafts: Sequence[Draft]) -> list[Draft]:
    """Drop each empty heading that leads into deeper ones, naming its children after it."""
    out: list[Draft] = []
    parents: list[tuple[int, str]] = []  # (level, title) of the empty headings still open
    for k, draft in enumerate(drafts):
        while parents and parents[-1][0] >= draft.level:
            parents.pop()
        if draft.title is None:
            out.append(draft)
            continue
        following = drafts[k + 1] if k + 1 < len(drafts) else None
        if not draft.blocks and following is not None and following.level > draft.level:
            parents.append((draft.level, draft.title))
            continue
        prefix = "".join(f"{title.rstrip(':')}: " for _, title in parents)
        out.append(Draft(prefix + draft.title, draft.blocks, draft.level))
    return out
