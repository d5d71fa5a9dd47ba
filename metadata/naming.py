"""Physical names (snake_case, as a BI tool expects) derived from API names (camelCase)."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")
# PostgreSQL truncates identifiers longer than this many bytes.
MAX_IDENTIFIER_BYTES = 63


def snake_case(name: str) -> str:
    return _BOUNDARY.sub("_", name).lower()


def column_name(field_name: str, sub_field: str | None = None) -> str:
    if sub_field is None:
        return snake_case(field_name)
    return f"{snake_case(field_name)}_{snake_case(sub_field)}"


def table_name(name_singular: str) -> str:
    return snake_case(name_singular)
