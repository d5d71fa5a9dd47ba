"""Scalars whose names are part of the API contract: UUID, DateTime, Date and JSON."""

from __future__ import annotations

from typing import Any

import graphene
from graphql.language import ast


def _literal_to_python(node: ast.ValueNode, variables: dict[str, Any] | None = None) -> Any:
    if isinstance(node, ast.ObjectValueNode):
        return {
            field.name.value: _literal_to_python(field.value, variables) for field in node.fields
        }
    if isinstance(node, ast.ListValueNode):
        return [_literal_to_python(value, variables) for value in node.values]
    if isinstance(node, ast.IntValueNode):
        return int(node.value)
    if isinstance(node, ast.FloatValueNode):
        return float(node.value)
    if isinstance(node, ast.StringValueNode | ast.EnumValueNode):
        return node.value
    if isinstance(node, ast.BooleanValueNode):
        return node.value
    if isinstance(node, ast.VariableNode):
        return (variables or {}).get(node.name.value)
    return None


class JSON(graphene.Scalar):
    """Any JSON value."""

    @staticmethod
    def serialize(value: Any) -> Any:
        return value

    @staticmethod
    def parse_value(value: Any) -> Any:
        return value

    @staticmethod
    def parse_literal(node: ast.ValueNode, _variables: Any = None) -> Any:
        return _literal_to_python(node, _variables)
