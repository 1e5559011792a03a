"""Changing a few top-level keys of a pack.yaml in place, keeping the author's comments."""

from __future__ import annotations

import json
import re


def set_keys(text: str, values: dict[str, object]) -> str:
    """`text` with each top-level `key:` (and its indented block) replaced by `values[key]`
    written as YAML (a scalar, a mapping of scalars, or a list of those); keys not yet there
    are appended. None removes the key."""
    lines = text.splitlines()
    for key, value in values.items():
        start = next(
            (i for i, line in enumerate(lines) if re.match(rf"^{re.escape(key)}\s*:", line)), None
        )
        block = [] if value is None else _yaml_lines(key, value)
        if start is None:
            lines.extend(block)
            continue
        end = start + 1  # the block: indented lines, and a list's `- ` lines under the key
        while end < len(lines) and (
            lines[end].startswith((" ", "\t", "- ")) or not lines[end].strip()
        ):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1  # a blank line after the block stays
        lines[start:end] = block
    return "\n".join(lines) + "\n"


def _yaml_lines(key: str, value: object) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}:"] + [f"  {k}: {_scalar(v)}" for k, v in value.items()]
    if isinstance(value, list | tuple):
        if not value:
            return [f"{key}: []"]
        lines = [f"{key}:"]
        for item in value:
            if isinstance(item, dict):
                # a None field is left out: YAML would read it back as the text "None"
                fields = [(k, v) for k, v in item.items() if v is not None]
                lines += [
                    f"{'  - ' if i == 0 else '    '}{k}: {_scalar(v)}"
                    for i, (k, v) in enumerate(fields)
                ]
            else:
                lines.append(f"  - {_scalar(item)}")
        return lines
    return [f"{key}: {_scalar(value)}"]


def _scalar(value: object) -> str:
    # a JSON string is a YAML string: quoted, every character escaped that must be
    return json.dumps(str(value), ensure_ascii=False)
