"""What a page's metadata says its title and author are, cleaned the way a careful reader
would: the title without the site's name, the author a person's name or nothing."""

from __future__ import annotations

import re
from collections.abc import Iterable

# "Title | Site", "Title - Site", "Site » Title": a separator with space on both sides.
TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»«:]|::)\s+")
_BY_PREFIX = re.compile(
    r"^(?:(?:view|see)\s+all\s+(?:posts|articles|stories)\s+by|(?:all\s+)?(?:posts|articles|"
    r"stories)\s+by|(?:written|posted|words|story|text)\s+by|by|author:|autor:|autore:|auteur:"
    r"|(?:von|por|par|di|door|av)(?=\s+\S+\s+\S))\s+",
    re.I,
)
_WEEKDAY = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
    r"|lunes|martes|miércoles|jueves|viernes|sábado|domingo"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira"
    r"|lunedì|martedì|mercoledì|giovedì|venerdì"
)
_MONTH = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# What follows the name on a dateline: "Jeff Foust Monday", "Ann Lee, Nov. 3, 2019", "Bo 2019"
_DATE_TAIL = re.compile(
    rf"(?:^|[\s,;|]+)(?:(?:{_WEEKDAY})\b.*|(?:{_MONTH})\.?\s+\d.*"
    r"|(?:january|february|march|april|july|september|october|november|december)\.?"
    r"|\d{1,4}(?:[-/.]\d{1,2}){0,2}\b.*)$",
    re.I,
)  # a lone "May" or "June" at the end may be a surname
# A typist's or an uploader's initials after the name: "United States Copyright Office - jmf"
_INITIALS_TAIL = re.compile(r"\s+[-–—/]\s*[a-z]{2,4}$")
# Bylines that name a role or an account, not a person.
_NOT_PEOPLE = frozenset(
    [
        "admin",
        "administrator",
        "author",
        "editor",
        "editors",
        "editorial",
        "staff",
        "team",
        "desk",
        "webmaster",
        "redaktion",
        "redacción",
        "redação",
        "redazione",
        "rédaction",
        "guest",
        "anonymous",
        "unknown",
        "user",
        "contributor",
        "newsroom",
    ]
)
_NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "das",
        "del",
        "della",
        "der",
        "den",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "y",
        "e",
        "ibn",
        "bin",
        "al",
        "el",
        "zu",
        "ten",
        "ter",
        "and",
        "&",
        "und",
        "et",
    ]
)


def letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def title_without_site(title: str, site_names: Iterable[str]) -> str:
    """The title without a site's name before or after it ("Title | Site", "Site - Title")."""
    sites = {letters(name) for name in site_names if len(letters(name)) >= 3}
    if not sites:
        return title
    cuts = list(TITLE_SEPARATOR.finditer(title))
    for cut in cuts:  # the leftmost: a site's name may itself hold a separator
        head, tail = title[: cut.start()].strip(), title[cut.end() :].strip()
        if head and _names_site(tail, sites):
            return head
    for cut in reversed(cuts):
        head, tail = title[: cut.start()].strip(), title[cut.end() :].strip()
        if tail and _names_site(head, sites):
            return tail
    return title


def _names_site(part: str, sites: set[str]) -> bool:
    """The part is the site's name, its host ("SpaceNews.com") or a short form of it."""
    found = letters(part)
    if len(found) < 3:
        return False
    return any(
        found == site or (site.startswith(found) and len(found) * 2 >= len(site)) or
        (found.startswith(site) and len(site) * 2 >= len(found))
        for site in sites
    )  # fmt: skip


def clean_author(
    author: str | None, *, not_authors: Iterable[str] = (), page: str = ""
) -> str | None:
    """A person's name (or several, joined by "; ") from a byline, or None.

    Left out: "View all posts by" and "By", a weekday or date after the name, a typist's
    initials, the site or publisher (`not_authors`), roles and accounts ("Admin", "Staff"),
    a one-word account the page never writes capitalized (`page` is its raw text), and words
    that are not a name at all. Names set in capitals are given their usual case."""
    if not author:
        return None
    names: list[str] = []
    for part in re.split(r"\s*;\s*", " ".join(author.split())):
        name = _one_name(part, page)
        if name and name not in names:
            names.append(name)
    # The publisher named beside the people is not one of them; named alone, it may be the
    # person whose own site it is.
    publishers = {letters(name) for name in not_authors if letters(name)}
    people = [name for name in names if letters(name) not in publishers]
    return "; ".join(people or names) or None


def without_initials(author: str | None) -> str | None:
    """A document's author without the typist's initials after it ("Office - jmf")."""
    return _INITIALS_TAIL.sub("", author).strip() or None if author else None


def _one_name(part: str, page: str) -> str | None:
    text = _BY_PREFIX.sub("", part.strip(" ,|"))
    text = _INITIALS_TAIL.sub("", text)
    text = _DATE_TAIL.sub("", text).strip(" ,;|-–—")
    words = text.split()
    # "LISA MASCARO Associated Press": a name set in capitals, then the outlet in normal case
    capitals = [w for w in words if _capitals(w)]
    if 2 <= len(capitals) < len(words) and all(_capitals(w) for w in words[: len(capitals)]):
        words = words[: len(capitals)]
    if not words or sum(w.casefold() not in _NAME_PARTICLES for w in words) > 5:
        return None
    if any(w.casefold().strip(".") in _NOT_PEOPLE for w in words):
        return None
    if any(any(c.isdigit() or c in "@/:=<>{}()[]" for c in w) for w in words):
        return None
    lowered = [w for w in words if w[:1].islower() and w.casefold() not in _NAME_PARTICLES]
    if lowered or words[0].casefold() in ("the", "a", "an", "der", "die", "das", "le", "la"):
        return None
    name = " ".join(words)
    if all(_capitals(w) or not any(c.isalpha() for c in w) for w in words):
        name = " ".join(_usual_case(w) for w in words)
    if len(words) == 1 and page and re.search(rf"\b{re.escape(name)}\b", page) is None:
        return None  # "Rmb" from the page's "rmb8090": an account, not how a person is named
    return name


def _capitals(word: str) -> bool:
    alpha = [c for c in word if c.isalpha()]
    return len(alpha) >= 2 and all(c.isupper() for c in alpha)


def _usual_case(word: str) -> str:
    if word.casefold() in _NAME_PARTICLES:
        return word.lower()
    # "O'DONNELL" → "O'Donnell", "JEAN-PAUL" → "Jean-Paul"
    return re.sub(r"[^\W\d_]+", lambda m: m[0][:1].upper() + m[0][1:].lower(), word)
