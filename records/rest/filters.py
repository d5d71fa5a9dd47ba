"""REST `filter=` and `order_by=` as the GraphQL API's filter and orderBy values.

The trees of `records.rest.grammar` are typed against the object's generated GraphQL input
types (`PersonFilterInput`, `PersonOrderByInput`), so every field, sub-field, operator and
value is checked with the same rules as /graphql, and each mistake is reported at its
character position. The result feeds the existing filter compiler unchanged.
"""

from __future__ import annotations

import math
from typing import Any

import orjson
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLFloat,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLString,
    get_named_type,
)

from records.graphql.scalars import JSONScalar
from records.rest.grammar import (
    LOGIC,
    Comparison,
    GrammarError,
    ListValue,
    Logic,
    Node,
    OrderItem,
    Value,
    parse_filter,
    parse_order_by,
)

MAX_LISTED = 12


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f" ... ({len(names)} in all)" if len(names) > MAX_LISTED else "")


def _is_operator_filter(type_: GraphQLInputObjectType) -> bool:
    """StringFilter and its kin hold operators; FullNameFilter and its kin hold sub-fields."""
    return not any(
        isinstance(get_named_type(f.type), GraphQLInputObjectType) for f in type_.fields.values()
    )


class _Typer:
    def __init__(self, source: str, parameter: str, plural: str) -> None:
        self.source = source
        self.parameter = parameter
        self.plural = plural

    def fail(self, position: int, problem: str) -> GrammarError:
        return GrammarError(self.parameter, self.source, position, problem)

    def resolve(
        self, root: GraphQLInputObjectType, path: tuple[str, ...], position: int
    ) -> tuple[Any, str]:
        """The input field type at the end of `path`, and the dotted name."""
        current: Any = root
        for index, name in enumerate(path):
            dotted = ".".join(path[: index + 1])
            fields = current.fields
            usable = [n for n in fields if n not in LOGIC]
            if name not in fields or name in LOGIC:
                if index == 0:
                    verb = "filtered" if self.parameter == "filter" else "ordered"
                    problem = (
                        f"{self.plural} cannot be {verb} by {name!r}; use one of {_listing(usable)}"
                    )
                    if f"{name}Id" in fields:  # a relation: its id is what is compared
                        problem = f"{self.plural} cannot be {verb} by {name!r}; use {name}Id"
                else:
                    parent = ".".join(path[:index])
                    problem = f"{parent} has no sub-field {name!r}; use one of {_listing(usable)}"
                raise self.fail(position, problem)
            named = get_named_type(fields[name].type)
            if index + 1 < len(path) and not (
                isinstance(named, GraphQLInputObjectType) and not self.is_leaf(named)
            ):
                raise self.fail(position, f"{dotted} has no sub-fields")
            current = named
        return current, ".".join(path)

    def is_leaf(self, type_: GraphQLInputObjectType) -> bool:
        return self.parameter == "filter" and _is_operator_filter(type_)


class _FilterTyper(_Typer):
    def node(self, root: GraphQLInputObjectType, node: Node) -> dict[str, Any]:
        if isinstance(node, Logic):
            items = [self.node(root, item) for item in node.items]
            if node.operator == "not":
                return {"not": items[0] if len(items) == 1 else {"and": items}}
            return {node.operator: items}
        return self.comparison(root, node)

    def comparison(self, root: GraphQLInputObjectType, node: Comparison) -> dict[str, Any]:
        target, dotted = self.resolve(root, node.path, node.position)
        if not isinstance(target, GraphQLInputObjectType) or not _is_operator_filter(target):
            subs = list(target.fields) if isinstance(target, GraphQLInputObjectType) else []
            raise self.fail(
                node.position,
                f"{dotted} is a composite field; filter one of its sub-fields "
                f"({_listing([f'{dotted}.{s}' for s in subs])})",
            )
        operators = target.fields
        if node.operator not in operators:
            raise self.fail(
                node.operator_position,
                f"{dotted} has no operator {node.operator!r}; use one of {_listing(list(operators))}",
            )
        label = f"{dotted}[{node.operator}]"
        value = self.value(operators[node.operator].type, node.value, label)
        result: dict[str, Any] = {node.operator: value}
        for name in reversed(node.path):
            result = {name: result}
        return result

    def value(self, type_: GraphQLInputType, value: Value | ListValue, label: str) -> Any:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            items = value.items if isinstance(value, ListValue) else (value,)
            return [self.value(type_.of_type, item, label) for item in items]
        if isinstance(value, ListValue):
            if type_ is JSONScalar:  # a JSON list written in the list syntax
                return [self.scalar(type_, item, label) for item in value.items]
            raise self.fail(value.position, f"{label} takes one value, not a list")
        return self.scalar(type_, value, label)

    def scalar(self, type_: Any, value: Value, label: str) -> Any:
        text = value.text
        if isinstance(type_, GraphQLEnumType):
            allowed = list(type_.values)
            candidate = text.upper() if type_.name == "FilterIs" else text
            if candidate not in type_.values:
                raise self.fail(
                    value.position, f"{label} takes one of {_listing(allowed)}, not {text!r}"
                )
            return candidate
        if type_ is GraphQLFloat or type_ is GraphQLInt:
            try:
                number: float | int = int(text) if type_ is GraphQLInt else float(text)
            except ValueError:
                raise self.fail(value.position, f"{label} takes a number, not {text!r}") from None
            if isinstance(number, float) and not math.isfinite(number):
                raise self.fail(value.position, f"{label} takes a finite number, not {text!r}")
            return number
        if type_ is GraphQLBoolean:
            if text.lower() not in ("true", "false"):
                raise self.fail(value.position, f"{label} takes true or false, not {text!r}")
            return text.lower() == "true"
        if type_ is JSONScalar:
            try:
                return orjson.loads(text)
            except orjson.JSONDecodeError:
                if value.quoted and not value.json:
                    return text  # a JSON string value
                raise self.fail(value.position, f"{label} takes JSON, not {text!r}") from None
        if type_ is GraphQLString:
            return text
        if isinstance(type_, GraphQLScalarType):
            try:
                type_.parse_value(text)
            except (GraphQLError, ValueError, TypeError) as error:
                message = error.message if isinstance(error, GraphQLError) else str(error)
                raise self.fail(value.position, f"{label}: {message.rstrip('.')}") from None
            return text
        raise self.fail(value.position, f"{label} cannot be filtered from the REST API")


def to_filter(
    source: str, filter_type: GraphQLInputObjectType, plural: str
) -> dict[str, Any] | None:
    """`filter=` as the GraphQL filter value for `filter_type` (None when empty)."""
    tree = parse_filter(source)
    if tree is None:
        return None
    return _FilterTyper(source, "filter", plural).node(filter_type, tree)


def to_order_by(
    source: str, order_type: GraphQLInputObjectType, plural: str
) -> list[dict[str, Any]] | None:
    """`order_by=` as the GraphQL orderBy list (None when empty); AscNullsFirst by default."""
    items = parse_order_by(source)
    if not items:
        return None
    typer = _Typer(source, "order_by", plural)
    return [_order_item(typer, order_type, item) for item in items]


def _order_item(
    typer: _Typer, order_type: GraphQLInputObjectType, item: OrderItem
) -> dict[str, Any]:
    target, dotted = typer.resolve(order_type, item.path, item.position)
    if isinstance(target, GraphQLInputObjectType):
        raise typer.fail(
            item.position,
            f"{dotted} is a composite field; order by one of its sub-fields "
            f"({_listing([f'{dotted}.{s}' for s in target.fields])})",
        )
    assert isinstance(target, GraphQLEnumType)
    direction = item.direction or "AscNullsFirst"
    if direction not in target.values:
        raise typer.fail(
            item.position, f"{dotted}: the direction must be one of {_listing(list(target.values))}"
        )
    result: Any = direction
    for name in reversed(item.path):
        result = {name: result}
    return dict(result)
