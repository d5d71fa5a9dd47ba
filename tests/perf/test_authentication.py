"""Authentication runs on every request as one hand-written statement (workspaces/principal.py):
it must refuse exactly what the ORM version refused, on the very next request."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm.schemas import use_public, use_workspace
from tests.conftest import PASSWORD, SeededWorkspace
from tests.records.conftest import Api
from workspaces.models import Membership, MembershipRole, User
from workspaces.principal import authenticate_bearer
from workspaces.services.tokens import issue_tokens
from workspaces.services.workspaces import add_member

QUERY = "query { companies { totalCount } }"


def statements_of(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]


def test_an_api_key_is_one_statement_on_the_public_tables(
    ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    # Whatever schema the connection is on, the key's own workspace comes back.
    use_workspace(ws_b.workspace)
    try:
        with CaptureQueriesContext(connection) as captured:
            principal = authenticate_bearer(ws_a.api_key)
    finally:
        use_public()
    assert principal.workspace.id == ws_a.workspace.id
    assert principal.api_key is not None and principal.user is None
    assert principal.workspace.schema_name == ws_a.workspace.schema_name
    assert principal.workspace.metadata_version == ws_a.workspace.metadata_version
    (statement,) = statements_of(captured)
    assert '"public"."workspaces_apikey"' in statement


def test_a_user_token_carries_the_membership_role(api: Api, ws_a: SeededWorkspace) -> None:
    user = User.objects.create_user("member@auth-lookup.test", PASSWORD)
    add_member(ws_a.workspace, user, MembershipRole.MEMBER)
    token = issue_tokens(user, ws_a.workspace).access
    with CaptureQueriesContext(connection) as captured:
        principal = authenticate_bearer(token)
    assert principal.user == user and principal.role == MembershipRole.MEMBER
    assert principal.workspace.id == ws_a.workspace.id and principal.token_family_id is not None
    (statement,) = statements_of(captured)
    assert '"public"."workspaces_tokenfamily"' in statement


def test_a_deactivated_user_is_refused_on_the_next_request(api: Api, ws_a: SeededWorkspace) -> None:
    user = User.objects.create_user("leaving@auth-lookup.test", PASSWORD)
    add_member(ws_a.workspace, user, MembershipRole.MEMBER)
    token = issue_tokens(user, ws_a.workspace).access
    assert api.post("/graphql", QUERY, token=token)[0] == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    status, body = api.post("/graphql", QUERY, token=token)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_removed_membership_is_refused_on_the_next_request(
    api: Api, ws_a: SeededWorkspace
) -> None:
    user = User.objects.create_user("removed@auth-lookup.test", PASSWORD)
    add_member(ws_a.workspace, user, MembershipRole.MEMBER)
    token = issue_tokens(user, ws_a.workspace).access
    assert api.post("/graphql", QUERY, token=token)[0] == 200
    Membership.objects.filter(user=user, workspace=ws_a.workspace).delete()
    status, _body = api.post("/graphql", QUERY, token=token)
    assert status == 401


def test_a_token_of_a_is_not_a_member_of_b(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    # A's user signs in to A; the token cannot be turned into a membership of B.
    principal = authenticate_bearer(ws_a.access_token)
    assert principal.workspace.id == ws_a.workspace.id != ws_b.workspace.id
    response = client.post(
        "/graphql",
        {"query": QUERY},
        content_type="application/json",
        headers={"Authorization": f"Bearer {ws_a.access_token}", "Host": ws_b.host},
    )
    assert response.status_code == 403
