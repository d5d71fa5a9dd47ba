"""Scalars of the workspace API. Values from compiled SQL arrive already in JSON form
(strings for ids and dates), so serialising passes them through."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, GraphQLScalarType, ValueNode
from graphql.language import ast
from graphql.utilities import value_from_ast_untyped


def _serialize(value: Any) -> Any:
    if isinstance(value, uuid.UUID | dt.date | dt.datetime):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _parse_uuid(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise GraphQLError(f"{value!r} is not a valid UUID.") from None


def _parse_string_literal(node: ValueNode, _variables: Any = None) -> Any:
    if not isinstance(node, ast.StringValueNode):
        raise GraphQLError("Expected a string.")
    return node.value


def _parse_uuid_literal(node: ValueNode, _variables: Any = None) -> str:
    return _parse_uuid(_parse_string_literal(node))


def _parse_date(value: Any) -> str:
    try:
        dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise GraphQLError(f"{value!r} is not a date (YYYY-MM-DD).") from None
    return str(value)


def _parse_datetime(value: Any) -> str:
    try:
        dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise GraphQLError(f"{value!r} is not an ISO 8601 date-time.") from None
    return str(value)


def _parse_big_float(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise GraphQLError(f"{value!r} is not a number.")
    try:
        Decimal(str(value))
    except ArithmeticError:
        raise GraphQLError(f"{value!r} is not a number.") from None
    return value


def _big_float_literal(node: ValueNode, _variables: Any = None) -> Any:
    if isinstance(node, ast.IntValueNode | ast.FloatValueNode | ast.StringValueNode):
        return _parse_big_float(node.value)
    raise GraphQLError("Expected a number.")


UUIDScalar = GraphQLScalarType(
    "UUID", serialize=_serialize, parse_value=_parse_uuid, parse_literal=_parse_uuid_literal
)


def _date_literal(node: ValueNode, _variables: Any = None) -> str:
    return _parse_date(_parse_string_literal(node))


def _datetime_literal(node: ValueNode, _variables: Any = None) -> str:
    return _parse_datetime(_parse_string_literal(node))


def _identity(value: Any) -> Any:
    return value


def _json_literal(node: ValueNode, variables: Any = None) -> Any:
    return value_from_ast_untyped(node, variables)


DateScalar = GraphQLScalarType(
    "Date", serialize=_serialize, parse_value=_parse_date, parse_literal=_date_literal
)
DateTimeScalar = GraphQLScalarType(
    "DateTime", serialize=_serialize, parse_value=_parse_datetime, parse_literal=_datetime_literal
)
JSONScalar = GraphQLScalarType(
    "JSON",
    description="Any JSON value.",
    serialize=_serialize,
    parse_value=_identity,
    parse_literal=_json_literal,
)
BigFloatScalar = GraphQLScalarType(
    "BigFloat",
    description="An exact decimal number.",
    serialize=_serialize,
    parse_value=_parse_big_float,
    parse_literal=_big_float_literal,
)
TSVectorScalar = GraphQLScalarType("TSVector", serialize=_identity, parse_value=_identity)
