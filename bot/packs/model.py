"""A pack as its `pack.yaml` describes it: the course's readings in order, the facilitator's
notes for each session, the lessons earlier groups left, and where the pack came from.

Read with the config's located-problem machinery: every problem names the file, line and
column it was found at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from bot.core.i18n import N_
from bot.core.said import Refusal, Said, said
from bot.documents.problems import Problem, problems_from_validation
from bot.documents.yamlsource import YamlDocument, YamlError, load_yaml_file
from bot.packs.version import Version, is_version, parse_version
from bot.readings.model import (
    ID_PATTERN,
    Reading,
    ReadingError,
    language_key,
    load_reading,
    pick_language,
    unknown_language,
)

PACK_FILE = "pack.yaml"
# an SPDX licence id or expression: `CC-BY-SA-4.0`, `MIT OR Apache-2.0`, `LicenseRef-our-terms`
_SPDX = r"^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$"
_LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
_SHA256 = r"^[0-9a-f]{64}$"


@dataclass(frozen=True, slots=True, kw_only=True)
class Lineage:
    """The pack this one was forked from, pinned by its manifest's checksum."""

    id: str
    version: str
    sha256: str

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


# the labels of a note's parts, in English; translated where they are shown
NOTE_LABELS = (
    ("opening", N_("How to open")),
    ("watch_for", N_("What to watch for")),
    ("closing_question", N_("A closing question")),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteText:
    """A facilitator note's words in one more language; a part it leaves out stays English."""

    opening: str = ""
    watch_for: str = ""
    closing_question: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorNote:
    """What the person running one session should know: for the admins' eyes only."""

    reading: str
    section: str
    opening: str = ""  # how to open the session
    watch_for: str = ""  # what to watch for while it runs
    closing_question: str = ""  # a question to close on
    # the same note in other languages, keyed as readings key them ("es", "pt_BR")
    translations: tuple[tuple[str, NoteText], ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.translations)

    @property
    def parts(self) -> tuple[tuple[str, str], ...]:
        """The note's filled-in parts, labelled (English labels, for the catalog), in the
        order a facilitator uses them."""
        named = ((label, getattr(self, field)) for field, label in NOTE_LABELS)
        return tuple((label, text) for label, text in named if text.strip())

    def language_for(self, code: str | None) -> str | None:
        """The translation key that serves a reader of `code`, or None for the original."""
        return pick_language(self.languages, code)

    def in_language(self, code: str | None) -> FacilitatorNote:
        """The note as an admin reading `code` sees it: translated where it is, else as is."""
        chosen = self.language_for(code)
        if chosen is None:
            return self
        text = dict(self.translations)[chosen]
        return FacilitatorNote(
            reading=self.reading,
            section=self.section,
            opening=text.opening or self.opening,
            watch_for=text.watch_for or self.watch_for,
            closing_question=text.closing_question or self.closing_question,
            translations=self.translations,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Lesson:
    """Something an earlier group learned, as a curated excerpt of what a member wrote."""

    reading: str
    section: str | None
    text: str
    credit: str | None = None  # a name, a group, or nothing for an anonymous response
    prompt: str | None = None  # the question it answered, when it answered one
    id: str | None = None  # a harvest's handle on it (forget-me finds it by this), else none


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    id: str
    title: str
    version: Version
    summary: str
    languages: tuple[str, ...]
    license: str | None
    authors: tuple[str, ...]
    topics: tuple[str, ...]
    forked_from: Lineage | None
    readings: tuple[Reading, ...]
    notes: tuple[FacilitatorNote, ...]
    lessons: tuple[Lesson, ...]
    cadence: str | None
    session_length: str | None
    path: Path

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    def note_for(
        self, reading_id: str, section_id: str, language: str | None = None
    ) -> FacilitatorNote | None:
        """The note for one section, in `language` where the pack has it translated."""
        note = next(
            (n for n in self.notes if n.reading == reading_id and n.section == section_id), None
        )
        return note.in_language(language) if note is not None else None

    @property
    def note_languages(self) -> tuple[str, ...]:
        """English, then every language some facilitator note is translated into."""
        found = {code for n in self.notes for code in n.languages}
        return ("en", *sorted(found - {"en"}))

    def lessons_for(self, reading_id: str, section_id: str) -> tuple[Lesson, ...]:
        return tuple(
            lesson
            for lesson in self.lessons
            if lesson.reading == reading_id and lesson.section in (None, section_id)
        )


class PackError(Exception):
    """A pack that cannot be used, with every problem found, located."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _version_text(value: object) -> object:
    # YAML reads an unquoted 1.0 as a number; say what a version looks like rather than
    # that a string was expected
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise Refusal(
            N_("{value} is not a version like 1.0.0 (MAJOR.MINOR.PATCH)"), value=repr(value)
        )
    return value


VersionText = Annotated[str, BeforeValidator(_version_text)]


class _LineageSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: VersionText
    sha256: str = Field(pattern=_SHA256)

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        parse_version(value)
        return value


class _SuggestedSpec(_Strict):
    cadence: str | None = Field(default=None, min_length=1, max_length=200)
    session_length: str | None = Field(default=None, min_length=1, max_length=100)


class _NoteTextSpec(_Strict):
    opening: str = Field(default="", max_length=4000)
    watch_for: str = Field(default="", max_length=4000)
    closing_question: str = Field(default="", max_length=2000)


class _NoteSpec(_NoteTextSpec):
    reading: str = Field(pattern=ID_PATTERN)
    section: str = Field(pattern=ID_PATTERN)
    translations: dict[str, _NoteTextSpec] = Field(default_factory=dict, max_length=50)


class _LessonSpec(_Strict):
    id: str | None = Field(default=None, pattern=ID_PATTERN)
    reading: str = Field(pattern=ID_PATTERN)
    section: str | None = Field(default=None, pattern=ID_PATTERN)
    prompt: str | None = Field(default=None, min_length=1, max_length=2000)
    text: str = Field(min_length=1, max_length=4000)
    credit: str | None = Field(default=None, min_length=1, max_length=200)


class _PackSpec(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    version: VersionText
    summary: str = Field(default="", max_length=4000)
    languages: list[str] = Field(default_factory=lambda: ["en"], min_length=1, max_length=50)
    license: str | None = Field(default=None, pattern=_SPDX, max_length=200)
    authors: list[str] = Field(default_factory=list, max_length=100)
    topics: list[str] = Field(default_factory=list, max_length=30)
    forked_from: _LineageSpec | None = None
    readings: list[str] = Field(min_length=1, max_length=100)
    suggested: _SuggestedSpec = Field(default_factory=_SuggestedSpec)
    notes: list[_NoteSpec] = Field(default_factory=list, max_length=2000)
    lessons: list[_LessonSpec] = Field(default_factory=list, max_length=5000)

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        parse_version(value)
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        for code in value:
            if not isinstance(code, str) or not re.match(_LANGUAGE, code):
                raise Refusal(
                    N_("{code} is not a language code like en, es or pt-BR"), code=repr(code)
                )
        return value


def load_pack(folder: Path) -> Pack:
    """Read `folder/pack.yaml` and the readings it lists; PackError with every problem."""
    path = folder / PACK_FILE
    if not path.is_file():
        raise PackError(
            [
                Problem(
                    str(folder),
                    None,
                    None,
                    said(N_("there is no {file} in this folder"), file=PACK_FILE),
                )
            ]
        )
    try:
        doc = load_yaml_file(path)
    except YamlError as exc:
        raise PackError([Problem(exc.file, exc.line, exc.column, exc.said)]) from None
    if not isinstance(doc.data, dict):
        raise PackError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    said(N_("pack.yaml must be a mapping with id, title, version, readings")),
                )
            ]
        )
    try:
        spec = _PackSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise PackError(problems_from_validation(exc, doc, _PackSpec)) from None
    problems: list[Problem] = []
    readings = _readings(spec, doc, folder, problems)
    by_id = {r.id: r for r in readings}
    notes = _notes(spec, doc, by_id, problems)
    lessons = _lessons(spec, doc, by_id, problems)
    if problems:
        raise PackError(problems)
    lineage = spec.forked_from
    return Pack(
        id=spec.id,
        title=spec.title.strip(),
        version=parse_version(spec.version),
        summary=spec.summary.strip(),
        languages=tuple(spec.languages),
        license=spec.license,
        authors=tuple(a.strip() for a in spec.authors if a.strip()),
        topics=tuple(t.strip().lower() for t in spec.topics if t.strip()),
        forked_from=(
            Lineage(id=lineage.id, version=lineage.version, sha256=lineage.sha256)
            if lineage is not None
            else None
        ),
        readings=tuple(readings),
        notes=notes,
        lessons=lessons,
        cadence=spec.suggested.cadence,
        session_length=spec.suggested.session_length,
        path=folder,
    )


def untranslated_notes(pack: Pack) -> list[tuple[str, list[str]]]:
    """For each language the pack lists beyond English, the notes (`reading/section`) that
    have no text in it; languages every note has are left out."""
    out: list[tuple[str, list[str]]] = []
    for code in pack.languages:
        if code == "en":
            continue
        missing = [f"{n.reading}/{n.section}" for n in pack.notes if n.language_for(code) is None]
        if missing:
            out.append((code, missing))
    return out


def publish_problems(pack: Pack) -> list[Problem]:
    """What keeps a pack that loads from being passed on: for now, a missing licence."""
    if pack.license:
        return []
    return [
        Problem(
            str(pack.path / PACK_FILE),
            None,
            None,
            said(
                N_(
                    "the pack has no `license:`; say under which terms others may use it, as an "
                    "SPDX id such as CC-BY-SA-4.0, before building or publishing it"
                )
            ),
        )
    ]


def _located(doc: YamlDocument, *at: str | int) -> tuple[int | None, int | None]:
    return doc.locate(tuple(at)) or (None, None)


def _readings(
    spec: _PackSpec, doc: YamlDocument, folder: Path, problems: list[Problem]
) -> list[Reading]:
    root = folder.resolve()
    readings: list[Reading] = []
    seen: set[str] = set()
    for i, name in enumerate(spec.readings):
        line, column = _located(doc, "readings", i)

        def problem(message: Said, line: int | None = line, column: int | None = column) -> None:
            problems.append(Problem(doc.file, line, column, message))

        relative = Path(name)
        if relative.is_absolute() or ".." in relative.parts:
            problem(
                said(
                    N_("reading {name} is outside the pack; list files inside its folder"),
                    name=repr(name),
                )
            )
            continue
        target = folder / relative
        if target.is_symlink() or not target.resolve().is_relative_to(root):
            problem(
                said(
                    N_(
                        "reading {name} is a link or leads outside the pack; packs hold plain files"
                    ),
                    name=repr(name),
                )
            )
            continue
        if not target.is_file():
            problem(said(N_("reading {name} is missing from the pack"), name=repr(name)))
            continue
        try:
            reading = load_reading(target, folder)
        except ReadingError as exc:
            problems.extend(exc.problems)
            continue
        if reading.id in seen:
            problem(said(N_("reading id {id} comes twice in the pack"), id=repr(reading.id)))
            continue
        seen.add(reading.id)
        readings.append(reading)
    return readings


def _notes(
    spec: _PackSpec, doc: YamlDocument, by_id: dict[str, Reading], problems: list[Problem]
) -> tuple[FacilitatorNote, ...]:
    notes: list[FacilitatorNote] = []
    seen: set[tuple[str, str]] = set()
    for i, note in enumerate(spec.notes):
        line, column = _located(doc, "notes", i)
        where = _unknown_place(note.reading, note.section, by_id)
        if where is not None:
            problems.append(
                Problem(doc.file, line, column, said(N_("facilitator note: {where}"), where=where))
            )
            continue
        if (note.reading, note.section) in seen:
            problems.append(
                Problem(
                    doc.file,
                    line,
                    column,
                    said(
                        N_("section {section} of {reading} has two facilitator notes; keep one"),
                        section=repr(note.section),
                        reading=repr(note.reading),
                    ),
                )
            )
            continue
        seen.add((note.reading, note.section))
        notes.append(
            FacilitatorNote(
                reading=note.reading,
                section=note.section,
                opening=note.opening.strip(),
                watch_for=note.watch_for.strip(),
                closing_question=note.closing_question.strip(),
                translations=_note_translations(spec, doc, i, note, problems),
            )
        )
    return tuple(notes)


def _note_translations(
    spec: _PackSpec, doc: YamlDocument, index: int, note: _NoteSpec, problems: list[Problem]
) -> tuple[tuple[str, NoteText], ...]:
    """A note's `translations:`, each in a language the bot knows and the pack lists, and
    each saying something; a problem, located, for every one that does not."""
    listed = {language_key(code) for code in spec.languages}
    place = said(
        N_("the facilitator note for {reading}/{section}"),
        reading=note.reading,
        section=note.section,
    )
    out: list[tuple[str, NoteText]] = []
    for code, text in note.translations.items():
        line, column = _located(doc, "notes", index, "translations", code)

        def problem(message: Said, line: int | None = line, column: int | None = column) -> None:
            problems.append(Problem(doc.file, line, column, message))

        if (
            unknown := unknown_language(code, said(N_("{place} has a translation"), place=place))
        ) is not None:
            problem(unknown)
            continue
        key = language_key(code)
        if key not in listed:
            problem(
                said(
                    N_(
                        "{place} has a translation in {code}, which the pack's `languages:` does "
                        "not list ({listed}); add it there or remove the translation"
                    ),
                    place=place,
                    code=repr(code),
                    listed=", ".join(spec.languages),
                )
            )
            continue
        if any(key == k for k, _ in out):
            problem(
                said(
                    N_("{place} is translated into {code} twice; keep one"),
                    place=place,
                    code=repr(code),
                )
            )
            continue
        parts = NoteText(
            opening=text.opening.strip(),
            watch_for=text.watch_for.strip(),
            closing_question=text.closing_question.strip(),
        )
        if not (parts.opening or parts.watch_for or parts.closing_question):
            problem(
                said(
                    N_(
                        "{place} has an empty translation in {code}; give it an opening, "
                        "what to watch for or a closing question, or remove it"
                    ),
                    place=place,
                    code=repr(code),
                )
            )
            continue
        out.append((key, parts))
    return tuple(out)


def _lessons(
    spec: _PackSpec, doc: YamlDocument, by_id: dict[str, Reading], problems: list[Problem]
) -> tuple[Lesson, ...]:
    lessons: list[Lesson] = []
    for i, lesson in enumerate(spec.lessons):
        where = _unknown_place(lesson.reading, lesson.section, by_id)
        if where is not None:
            line, column = _located(doc, "lessons", i)
            problems.append(
                Problem(doc.file, line, column, said(N_("lesson: {where}"), where=where))
            )
            continue
        lessons.append(
            Lesson(
                reading=lesson.reading,
                section=lesson.section,
                text=lesson.text.strip(),
                credit=lesson.credit.strip() if lesson.credit else None,
                prompt=lesson.prompt.strip() if lesson.prompt else None,
                id=lesson.id,
            )
        )
    return tuple(lessons)


def _unknown_place(
    reading_id: str, section_id: str | None, by_id: dict[str, Reading]
) -> Said | None:
    reading = by_id.get(reading_id)
    if reading is None:
        if not by_id:
            return said(N_("the pack has no reading {id} (it has none)"), id=repr(reading_id))
        return said(
            N_("the pack has no reading {id} (its readings: {known})"),
            id=repr(reading_id),
            known=", ".join(sorted(by_id)),
        )
    if section_id is not None and reading.section_by_id(section_id) is None:
        return said(
            N_("reading {id} has no section {section} (its sections: {known})"),
            id=repr(reading_id),
            section=repr(section_id),
            known=", ".join(s.id for s in reading.sections),
        )
    return None


def looks_like_ref(text: str) -> bool:
    """`ID@VERSION`, as a config's `curriculum:` or the CLI names an installed pack."""
    name, sep, version = text.partition("@")
    return bool(sep) and re.match(ID_PATTERN, name) is not None and is_version(version)
