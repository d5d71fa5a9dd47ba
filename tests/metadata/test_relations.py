"""Relations from both sides: MANY_TO_ONE / ONE_TO_MANY pairs and MANY_TO_MANY junctions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from psycopg import sql

from crm.errors import BadUserInput
from metadata.errors import NameTaken, ObjectNotFound
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services.fields import FieldInput, RelationInput, create_field, delete_field
from metadata.services.objects import ObjectInput, create_object, delete_object
from tests.conftest import SeededWorkspace
from tests.metadata.conftest import columns_of, fetch, table_exists


@pytest.fixture
def launch_pad(in_a: SeededWorkspace) -> ObjectMetadata:
    return create_object(ObjectInput("launchPad", "launchPads", "Launch pad", "Launch pads"))


def relate(source: ObjectMetadata, target: ObjectMetadata, kind: str, name: str,
           target_label: str, on_delete: str = "SET_NULL") -> FieldMetadata:  # fmt: skip
    return create_field(
        source.id,
        FieldInput(
            name, "RELATION", name.title(),
            relation=RelationInput(target.id, kind, target_label, on_delete=on_delete),
        ),
    )  # fmt: skip


def insert(schema: str, table: str, **values: Any) -> uuid.UUID:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("INSERT INTO {}.{} ({}) VALUES ({}) RETURNING id").format(
                sql.Identifier(schema), sql.Identifier(table),
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            list(values.values()),
        )  # fmt: skip
        row = cursor.fetchone()
        assert row is not None
        return uuid.UUID(str(row[0]))


def test_many_to_one_pair(
    in_a: SeededWorkspace, rocket: ObjectMetadata, launch_pad: ObjectMetadata
) -> None:
    pad = relate(rocket, launch_pad, "MANY_TO_ONE", "launchPad", "Rockets")
    partner = pad.relation_target_field
    assert partner is not None
    assert partner.object_id == launch_pad.id and partner.name == "rockets"
    assert partner.settings == {"relationType": "ONE_TO_MANY"}
    assert pad.settings == {"relationType": "MANY_TO_ONE", "onDelete": "SET_NULL"}
    assert partner.relation_target_field_id == pad.id
    schema = in_a.workspace.schema_name
    assert columns_of(schema, "rocket")["launch_pad_id"] == "uuid"
    assert "rockets_id" not in columns_of(schema, "launch_pad")

    pad_id = insert(schema, "launch_pad", name="LC-39A")
    rocket_id = insert(schema, "rocket", name="Saturn V", launch_pad_id=pad_id)
    # Read from both sides.
    assert fetch(f'SELECT launch_pad_id FROM "{schema}".rocket WHERE id = %s', [rocket_id]) == [
        (pad_id,)
    ]
    assert fetch(f'SELECT id FROM "{schema}".rocket WHERE launch_pad_id = %s', [pad_id]) == [
        (rocket_id,)
    ]
    # The foreign key holds; SET_NULL on a hard delete of the pad.
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(schema, "rocket", name="Ghost", launch_pad_id=uuid.uuid4())
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schema}".launch_pad WHERE id = %s', [pad_id])
    assert fetch(f'SELECT launch_pad_id FROM "{schema}".rocket WHERE id = %s', [rocket_id]) == [
        (None,)
    ]


def test_one_to_many_from_the_other_side_with_cascade(
    in_a: SeededWorkspace, rocket: ObjectMetadata, launch_pad: ObjectMetadata
) -> None:
    relate(launch_pad, rocket, "ONE_TO_MANY", "rockets", "Launch pad", on_delete="CASCADE")
    owner = FieldMetadata.objects.get(object=rocket, name="launchPad")
    assert owner.settings == {"relationType": "MANY_TO_ONE", "onDelete": "CASCADE"}
    schema = in_a.workspace.schema_name
    pad_id = insert(schema, "launch_pad", name="Pad")
    insert(schema, "rocket", name="R", launch_pad_id=pad_id)
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schema}".launch_pad WHERE id = %s', [pad_id])
    assert fetch(f'SELECT count(*) FROM "{schema}".rocket') == [(0,)]


def test_restrict_blocks_the_hard_delete(
    in_a: SeededWorkspace, rocket: ObjectMetadata, launch_pad: ObjectMetadata
) -> None:
    relate(rocket, launch_pad, "MANY_TO_ONE", "launchPad", "Rockets", on_delete="RESTRICT")
    schema = in_a.workspace.schema_name
    pad_id = insert(schema, "launch_pad", name="Pad")
    insert(schema, "rocket", name="R", launch_pad_id=pad_id)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{schema}".launch_pad WHERE id = %s', [pad_id])


def test_many_to_many_has_a_junction_and_reads_from_both_sides(
    in_a: SeededWorkspace, rocket: ObjectMetadata, launch_pad: ObjectMetadata
) -> None:
    pads = relate(rocket, launch_pad, "MANY_TO_MANY", "pads", "Visiting rockets")
    partner = pads.relation_target_field
    assert partner is not None and partner.name == "visitingRockets"
    assert pads.settings is not None and partner.settings is not None
    junction = pads.settings["junctionTable"]
    assert partner.settings["junctionTable"] == junction
    schema = in_a.workspace.schema_name
    assert set(columns_of(schema, junction)) == {"rocket_id", "launch_pad_id", "created_at"}
    assert "pads_id" not in columns_of(schema, "rocket")
    r1, r2 = insert(schema, "rocket", name="a"), insert(schema, "rocket", name="b")
    p1 = insert(schema, "launch_pad", name="p")
    with connection.cursor() as cursor:
        for r in (r1, r2):
            cursor.execute(
                sql.SQL("INSERT INTO {}.{} (rocket_id, launch_pad_id) VALUES (%s, %s)").format(
                    sql.Identifier(schema), sql.Identifier(junction)
                ),
                [r, p1],
            )
    both = fetch(sql.SQL("SELECT rocket_id FROM {}.{} WHERE launch_pad_id = %s").format(
        sql.Identifier(schema), sql.Identifier(junction)), [p1])  # fmt: skip
    assert {row[0] for row in both} == {r1, r2}

    delete_field(partner.id)
    assert not table_exists(schema, junction)
    assert not FieldMetadata.objects.filter(id__in=[pads.id, partner.id]).exists()


def test_many_to_many_on_one_object(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    field = relate(rocket, rocket, "MANY_TO_MANY", "variants", "Variant of")
    assert field.settings is not None
    columns = set(columns_of(in_a.workspace.schema_name, field.settings["junctionTable"]))
    assert {"source_rocket_id", "target_rocket_id"} <= columns


def test_deleting_a_relation_drops_both_sides(
    in_a: SeededWorkspace, rocket: ObjectMetadata, launch_pad: ObjectMetadata
) -> None:
    pad = relate(rocket, launch_pad, "MANY_TO_ONE", "launchPad", "Rockets")
    delete_field(pad.relation_target_field_id)
    assert "launch_pad_id" not in columns_of(in_a.workspace.schema_name, "rocket")
    assert not FieldMetadata.objects.filter(object=rocket, name="launchPad").exists()


def test_deleting_an_object_removes_the_relations_pointing_at_it(
    in_a: SeededWorkspace, rocket: ObjectMetadata, launch_pad: ObjectMetadata
) -> None:
    relate(rocket, launch_pad, "MANY_TO_ONE", "launchPad", "Rockets")
    delete_object(launch_pad.id)
    assert not FieldMetadata.objects.filter(object=rocket, name="launchPad").exists()
    assert "launch_pad_id" not in columns_of(in_a.workspace.schema_name, "rocket")


def test_relation_validation(
    in_a: SeededWorkspace, rocket: ObjectMetadata, launch_pad: ObjectMetadata
) -> None:
    with pytest.raises(ObjectNotFound):
        relate(rocket, ObjectMetadata(id=uuid.uuid4()), "MANY_TO_ONE", "x", "Y")
    with pytest.raises(BadUserInput, match="relation type"):
        relate(rocket, launch_pad, "ONE_TO_ONE", "x", "Y")
    with pytest.raises(BadUserInput, match="relationCreationPayload"):
        create_field(rocket.id, FieldInput("x", "RELATION", "X"))
    relate(rocket, launch_pad, "MANY_TO_ONE", "launchPad", "Rockets")
    # `launchPadId` is the API name of the join column: taken too.
    with pytest.raises(NameTaken):
        create_field(rocket.id, FieldInput("launchPadId", "TEXT", "X"))
    with pytest.raises(NameTaken):
        relate(rocket, launch_pad, "MANY_TO_ONE", "otherPad", "Rockets")
    assert not FieldMetadata.objects.filter(name="otherPad").exists()
