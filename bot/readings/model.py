"""Readings: an article split into sections, each with discussion prompts, loaded from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.documents.problems import Problem, problems_from_validation
from bot.documents.yamlsource import YamlError, load_yaml_file

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
MAX_SECTION_CHARS = 200_000


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

    def section(self, index: int) -> Section:
        return self.sections[index]

    def section_by_id(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


class _PromptSpec(BaseModel):
    """A prompt written as a mapping: `{text: "...", anonymous: true}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, max_length=2000)
    anonymous: bool = False


class _SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=200)
    body: str | None = None
    file: str | None = None
    summary: str | None = Field(default=None, min_length=1, max_length=2000)
    prompts: list[str | _PromptSpec] = Field(default_factory=list, max_length=20)

    @field_validator("prompts")
    @classmethod
    def _prompts_not_blank(cls, value: list[str | _PromptSpec]) -> list[str | _PromptSpec]:
        if any(not (p if isinstance(p, str) else p.text).strip() for p in value):
            raise ValueError("a prompt cannot be empty")
        return value


class _ReadingSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)
    author: str = ""
    source: str | None = None
    publication: str | None = None
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
        raise ReadingError([Problem(exc.file, exc.line, exc.column, exc.message)]) from None
    if not isinstance(doc.data, dict):
        raise ReadingError(
            [Problem(str(path), 1, 1, "a reading must be a mapping with id, title, sections")]
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
                Problem(str(path), where[0], where[1], f"section id {sec.id!r} is used twice")
            )
        seen.add(sec.id)
        body = _section_body(sec, root, path, where, problems)
        if body is None:
            continue
        texts = tuple(p if isinstance(p, str) else p.text for p in sec.prompts)
        anonymous = frozenset(
            i for i, p in enumerate(sec.prompts) if not isinstance(p, str) and p.anonymous
        )
        sections.append(
            Section(
                id=sec.id,
                title=sec.title,
                body=body,
                prompts=texts,
                anonymous_prompts=anonymous,
                summary=sec.summary.strip() if sec.summary else None,
                location=where,
            )
        )
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
    )


def _section_body(
    sec: _SectionSpec, root: Path, path: Path, where: tuple[Any, Any], problems: list[Problem]
) -> str | None:
    if (sec.body is None) == (sec.file is None):
        problems.append(
            Problem(
                str(path),
                where[0],
                where[1],
                f"section {sec.id!r} needs exactly one of body or file",
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
                f"file {sec.file!r} is outside the readings folder {root}",
            )
        )
        return None
    try:
        if target.stat().st_size > MAX_SECTION_CHARS * 4:
            problems.append(
                Problem(str(path), where[0], where[1], f"file {sec.file!r} is too large")
            )
            return None
        return target.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(
            Problem(str(path), where[0], where[1], f"cannot read file {sec.file!r}: {exc}")
        )
        return None


def load_readings(readings_dir: Path) -> tuple[dict[str, Reading], list[Problem]]:
    """Load every `*.yaml`/`*.yml` under `readings_dir` (not recursive); ids must be unique."""
    readings: dict[str, Reading] = {}
    problems: list[Problem] = []
    if not readings_dir.is_dir():
        return readings, [Problem(str(readings_dir), None, None, "readings folder does not exist")]
    for path in sorted([*readings_dir.glob("*.yaml"), *readings_dir.glob("*.yml")]):
        try:
            reading = load_reading(path, readings_dir)
        except ReadingError as exc:
            problems.extend(exc.problems)
            continue
        if reading.id in readings:
            problems.append(
                Problem(
                    str(path), 1, 1, f"reading id {reading.id!r} is already used by another file"
                )
            )
            continue
        readings[reading.id] = reading
    return readings, problems
