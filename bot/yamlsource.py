"""Safe YAML loading that remembers where every value came from, for error messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_YAML_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000

Location = tuple[int, int]  # 1-based line, column

# libyaml's parser builds the same nodes with the same marks, several times faster (a config
# of 10,000 groups: 23 s -> 7 s); the pure-Python one where PyYAML was built without it.
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PathKey = tuple[str | int, ...]


class YamlError(Exception):
    """The file is not YAML we accept; `line`/`column` are 1-based when known."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        self.file = file
        self.message = message
        self.line = line
        self.column = column
        where = (
            file if line is None else f"{file}:{line}" + ("" if column is None else f":{column}")
        )
        super().__init__(f"{where}: {message}")


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
        raise YamlError(file, f"file is larger than {MAX_YAML_BYTES // 1000} kB")
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise YamlError(file, f"not valid YAML: {exc.problem or exc}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlError(file, f"not valid YAML: {exc}") from None
    if node is None:
        return YamlDocument(file, None, {})
    locations: dict[PathKey, Location] = {}
    counter = [0]
    scalars = yaml.SafeLoader("")
    data = _construct(node, (), locations, file, counter, 0, set(), scalars)
    return YamlDocument(file, data, locations)


def load_yaml_file(path: Path) -> YamlDocument:
    """Read and parse a YAML file (see `load_yaml_text`)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlError(str(path), f"cannot read: {exc.strerror}") from None
    if size > MAX_YAML_BYTES:
        raise YamlError(str(path), f"file is larger than {MAX_YAML_BYTES // 1000} kB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(str(path), "file is not UTF-8 text") from None
    except OSError as exc:
        raise YamlError(str(path), f"cannot read: {exc.strerror}") from None
    return load_yaml_text(text, str(path))


def _construct(
    node: yaml.Node,
    path: PathKey,
    locations: dict[PathKey, Location],
    file: str,
    counter: list[int],
    depth: int,
    active: set[int],
    scalars: yaml.SafeLoader,
) -> Any:
    # Walk the node graph ourselves: counting every visit bounds alias expansion
    # (a "billion laughs" document is refused after MAX_NODES visits, in milliseconds).
    counter[0] += 1
    mark = node.start_mark
    if counter[0] > MAX_NODES:
        raise YamlError(file, "document expands to too many values (aliases?)", mark.line + 1)
    if depth > MAX_DEPTH:
        raise YamlError(file, f"nesting deeper than {MAX_DEPTH} levels", mark.line + 1)
    locations.setdefault(path, (mark.line + 1, mark.column + 1))
    if id(node) in active:
        raise YamlError(file, "recursive alias", mark.line + 1, mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        active.add(id(node))
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, path, {}, file, counter, depth + 1, active, scalars)
            if isinstance(key, list | dict):
                raise YamlError(file, "a key must be a plain value", key_node.start_mark.line + 1)
            if key == "<<":
                raise YamlError(
                    file, "merge keys (<<) are not supported", key_node.start_mark.line + 1
                )
            child: PathKey = (*path, str(key))
            locations[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                raise YamlError(
                    file,
                    f"key {key!r} appears twice",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            result[key] = _construct(
                value_node, child, locations, file, counter, depth + 1, active, scalars
            )
        active.discard(id(node))
        return result
    if isinstance(node, yaml.SequenceNode):
        active.add(id(node))
        items = [
            _construct(item, (*path, i), locations, file, counter, depth + 1, active, scalars)
            for i, item in enumerate(node.value)
        ]
        active.discard(id(node))
        return items
    assert isinstance(node, yaml.ScalarNode)
    try:
        return scalars.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise YamlError(file, f"bad value: {exc}", mark.line + 1, mark.column + 1) from None
