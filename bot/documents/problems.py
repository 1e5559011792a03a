"""A problem found in a file the admin wrote, located and explained, and how pydantic's become ours."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

if TYPE_CHECKING:
    from bot.documents.yamlsource import YamlDocument


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    message: str

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


def problems_from_validation(
    exc: ValidationError, doc: YamlDocument, model: type[BaseModel] | None = None
) -> list[Problem]:
    """Turn each pydantic error into a Problem at the YAML line it came from."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        # pydantic adds union members and validator names to the path for some errors
        loc = tuple(
            p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
        )
        where = doc.locate(loc) or (None, None)
        dotted = ".".join(str(p) for p in loc) or "(top level)"
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else "?"
            allowed = allowed_keys(model, loc[:-1]) if model else []
            hint = ""
            if allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = (
                    f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
                )
            message = f"unknown key {dotted!r}{hint}"
        elif kind == "missing":
            message = f"{dotted}: required key is missing"
        else:
            shown = repr(err.get("input"))
            if len(shown) > 60:
                shown = shown[:57] + "..."
            message = f"{dotted}: {_said(err)} (got {shown})"
        problems.append(Problem(doc.file, where[0], where[1], message))
    return problems


# pydantic's wording for an error a validator raised; the sentence after it is ours
_PYDANTIC_PREFIX = re.compile(r"^(Value error|Assertion failed), ")


def _said(err: Any) -> str:
    """What a validator said, without pydantic's "Value error, " in front of it."""
    raised = (err.get("ctx") or {}).get("error")
    if err["type"] in {"value_error", "assertion_error"} and raised is not None and str(raised):
        return str(raised)
    return _PYDANTIC_PREFIX.sub("", str(err["msg"]))


def allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names (by alias) of the model found at `loc` inside `model`, if any."""
    current: Any = model
    for part in loc:
        current = _unwrap(current, part)
        if current is None:
            return []
    current = _unwrap(current, None)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(f.alias or name for name, f in current.model_fields.items())
    return []


def _unwrap(tp: Any, part: str | int | None) -> Any:
    """Step from type `tp` into `part` (a field name or a list index); None steps into nothing."""
    for _ in range(6):
        origin = get_origin(tp)
        if origin in (Union, UnionType):
            models = [a for a in get_args(tp) if a is not type(None)]
            tp = next(
                (a for a in models if isinstance(a, type) and issubclass(a, BaseModel)), models[0]
            )
            continue
        if origin is Annotated:
            tp = get_args(tp)[0]
            continue
        break
    if part is None:
        return tp
    if isinstance(part, int):
        args = get_args(tp)
        return args[0] if args else None
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, f in tp.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    if get_origin(tp) is dict:
        return get_args(tp)[1]
    return None
