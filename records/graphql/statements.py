"""Compiled read statements, kept so that a read asked again is not compiled again.

Compiling a selection into SQL walks the whole document (each field's access check, names,
columns, json_build_object pairs) and costs more Python time than the rest of a request. The
same query with the same variables, asked by the same caller against the same metadata,
always compiles into the same statement, so the statement text is kept in a bounded LRU.

What a statement depends on, and how the key covers it:

- the data model and the workspace: the metadata snapshot object (one per workspace and
  metadata version; a data model or role change bumps the version, so the next request gets a
  new snapshot and misses). The statement names its workspace's schema in every table;
- the caller's rights (object, field and row-level permissions, "me"): the RolePermissions
  object, cached per workspace version and caller;
- the document (per schema and query text, from the document cache), the operation name and
  the variables exactly as sent (JSON in the order received: the order of keys in an `orderBy`
  object is meaningful);
- the limits in settings the compiler applies (page sizes, depth, cost).

Entries hold the snapshot, the permissions and the document they were compiled for and are
served only when the request's are the very same objects, so an entry of workspace A (or of
an older version, or of another caller) can never answer another request, whatever the key.
Only statements that compiled and ran without error are kept.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from graphql import DocumentNode, NamedTypeNode, NonNullTypeNode, get_operation_ast
from psycopg import sql

from crm.lru import LRU
from metadata.snapshot import WorkspaceModel
from permissions.services.resolve import RolePermissions
from records.graphql.caller import CallerModel

# Variables longer than this (as JSON) are not worth a cache entry.
MAX_VARIABLES_BYTES = 16 * 1024

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Entry:
    model: WorkspaceModel
    permissions: RolePermissions
    document: DocumentNode
    statement: str


class StatementCache:
    """Entries are served only to the very snapshot, permissions and document they were
    compiled for: a metadata or role change misses, and no workspace gets another's entry."""

    def __init__(self, size: int) -> None:
        self._entries: LRU[Key, Entry] = LRU(size)

    @property
    def size(self) -> int:
        return self._entries.size

    @size.setter
    def size(self, value: int) -> None:
        self._entries.size = value

    def get(self, key: Key, caller: CallerModel, document: DocumentNode) -> str | None:
        entry = self._entries.get(key)
        if entry is None or (
            entry.model is not caller.model
            or entry.permissions is not caller.permissions
            or entry.document is not document
        ):
            return None
        return entry.statement

    def put(self, key: Key, caller: CallerModel, document: DocumentNode, statement: str) -> None:
        self._entries.put(key, Entry(caller.model, caller.permissions, document, statement))

    def items(self) -> list[tuple[Key, Entry]]:
        return self._entries.items()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()


cache = StatementCache(int(settings.GRAPHQL_STATEMENT_CACHE_SIZE))


def cache_key(caller: CallerModel, document: DocumentNode, operation_name: str | None,
              variables: dict[str, Any] | None) -> Key | None:  # fmt: skip
    """The key of one read, or None when it is not worth keeping."""
    try:
        encoded = orjson.dumps(variables or {})
    except (TypeError, orjson.JSONEncodeError):
        return None
    if len(encoded) > MAX_VARIABLES_BYTES:
        return None
    # The objects themselves are checked on every hit (StatementCache.get); their ids only
    # spread the keys, and an entry keeps its objects alive, so no id is reused meanwhile.
    return (
        caller.model.schema,
        id(caller.model),
        id(caller.permissions),
        id(document),
        operation_name,
        encoded,
        _limits(),
    )


def _limits() -> tuple[int, ...]:
    """The settings the compiler reads (page sizes, depth and cost caps)."""
    return (
        int(settings.GRAPHQL_DEFAULT_PAGE_SIZE),
        int(settings.GRAPHQL_MAX_PAGE_SIZE),
        int(settings.GRAPHQL_MAX_DEPTH),
        int(settings.GRAPHQL_MAX_COST),
    )


# --- statements per variable shape ----------------------------------------------------------
#
# A record read by id (`person(filter: {id: {eq: $id}})`) is asked with a new id each time, so
# the cache above would miss on every new record. Variables declared as `UUID` are therefore
# also bound into a template: their values only ever become literals of the statement (the
# compiler has no branch on a UUID's value), so the statement for one id is the statement for
# any other with that literal replaced. This is checked, not assumed: a template is kept only
# when compiling the same read with other (random) UUIDs gives the very same statement with
# the literals replaced, and when every literal of those variables is accounted for.

_MARK = re.compile("\x00([0-9]+)\x00")


def uuid_variables(document: DocumentNode, operation_name: str | None,
                   variables: dict[str, Any] | None) -> list[str]:  # fmt: skip
    """Names of the operation's variables declared `UUID` / `UUID!` and given as a string."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or not variables:
        return []
    names: list[str] = []
    for definition in operation.variable_definitions or ():
        type_ = definition.type
        if isinstance(type_, NonNullTypeNode):
            type_ = type_.type
        name = definition.variable.name.value
        if isinstance(type_, NamedTypeNode) and type_.name.value == "UUID":
            if isinstance(variables.get(name), str):
                names.append(name)
    return names


def _forms(value: uuid.UUID, context: Any) -> list[str]:
    """The ways a UUID becomes a literal in compiled SQL (as a uuid, as its text)."""
    return [sql.Literal(value).as_string(context), sql.Literal(str(value)).as_string(context)]


def make_template(real: str, probe: str, real_values: list[uuid.UUID],
                  probe_values: list[uuid.UUID], context: Any) -> str | None:  # fmt: skip
    """The statement with each variable's literals replaced by numbered marks, or None when
    the two compilations differ in anything else (or a value is not found in the statement)."""
    for index, (value, other) in enumerate(zip(real_values, probe_values, strict=True)):
        found = False
        for form, (literal, probe_literal) in enumerate(
            zip(_forms(value, context), _forms(other, context), strict=True)
        ):
            mark = f"\x00{index * 2 + form}\x00"
            found = found or literal in real
            real = real.replace(literal, mark)
            probe = probe.replace(probe_literal, mark)
        if not found:
            return None
    return real if real == probe else None


def fill(template: str, values: list[uuid.UUID], context: Any) -> str:
    literals = [literal for value in values for literal in _forms(value, context)]
    return _MARK.sub(lambda m: literals[int(m.group(1))], template)


def shape_key(key: Key, variables: dict[str, Any], names: list[str]) -> Key | None:
    """The key with the values of the UUID variables left out."""
    shape = {name: (None if name in names else value) for name, value in variables.items()}
    try:
        encoded = orjson.dumps([names, shape])
    except (TypeError, orjson.JSONEncodeError):
        return None
    return (*key[:5], b"shape:" + encoded, *key[6:])


templates = StatementCache(int(settings.GRAPHQL_STATEMENT_CACHE_SIZE))
