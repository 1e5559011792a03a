"""A problem found in a file the admin wrote, located and explained, and how pydantic's become ours."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from bot.core.i18n import ENGLISH, N_, Words
from bot.core.said import Refusal, Said, said, verbatim

if TYPE_CHECKING:
    from bot.documents.yamlsource import YamlDocument


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    said: Said

    @property
    def message(self) -> str:
        """The sentence in English (for logs and for callers that pass it on as text)."""
        return self.said.say(ENGLISH)

    def text(self, words: Words = ENGLISH) -> str:
        """The sentence in `words`, without its place."""
        return self.said.say(words)

    def say(self, words: Words = ENGLISH) -> str:
        """The problem with its place, in `words` (a `Said` value shows it so)."""
        return self.render(words)

    def render(self, words: Words = ENGLISH) -> str:
        """ "file:line:column: the sentence", the sentence in `words`."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.said.say(words)}"


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
        dotted = ".".join(str(p) for p in loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else "?"
            allowed = allowed_keys(model, loc[:-1]) if model else []
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6) if allowed else []
            if close:
                message = said(
                    N_("unknown key {key}; did you mean {close}?"),
                    key=repr(dotted),
                    close=repr(close[0]),
                )
            elif allowed:
                message = said(
                    N_("unknown key {key}; allowed: {allowed}"),
                    key=repr(dotted),
                    allowed=", ".join(allowed),
                )
            else:
                message = said(N_("unknown key {key}"), key=repr(dotted))
        elif kind == "missing":
            message = said(N_("{key}: required key is missing"), key=dotted or "?")
        else:
            shown = repr(err.get("input"))
            if len(shown) > 60:
                shown = shown[:57] + "..."
            if dotted:
                message = said(
                    N_("{key}: {problem} (got {value})"),
                    key=dotted,
                    problem=_said(err),
                    value=shown,
                )
            else:
                message = said(N_("{problem} (got {value})"), problem=_said(err), value=shown)
        problems.append(Problem(doc.file, where[0], where[1], message))
    return problems


# pydantic's wording for an error a validator raised; the sentence after it is ours
_PYDANTIC_PREFIX = re.compile(r"^(Value error|Assertion failed), ")

# pydantic's own errors, in our words: its error type, and the sentence with the values its
# context gives (`ge`, `max_length`, ...). A type not listed keeps pydantic's English words.
_OURS: dict[str, str] = {
    "string_type": N_("write text here"),
    "int_type": N_("write a whole number here"),
    "int_parsing": N_("write a whole number here"),
    "int_from_float": N_("write a whole number here"),
    "float_type": N_("write a number here"),
    "float_parsing": N_("write a number here"),
    "bool_type": N_("write true or false here"),
    "bool_parsing": N_("write true or false here"),
    "list_type": N_("write a list here"),
    "tuple_type": N_("write a list here"),
    "dict_type": N_("write keys and values here"),
    "model_type": N_("write keys and values here"),
    "model_attributes_type": N_("write keys and values here"),
    "date_type": N_("write a date like 2026-12-08"),
    "date_parsing": N_("write a date like 2026-12-08"),
    "date_from_datetime_parsing": N_("write a date like 2026-12-08"),
    "date_from_datetime_inexact": N_("write a date like 2026-12-08, without a time"),
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
    "string_too_short": N_("must not be empty"),
    "string_too_long": N_("is too long: at most {max_length} characters"),
    "too_short": N_("needs at least one entry"),
    "too_long": N_("has too many entries: at most {max_length}"),
    "string_pattern_mismatch": N_("has characters that are not allowed here"),
    "literal_error": N_("write one of {expected}"),
}


def _said(err: Any) -> Said:
    """What a validator said (the `Said` of a `Refusal`), or pydantic's error in our words."""
    ctx = err.get("ctx") or {}
    raised = ctx.get("error")
    if isinstance(raised, Refusal):
        return raised.said
    kind = err["type"]
    if kind in {"value_error", "assertion_error"} and raised is not None and str(raised):
        return verbatim(str(raised))
    ours = _OURS.get(kind)
    if ours is not None:
        values: dict[str, object] = {
            k: v for k, v in ctx.items() if k in {"ge", "gt", "le", "lt", "max_length"}
        }
        if kind == "literal_error":
            values["expected"] = _one_of(str(ctx.get("expected", "")))
        try:
            ours.format(**values)
        except (KeyError, IndexError):
            pass
        else:
            return said(ours, **values)
    return verbatim(_PYDANTIC_PREFIX.sub("", str(err["msg"])))


def _one_of(expected: str) -> Said | str:
    """pydantic's "'thread' or 'dm'" as the choices joined in the reader's words."""
    choices = [f"'{c}'" for c in re.findall(r"'([^']*)'", expected)]
    if len(choices) < 2:
        return expected
    return said(N_("{some} or {last}"), some=", ".join(choices[:-1]), last=choices[-1])


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
