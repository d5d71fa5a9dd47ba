from __future__ import annotations

import pytest
from django.db import connection

from crm.errors import BadUserInput, Conflict
from metadata.models import IndexMetadata, ObjectMetadata
from metadata.services.drift import find_drift, repair
from metadata.services.field_updates import update_field
from metadata.services.fields import FieldInput, create_field, delete_field
from metadata.services.indexes import create_index, delete_index
from tests.conftest import SeededWorkspace
from tests.metadata.conftest import fetch


def index_names(schema: str) -> set[str]:
    return {n for (n,) in fetch("SELECT indexname FROM pg_indexes WHERE schemaname = %s", [schema])}


def test_indexes_are_created_followed_and_dropped(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    schema = in_a.workspace.schema_name
    fuel = create_field(rocket.id, FieldInput("fuel", "TEXT", "Fuel"))
    create_field(rocket.id, FieldInput("tags", "ARRAY", "Tags"))
    btree = create_index(rocket.id, ["fuel", "name"])
    gin = create_index(rocket.id, ["tags"], index_type="GIN")
    assert {btree.name, gin.name} <= index_names(schema)
    assert find_drift(schema).problems == []

    update_field(fuel.id, {"name": "propellant"})
    assert IndexMetadata.objects.get(id=btree.id).field_names == ["propellant", "name"]
    assert btree.name in index_names(schema)

    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{schema}"."{gin.name}"')
    assert find_drift(schema).problems == [f"missing index {gin.name}"]
    repair(schema)
    assert gin.name in index_names(schema)

    delete_index(gin.id)
    assert gin.name not in index_names(schema)
    delete_field(fuel.id)
    assert not IndexMetadata.objects.filter(id=btree.id).exists()


def test_index_validation(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    with pytest.raises(BadUserInput, match="no field"):
        create_index(rocket.id, ["nope"])
    with pytest.raises(BadUserInput, match="GIN"):
        create_index(rocket.id, ["name"], index_type="GIN")
    with pytest.raises(BadUserInput):
        create_index(rocket.id, [])


def test_unique_index_refuses_duplicates(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    schema = in_a.workspace.schema_name
    fetch(f"INSERT INTO \"{schema}\".rocket (name) VALUES ('a'), ('a') RETURNING id")
    with pytest.raises(Conflict):
        create_index(rocket.id, ["name"], is_unique=True)
    assert not IndexMetadata.objects.filter(object=rocket).exists()
