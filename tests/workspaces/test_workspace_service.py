from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from crm.errors import BadUserInput
from tests.conftest import unique_subdomain
from workspaces.errors import InvalidSubdomain, SubdomainTaken
from workspaces.models import Domain, Membership, MembershipRole, User, Workspace
from workspaces.services import template
from workspaces.services.workspaces import (
    AdminAccount,
    create_workspace,
    delete_workspace,
    schema_name_for,
)


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        )
        return {row[0] for row in cursor.fetchall()}


def _applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return {(app, name) for app, name in cursor.fetchall()}


@pytest.mark.django_db
def test_create_workspace_clones_the_template() -> None:
    subdomain = unique_subdomain()
    workspace = create_workspace(
        subdomain, "Acme", admin=AdminAccount(email="Boss@Acme.test", password="Pa55-word-long")
    )

    assert workspace.schema_name == schema_name_for(subdomain)
    assert schema_exists(workspace.schema_name)
    assert {"metadata_object", "metadata_field", "metadata_index"} <= _tables(workspace.schema_name)
    # The migration history is copied, not replayed: identical to the template's.
    assert _applied_migrations(workspace.schema_name) == _applied_migrations(
        template.template_schema_name()
    )
    assert Domain.objects.get(tenant=workspace).domain == f"{subdomain}.localhost"
    membership = Membership.objects.get(workspace=workspace)
    assert membership.user.email == "boss@acme.test"
    assert membership.role == MembershipRole.ADMIN
    assert membership.user.check_password("Pa55-word-long")
    assert membership.user.password.startswith("argon2")


@pytest.mark.django_db
def test_failed_creation_leaves_no_row_no_schema_no_user() -> None:
    subdomain = unique_subdomain()
    # The admin email is checked after the schema is cloned: the failure must undo the clone.
    with pytest.raises(BadUserInput):
        create_workspace(
            subdomain, "Broken", admin=AdminAccount(email="not-an-email", password=None)
        )

    assert not Workspace.objects.filter(subdomain=subdomain).exists()
    assert not Domain.objects.filter(domain__startswith=subdomain).exists()
    assert not schema_exists(schema_name_for(subdomain))
    assert not User.objects.filter(email="not-an-email").exists()


@pytest.mark.django_db
def test_failure_inside_the_clone_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    subdomain = unique_subdomain()

    def clone_then_fail(schema_name: str) -> None:
        real_clone(schema_name)
        assert schema_exists(schema_name)
        raise RuntimeError("disk full")

    real_clone = template.clone_template
    monkeypatch.setattr(template, "clone_template", clone_then_fail)
    with pytest.raises(RuntimeError):
        create_workspace(subdomain, "Broken")
    assert not schema_exists(schema_name_for(subdomain))
    assert not Workspace.objects.filter(subdomain=subdomain).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "subdomain",
    ["ab", "Bad_Sub", "-lead", "trail-", "1abc", "dou--ble", "x" * 31, "has space", "admin", "www"],
)
def test_bad_subdomains_are_refused(subdomain: str) -> None:
    with pytest.raises(InvalidSubdomain) as info:
        create_workspace(subdomain, "Nope")
    assert info.value.field == "subdomain"
    assert not Workspace.objects.filter(name="Nope").exists()


@pytest.mark.django_db
def test_taken_subdomain_is_a_conflict() -> None:
    subdomain = unique_subdomain()
    create_workspace(subdomain, "First")
    with pytest.raises(SubdomainTaken):
        create_workspace(subdomain.upper(), "Second")
    assert Workspace.objects.filter(subdomain=subdomain).count() == 1


@pytest.mark.django_db
def test_delete_workspace_drops_schema_and_rows() -> None:
    subdomain = unique_subdomain()
    workspace = create_workspace(
        subdomain, "Doomed", admin=AdminAccount(email=f"x@{subdomain}.test", password=None)
    )
    schema = workspace.schema_name
    delete_workspace(workspace)
    assert not schema_exists(schema)
    assert not Workspace.objects.filter(subdomain=subdomain).exists()
    assert not Domain.objects.filter(domain__startswith=subdomain).exists()
    assert not Membership.objects.filter(workspace_id=workspace.id).exists()
    # The user is shared across workspaces and stays.
    assert User.objects.filter(email=f"x@{subdomain}.test").exists()


@pytest.mark.django_db
def test_workspaces_do_not_share_metadata_rows() -> None:
    from crm.schemas import use_public, use_workspace
    from metadata.models import ObjectMetadata

    first = create_workspace(unique_subdomain(), "One")
    second = create_workspace(unique_subdomain(), "Two")
    use_workspace(first)
    ObjectMetadata.objects.create(
        name_singular="rocket", name_plural="rockets", label_singular="Rocket",
        label_plural="Rockets", table_name="rocket",
    )  # fmt: skip
    use_workspace(second)
    assert not ObjectMetadata.objects.filter(name_singular="rocket").exists()
    use_workspace(first)
    assert ObjectMetadata.objects.filter(name_singular="rocket").exists()
    use_public()


def _catalogue_counts(schema: str) -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_indexes WHERE schemaname = %s),"
            " (SELECT count(*) FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace"
            "  WHERE n.nspname = %s),"
            " (SELECT count(*) FROM information_schema.columns WHERE table_schema = %s)",
            [schema, schema, schema],
        )
        row = cursor.fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])


@pytest.mark.django_db
def test_the_clone_is_complete_and_matches_its_metadata() -> None:
    from crm.schemas import use_public, use_workspace
    from metadata.models import ObjectMetadata
    from metadata.services.drift import find_drift

    workspace = create_workspace(unique_subdomain(), "Clone")
    assert _catalogue_counts(workspace.schema_name) == _catalogue_counts(
        template.template_schema_name()
    )
    use_workspace(workspace)
    try:
        assert find_drift(workspace.schema_name).problems == []
        assert ObjectMetadata.objects.filter(name_singular="company", is_custom=False).exists()
        # Foreign keys point inside the new schema, not at the template.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT rn.nspname FROM pg_constraint co"
                " JOIN pg_namespace n ON n.oid = co.connamespace"
                " JOIN pg_class r ON r.oid = co.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace"
                " WHERE n.nspname = %s AND co.contype = 'f'",
                [workspace.schema_name],
            )
            assert cursor.fetchall() == [(workspace.schema_name,)]
    finally:
        use_public()
