"""REST requests run as operations of the workspace's GraphQL schema: the same resolvers,
record services, compiled SQL, permissions and error codes as /graphql.

Reads compile into ONE statement (as `records.graphql.fast` does) with REST's own cost budget:
REST picks the selection itself (every readable field, relations to `depth`), so it may return
more values than a hand-written GraphQL query typically would. Writes run through
graphql-core's executor with the resolvers of /graphql.
"""

from __future__ import annotations

import contextlib
import re
from functools import partial
from typing import Any

import orjson
from django.conf import settings
from django.db import DataError, connection, transaction
from django.http import HttpRequest
from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    execute,
    get_named_type,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values, get_variable_values
from psycopg import sql

from crm.errors import ApiError, BadUserInput, ErrorCode
from crm.graphql.errors import format_error
from crm.graphql.view import GraphQLContext
from crm.lru import LRU
from records.graphql import resolvers
from records.graphql.caller import CallerModel
from records.graphql.schema_cache import schema_for
from records.graphql.view import by_response_key
from records.query.compiler import Compiler, Selection, json_object
from records.query.compiler import group_by as group_by_sql
from workspaces.principal import Principal

# REST selects every readable field and relations to `depth`, so its budget is larger than a
# GraphQL query's: a page of 200 records of any standard object at depth 1 (each with its
# one-to-many relations' first pages) fits, and one record at depth 2.
COST_FACTOR = 20


class _Documents:
    """Parsed and validated REST documents (generated here, so trusted: no token limit)."""

    def __init__(self, size: int) -> None:
        # The schema is kept in each entry: an id() alone could be reused by a new schema.
        self._entries: LRU[tuple[int, str], tuple[GraphQLSchema, DocumentNode]] = LRU(size)

    def get(self, schema: GraphQLSchema, text: str) -> DocumentNode:
        key = (id(schema), text)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is schema:
            return entry[1]
        document = parse(text, no_location=True)
        errors = validate(schema, document)
        if errors:  # a bug of this module, never the caller's input
            raise RuntimeError(f"REST generated an invalid document: {errors[0].message}")
        self._entries.put(key, (schema, document))
        return document


documents = _Documents(size=2048)

_VARIABLE = re.compile(r"^Variable '\$(\w+)' got invalid value .*?(?: at '([^']+)')?; (.*)$", re.S)
_UNKNOWN_FIELD = re.compile(
    r"Field '(\w+)' is not defined by type '\w+'\.(?: Did you mean (.+)\?)?"
)
# Variables named after REST's parameters (the body is `data`).
PARAMETERS = {"groupBy": "group_by", "orderBy": "order_by", "data": "body"}


def variable_error(error: GraphQLError) -> BadUserInput:
    """graphql-core's coercion message, said in the REST request's terms."""
    match = _VARIABLE.match(error.message)
    if match is None:
        return BadUserInput(error.message)
    variable, path, detail = match.groups()
    # "data[2].name.firstName" -> "name.firstName": the field inside the record
    inner = re.sub(r"\[\d+\]", "", (path or "")[len(variable) :]).lstrip(".")
    parameter = PARAMETERS.get(variable, variable)
    unknown = _UNKNOWN_FIELD.search(detail)
    if unknown is not None:
        name = f"{inner}.{unknown.group(1)}" if inner else unknown.group(1)
        hint = f"; did you mean {unknown.group(2)}?" if unknown.group(2) else "."
        return BadUserInput(f"Unknown field {name!r} in the {parameter}{hint}", field=name)
    if inner:
        return BadUserInput(f"Invalid value for {inner}: {detail}", field=inner)
    return BadUserInput(f"Invalid {parameter}: {detail}", field=parameter)


def api_error(error: GraphQLError) -> ApiError:
    original = error.original_error
    if isinstance(original, ApiError):
        return original
    if not error.path:  # the variables did not fit their types (before any resolver ran)
        return variable_error(error)
    formatted = format_error(error)
    extensions = formatted.get("extensions", {})
    result = ApiError(str(formatted["message"]), field=extensions.get("field"))
    if extensions.get("code") in ErrorCode.__members__:  # else an internal error (500)
        result.code = ErrorCode(extensions["code"])
    return result


def read(caller: CallerModel, text: str, variables: dict[str, Any]) -> dict[str, Any]:
    """A query of find-many / find-one / groupBy root fields as one SQL statement, compiled
    with the caller's rights like /graphql's reads."""
    model = caller.model
    schema = schema_for(model)
    document = documents.get(schema, text)
    operation = get_operation_ast(document)
    assert operation is not None and schema.query_type is not None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        raise variable_error(coerced[0])
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.query_type
    compiler = Compiler(
        model, access=caller.access, cost_limit=int(settings.GRAPHQL_MAX_COST) * COST_FACTOR
    )
    pairs: list[sql.Composable] = []
    for key, nodes in collect_fields(
        schema, fragments, coerced, root, operation.selection_set
    ).items():
        definition = root.fields[nodes[0].name.value]
        resolve = definition.resolve
        named = get_named_type(definition.type)
        assert isinstance(resolve, partial) and isinstance(named, GraphQLObjectType)
        args = get_argument_values(definition, nodes[0], coerced)
        selection = Selection(schema, fragments, coerced, named, nodes)
        obj = model.object(resolve.args[0])
        if resolve.func is resolvers.find_many:
            expression = compiler.connection(obj, selection, args, depth=0)
        elif resolve.func is resolvers.find_one:
            expression = resolvers.find_one_sql(compiler, obj, selection, args.get("filter"))
        elif resolve.func is resolvers.group_by:
            expression = group_by_sql(compiler, obj, selection, args)
        else:  # pragma: no cover - REST only reads these
            raise AssertionError(f"not a compiled read: {key}")
        pairs += [sql.Literal(key), expression]
    statement = sql.SQL("SELECT ({})::text").format(json_object(pairs))
    # Inside a transaction (tests, or a caller's atomic block) a savepoint keeps the connection
    # usable after a refused value; in autocommit a failed statement leaves nothing behind.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            cursor.execute(statement)
            row = cursor.fetchone()
    except DataError:
        raise BadUserInput("A value of the request is out of range for its field.") from None
    assert row is not None
    return dict(orjson.loads(row[0]))


def run(request: HttpRequest, principal: Principal, caller: CallerModel, text: str,
        variables: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Any operation (mutations, duplicates) through the executor and /graphql's resolvers."""
    schema = schema_for(caller.model)
    document = documents.get(schema, text)
    result = execute(
        schema,
        document,
        context_value=GraphQLContext(request, principal, caller),
        field_resolver=by_response_key,
        variable_values=variables,
    )
    assert isinstance(result, ExecutionResult), "resolvers must be synchronous"
    if result.errors:
        raise api_error(result.errors[0])
    assert result.data is not None
    return dict(result.data)
