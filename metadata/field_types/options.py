"""Options of SELECT and MULTI_SELECT fields: {id, value, label, position, color}."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from crm.errors import BadUserInput

COLORS = frozenset(
    {"green", "turquoise", "sky", "blue", "purple", "pink", "red", "orange", "yellow", "gray"}
)
VALUE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def normalize_options(field_name: str, raw: Any) -> list[dict[str, Any]]:
    """Validated options with ids and positions filled in; BadUserInput names the fault."""
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise BadUserInput(
            f"Field '{field_name}' needs a non-empty list of options.", field=field_name
        )
    seen: set[str] = set()
    options: list[dict[str, Any]] = []
    for index, option in enumerate(raw):
        if not isinstance(option, Mapping):
            raise BadUserInput(
                f"Option {index} of '{field_name}' must be an object.", field=field_name
            )
        value = option.get("value")
        if not isinstance(value, str) or not VALUE_RE.match(value):
            raise BadUserInput(
                f"Option value {value!r} of '{field_name}' must be UPPER_SNAKE_CASE "
                "(letters, digits, underscores, starting with a letter).",
                field=field_name,
            )
        if value in seen:
            raise BadUserInput(
                f"Option value {value!r} appears twice in '{field_name}'.", field=field_name
            )
        seen.add(value)
        label = option.get("label")
        if not isinstance(label, str) or not label.strip():
            raise BadUserInput(
                f"Option {value!r} of '{field_name}' needs a label.", field=field_name
            )
        color = option.get("color", "gray")
        if color not in COLORS:
            raise BadUserInput(
                f"Option {value!r} of '{field_name}' has colour {color!r}; "
                f"use one of {', '.join(sorted(COLORS))}.",
                field=field_name,
            )
        option_id = option.get("id") or str(uuid.uuid4())
        position = option.get("position", index)
        if isinstance(position, bool) or not isinstance(position, int | float):
            raise BadUserInput(
                f"Option {value!r} of '{field_name}' has a non-numeric position.", field=field_name
            )
        options.append(
            {
                "id": str(option_id),
                "value": value,
                "label": label.strip(),
                "position": position,
                "color": color,
            }
        )
    return sorted(options, key=lambda o: o["position"])


def option_values(options: Sequence[Mapping[str, Any]]) -> list[str]:
    return [str(option["value"]) for option in options]
