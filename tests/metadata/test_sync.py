"""sync_metadata's engine: adds what is new, updates what changed, leaves custom objects
alone, is idempotent and finishes after an interruption."""

from __future__ import annotations

import dataclasses

import pytest

from metadata.models import FieldMetadata, ObjectMetadata
from metadata.services import sync as sync_module
from metadata.services.fields import FieldInput, create_field
from metadata.services.objects import ObjectInput, create_object
from metadata.services.sync import sync
from metadata.standard.definitions import FieldDef, ObjectDef, many_to_one, one_to_many
from tests.conftest import SeededWorkspace
from tests.metadata.conftest import columns_of, table_exists

GALAXY = ObjectDef(
    "galaxy", "galaxies", "Galaxy", "Galaxies", icon="IconGalaxy",
    fields=(
        FieldDef("name", "TEXT", "Name"),
        one_to_many("stars", "Stars", target="star", inverse="galaxy"),
    ),
    search_fields=("name",),
)  # fmt: skip
STAR = ObjectDef(
    "star", "stars", "Star", "Stars",
    fields=(
        FieldDef("name", "TEXT", "Name"),
        FieldDef("mass", "NUMBER", "Mass"),
        many_to_one("galaxy", "Galaxy", target="galaxy", inverse="stars", on_delete="CASCADE"),
    ),
)  # fmt: skip


def test_sync_creates_the_catalogue_then_does_nothing(in_a: SeededWorkspace) -> None:
    lines = sync([GALAXY, STAR])
    assert "create object galaxy" in lines and "create object star" in lines
    assert any(line.startswith("create relation star.galaxy") for line in lines)
    schema = in_a.workspace.schema_name
    assert columns_of(schema, "star")["galaxy_id"] == "uuid"
    galaxy = ObjectMetadata.objects.get(name_singular="galaxy")
    assert not galaxy.is_custom and galaxy.standard_id == GALAXY.standard_id
    stars = FieldMetadata.objects.get(object=galaxy, name="stars")
    assert stars.standard_id == GALAXY.field_standard_id(GALAXY.fields[1])
    assert not stars.is_custom
    assert sync([GALAXY, STAR]) == []


def test_sync_adds_new_fields_and_updates_labels_but_not_custom_things(
    in_a: SeededWorkspace,
) -> None:
    sync([GALAXY, STAR])
    custom = create_object(ObjectInput("comet", "comets", "Comet", "Comets"))
    star = ObjectMetadata.objects.get(name_singular="star")
    create_field(star.id, FieldInput("nickname", "TEXT", "Nickname"))

    star_v2 = dataclasses.replace(
        STAR,
        label_plural="Suns",
        fields=(*STAR.fields, FieldDef("spectralClass", "SELECT", "Class",
                options=[{"value": "O", "label": "O"}, {"value": "G", "label": "G"}])),
    )  # fmt: skip
    galaxy_v2 = dataclasses.replace(
        GALAXY,
        fields=(dataclasses.replace(GALAXY.fields[0], label="Galaxy name"), GALAXY.fields[1]),
    )
    assert sync([galaxy_v2, star_v2], dry_run=True) == [
        "update field galaxy.name: label",
        "update object star: label_plural",
        "create field star.spectralClass (SELECT)",
    ]
    assert "spectral_class" not in columns_of(in_a.workspace.schema_name, "star")
    sync([galaxy_v2, star_v2])
    assert "spectral_class" in columns_of(in_a.workspace.schema_name, "star")
    assert ObjectMetadata.objects.get(name_singular="star").label_plural == "Suns"
    assert (
        FieldMetadata.objects.get(object__name_singular="galaxy", name="name").label
        == "Galaxy name"
    )
    # Custom objects and custom fields are left as they were.
    assert table_exists(in_a.workspace.schema_name, "comet")
    assert ObjectMetadata.objects.filter(id=custom.id, is_custom=True).exists()
    assert FieldMetadata.objects.filter(object=star, name="nickname", is_custom=True).exists()
    assert sync([galaxy_v2, star_v2]) == []


def test_a_run_interrupted_half_way_is_finished_by_the_next(
    in_a: SeededWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = sync_module._create_relation

    def crash(*args: object) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(sync_module, "_create_relation", crash)
    with pytest.raises(RuntimeError):
        sync([GALAXY, STAR])
    # Objects were created, the relation was not.
    assert ObjectMetadata.objects.filter(name_singular__in=["galaxy", "star"]).count() == 2
    assert "galaxy_id" not in columns_of(in_a.workspace.schema_name, "star")
    monkeypatch.setattr(sync_module, "_create_relation", real)
    assert sync([GALAXY, STAR]) == ["create relation star.galaxy <-> galaxy.stars"]
    assert "galaxy_id" in columns_of(in_a.workspace.schema_name, "star")
