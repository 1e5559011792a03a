"""Words in the reader's language: gettext catalogs, plural forms, dates and numbers (Babel).

Every user-facing sentence goes through a `Words`: `words.gettext("Welcome to {group}!",
group=name)` looks the English message up in the catalog of the reader's language
(`bot/locale/<code>/LC_MESSAGES/studybot.mo`) and fills in its `{placeholders}` afterwards, so
a translator moves them freely. Counts go through `ngettext`, which also knows the number as
`{n}`, written the way the language writes numbers. Text marked with `N_` at import time (the
command table's summaries) is translated when it is shown.

`en_XA` is a pseudo-locale built in code: every line is wrapped in ⟦ ⟧ and its letters are
accented, placeholders and `code` left as they are, so a test can see any text that went past
the catalog.
"""

from __future__ import annotations

import gettext as _gettext
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.numbers import format_decimal

DOMAIN = "studybot"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DEFAULT = "en"
PSEUDO = "en_XA"


def shipped_languages(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """English, then every language with a compiled catalog (`<code>/LC_MESSAGES/studybot.mo`):
    a volunteer's new catalog, once compiled, is a language groups and members can choose."""
    found = sorted(p.parent.parent.name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (DEFAULT, *(code for code in found if code not in (DEFAULT, PSEUDO)))


# the languages a member can choose; the pseudo-locale is for tests and is not offered
SUPPORTED: tuple[str, ...] = shipped_languages()
ACCEPTED: tuple[str, ...] = (*SUPPORTED, PSEUDO)

PSEUDO_OPEN = "⟦"
PSEUDO_CLOSE = "⟧"


def N_(message: str) -> str:
    """Mark `message` for the catalog where it is defined; it is translated where it is shown."""
    return message


# English keeps the compact day-month order the bot has always written ("Tue 8 Dec, 18:00");
# other languages take their own patterns from Babel's locale data (CLDR).
_ENGLISH_PATTERNS = {
    "moment": "EEE d MMM, HH:mm",
    "day": "EEEE d MMMM y",
    "short_day": "d MMM",
    "date": "d MMM y",
    "long_date": "d MMMM y",
    "weekday_time": "EEE HH:mm",
}


@dataclass(frozen=True, slots=True)
class Words:
    """One language's words and formats. Built by `resolve`, shared and never changed."""

    code: str
    locale: Locale
    translations: _gettext.NullTranslations = field(repr=False, compare=False)
    pseudo: bool = False

    # -- sentences ------------------------------------------------------------------------

    def gettext(self, message: str, /, **values: object) -> str:
        """`message` in this language, its `{placeholders}` filled from `values`."""
        return self._fill(self._shown(self.translations.gettext(message)), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form for `n` (`{n}` is the number, written in this language's way)."""
        values.setdefault("n", self.number(n))
        return self._fill(self._shown(self.translations.ngettext(singular, plural, n)), values)

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """`message` as meant in `context`, where one English word has several senses."""
        return self._fill(self._shown(self.translations.pgettext(context, message)), values)

    def _shown(self, text: str) -> str:
        return pseudo(text) if self.pseudo else text

    @staticmethod
    def _fill(text: str, values: dict[str, object]) -> str:
        return text.format(**values) if values else text

    # -- numbers, dates and times -----------------------------------------------------------

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def _pattern(self, name: str) -> str | None:
        return _ENGLISH_PATTERNS[name] if self.locale.language == "en" else None

    def moment(self, when: datetime, zone: ZoneInfo) -> str:
        """A date and time in `zone`, with the zone named: "martes, 8 de diciembre de 2026,
        19:00 (America/La_Paz)"; in English "Tue 8 Dec, 18:00 (Europe/Berlin)"."""
        return f"{self.day_time(when, zone)} ({zone.key})"

    def day_time(self, when: datetime, zone: ZoneInfo) -> str:
        """A date and time in `zone`, the zone left to the context: "Tue 8 Dec, 18:00"."""
        local = when.astimezone(zone)
        pattern = self._pattern("moment")
        if pattern is not None:
            return format_datetime(local, pattern, locale=self.locale)
        day = format_date(local.date(), "full", locale=self.locale)
        return f"{day}, {format_time(local.time(), 'HH:mm', locale=self.locale)}"

    def long_day(self, when: datetime | date, zone: ZoneInfo | None = None) -> str:
        """A whole date with its weekday: "Tuesday 8 December 2026", "martes, 8 de diciembre"."""
        day = _local_date(when, zone)
        pattern = self._pattern("day")
        return format_date(day, pattern or "full", locale=self.locale)

    def day_date(self, when: datetime | date, zone: ZoneInfo | None = None) -> str:
        """A date without its weekday: "8 Dec 2026", "8 dic 2026"."""
        day = _local_date(when, zone)
        pattern = self._pattern("date")
        return format_date(day, pattern or "medium", locale=self.locale)

    def long_date(self, when: datetime | date, zone: ZoneInfo | None = None) -> str:
        """A whole date without its weekday: "8 December 2026", "8 de diciembre de 2026"."""
        day = _local_date(when, zone)
        pattern = self._pattern("long_date")
        return format_date(day, pattern or "long", locale=self.locale)

    def short_day(self, when: datetime | date, zone: ZoneInfo | None = None) -> str:
        """Day and month only: "8 Dec", "8 dic"."""
        day = _local_date(when, zone)
        pattern = self._pattern("short_day")
        if pattern is not None:
            return format_date(day, pattern, locale=self.locale)
        return format_skeleton("MMMd", datetime.combine(day, time()), locale=self.locale)

    def weekday_time(self, when: datetime, zone: ZoneInfo) -> str:
        """A weekday and a time: "Tue 18:00", "mar 19:00"."""
        local = when.astimezone(zone)
        pattern = self._pattern("weekday_time") or "EEE HH:mm"
        return format_datetime(local, pattern, locale=self.locale)

    def clock(self, when: datetime, zone: ZoneInfo) -> str:
        """The time of day, 24-hour: "18:00"."""
        return format_time(when.astimezone(zone).time(), "HH:mm", locale=self.locale)

    def weekday(self, when: datetime | date, zone: ZoneInfo | None = None) -> str:
        return format_date(_local_date(when, zone), "EEEE", locale=self.locale)

    # -- about the language itself -----------------------------------------------------------

    @property
    def name(self) -> str:
        """The language's own name for itself: "español", "português (Brasil)"."""
        return language_name(self.code)

    @property
    def html_lang(self) -> str:
        """The code for `<html lang>` and the calendar: "es", "pt-BR"."""
        return self.code.replace("_", "-")


def _local_date(when: datetime | date, zone: ZoneInfo | None) -> date:
    if isinstance(when, datetime):
        return when.astimezone(zone).date() if zone is not None else when.date()
    return when


# -- which catalog ---------------------------------------------------------------------------


# the accepted codes by their lower case, for `normalize`
_BY_LOWER = {c.lower(): c for c in ACCEPTED}


@lru_cache(maxsize=1024)  # asked several times for every reply, of a handful of codes
def normalize(code: str | None) -> str | None:
    """The accepted language a code means, or None: "es-419" and "ES" are "es", "pt-BR" and
    "pt" are "pt_BR", "en-US" is "en". Codes from Discord use a hyphen, gettext's an underscore."""
    if not code:
        return None
    wanted = code.strip().replace("-", "_")
    if wanted.lower() in _BY_LOWER:
        return _BY_LOWER[wanted.lower()]
    language = wanted.split("_", 1)[0].lower()
    same = [c for c in SUPPORTED if c.split("_", 1)[0].lower() == language]
    return same[0] if same else None


@cache
def resolve(code: str | None = DEFAULT) -> Words:
    """The words for a language code (any spelling `normalize` knows); English for the rest."""
    chosen = normalize(code) or DEFAULT
    if chosen == PSEUDO:
        return Words(
            code=PSEUDO,
            locale=Locale.parse("en"),
            translations=_gettext.NullTranslations(),
            pseudo=True,
        )
    translations = _gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[chosen], fallback=True
    )
    return Words(code=chosen, locale=Locale.parse(chosen), translations=translations)


ENGLISH = resolve(DEFAULT)


@cache
def language_name(code: str) -> str:
    if code == PSEUDO:
        return "pseudo-English (for testing)"
    try:
        name = Locale.parse(code).get_display_name() or code
    except (UnknownLocaleError, ValueError):
        return code
    return name


def english_name(code: str) -> str:
    if code == PSEUDO:
        return "pseudo-English"
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (UnknownLocaleError, ValueError):
        return code


def suggest(code: str) -> str | None:
    """The accepted language someone probably meant by `code` ("spanish", "pt-PT", "esp")."""
    import difflib

    wanted = code.strip().casefold()
    if not wanted:
        return None
    names: dict[str, str] = {}
    for c in SUPPORTED:
        names[english_name(c).casefold()] = c
        names[language_name(c).casefold()] = c
        names[c.casefold()] = c
        for name in (Locale.parse(c).get_language_name("en"), Locale.parse(c).get_language_name()):
            names[(name or c).casefold()] = c
    if wanted in names:
        return names[wanted]
    language = wanted.replace("-", "_").split("_", 1)[0]
    same = [c for c in SUPPORTED if c.split("_", 1)[0].lower() == language]
    if same:
        return same[0]
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


# -- the pseudo-locale -----------------------------------------------------------------------

_ACCENTED = str.maketrans(
    "AaCcDdEeGgHhIiJjKkLlNnOoRrSsTtUuWwYyZz",
    "ÅåÇçĐđÉéĜĝĤĥÎîĴĵĶķĻļÑñÖöŔŕŠšŢţÛûŴŵÝýŽž",
)
# kept as they are: placeholders, `code` (command names a reader types), Markdown links' targets
# and HTML tags (the archive's sentences carry <cite> and links)
_KEPT = re.compile(r"(\{[^{}]*\}|`[^`]*`|\]\([^)]*\)|https?://\S+|<[^<>]*>)")


def pseudo(text: str) -> str:
    """Each non-empty line of `text` accented and wrapped in ⟦ ⟧, placeholders untouched."""
    lines = []
    for line in text.split("\n"):
        if not line.strip():
            lines.append(line)
            continue
        parts = _KEPT.split(line)
        shown = "".join(p if i % 2 else p.translate(_ACCENTED) for i, p in enumerate(parts))
        lines.append(f"{PSEUDO_OPEN}{shown}{PSEUDO_CLOSE}")
    return "\n".join(lines)


def is_pseudo(line: str) -> bool:
    """Whether a line went through the pseudo-locale (it carries its markers)."""
    return PSEUDO_OPEN in line and PSEUDO_CLOSE in line


# -- names of days in a language, for config ---------------------------------------------------


def folded(word: str) -> str:
    """`word` without case or accents: "Miércoles" and "miercoles" are one."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def weekday_names(code: str) -> dict[str, int]:
    """Every way `code`'s language writes a weekday (wide, abbreviated, without accents or a
    trailing dot; "terça" for "terça-feira"), folded, to its number (0 is Monday)."""
    chosen = normalize(code) or DEFAULT
    locale = Locale.parse(DEFAULT if chosen == PSEUDO else chosen)  # the pseudo-locale is English
    names: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.days[context][width].items():
                word = folded(name).rstrip(".")
                names[word] = number
                if "-" in word:  # Portuguese "terça-feira" is also said "terça"
                    names[word.split("-", 1)[0]] = number
    return names
