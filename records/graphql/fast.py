"""The fast path for read-only operations: every root field compiles into ONE statement
whose JSON text goes into the response as it is, with no per-field work in Python.

graphql-core's executor walks every value of the result (about 4,000 on the list page)
even when the SQL has already shaped it; this skips that walk. Documents are validated
before (cached), so the shapes are those the executor would give. Anything the fast path
does not handle (mutations, introspection, other root fields, any error) returns None and
the operation runs through the executor as usual, which reports errors in the normal form.
"""

from __future__ import annotations

import contextlib
import uuid
from functools import partial
from typing import Any

from django.db import DatabaseError, connection, transaction
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    OperationType,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values, get_variable_values
from psycopg import sql

from crm.errors import ApiError
from records.graphql import resolvers, statements
from records.graphql.caller import CallerModel
from records.query.compiler import Compiler, Selection, json_object


def compiled_response(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None,
                      operation_name: str | None, caller: CallerModel) -> bytes | None:  # fmt: skip
    """The answer of a read-only operation from its one compiled statement, kept in the
    statement cache by its exact variables and, for variables declared UUID, by their shape."""
    key = statements.cache_key(caller, document, operation_name, variables)
    text = statements.cache.get(key, caller, document) if key is not None else None
    fresh = text is None
    names: list[str] = []
    values: list[uuid.UUID] | None = None
    shape: statements.Key | None = None
    if text is None and key is not None and variables:
        names = statements.uuid_variables(document, operation_name, variables)
        shape = statements.shape_key(key, variables, names) if names else None
        template = statements.templates.get(shape, caller, document) if shape else None
        values = _uuids(variables, names)
        if template is not None and values is not None:
            connection.ensure_connection()
            text = statements.fill(template, values, connection.connection)
            fresh = False
    new_template: str | None = None
    if text is None:
        compiled = compile_read(schema, document, variables, operation_name, caller)
        if compiled is None:
            return None
        connection.ensure_connection()
        text = compiled.as_string(connection.connection)
        if shape is not None and variables is not None and values is not None:
            new_template = _template(schema, document, variables, operation_name, caller,
                                     names, values, text)  # fmt: skip
    answer = run(text)
    if answer is not None and fresh and key is not None:
        statements.cache.put(key, caller, document, text)
    if answer is not None and new_template is not None and shape is not None:
        statements.templates.put(shape, caller, document, new_template)
    return answer


def _uuids(variables: dict[str, Any], names: list[str]) -> list[uuid.UUID] | None:
    try:
        return [uuid.UUID(str(variables[name])) for name in names]
    except ValueError:
        return None


def _template(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any],
              operation_name: str | None, caller: CallerModel, names: list[str],
              values: list[uuid.UUID], text: str) -> str | None:  # fmt: skip
    """The statement with its UUID variables (`names`, whose `values` are in `text`) as marks,
    checked against a compilation with other UUIDs (statements.make_template)."""
    probes = [uuid.uuid4() for _ in names]
    probed = compile_read(
        schema, document, {**variables, **{n: str(p) for n, p in zip(names, probes, strict=True)}},
        operation_name, caller,
    )  # fmt: skip
    if probed is None:
        return None
    context = connection.connection
    return statements.make_template(text, probed.as_string(context), values, probes, context)


def compile_read(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None,
                 operation_name: str | None, caller: CallerModel) -> sql.Composable | None:  # fmt: skip
    """The one statement answering a read-only operation, or None when the fast path does
    not handle it (or the caller may not read what it selects)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY or schema.query_type is None:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = schema.query_type
    model = caller.model
    # The caller's rights: a refusal (FORBIDDEN) raises here and the executor reports it.
    compiler = Compiler(model, access=caller.access)
    pairs: list[sql.Composable] = []
    try:
        for key, nodes in collect_fields(
            schema, fragments, coerced, root, operation.selection_set
        ).items():
            name = nodes[0].name.value
            if name == "__typename":
                pairs += [sql.Literal(key), sql.Literal(root.name)]
                continue
            definition = root.fields.get(name)
            resolve = definition.resolve if definition else None
            if definition is None or not isinstance(resolve, partial):
                return None
            named = get_named_type(definition.type)
            if not isinstance(named, GraphQLObjectType):
                return None
            args = get_argument_values(definition, nodes[0], coerced)
            selection = Selection(schema, fragments, coerced, named, nodes)
            obj = model.object(resolve.args[0])
            if resolve.func is resolvers.find_many:
                expression = compiler.connection(obj, selection, args, depth=0)
            elif resolve.func is resolvers.find_one:
                expression = resolvers.find_one_sql(compiler, obj, selection, args.get("filter"))
            else:
                return None
            pairs += [sql.Literal(key), expression]
    except (ApiError, KeyError):
        return None
    if not pairs:
        return None
    return sql.SQL("SELECT ({})::text").format(json_object(pairs))


def run(statement: str) -> bytes | None:
    """The whole response for the compiled statement's JSON, or None if it failed."""
    try:
        # On failure the executor runs the operation again and reports the error in GraphQL's
        # form; inside a transaction a savepoint keeps the connection usable for it (outside
        # one, as in production, a failed statement leaves nothing behind).
        guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
        with guard, connection.cursor() as cursor:
            cursor.execute(statement)
            row = cursor.fetchone()
    except DatabaseError:
        return None
    assert row is not None
    return b'{"data":' + str(row[0]).encode() + b"}"
