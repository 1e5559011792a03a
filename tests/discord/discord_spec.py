"""What the bot sends to Discord, held against Discord's published OpenAPI description.

`check(method, path, query, body)` finds the spec's path template for a request the stand-in
recorded, then checks the path's parameters, the query string's names and values, and the JSON
body against the operation's schemas (JSON Schema 2020-12, `#/components/...` resolved in the
whole document). It answers with the problems found, as sentences; none means the request is
one the spec allows; a path or method the spec lacks is a problem too. Validators are
compiled once per route and a body's verdict is remembered: the suite sends thousands.

The spec lives in the shared corpus beside this checkout; `available()` says whether it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).resolve().parents[3] / "shared/corpus/specs/discord/openapi.json"
BASE = "urn:discord-openapi"
PREFIX = "/api/v10"  # the spec's server URL ends with it; its paths do not carry it

# Requests discord.py needs that the spec does not describe. None so far: the log-in plumbing
# (GET /users/@me, /oauth2/applications/@me, /gateway/bot) is all in the spec.
PLUMBING: frozenset[tuple[str, str]] = frozenset()

# Where the spec is stricter than Discord, narrowly:
# - Snowflakes in a JSON body may be numbers. The spec types every snowflake a digit string,
#   but Discord reads JSON integers too, and discord.py sends ids as ints throughout
#   (`recipient_id`, `message_reference`, `allowed_mentions.users`, and an attachment's `id`,
#   which is the index of its file in the upload).
NUMBER_SNOWFLAKE = {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}
# - A boolean in a query string: Discord's reference ("Boolean Query Strings") takes True,
#   true or 1, and False, false or 0; discord.py sends 1 and 0.
TRUE, FALSE = ("True", "true", "1"), ("False", "false", "0")
# - discord.py's forum post (`start_thread_in_forum`) adds `use_nested_fields=1`, a flag from
#   forum channels' beta that Discord still accepts and the spec no longer lists.
UNLISTED_QUERY = {("post", "/channels/{channel_id}/threads"): {"use_nested_fields": "1"}}

# And where Discord's reference is stricter than the spec: a message's `content` holds up to
# 2000 characters (its Create Message and Edit Message say so; the spec allows 4000),
# and a message's embeds hold 6000 characters together, which no JSON Schema can say.
CONTENT_MAX = {
    "MessageCreateRequest",
    "MessageEditRequestPartial",
    "BaseCreateMessageCreateRequest",
}
EMBEDS_TOTAL_MAX = 6000

# A key the spec does not list is refused too (the spec leaves request objects open, and
# Discord drops an unknown key without a word, so a misspelt one would pass unseen), but for
# the keys discord.py sends that the spec forgot: a command's `nsfw` (age-restricted, in
# Discord's application command reference), the `tts` it puts in every message payload,
# edits and forum posts included, and a forum post's `type: 11` (a public thread, the only
# kind a forum holds); Discord ignores the last two.
UNLISTED_KEYS = {
    "CreateForumThreadRequest": {"type": {"const": 11}},
    "ApplicationCommandUpdateRequest": {"nsfw": {"type": ["boolean", "null"]}},
    "IncomingWebhookUpdateRequestPartial": {"tts": {"type": ["boolean", "null"]}},
    "BaseCreateMessageCreateRequest": {"tts": {"type": ["boolean", "null"]}},
}


def available() -> bool:
    return SPEC.is_file()


@dataclass(frozen=True)
class Template:
    path: str
    segments: tuple[str | None, ...]  # a literal segment, or None where a {parameter} goes
    names: tuple[str, ...]  # the parameters' names, in order

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        values = []
        for part, literal in zip(parts, self.segments, strict=True):
            if literal is None:
                values.append(part)
            elif part != literal:
                return None
        return dict(zip(self.names, values, strict=True))

    @property
    def literals(self) -> int:
        return sum(s is not None for s in self.segments)


@dataclass(frozen=True)
class Route:
    template: str
    method: str
    params: dict[str, dict[str, Any]]  # by "path:NAME" or "query:NAME": pointer, types, required
    body: str | None  # the pointer to the request body's schema, if the operation takes one
    body_required: bool


@cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SPEC.read_text("utf-8"))
    schemas = document["components"]["schemas"]
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], NUMBER_SNOWFLAKE]}
    for name in CONTENT_MAX:
        schemas[name]["properties"]["content"]["maxLength"] = 2000
    for name, keys in UNLISTED_KEYS.items():
        schemas[name]["properties"].update(keys)
    for name, schema in schemas.items():
        if "Request" in name and isinstance(schema.get("properties"), dict):
            schema["unevaluatedProperties"] = False
    return document


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(_document(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(BASE, resource)
    return registry


def _pointer(*parts: str) -> str:
    escaped = (p.replace("~", "~0").replace("/", "~1") for p in parts)
    return BASE + "#/" + "/".join(quote(p, safe="~@") for p in escaped)


@cache
def _validator(pointer: str) -> Draft202012Validator:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": pointer}
    return Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@cache
def _templates() -> dict[int, list[Template]]:
    by_length: dict[int, list[Template]] = {}
    for path in _document()["paths"]:
        parts = path.strip("/").split("/")
        segments = tuple(None if re.fullmatch(r"\{\w+\}", p) else p for p in parts)
        names = tuple(p[1:-1] for p in parts if re.fullmatch(r"\{\w+\}", p))
        by_length.setdefault(len(parts), []).append(Template(path, segments, names))
    for templates in by_length.values():
        # `/users/@me` before `/users/{user_id}`; an earlier literal wins a tie
        templates.sort(key=lambda t: (-t.literals, [s is None for s in t.segments]))
    return by_length


def find_template(path: str) -> tuple[str, dict[str, str]] | None:
    """The spec's path template for `path` (with or without /api/v10), and its parameters."""
    if path.startswith(PREFIX + "/"):
        path = path[len(PREFIX) :]
    parts = path.strip("/").split("/")
    for template in _templates().get(len(parts), []):
        values = template.match(parts)
        if values is not None:
            return template.path, values
    return None


@cache
def _route(template: str, method: str) -> Route | None:
    item = _document()["paths"][template]
    operation = item.get(method)
    if operation is None:
        return None
    params: dict[str, dict[str, Any]] = {}
    for where, parameters in (("item", item.get("parameters", [])),
                              (method, operation.get("parameters", []))):  # fmt: skip
        for index, parameter in enumerate(parameters):
            key = f"{parameter['in']}:{parameter['name']}"
            scope = (template,) if where == "item" else (template, method)
            params[key] = {
                "pointer": _pointer("paths", *scope, "parameters", str(index), "schema"),
                "types": _types(parameter["schema"]),
                "required": bool(parameter.get("required")),
            }
    body = operation.get("requestBody")
    if body is None:
        return Route(template, method, params, None, False)
    # discord.py sends JSON, or multipart whose payload_json the stand-in records as the body
    kind = "application/json" if "application/json" in body["content"] else "multipart/form-data"
    pointer = _pointer("paths", template, method, "requestBody", "content", kind, "schema")
    return Route(template, method, params, pointer, bool(body.get("required")))


def _types(schema: dict[str, Any]) -> tuple[str, ...]:
    """The JSON types a parameter's schema allows, following one `$ref` deep."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        schema = _document()["components"]["schemas"][ref.rsplit("/", 1)[1]]
        schema = schema.get("anyOf", [schema])[0]  # a snowflake's own schema, not the number
    kind = schema.get("type", "string")
    return tuple(kind) if isinstance(kind, list) else (kind,)


def _typed(value: str, types: Iterable[str]) -> object:
    """A query string's text as the value of the type its parameter declares."""
    for kind in types:
        if kind == "integer" and re.fullmatch(r"-?\d+", value):
            return int(value)
        if kind == "number" and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return float(value)
        if kind == "boolean" and value in TRUE + FALSE:
            return value in TRUE
        if kind == "string":
            return value
    return value


def _cut(text: str, width: int = 300) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _said(error: jsonschema.ValidationError) -> str:
    """The validator's sentence, its copy of a long part of the body shortened (the part is
    shown after it)."""
    copy = repr(error.instance)
    return _cut(error.message.replace(copy, _cut(copy, 60)) if len(copy) > 60 else error.message)


def _shown(value: object) -> str:
    return _cut(json.dumps(value, ensure_ascii=False, default=str))


def _where(error: jsonschema.ValidationError) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For an anyOf/oneOf miss, the error of the branch the body meant: not one whose kind
    (a `type` const or enum, or a JSON type) refused the part; among those, the deepest."""
    if not error.context:
        return error
    branches: dict[object, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def other_kind(sub: jsonschema.ValidationError) -> bool:
        if sub.validator in ("const", "enum") and list(sub.relative_path) == ["type"]:
            return True
        return sub.validator == "type" and not sub.relative_path

    meant = [errs for errs in branches.values() if not any(map(other_kind, errs))]
    leaves = [_deepest(sub) for errs in meant or branches.values() for sub in errs]
    return max(leaves, key=lambda e: len(e.absolute_path))


def check(method: str, path: str, query: dict[str, str], body: Any) -> list[str]:
    """What, if anything, in this request the spec does not allow (one sentence each)."""
    method = method.lower()
    found = find_template(path)
    if found is None:
        if (method.upper(), path) in PLUMBING:
            return []
        return [f"{method.upper()} {path}: the spec has no such path"]
    template, values = found
    route = _route(template, method)
    if route is None:
        return [f"{method.upper()} {path}: the spec's {template} has no {method.upper()}"]
    problems = []
    head = f"{method.upper()} {path} ({template})"
    for name, value in values.items():
        param = route.params.get(f"path:{name}")
        if param is not None:
            for error in _validator(param["pointer"]).iter_errors(value):
                problems.append(
                    f"{head}: path parameter {name}={value!r}: {_said(_deepest(error))}"
                )
    unlisted = UNLISTED_QUERY.get((method, template), {})
    for name, value in query.items():
        param = route.params.get(f"query:{name}")
        if param is None and unlisted.get(name) == value:
            continue
        if param is None:
            problems.append(f"{head}: the spec declares no query parameter {name!r}")
            continue
        typed = _typed(value, param["types"])
        for error in _validator(param["pointer"]).iter_errors(typed):
            problems.append(f"{head}: query {name}={value!r}: {_said(_deepest(error))}")
    for key, param in route.params.items():
        if key.startswith("query:") and param["required"] and key[6:] not in query:
            problems.append(f"{head}: the required query parameter {key[6:]!r} is missing")
    if route.body is None:
        if body not in (None, {}):
            problems.append(f"{head}: the spec takes no body here, got {_shown(body)}")
        return problems
    if body is None:
        if route.body_required:
            problems.append(f"{head}: the spec requires a body here, none was sent")
        return problems
    problems += [f"{head}: {problem}" for problem in _body_problems(route.body, body)]
    return problems + [f"{head}: {problem}" for problem in _embed_totals(body)]


def _embed_totals(body: Any) -> list[str]:
    """A message's embeds over 6000 characters together (the body itself, an interaction
    answer's `data`, or a forum post's starter `message`)."""
    if not isinstance(body, dict):
        return []
    found = []
    for where, message in (("$", body), ("$.data", body.get("data")),
                           ("$.message", body.get("message"))):  # fmt: skip
        embeds = message.get("embeds") if isinstance(message, dict) else None
        if isinstance(embeds, list):
            total = sum(_embed_length(e) for e in embeds if isinstance(e, dict))
            if total > EMBEDS_TOTAL_MAX:
                found.append(
                    f"at {where}.embeds: {total} characters together, over Discord's "
                    f"{EMBEDS_TOTAL_MAX}"
                )
    return found


def _embed_length(embed: dict[str, Any]) -> int:
    def text(value: Any, key: str) -> int:
        return len(value.get(key) or "") if isinstance(value, dict) else 0

    fields = embed.get("fields") or []
    return (
        text(embed, "title")
        + text(embed, "description")
        + text(embed.get("footer"), "text")
        + text(embed.get("author"), "name")
        + sum(text(f, "name") + text(f, "value") for f in fields)
    )


def problems_in(requests: Iterable[Any]) -> list[str]:
    """Every problem in the requests the stand-in recorded (each has method, path, query and
    body)."""
    return [p for r in requests for p in check(r.method, r.path, r.query, r.body)]


_seen: dict[tuple[str, str], tuple[str, ...]] = {}


def _body_problems(pointer: str, body: Any) -> tuple[str, ...]:
    """What the schema at `pointer` refuses in `body`, remembered: most tests sync the same
    commands and send the same answers, and a command list takes a fifth of a second."""
    key = (pointer, json.dumps(body, sort_keys=True, default=str))
    if key not in _seen:
        found = []
        for error in _validator(pointer).iter_errors(body):
            deepest = _deepest(error)
            found.append(
                f"at {_where(deepest)}: {_said(deepest)} "
                f"(that part of the body: {_shown(deepest.instance)})"
            )
        _seen[key] = tuple(found)
    return _seen[key]
