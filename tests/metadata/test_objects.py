from __future__ import annotations

import pytest

from crm.errors import ApiError
from metadata.errors import InvalidName, NameTaken, ObjectNotFound, ProtectedMetadata
from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import ddl
from metadata.services.objects import ObjectInput, create_object, delete_object, update_object
from tests.conftest import SeededWorkspace
from tests.metadata.conftest import columns_of, table_exists
from workspaces.models import Workspace


def version(ws: SeededWorkspace) -> int:
    return Workspace.objects.get(id=ws.workspace.id).metadata_version


def test_create_object_makes_table_system_fields_and_bumps_version(in_a: SeededWorkspace) -> None:
    before = version(in_a)
    obj = create_object(ObjectInput("spaceShip", "spaceShips", "Space ship", "Space ships"))
    assert obj.table_name == "space_ship"
    assert obj.is_custom
    names = set(obj.fields.values_list("name", flat=True))
    assert names == {
        "id", "createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "position",
        "searchVector", "name", "noteTargets", "taskTargets", "attachments", "favorites",
        "timelineActivities",
    }  # fmt: skip
    assert obj.fields.get(name="createdAt").is_system
    assert obj.label_identifier_field_id == obj.fields.get(name="name").id
    columns = columns_of(in_a.workspace.schema_name, "space_ship")
    assert columns["id"] == "uuid"
    assert columns["created_at"] == "timestamp with time zone"
    assert columns["created_by_source"] == "text"
    assert columns["created_by_workspace_member_id"] == "uuid"
    assert columns["search_vector"] == "tsvector"
    assert columns["name"] == "text"
    assert columns["position"] == "double precision"
    assert version(in_a) > before


def test_search_vector_is_generated_from_the_name(in_a: SeededWorkspace) -> None:
    from django.db import connection

    create_object(ObjectInput("planet", "planets", "Planet", "Planets"))
    schema = in_a.workspace.schema_name
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO "{schema}".planet (name) VALUES (%s)', ["Blue Giant"])
        cursor.execute(
            f'SELECT count(*) FROM "{schema}".planet '
            "WHERE search_vector @@ to_tsquery('simple', 'giant')"
        )
        assert cursor.fetchone() == (1,)


@pytest.mark.parametrize(
    ("singular", "plural", "error", "field"),
    [
        ("Rocket", "rockets", InvalidName, "nameSingular"),
        ("rock_et", "rockets", InvalidName, "nameSingular"),
        ("rocket", "rocket", InvalidName, "namePlural"),
        ("select", "selects", InvalidName, "nameSingular"),
        ("user", "rockets", InvalidName, "nameSingular"),
        ("a" * 60, "rockets", InvalidName, "nameSingular"),
        ("person", "persons", NameTaken, "nameSingular"),
    ],
)
def test_object_name_validation(
    in_a: SeededWorkspace, singular: str, plural: str, error: type[ApiError], field: str
) -> None:
    count = ObjectMetadata.objects.count()
    with pytest.raises(error) as info:
        create_object(ObjectInput(singular, plural, "L", "Ls"))
    assert info.value.field == field
    assert info.value.message
    assert ObjectMetadata.objects.count() == count


def test_plural_cannot_reuse_another_objects_singular(in_a: SeededWorkspace) -> None:
    create_object(ObjectInput("rocket", "rockets", "Rocket", "Rockets"))
    with pytest.raises(NameTaken):
        create_object(ObjectInput("booster", "rocket", "Booster", "Boosters"))


def test_a_failure_half_way_leaves_metadata_tables_and_version_as_before(
    in_a: SeededWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = version(in_a)
    real = ddl.create_table

    def create_then_fail(*args: object, **kwargs: object) -> list[object]:
        from psycopg import sql

        return [*real(*args, **kwargs), sql.SQL("SELECT 1 / 0")]  # type: ignore[arg-type]

    monkeypatch.setattr(ddl, "create_table", create_then_fail)
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll everything back
        create_object(ObjectInput("comet", "comets", "Comet", "Comets"))
    assert not ObjectMetadata.objects.filter(name_singular="comet").exists()
    assert not FieldMetadata.objects.filter(object__name_singular="comet").exists()
    assert not table_exists(in_a.workspace.schema_name, "comet")
    assert version(in_a) == before


def test_a_version_is_never_reused_after_a_rollback(in_a: SeededWorkspace) -> None:
    """Caches are keyed by (workspace, version): a rolled-back change must not free its number
    for a later change that builds another data model."""
    from django.db import transaction

    class Abandon(Exception):
        pass

    before = version(in_a)
    with pytest.raises(Abandon), transaction.atomic():
        create_object(ObjectInput("comet", "comets", "Comet", "Comets"))
        abandoned = version(in_a)
        assert abandoned > before
        raise Abandon
    assert version(in_a) == before
    create_object(ObjectInput("asteroid", "asteroids", "Asteroid", "Asteroids"))
    assert version(in_a) > abandoned


def test_rename_object_renames_the_table_and_keeps_the_id(
    in_a: SeededWorkspace, rocket: ObjectMetadata
) -> None:
    renamed = update_object(
        rocket.id, {"nameSingular": "launcher", "namePlural": "launchers", "labelSingular": "L"}
    )
    assert renamed.id == rocket.id
    assert renamed.table_name == "launcher"
    assert table_exists(in_a.workspace.schema_name, "launcher")
    assert not table_exists(in_a.workspace.schema_name, "rocket")


def test_delete_object_drops_the_table(in_a: SeededWorkspace, rocket: ObjectMetadata) -> None:
    delete_object(rocket.id)
    assert not ObjectMetadata.objects.filter(id=rocket.id).exists()
    assert not table_exists(in_a.workspace.schema_name, "rocket")


def test_every_workspace_is_born_with_the_standard_objects(in_a: SeededWorkspace) -> None:
    from metadata.standard.catalogue import standard_catalogue

    standard = {o.name_singular for o in ObjectMetadata.objects.filter(is_custom=False)}
    assert standard == {d.name_singular for d in standard_catalogue()}
    for name in ("company", "person", "opportunity", "workspaceMember", "calendarEvent"):
        assert table_exists(in_a.workspace.schema_name, name.lower() if name.islower() else
                            ObjectMetadata.objects.get(name_singular=name).table_name)  # fmt: skip
    person = ObjectMetadata.objects.get(name_singular="person")
    assert person.fields.get(name="emails").is_unique
    assert columns_of(in_a.workspace.schema_name, "person")["company_id"] == "uuid"


def test_standard_objects_cannot_be_deleted_or_renamed(in_a: SeededWorkspace) -> None:
    standard = ObjectMetadata.objects.get(name_singular="company")
    with pytest.raises(ProtectedMetadata):
        delete_object(standard.id)
    with pytest.raises(ProtectedMetadata):
        update_object(standard.id, {"nameSingular": "firm", "namePlural": "firms"})
    assert table_exists(in_a.workspace.schema_name, "company")
    assert update_object(standard.id, {"labelPlural": "Accounts"}).label_plural == "Accounts"


def test_unknown_object_is_not_found(in_a: SeededWorkspace) -> None:
    with pytest.raises(ObjectNotFound):
        delete_object("5d1e4b8e-0000-4000-8000-000000000000")
    with pytest.raises(ObjectNotFound):
        update_object("not-a-uuid", {"label": "x"} and {"labelSingular": "x"})


def test_a_change_in_a_leaves_b_untouched(in_a: SeededWorkspace, ws_b: SeededWorkspace) -> None:
    before_b = version(ws_b)
    create_object(ObjectInput("asteroid", "asteroids", "Asteroid", "Asteroids"))
    assert table_exists(in_a.workspace.schema_name, "asteroid")
    assert not table_exists(ws_b.workspace.schema_name, "asteroid")
    assert version(ws_b) == before_b


def test_a_custom_object_can_carry_notes_tasks_and_timeline(in_a: SeededWorkspace) -> None:
    obj = create_object(ObjectInput("rocket", "rockets", "Rocket", "Rockets"))
    names = set(obj.fields.values_list("name", flat=True))
    assert {"noteTargets", "taskTargets", "attachments", "favorites", "timelineActivities"} <= names
    schema = in_a.workspace.schema_name
    for table in ("note_target", "task_target", "attachment", "favorite", "timeline_activity"):
        assert columns_of(schema, table)["rocket_id"] == "uuid"
    delete_object(obj.id)
    assert "rocket_id" not in columns_of(schema, "note_target")
    assert not FieldMetadata.objects.filter(name="rocket").exists()
