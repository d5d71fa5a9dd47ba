"""Changing a field: labels, name, nullability, uniqueness, default, options and type.

Every change runs in one schema_change(): the metadata row, the DDL and the data migration of
stored values (renamed or removed options, converted types) commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import DataError
from django.utils import timezone
from psycopg import sql

from crm.errors import BadUserInput, Conflict
from metadata.errors import ProtectedMetadata, UnsafeTypeChange
from metadata.field_types.base import FieldSpec
from metadata.field_types.options import normalize_options
from metadata.field_types.registry import get_field_type
from metadata.models import FieldMetadata
from metadata.services import conversions, ddl, indexes
from metadata.services.changes import execute, schema_change
from metadata.services.fields import check_field_free, get_field
from metadata.services.specs import field_spec
from metadata.services.validation import validate_field_name

UPDATABLE = {
    "label", "description", "icon", "isActive", "name", "isNullable", "isUnique",
    "defaultValue", "options", "type", "settings",
}  # fmt: skip
CORE = {"name", "type", "isNullable", "isUnique", "defaultValue", "options", "settings"}


def update_field(field_id: Any, update: Mapping[str, Any]) -> FieldMetadata:
    unknown = set(update) - UPDATABLE
    if unknown:
        raise BadUserInput(f"Fields have no updatable attribute {sorted(unknown)[0]!r}.")
    try:
        with schema_change() as schema:
            field = get_field(field_id)
            if field.is_system and set(update) & (CORE | {"isActive"}):
                raise ProtectedMetadata(f"The system field {field.name!r} cannot be changed.")
            if not field.is_custom and set(update) & CORE - {"options", "defaultValue"}:
                raise ProtectedMetadata(
                    f"Only labels, options and the default of the standard field {field.name!r} "
                    "can change."
                )
            _apply(schema, field, update)
            field.updated_at = timezone.now()
            field.save()
    except DataError:
        raise UnsafeTypeChange(
            "Some stored values cannot be converted to the new type; nothing was changed.",
            field="type",
        ) from None
    return field


def _apply(schema: str, field: FieldMetadata, update: Mapping[str, Any]) -> None:
    table = field.object.table_name
    for key, attribute in (("label", "label"), ("description", "description"), ("icon", "icon")):
        if key in update:
            setattr(field, attribute, update[key])
    if "isActive" in update:
        if update["isActive"] is False and field.object.label_identifier_field_id == field.id:
            raise ProtectedMetadata(f"{field.name!r} is the label identifier; it stays active.")
        field.is_active = bool(update["isActive"])
    if "type" in update and update["type"] != field.type:
        _change_type(schema, table, field, str(update["type"]), update.get("options"))
    elif "options" in update:
        _change_options(schema, table, field, update["options"])
    if "name" in update and update["name"] != field.name:
        _rename(schema, table, field, validate_field_name(update["name"]))
    if "defaultValue" in update:
        _change_default(schema, table, field, update["defaultValue"])
    if "isNullable" in update and bool(update["isNullable"]) != field.is_nullable:
        _change_nullable(schema, table, field, bool(update["isNullable"]))
    if "isUnique" in update and bool(update["isUnique"]) != field.is_unique:
        spec = field_spec(field)
        if update["isUnique"]:
            execute(ddl.unique_index(schema, table, spec))
        else:
            execute(ddl.drop_unique_index(schema, table, spec))
        field.is_unique = bool(update["isUnique"])
    if "settings" in update:
        if field.type == "RELATION":
            raise BadUserInput("The settings of a relation cannot change.", field="settings")
        field.settings = dict(update["settings"] or {}) or None


def _rename(schema: str, table: str, field: FieldMetadata, new_name: str) -> None:
    """An instant rename of the column(s) and the indexes named after them; the id stays."""
    old_spec = field_spec(field)
    new_spec = FieldSpec(**{**old_spec.__dict__, "name": new_name})
    field_type = get_field_type(field.type)
    old_columns = [c.name for c in field_type.columns(old_spec)]
    new_columns = [c.name for c in field_type.columns(new_spec)]
    check_field_free(field.object, new_name, [c for c in new_columns if c not in old_columns])
    if field.is_unique:
        old_index = ddl.index_name(table, field_type.unique_columns(old_spec)[0], "unique")
        new_index = ddl.index_name(table, field_type.unique_columns(new_spec)[0], "unique")
        execute(
            [
                sql.SQL("ALTER INDEX {} RENAME TO {}").format(
                    ddl.qualified(schema, old_index), sql.Identifier(new_index)
                )
            ]
        )
    execute(
        ddl.rename_column(schema, table, old, new)
        for old, new in zip(old_columns, new_columns, strict=True)
    )
    indexes.forget_field(field.object_id, field.name, new_name)
    field.name = new_name


def _column(field: FieldMetadata) -> str:
    columns = get_field_type(field.type).columns(field_spec(field))
    if len(columns) != 1:
        raise BadUserInput(
            f"Field {field.name!r} is of type {field.type}, whose sub-fields have no single "
            "default or required flag.",
            field="type",
        )
    return columns[0].name


def _change_default(schema: str, table: str, field: FieldMetadata, value: Any) -> None:
    field.default_value = value
    spec = field_spec(field)
    field_type = get_field_type(field.type)
    field_type.validate_definition(spec)
    column = field_type.columns(spec)
    if field_type.is_composite or not column:
        return
    target = ddl.qualified(schema, table)
    if value is None:
        execute(
            [
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(
                    target, sql.Identifier(column[0].name)
                )
            ]
        )
    else:
        execute([sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}").format(
            target, sql.Identifier(column[0].name), ddl.literal(column[0], column[0].default)
        )])  # fmt: skip


def _change_nullable(schema: str, table: str, field: FieldMetadata, nullable: bool) -> None:
    column = sql.Identifier(_column(field))
    target = ddl.qualified(schema, table)
    if nullable:
        execute([sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL").format(target, column)])
    else:
        if field.default_value is not None:
            default = get_field_type(field.type).columns(field_spec(field))[0]
            execute([sql.SQL("UPDATE {} SET {} = {} WHERE {} IS NULL").format(
                target, column, ddl.literal(default, default.default), column
            )])  # fmt: skip
        execute([sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL").format(target, column)])
    field.is_nullable = nullable


def _change_options(schema: str, table: str, field: FieldMetadata, raw: Any) -> None:
    """New options; stored values follow renamed options (matched by id) and removed ones
    are cleared."""
    if field.type not in ("SELECT", "MULTI_SELECT"):
        raise BadUserInput(
            f"Field {field.name!r} of type {field.type} has no options.", field="options"
        )
    new = normalize_options(field.name, raw)
    old_by_id = {str(o["id"]): str(o["value"]) for o in field.options or []}
    new_by_id = {str(o["id"]): str(o["value"]) for o in new}
    new_values = set(new_by_id.values())
    column = sql.Identifier(_column(field))
    target = ddl.qualified(schema, table)
    statements: list[sql.Composable] = []
    renamed = {
        old_by_id[i]: new_by_id[i]
        for i in old_by_id
        if i in new_by_id and old_by_id[i] != new_by_id[i]
    }
    removed = [v for i, v in old_by_id.items() if i not in new_by_id and v not in new_values]
    if field.type == "SELECT":
        if renamed:
            cases = sql.SQL(" ").join(
                sql.SQL("WHEN {} THEN {}").format(sql.Literal(old), sql.Literal(new_value))
                for old, new_value in renamed.items()
            )
            statements.append(sql.SQL("UPDATE {} SET {} = CASE {} {} END WHERE {} = ANY({})").format(
                target, column, column, cases, column, sql.Literal(list(renamed))
            ))  # fmt: skip
        if removed:
            statements.append(sql.SQL("UPDATE {} SET {} = NULL WHERE {} = ANY({})").format(
                target, column, column, sql.Literal(removed)
            ))  # fmt: skip
    else:
        expression: sql.Composable = column
        for old, new_value in renamed.items():
            expression = sql.SQL("array_replace({}, {}, {})").format(
                expression, sql.Literal(old), sql.Literal(new_value)
            )
        for old in removed:
            expression = sql.SQL("array_remove({}, {})").format(expression, sql.Literal(old))
        if renamed or removed:
            statements.append(sql.SQL("UPDATE {} SET {} = {} WHERE {} && {}::text[]").format(
                target, column, expression, column, sql.Literal([*renamed, *removed])
            ))  # fmt: skip
    execute(statements)
    field.options = new
    if field.default_value is not None:
        try:
            get_field_type(field.type).validate_definition(field_spec(field))
        except BadUserInput:
            raise Conflict(
                f"The default of {field.name!r} is not among the new options; change it first.",
                field="defaultValue",
            ) from None


def _change_type(
    schema: str, table: str, field: FieldMetadata, new_type: str, options: Any
) -> None:
    get_field_type(new_type)
    old_type = field.type
    if not field.is_custom:
        raise ProtectedMetadata(f"The type of the standard field {field.name!r} cannot change.")
    column = _column(field)
    expression = conversions.using(old_type, new_type, column)
    if expression is None:
        raise UnsafeTypeChange(
            f"Changing {field.name!r} from {old_type} to {new_type} could lose data; "
            f"supported changes from {old_type}: "
            + (
                ", ".join(sorted(t for f, t in conversions.SAFE_CONVERSIONS if f == old_type))
                or "none"
            ),
            field="type",
        )
    field.type = new_type
    if new_type in ("SELECT", "MULTI_SELECT"):
        field.options = normalize_options(
            field.name, options if options is not None else field.options
        )
    elif options is not None:
        raise BadUserInput(f"Type {new_type} has no options.", field="options")
    else:
        field.options = None
    new_column = get_field_type(new_type).columns(field_spec(field))[0]
    target = ddl.qualified(schema, table)
    statements: list[sql.Composable] = [
        sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(
            target, sql.Identifier(column)
        ),
        sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}").format(
            target, sql.Identifier(column), sql.SQL(new_column.sql_type), expression
        ),
    ]
    if new_type in ("SELECT", "MULTI_SELECT"):
        allowed = [str(o["value"]) for o in field.options or []]
        check = (
            "SELECT count(*) FROM {} WHERE {} IS NOT NULL AND NOT ({} = ANY({}))"
            if new_type == "SELECT"
            else "SELECT count(*) FROM {} WHERE NOT ({} <@ {}::text[])"
        )
        execute(statements)
        statements = []
        from django.db import connection

        with connection.cursor() as cursor:
            if new_type == "SELECT":
                cursor.execute(
                    sql.SQL(check).format(
                        target, sql.Identifier(column), sql.Identifier(column), sql.Literal(allowed)
                    )
                )
            else:
                cursor.execute(
                    sql.SQL(check).format(target, sql.Identifier(column), sql.Literal(allowed))
                )
            row = cursor.fetchone()
        if row and row[0]:
            raise UnsafeTypeChange(
                f"{row[0]} record(s) hold values of {field.name!r} that are not among the options.",
                field="options",
            )
    field.default_value = None
    execute(statements)
