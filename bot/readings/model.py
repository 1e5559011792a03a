"""Readings: an article split into sections, each with discussion prompts, loaded from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.core.i18n import N_, SUPPORTED, normalize, suggest
from bot.core.said import Refusal, Said, said
from bot.documents.problems import Problem, problems_from_validation
from bot.documents.yamlsource import YamlError, load_yaml_file

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
MAX_SECTION_CHARS = 200_000


def language_key(code: str) -> str:
    """A language as a reading's `translations:` and `titles:` are keyed: "es", "pt_BR"."""
    return normalize(code) or code.strip().replace("-", "_")


def pick_language(keys: tuple[str, ...], code: str | None) -> str | None:
    """Which of `keys` serves a reader of `code`: the same language and region, else the same
    language ("es" for "es_MX", "pt_BR" for "pt")."""
    if not code:
        return None
    wanted = language_key(code)
    if wanted in keys:
        return wanted
    base = wanted.split("_", 1)[0].lower()
    return next((k for k in keys if k.split("_", 1)[0].lower() == base), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionText:
    """A section's words in one more language. Prompts go by position: prompt 2 here is
    prompt 2 of the original, and responses to it are pooled whichever text a member saw."""

    title: str
    body: str
    prompts: tuple[str, ...] = ()
    summary: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    id: str
    title: str
    body: str
    prompts: tuple[str, ...]
    anonymous_prompts: frozenset[int] = frozenset()  # 0-based indices into prompts
    summary: str | None = None  # a short orientation the archive shows; else the first paragraph
    # where the section is written (line, column), for problems found after loading; not part
    # of what the section is, so moving it in the file changes nothing
    location: tuple[int | None, int | None] = field(default=(None, None), compare=False)
    # the same section in other languages, by language code ("es", "pt_BR")
    translations: tuple[tuple[str, SectionText], ...] = ()

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.translations)

    def in_language(self, code: str | None) -> Section:
        """This section as a reader of `code` sees it: its translation where there is one
        (a prompt it leaves out stays in the original), else itself."""
        chosen = pick_language(self.languages, code)
        if chosen is None:
            return self
        text = dict(self.translations)[chosen]
        prompts = tuple(
            text.prompts[i] if i < len(text.prompts) else p for i, p in enumerate(self.prompts)
        )
        return Section(
            id=self.id,
            title=text.title,
            body=text.body,
            prompts=prompts,
            anonymous_prompts=self.anonymous_prompts,
            summary=text.summary or (None if text.body != self.body else self.summary),
            location=self.location,
            translations=self.translations,
        )

    @property
    def opening(self) -> str:
        """The summary, or else the body's first paragraph: what the section is about."""
        if self.summary:
            return self.summary
        return next((p.strip() for p in self.body.split("\n\n") if p.strip()), "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    id: str
    title: str
    author: str
    source: str | None
    publication: str | None
    sections: tuple[Section, ...]
    path: str | None = field(default=None, compare=False)  # the file it was read from
    # the title in other languages, by language code
    titles: tuple[tuple[str, str], ...] = ()

    def title_in(self, code: str | None) -> str:
        chosen = pick_language(tuple(k for k, _ in self.titles), code)
        return dict(self.titles)[chosen] if chosen is not None else self.title

    def in_language(self, code: str | None) -> Reading:
        """The reading as a reader of `code` sees it: its title and sections translated where
        they are (the ids, and so what sessions recorded, stay the same)."""
        if not code or (not self.titles and not any(s.translations for s in self.sections)):
            return self
        return Reading(
            id=self.id,
            title=self.title_in(code),
            author=self.author,
            source=self.source,
            publication=self.publication,
            sections=tuple(s.in_language(code) for s in self.sections),
            path=self.path,
            titles=self.titles,
        )

    def section(self, index: int) -> Section:
        return self.sections[index]

    def section_by_id(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


class _PromptSpec(BaseModel):
    """A prompt written as a mapping: `{text: "...", anonymous: true}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=2000)
    anonymous: bool = False


class _TranslationSpec(BaseModel):
    """A section in another language: `translations: {es: {title, body, prompts}}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=200)
    body: str | None = None
    file: str | None = None
    summary: str | None = Field(default=None, min_length=1, max_length=2000)
    prompts: list[str] = Field(default_factory=list, max_length=20)


class _SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    body: str | None = None
    file: str | None = None
    summary: str | None = Field(default=None, min_length=1, max_length=2000)
    prompts: list[str | _PromptSpec] = Field(default_factory=list, max_length=20)
    translations: dict[str, _TranslationSpec] = Field(default_factory=dict)

    @field_validator("prompts")
    @classmethod
    def _prompts_not_blank(cls, value: list[str | _PromptSpec]) -> list[str | _PromptSpec]:
        if any(not (p if isinstance(p, str) else p.text).strip() for p in value):
            raise Refusal(N_("a prompt cannot be empty"))
        return value


class _ReadingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    author: str = ""
    source: str | None = None
    publication: str | None = None
    titles: dict[str, str] = Field(default_factory=dict)
    sections: list[_SectionSpec] = Field(min_length=1)


class ReadingError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render() for p in problems))


def load_reading(path: Path, readings_dir: Path) -> Reading:
    """Load one reading file; `file:` bodies are resolved under `readings_dir` only."""
    try:
        doc = load_yaml_file(path)
    except YamlError as exc:
        raise ReadingError(
            [Problem(e.file, e.line, e.column, e.said) for e in (exc, *exc.others)]
        ) from None
    if not isinstance(doc.data, dict):
        raise ReadingError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    said(N_("a reading must be a mapping with id, title, sections")),
                )
            ]
        )
    try:
        spec = _ReadingSpec.model_validate(doc.data)
    except ValidationError as exc:
        raise ReadingError(problems_from_validation(exc, doc, _ReadingSpec)) from None
    problems: list[Problem] = []
    sections: list[Section] = []
    seen: set[str] = set()
    root = readings_dir.resolve()
    for i, sec in enumerate(spec.sections):
        line = doc.locate(("sections", i))
        where = line or (None, None)
        if sec.id in seen:
            problems.append(
                Problem(
                    str(path),
                    where[0],
                    where[1],
                    said(N_("section id {id} is used twice"), id=repr(sec.id)),
                )
            )
        seen.add(sec.id)
        body = _section_body(sec, root, path, where, problems)
        if body is None:
            continue
        texts = tuple(p if isinstance(p, str) else p.text for p in sec.prompts)
        anonymous = frozenset(
            i for i, p in enumerate(sec.prompts) if not isinstance(p, str) and p.anonymous
        )
        translations = _translations(sec, texts, root, path, doc.locate, i, problems)
        sections.append(
            Section(
                id=sec.id,
                title=sec.title,
                body=body,
                prompts=texts,
                anonymous_prompts=anonymous,
                summary=sec.summary.strip() if sec.summary else None,
                location=where,
                translations=translations,
            )
        )
    for code in spec.titles:
        if (problem := unknown_language(code, said(N_("the reading has a title")))) is not None:
            where = doc.locate(("titles", code)) or (None, None)
            problems.append(Problem(str(path), where[0], where[1], problem))
    if problems:
        raise ReadingError(problems)
    return Reading(
        id=spec.id,
        title=spec.title,
        author=spec.author,
        source=spec.source,
        publication=spec.publication,
        sections=tuple(sections),
        path=str(path),
        titles=tuple((language_key(k), v.strip()) for k, v in spec.titles.items()),
    )


def _translations(
    sec: _SectionSpec,
    prompts: tuple[str, ...],
    root: Path,
    path: Path,
    locate: Any,
    index: int,
    problems: list[Problem],
) -> tuple[tuple[str, SectionText], ...]:
    found: list[tuple[str, SectionText]] = []
    for code, spec in sec.translations.items():
        where = locate(("sections", index, "translations", code)) or (None, None)
        if (
            problem := unknown_language(
                code, said(N_("section {id} has a translation"), id=repr(sec.id))
            )
        ) is not None:
            problems.append(Problem(str(path), where[0], where[1], problem))
            continue
        if len(spec.prompts) != len(prompts):
            at = locate(("sections", index, "translations", code, "prompts")) or where
            problems.append(
                Problem(
                    str(path),
                    at[0],
                    at[1],
                    said(
                        N_(
                            "the {code} translation of section {id} has {theirs} prompts and the "
                            "section {ours}; give one for each, in the same order (prompt N of a "
                            "translation is prompt N of the section)"
                        ),
                        code=repr(code),
                        id=repr(sec.id),
                        theirs=len(spec.prompts),
                        ours=len(prompts),
                    ),
                )
            )
            continue
        body = _section_body(spec, root, path, where, problems, f"{sec.id!r} ({code})")
        if body is None:
            continue
        found.append(
            (
                language_key(code),
                SectionText(
                    title=spec.title.strip(),
                    body=body,
                    prompts=tuple(p.strip() for p in spec.prompts),
                    summary=spec.summary.strip() if spec.summary else None,
                ),
            )
        )
    return tuple(found)


def unknown_language(code: str, where: Said) -> Said | None:
    """The problem with a translation keyed `code` ("{where} in 'xx'"), when it is no
    language a reader can choose (nobody would ever see it)."""
    if normalize(code) is not None:
        return None
    hint = suggest(code)
    known = ", ".join(SUPPORTED)
    if hint:
        return said(
            N_(
                "{where} in {code}, which is not a language the bot knows (did you mean "
                "{hint}?); use one of {known}"
            ),
            where=where,
            code=repr(code),
            hint=repr(hint),
            known=known,
        )
    return said(
        N_("{where} in {code}, which is not a language the bot knows; use one of {known}"),
        where=where,
        code=repr(code),
        known=known,
    )


def _section_body(
    sec: _SectionSpec | _TranslationSpec,
    root: Path,
    path: Path,
    where: tuple[Any, Any],
    problems: list[Problem],
    name: str | None = None,
) -> str | None:
    if (sec.body is None) == (sec.file is None):
        named = name or (repr(sec.id) if isinstance(sec, _SectionSpec) else "?")
        problems.append(
            Problem(
                str(path),
                where[0],
                where[1],
                said(N_("section {name} needs exactly one of body or file"), name=named),
            )
        )
        return None
    if sec.body is not None:
        return sec.body.strip()
    assert sec.file is not None
    target = (root / sec.file).resolve()
    if not target.is_relative_to(root):
        problems.append(
            Problem(
                str(path),
                where[0],
                where[1],
                said(
                    N_("file {file} is outside the readings folder {folder}"),
                    file=repr(sec.file),
                    folder=str(root),
                ),
            )
        )
        return None
    try:
        if target.stat().st_size > MAX_SECTION_CHARS * 4:
            problems.append(
                Problem(
                    str(path),
                    where[0],
                    where[1],
                    said(N_("file {file} is too large"), file=repr(sec.file)),
                )
            )
            return None
        return target.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(
            Problem(
                str(path),
                where[0],
                where[1],
                said(N_("cannot read file {file}: {why}"), file=repr(sec.file), why=str(exc)),
            )
        )
        return None


def load_readings(readings_dir: Path) -> tuple[dict[str, Reading], list[Problem]]:
    """Load every `*.yaml`/`*.yml` under `readings_dir` (not recursive); ids must be unique."""
    readings: dict[str, Reading] = {}
    problems: list[Problem] = []
    if not readings_dir.is_dir():
        missing = said(N_("readings folder does not exist"))
        return readings, [Problem(str(readings_dir), None, None, missing)]
    for path in sorted([*readings_dir.glob("*.yaml"), *readings_dir.glob("*.yml")]):
        try:
            reading = load_reading(path, readings_dir)
        except ReadingError as exc:
            problems.extend(exc.problems)
            continue
        if reading.id in readings:
            problems.append(
                Problem(
                    str(path),
                    1,
                    1,
                    said(
                        N_("reading id {id} is already used by another file"), id=repr(reading.id)
                    ),
                )
            )
            continue
        readings[reading.id] = reading
    return readings, problems
