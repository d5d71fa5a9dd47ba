"""The /metadata GraphQL operations the REST routes run, and their errors as ApiErrors.

REST is a second transport over the same schema: inputs are validated by the same input types,
changes are guarded by the same mutations and carried out by the same services.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.http import HttpRequest
from graphql import DocumentNode, ExecutionResult, GraphQLError, execute, parse

from crm.errors import ApiError, BadUserInput
from crm.graphql.view import GraphQLContext
from metadata.field_types.operators import has_nul
from metadata.graphql.schema import schema
from workspaces.principal import Principal

logger = logging.getLogger("crm.rest")

FIELD_PARTS = """
fragment FieldParts on Field {
  id type name label description icon isCustom isActive isSystem isNullable isUnique
  defaultValue options settings objectMetadataId createdAt updatedAt
  relation {
    type
    sourceObjectMetadata { id nameSingular namePlural }
    targetObjectMetadata { id nameSingular namePlural }
    sourceFieldMetadata { id name }
    targetFieldMetadata { id name }
  }
}
"""
OBJECT_PARTS = """
fragment ObjectParts on Object {
  id nameSingular namePlural labelSingular labelPlural description icon isCustom isRemote
  isActive isSystem isSearchable labelIdentifierFieldMetadataId imageIdentifierFieldMetadataId
  duplicateCriteria createdAt updatedAt
  fields: fieldsList { ...FieldParts }
}
"""
PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount"

OPERATIONS: dict[str, str] = {
    "objects": f"query($paging: CursorPaging, $filter: ObjectFilter) {{ result: objects("
    f"paging: $paging, filter: $filter) {{ edges {{ node {{ ...ObjectParts }} }} {PAGE} }} }}",
    "object": "query($id: UUID!) { result: object(id: $id) { ...ObjectParts } }",
    "createObject": "mutation($input: CreateOneObjectInput!) { "
    "result: createOneObject(input: $input) { ...ObjectParts } }",
    "updateObject": "mutation($input: UpdateOneObjectInput!) { "
    "result: updateOneObject(input: $input) { ...ObjectParts } }",
    "deleteObject": "mutation($input: DeleteOneObjectInput!) { "
    "result: deleteOneObject(input: $input) { id } }",
    "fields": f"query($paging: CursorPaging, $filter: FieldFilter) {{ result: fields("
    f"paging: $paging, filter: $filter) {{ edges {{ node {{ ...FieldParts }} }} {PAGE} }} }}",
    "field": "query($id: UUID!) { result: field(id: $id) { ...FieldParts } }",
    "createField": "mutation($input: CreateOneFieldMetadataInput!) { "
    "result: createOneField(input: $input) { ...FieldParts } }",
    "updateField": "mutation($input: UpdateOneFieldMetadataInput!) { "
    "result: updateOneField(input: $input) { ...FieldParts } }",
    "deleteField": "mutation($input: DeleteOneFieldInput!) { "
    "result: deleteOneField(input: $input) { id } }",
}


def _document(source: str) -> DocumentNode:
    fragments = FIELD_PARTS + (OBJECT_PARTS if "ObjectParts" in source else "")
    return parse(source + fragments)


DOCUMENTS: dict[str, DocumentNode] = {name: _document(q) for name, q in OPERATIONS.items()}

# "Variable '$input' got invalid value 5 at 'input.object.nameSingular'; String cannot ..."
_VARIABLE_ERROR = re.compile(
    r"^Variable '\$(?P<var>\w+)' (?:got invalid value (?P<value>.*?)|of required type .*?)"
    r"(?: at '(?P<path>[^']+)')?; (?P<reason>.*)$",
    re.DOTALL,
)
# The variable's wrapping (input.object / input.update / input.field) is ours, not the caller's.
_WRAPPERS = ("input.object", "input.update", "input.field", "input")
_NAMED = re.compile(r"^Field '(\w+)' ")


def _input_error(error: GraphQLError) -> BadUserInput:
    """A variable that does not fit its type, said in terms of the request body."""
    match = _VARIABLE_ERROR.match(error.message)
    if match is None:
        return BadUserInput(error.message)
    path = match.group("path") or ""
    for wrapper in _WRAPPERS:
        if path == wrapper or path.startswith(wrapper + "."):
            path = path[len(wrapper) + 1 :]
            break
    reason = match.group("reason").strip()
    named = _NAMED.match(reason)  # "Field 'namePlural' of required type ... was not provided."
    if named is not None:
        path = f"{path}.{named.group(1)}" if path else named.group(1)
        message = f"{reason[0].upper()}{reason[1:]}" if not match.group("path") else reason
    else:
        message = f"'{path}' is not valid: {reason}" if path else f"Not valid: {reason}"
    field = re.split(r"[.\[]", path)[0] if path else None
    return BadUserInput(message, field=field or match.group("var"))


def to_api_error(error: GraphQLError) -> ApiError:
    original = error.original_error
    if isinstance(original, ApiError):
        return original
    if original is not None and error.path:
        logger.error("metadata REST operation failed", exc_info=original)
        return ApiError("An unexpected error occurred.")
    return _input_error(error)


def run(request: HttpRequest, principal: Principal, name: str, variables: dict[str, Any]) -> Any:
    """The operation's `result`, or the first error raised as an ApiError."""
    if has_nul(variables):  # PostgreSQL text cannot hold it (found by schemathesis)
        raise BadUserInput("Text values cannot contain the NUL character (\\u0000).")
    result = execute(
        schema.graphql_schema,
        DOCUMENTS[name],
        context_value=GraphQLContext(request, principal),
        variable_values=variables,
    )
    assert isinstance(result, ExecutionResult)
    if result.errors:
        raise to_api_error(result.errors[0])
    assert result.data is not None
    return result.data["result"]
