"""Field changes at runtime: create, rename, nullability, uniqueness, defaults, options, types,
delete; each atomic, each validated with a clear error."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from psycopg import sql

from crm.errors import BadUserInput, Conflict
from metadata.errors import (
    InvalidName,
    NameTaken,
    ProtectedMetadata,
    TooManyFields,
    UnsafeTypeChange,
)
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services.field_updates import update_field
from metadata.services.fields import FieldInput, create_field, delete_field
from tests.conftest import SeededWorkspace
from tests.metadata.conftest import columns_of, fetch

OPTIONS = [
    {"value": "LOW", "label": "Low", "color": "green"},
    {"value": "HIGH", "label": "High", "color": "red"},
]


def rows(schema: str, table: str, column: str) -> list[Any]:
    return [
        r[0]
        for r in fetch(
            sql.SQL("SELECT {} FROM {}.{} ORDER BY name").format(
                sql.Identifier(column), sql.Identifier(schema), sql.Identifier(table)
            )
        )
    ]


def insert_raw(schema: str, table: str, **values: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("INSERT INTO {}.{} ({}) VALUES ({})").format(
                sql.Identifier(schema), sql.Identifier(table),
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            list(values.values()),
        )  # fmt: skip


def test_create_field_adds_the_column(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    field = create_field(rocket.id, FieldInput("thrustKn", "NUMBER", "Thrust (kN)"))
    assert field.is_custom and not field.is_system
    assert columns_of(in_a.workspace.schema_name, "rocket")["thrust_kn"] == "double precision"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("Thrust", InvalidName), ("thrust_kn", InvalidName), ("id", InvalidName),
        ("createdAt", InvalidName), ("select", InvalidName), ("x" * 60, InvalidName),
        ("name", NameTaken), ("", InvalidName), ("1abc", InvalidName), ('a"; drop', InvalidName),
    ],
)  # fmt: skip
def test_field_name_validation(
    in_a: SeededWorkspace, rocket: ObjectMetadata, name: str, error: type[Exception]
) -> None:
    count = rocket.fields.count()
    with pytest.raises(error):
        create_field(rocket.id, FieldInput(name, "TEXT", "Label"))
    assert rocket.fields.count() == count


def test_physical_name_collision_is_refused(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    create_field(rocket.id, FieldInput("fooBar", "TEXT", "A"))
    with pytest.raises(NameTaken) as info:
        create_field(rocket.id, FieldInput("fooBAR", "TEXT", "B"))
    assert "foo_bar" in info.value.message


def test_unknown_type_and_bad_options(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    with pytest.raises(BadUserInput, match="Unknown field type"):
        create_field(rocket.id, FieldInput("x", "COLOUR", "X"))
    with pytest.raises(BadUserInput, match="UPPER_SNAKE"):
        create_field(
            rocket.id, FieldInput("x", "SELECT", "X", options=[{"value": "low", "label": "L"}])
        )
    with pytest.raises(BadUserInput, match="colour"):
        create_field(
            rocket.id,
            FieldInput(
                "x", "SELECT", "X", options=[{"value": "A", "label": "A", "color": "mauve"}]
            ),
        )
    with pytest.raises(BadUserInput, match="twice"):
        create_field(
            rocket.id, FieldInput("x", "SELECT", "X", options=[{"value": "A", "label": "A"}] * 2)
        )
    with pytest.raises(BadUserInput, match="no option"):
        create_field(
            rocket.id, FieldInput("x", "SELECT", "X", options=OPTIONS, default_value="MID")
        )


def test_required_field_needs_a_default_and_fills_existing_rows(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    schema = in_a.workspace.schema_name
    insert_raw(schema, "rocket", name="Saturn")
    with pytest.raises(BadUserInput) as info:
        create_field(rocket.id, FieldInput("stages", "NUMBER", "Stages", is_nullable=False))
    assert info.value.field == "defaultValue"
    create_field(
        rocket.id, FieldInput("stages", "NUMBER", "Stages", is_nullable=False, default_value=2)
    )
    assert rows(schema, "rocket", "stages") == [2.0]
    # NOT NULL holds in the database.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{schema}".rocket (stages) VALUES (NULL)')


def test_rename_is_a_column_rename_and_keeps_data_and_id(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    schema = in_a.workspace.schema_name
    field = create_field(rocket.id, FieldInput("fuel", "TEXT", "Fuel", is_unique=True))
    insert_raw(schema, "rocket", fuel="kerosene")
    renamed = update_field(field.id, {"name": "propellant", "label": "Propellant"})
    assert renamed.id == field.id
    columns = columns_of(schema, "rocket")
    assert "propellant" in columns and "fuel" not in columns
    assert rows(schema, "rocket", "propellant") == ["kerosene"]
    # The unique index followed the column, and dropping uniqueness finds it by its new name.
    indexes = {
        name
        for (name,) in fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = 'rocket'",
            [schema],
        )
    }
    assert "rocket_propellant_unique" in indexes and "rocket_fuel_unique" not in indexes
    update_field(field.id, {"isUnique": False})
    insert_raw(schema, "rocket", propellant="kerosene")


def test_unique_refuses_duplicates_with_conflict(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    schema = in_a.workspace.schema_name
    field = create_field(rocket.id, FieldInput("serial", "TEXT", "Serial"))
    insert_raw(schema, "rocket", serial="A1")
    insert_raw(schema, "rocket", serial="A1")
    with pytest.raises(Conflict):
        update_field(field.id, {"isUnique": True})
    assert FieldMetadata.objects.get(id=field.id).is_unique is False


def test_unique_ignores_soft_deleted_records(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    schema = in_a.workspace.schema_name
    create_field(rocket.id, FieldInput("code", "TEXT", "Code", is_unique=True))
    insert_raw(schema, "rocket", name="a", code="X", deleted_at="2024-01-01T00:00:00Z")
    insert_raw(schema, "rocket", name="b", code="X")
    assert rows(schema, "rocket", "code") == ["X", "X"]


def test_making_a_field_required_fails_cleanly_on_nulls(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    schema = in_a.workspace.schema_name
    field = create_field(rocket.id, FieldInput("crew", "NUMBER", "Crew"))
    insert_raw(schema, "rocket", name="empty")
    with pytest.raises(Conflict):
        update_field(field.id, {"isNullable": False})
    assert FieldMetadata.objects.get(id=field.id).is_nullable
    update_field(field.id, {"defaultValue": 3})
    update_field(field.id, {"isNullable": False})
    assert rows(schema, "rocket", "crew") == [3.0]


def test_select_options_rename_reorder_and_remove_move_stored_values(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    schema = in_a.workspace.schema_name
    field = create_field(rocket.id, FieldInput("risk", "SELECT", "Risk", options=OPTIONS))
    multi = create_field(rocket.id, FieldInput("tags", "MULTI_SELECT", "Tags", options=OPTIONS))
    insert_raw(schema, "rocket", name="a", risk="LOW", tags=["LOW", "HIGH"])
    insert_raw(schema, "rocket", name="b", risk="HIGH", tags=["HIGH"])
    assert field.options is not None and multi.options is not None
    low, high = field.options
    new = [
        {**high, "position": 0},
        {**low, "value": "MINOR", "label": "Minor", "position": 1},
    ]
    update_field(field.id, {"options": new})
    assert rows(schema, "rocket", "risk") == ["MINOR", "HIGH"]
    assert [o["value"] for o in FieldMetadata.objects.get(id=field.id).options or []] == [
        "HIGH",
        "MINOR",
    ]
    update_field(field.id, {"options": [{**low, "value": "MINOR", "label": "Minor"}]})
    assert rows(schema, "rocket", "risk") == ["MINOR", None]

    m_low = multi.options[0]
    update_field(multi.id, {"options": [{**m_low, "value": "SMALL", "label": "Small"}]})
    assert rows(schema, "rocket", "tags") == [["SMALL"], []]


def test_type_changes_keep_values_or_are_refused(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    schema = in_a.workspace.schema_name
    field = create_field(rocket.id, FieldInput("height", "TEXT", "Height"))
    insert_raw(schema, "rocket", name="a", height=" 110.5 ")
    insert_raw(schema, "rocket", name="b", height="")
    update_field(field.id, {"type": "NUMBER"})
    assert columns_of(schema, "rocket")["height"] == "double precision"
    assert rows(schema, "rocket", "height") == [110.5, None]
    with pytest.raises(UnsafeTypeChange) as info:
        update_field(field.id, {"type": "BOOLEAN"})
    assert "NUMERIC" in info.value.message

    bad = create_field(rocket.id, FieldInput("mass", "TEXT", "Mass"))
    insert_raw(schema, "rocket", mass="heavy")
    with pytest.raises(UnsafeTypeChange):
        update_field(bad.id, {"type": "NUMBER"})
    assert FieldMetadata.objects.get(id=bad.id).type == "TEXT"
    assert columns_of(schema, "rocket")["mass"] == "text"


def test_select_to_multi_select(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    schema = in_a.workspace.schema_name
    field = create_field(rocket.id, FieldInput("level", "SELECT", "Level", options=OPTIONS))
    insert_raw(schema, "rocket", level="HIGH")
    update_field(field.id, {"type": "MULTI_SELECT"})
    assert rows(schema, "rocket", "level") == [["HIGH"]]


def test_delete_field_drops_its_columns(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    field = create_field(rocket.id, FieldInput("owner", "FULL_NAME", "Owner"))
    assert "owner_first_name" in columns_of(in_a.workspace.schema_name, "rocket")
    delete_field(field.id)
    columns = columns_of(in_a.workspace.schema_name, "rocket")
    assert "owner_first_name" not in columns and "owner_last_name" not in columns
    assert not FieldMetadata.objects.filter(id=field.id).exists()


def test_system_fields_and_label_identifier_are_protected(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    with pytest.raises(ProtectedMetadata):
        delete_field(rocket.fields.get(name="createdAt").id)
    with pytest.raises(ProtectedMetadata):
        update_field(rocket.fields.get(name="id").id, {"name": "key"})
    with pytest.raises(ProtectedMetadata):
        delete_field(rocket.fields.get(name="name").id)
    assert update_field(rocket.fields.get(name="createdAt").id, {"label": "Born"}).label == "Born"


def test_deactivate_keeps_the_column(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    field = create_field(rocket.id, FieldInput("notes", "TEXT", "Notes"))
    assert update_field(field.id, {"isActive": False}).is_active is False
    assert "notes" in columns_of(in_a.workspace.schema_name, "rocket")


def test_field_cap(in_a: SeededWorkspace, rocket: ObjectMetadata, settings: Any) -> None:
    settings.MAX_FIELDS_PER_OBJECT = rocket.fields.count() + 1
    create_field(rocket.id, FieldInput("one", "TEXT", "One"))
    with pytest.raises(TooManyFields):
        create_field(rocket.id, FieldInput("two", "TEXT", "Two"))


def test_unknown_update_attribute(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    field = rocket.fields.get(name="name")
    with pytest.raises(BadUserInput, match="colour"):
        update_field(field.id, {"colour": "red"})
