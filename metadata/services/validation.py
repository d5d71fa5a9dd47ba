"""Names of objects and fields: camelCase, short enough for PostgreSQL, not reserved."""

from __future__ import annotations

from metadata import naming
from metadata.errors import InvalidName

# GraphQL keywords are valid field names, and names starting with "__" cannot pass CAMEL_CASE.
# Words of SQL that would need quoting everywhere or confuse a BI tool reading the schema.
SQL_RESERVED = frozenset(
    [
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "binary",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "group",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "intersect",
        "into",
        "is",
        "isnull",
        "join",
        "lateral",
        "leading",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "natural",
        "not",
        "notnull",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "overlaps",
        "placing",
        "primary",
        "references",
        "returning",
        "right",
        "select",
        "session_user",
        "similar",
        "some",
        "symmetric",
        "system_user",
        "table",
        "tablesample",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
    ]
)
# Names the platform gives meaning to in every object or in the API's shapes.
PLATFORM_RESERVED = frozenset(
    {"id", "createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position",
     "searchVector", "edges", "node", "cursor", "pageInfo", "totalCount", "filter", "orderBy",
     "and", "or", "not", "data", "upsert", "first", "last", "before", "after", "limit", "depth",
     "groupBy", "search", "metadata", "object", "objects", "field", "fields", "tableName"}
)  # fmt: skip
OBJECT_RESERVED = frozenset(
    {"object", "objects", "field", "fields", "search", "metadata", "core", "event", "events",
     "user", "users", "workspace", "workspaces", "apiKey", "apiKeys", "webhook", "webhooks",
     "role", "roles", "view", "views", "batch", "restore", "merge", "duplicates", "openApi",
     "groupBy", "index", "indexes", "relation", "relations"}
)  # fmt: skip


def validate_name(name: object, *, what: str, field: str, reserved: frozenset[str]) -> str:
    if not isinstance(name, str) or not naming.CAMEL_CASE.match(name):
        raise InvalidName(
            f"The {what} name {name!r} must be camelCase: a lowercase letter, then letters and "
            "digits only (for example 'invoiceNumber').",
            field=field,
        )
    physical = naming.snake_case(name)
    if len(physical.encode()) > naming.MAX_IDENTIFIER_BYTES - 8:
        raise InvalidName(
            f"The {what} name {name!r} is too long: its column name {physical!r} must stay under "
            f"{naming.MAX_IDENTIFIER_BYTES - 8} bytes.",
            field=field,
        )
    if name in reserved or name.lower() in SQL_RESERVED or physical in SQL_RESERVED:
        raise InvalidName(f"The {what} name {name!r} is reserved; choose another.", field=field)
    return name


def validate_field_name(name: object) -> str:
    return validate_name(name, what="field", field="name", reserved=PLATFORM_RESERVED)


def validate_object_names(singular: object, plural: object) -> tuple[str, str]:
    singular = validate_name(
        singular, what="object", field="nameSingular", reserved=OBJECT_RESERVED
    )
    plural = validate_name(plural, what="object", field="namePlural", reserved=OBJECT_RESERVED)
    if singular == plural:
        raise InvalidName(
            f"nameSingular and namePlural must differ (both are {singular!r}).",
            field="namePlural",
        )
    return singular, plural
