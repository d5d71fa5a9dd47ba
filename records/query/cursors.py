"""Opaque keyset cursors: the order-key values of a row, base64-encoded JSON."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
from psycopg import sql

from crm.errors import BadUserInput

VERSION = 1


def cursor_sql(key_columns: list[sql.Composable]) -> sql.Composable:
    """SQL computing a row's cursor from its order-key expressions."""
    array = sql.SQL("json_build_array({}, {})").format(
        sql.Literal(VERSION), sql.SQL(", ").join(key_columns)
    )
    # base64 in PostgreSQL wraps lines every 76 characters; a cursor is one token.
    return sql.SQL(
        "translate(encode(convert_to(({})::text, 'UTF8'), 'base64'), E'\\n', '')"
    ).format(array)


def decode(cursor: str, keys: int) -> list[Any]:
    """The order-key values in a cursor (their types are checked by ordering.check_values)."""
    try:
        values = orjson.loads(base64.b64decode(cursor.encode(), validate=True))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise BadUserInput(f"The cursor {cursor[:40]!r} is not valid.", field="cursor") from None
    if not isinstance(values, list) or len(values) != keys + 1 or values[0] != VERSION:
        raise BadUserInput(
            "The cursor does not belong to this ordering; request the first page again.",
            field="cursor",
        )
    return values[1:]
