"""Line-level helpers shared by every stage: text normalization and Markdown patterns."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Characters YAML cannot carry in a block scalar: controls, and line breaks other than \n.
_UNPRINTABLE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ODD_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Typographic ligatures (Latin ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ, Armenian ﬓ-ﬗ) that PDF fonts hand over as
# one character: letters only in the font's drawing, so a reader, a search or a spell
# checker wants the letters. Only these are decomposed: NFKC on the whole text would also
# turn x² into x2, ½ into 1⁄2, ™ into TM and full-width text into ASCII, which mean
# something to the reader.
_LIGATURES = re.compile("[\ufb00-\ufb06\ufb13-\ufb17]")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
MD_NOT_PROSE = re.compile(r"^( {4}|\t| {0,3}([-*+]|\d{1,9}[.)])([ \t]|$)| {0,3}[>|<])")
MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()]*\)")


def normalize(text: str) -> str:
    text = _ODD_BREAKS.sub("\n", text.replace("\ufeff", ""))
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
    return _UNPRINTABLE.sub("", text)


def fenced_lines(lines: Sequence[str]) -> list[bool]:
    flags: list[bool] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is not None:
            flags.append(True)
            if (
                m
                and m[1][0] == fence[0]
                and len(m[1]) >= len(fence)
                and not line.strip()[len(m[1]) :].strip()
            ):
                fence = None
        elif m:
            flags.append(True)
            fence = m[1]
        else:
            flags.append(False)
    return flags
