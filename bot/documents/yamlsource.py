"""Safe YAML loading that remembers where every value came from, for error messages."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.i18n import ENGLISH, N_
from bot.core.said import Said, said

MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000

Location = tuple[int, int]  # 1-based line, column

# libyaml's parser gives the same events with the same marks, several times faster; the
# pure-Python one where PyYAML was built without it.
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PathKey = tuple[str | int, ...]
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
MAX_DIGITS = 4300  # Python's own limit on turning text into a whole number


class YamlError(Exception):
    """The file is not YAML we accept; `line`/`column` are 1-based when known. `others`: the
    further values found unreadable in the same file, all reported together."""

    def __init__(
        self,
        file: str,
        message: Said,
        line: int | None = None,
        column: int | None = None,
        others: tuple[YamlError, ...] = (),
    ):
        self.file = file
        self.said = message
        self.line = line
        self.column = column
        self.others = others
        where = (
            file if line is None else f"{file}:{line}" + ("" if column is None else f":{column}")
        )
        super().__init__(f"{where}: {message.say(ENGLISH)}")

    @property
    def message(self) -> str:
        return self.said.say(ENGLISH)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Parsed data plus the location of every key and value, keyed by their path."""

    file: str
    data: Any
    locations: dict[PathKey, Location]

    def locate(self, path: PathKey) -> Location | None:
        """The location of `path`, or of its nearest ancestor that has one."""
        while True:
            if path in self.locations:
                return self.locations[path]
            if not path:
                return None
            path = path[:-1]


def load_yaml_text(text: str, file: str) -> YamlDocument:
    """Parse `text` with the safe loader, refusing huge, deep or alias-bombed documents."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise YamlError(file, _too_large())
    builder = _Builder(file, yaml.parse(text, Loader=_COMPOSER))
    try:
        data = builder.document()
        if builder.bad_values:
            first, *rest = builder.bad_values
            raise YamlError(file, first.said, first.line, first.column, tuple(rest))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise YamlError(file, _not_yaml(exc.problem or exc), line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(file, _not_yaml(exc)) from None
    return YamlDocument(file, data, builder.locations)


def load_yaml_file(path: Path) -> YamlDocument:
    """Read and parse a YAML file (see `load_yaml_text`)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlError(str(path), said(N_("cannot read: {why}"), why=exc.strerror)) from None
    if size > MAX_YAML_BYTES:
        raise YamlError(str(path), _too_large())
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(str(path), said(N_("file is not UTF-8 text"))) from None
    except OSError as exc:
        raise YamlError(str(path), said(N_("cannot read: {why}"), why=exc.strerror)) from None
    return load_yaml_text(text, str(path))


@dataclass(slots=True)
class _Anchored:
    value: Any
    nodes: int  # values visited to build it: what each alias to it costs again
    path: PathKey  # where it was defined, and the locations recorded under it
    located: list[tuple[PathKey, Location]]
    mark: Location


class _Builder:
    """Builds values and their locations straight from the parser's events, one at a time.

    No node graph is kept (for a config of 10,000 groups it held 250,000 nodes with two
    marks each), yet aliases cost what they expand to: every value an alias repeats counts
    towards MAX_NODES again, so a "billion laughs" document is refused in milliseconds.
    """

    def __init__(self, file: str, events: Iterator[Any]) -> None:
        self.file = file
        self.events = events
        self.locations: dict[PathKey, Location] = {}
        self.count = 0
        self.anchors: dict[str, _Anchored] = {}
        self.open: set[str] = set()  # anchors whose value is still being built
        self.journal: list[tuple[PathKey, Location]] | None = None
        self.scalars = yaml.SafeLoader("")
        self.bad_values: list[YamlError] = []  # values no date or number can hold, in order

    def document(self) -> Any:
        event = next(self.events)  # StreamStart
        event = next(self.events)
        if isinstance(event, yaml.StreamEndEvent):
            return None
        data = self.value(next(self.events), (), self.locations, 0)
        next(self.events)  # DocumentEnd
        event = next(self.events)
        if not isinstance(event, yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                None,
                "but found another document",
                event.start_mark,
            )
        return data

    def _note(self, locations: dict[PathKey, Location], path: PathKey, at: Location) -> None:
        locations.setdefault(path, at)
        if self.journal is not None and locations is self.locations:
            self.journal.append((path, at))

    def value(
        self, event: Any, path: PathKey, locations: dict[PathKey, Location], depth: int
    ) -> Any:
        at = _where(event)
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event, path, locations, depth, at)
        self.count += 1
        if self.count > MAX_NODES:
            raise YamlError(
                self.file, said(N_("document expands to too many values (aliases?)")), at[0]
            )
        if depth > MAX_DEPTH:
            raise YamlError(
                self.file, said(N_("nesting deeper than {depth} levels"), depth=MAX_DEPTH), at[0]
            )
        self._note(locations, path, at)
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            return self._build(event, path, locations, depth, at)
        # Remember what an alias to this anchor must repeat: the value, its cost, its places.
        outer, self.journal = self.journal, []
        before = self.count
        self.open.add(anchor)
        try:
            result = self._build(event, path, locations, depth, at)
        finally:
            self.open.discard(anchor)
            journal, self.journal = self.journal, outer
        if outer is not None:
            outer.extend(journal)
        self.anchors[anchor] = _Anchored(result, self.count - before + 1, path, journal, at)
        return result

    def _build(
        self,
        event: Any,
        path: PathKey,
        locations: dict[PathKey, Location],
        depth: int,
        at: Location,
    ) -> Any:
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event, at)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(event := next(self.events), yaml.SequenceEndEvent):
                items.append(self.value(event, (*path, len(items)), locations, depth + 1))
            return items
        assert isinstance(event, yaml.MappingStartEvent), event
        result: dict[Any, Any] = {}
        while not isinstance(event := next(self.events), yaml.MappingEndEvent):
            key_at = _where(event)
            key = self.value(event, path, {}, depth + 1)
            if isinstance(key, list | dict):
                raise YamlError(self.file, said(N_("a key must be a plain value")), key_at[0])
            if key == "<<":
                raise YamlError(self.file, said(N_("merge keys (<<) are not supported")), key_at[0])
            child: PathKey = (*path, str(key))
            if locations is self.locations and self.journal is not None:
                self.journal.append((child, key_at))
            locations[child] = key_at
            if key in result:
                raise YamlError(
                    self.file, said(N_("key {key} appears twice"), key=repr(key)), *key_at
                )
            result[key] = self.value(next(self.events), child, locations, depth + 1)
        return result

    def _scalar(self, event: Any, at: Location) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            resolve: Any = self.scalars.resolve
            tag = resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR:
            return event.value  # what SafeConstructor.construct_yaml_str returns, sooner
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlError(self.file, said(N_("bad value: {why}"), why=str(exc)), *at) from None
        except Exception as exc:  # whatever the value, a located problem
            # what the loader read (an impossible date, a number too long for Python) is
            # noted where it stands; the rest of the file is still read for more problems
            self.bad_values.append(YamlError(self.file, _unreadable(tag, event.value, exc), *at))
            return event.value
        finally:
            self.scalars.constructed_objects.clear()  # nothing to share between scalars

    def _alias(
        self,
        event: Any,
        path: PathKey,
        locations: dict[PathKey, Location],
        depth: int,
        at: Location,
    ) -> Any:
        name = event.anchor
        if name in self.open:
            raise YamlError(self.file, said(N_("recursive alias")), *at)
        target = self.anchors.get(name) if name is not None else None
        if target is None:
            raise yaml.composer.ComposerError(
                None, None, f"found undefined alias {name!r}", event.start_mark
            )
        self.count += target.nodes
        if self.count > MAX_NODES:
            raise YamlError(
                self.file, said(N_("document expands to too many values (aliases?)")), at[0]
            )
        if depth > MAX_DEPTH:
            raise YamlError(
                self.file, said(N_("nesting deeper than {depth} levels"), depth=MAX_DEPTH), at[0]
            )
        self._note(locations, path, target.mark)
        if locations is self.locations:
            for where, mark in target.located:
                self._note(locations, (*path, *where[len(target.path) :]), mark)
        return copy.deepcopy(target.value)


def _too_large() -> Said:
    return said(N_("file is larger than {size} kB"), size=MAX_YAML_BYTES // 1000)


def _not_yaml(problem: object) -> Said:
    # the parser's own words (libyaml's, in English) after ours
    return said(N_("not valid YAML: {problem}"), problem=str(problem))


def _unreadable(tag: str, text: str, exc: Exception) -> Said:
    """Why a value YAML recognised cannot be held, and what is allowed instead."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    if tag == _TIMESTAMP:
        return said(
            N_("{value} is not a date; write a date that exists, as YYYY-MM-DD (e.g. 2026-11-30)"),
            value=shown,
        )
    if tag == _INT:
        digits = sum(c.isdigit() for c in text)
        return said(
            N_("a number of {digits} digits is too long: whole numbers have at most {most} digits"),
            digits=f"{digits:,}",
            most=f"{MAX_DIGITS:,}",
        )
    return said(
        N_("{value} cannot be read as a value ({why})"),
        value=shown,
        why=f"{type(exc).__name__}: {exc}",
    )


def _where(event: Any) -> Location:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
