from __future__ import annotations

from django.db import connection

from metadata.models import ObjectMetadata
from metadata.services.drift import find_drift, repair
from metadata.services.fields import FieldInput, create_field
from metadata.services.objects import ObjectInput, create_object
from tests.conftest import SeededWorkspace
from tests.metadata.conftest import columns_of, table_exists


def test_drift_is_found_and_repaired(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    schema = in_a.workspace.schema_name
    create_field(rocket.id, FieldInput("fuel", "TEXT", "Fuel", is_unique=True))
    create_field(rocket.id, FieldInput("mass", "NUMBER", "Mass"))
    create_object(ObjectInput("moon", "moons", "Moon", "Moons"))
    assert find_drift(schema).problems == []

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{schema}".rocket DROP COLUMN fuel')
        cursor.execute(f'ALTER TABLE "{schema}".rocket ALTER COLUMN mass TYPE text')
        cursor.execute(f'ALTER TABLE "{schema}".rocket ADD COLUMN stray integer')
        cursor.execute(f'DROP TABLE "{schema}".moon CASCADE')

    problems = find_drift(schema).problems
    assert "missing column rocket.fuel (rocket.fuel)" in problems
    assert "column rocket.mass is text, metadata says double precision" in problems
    assert "missing table moon (object moon)" in problems
    assert "missing unique index rocket_fuel_unique" in problems
    assert any("unexpected column rocket.stray" in p for p in problems)

    assert repair(schema) == problems
    columns = columns_of(schema, "rocket")
    assert columns["fuel"] == "text" and columns["mass"] == "double precision"
    assert table_exists(schema, "moon")
    assert columns["stray"] == "integer"  # never dropped: it may hold data
    assert [p for p in find_drift(schema).problems if "stray" not in p] == []
