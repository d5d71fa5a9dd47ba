"""Permission checks of the read compiler: what the caller's role lets a statement touch.

Reading an object needs its read right; a field selected, filtered, ordered, grouped or
aggregated by needs its read right (FORBIDDEN naming the field, on the fast path and the
executor's alike, because both compile through the same Compiler); the role's row-level
filter is ANDed into every statement over the object. Relations to an object the caller may
not read are FORBIDDEN too, not silently empty, so an answer never looks complete when it is
not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from psycopg import sql

from crm.errors import Forbidden
from metadata.snapshot import ObjectModel
from permissions.services.access import FULL_ACCESS, ObjectAccess
from records.query import filters

AccessFor = Callable[[ObjectModel], ObjectAccess]


def full_access(_obj: ObjectModel) -> ObjectAccess:
    """For trusted internal callers (sync jobs, workflows acting as the system)."""
    return FULL_ACCESS


def require_read(access_for: AccessFor, obj: ObjectModel, field: str | None = None) -> ObjectAccess:
    access = access_for(obj)
    if not access.can_read:
        raise Forbidden(
            f"Your role cannot read {obj.label_plural.lower() or obj.name_plural}.",
            field=field or obj.name_plural,
        )
    return access


def field_of(obj: ObjectModel, name: str) -> str:
    relation = obj.join_field(name)
    return relation.name if relation is not None else name


def require_field(obj: ObjectModel, access: ObjectAccess, name: str) -> None:
    if field_of(obj, name) in access.unreadable_fields:
        raise Forbidden(
            f"Your role cannot read the field {name!r} of {obj.name_plural}.", field=name
        )


def require_filter(obj: ObjectModel, access: ObjectAccess, filter_: Any) -> None:
    if access.unreadable_fields:
        for name in filters.field_names(obj, filter_):
            require_field(obj, access, name)


def require_order(
    obj: ObjectModel, access: ObjectAccess, order_by: Sequence[Mapping[str, Any]] | None
) -> None:
    if access.unreadable_fields:
        for item in order_by or ():
            for name, value in (item or {}).items():
                if value is not None:
                    require_field(obj, access, name)


def row_condition(
    obj: ObjectModel, access: ObjectAccess, alias: sql.Identifier
) -> sql.Composable | None:
    if access.row_filter is None:
        return None
    return filters.match(obj, access.row_filter, alias)


def with_rows(
    obj: ObjectModel, access: ObjectAccess, alias: sql.Identifier, condition: sql.Composable
) -> sql.Composable:
    """`condition` AND the role's row-level filter."""
    rows = row_condition(obj, access, alias)
    return condition if rows is None else sql.SQL("({} AND {})").format(condition, rows)
