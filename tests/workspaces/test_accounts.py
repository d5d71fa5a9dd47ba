"""Sign up, sign in, refresh with rotation and reuse detection, sign out, switch workspace,
current user and workspace, throttling: end to end over HTTP (REST /auth/... and /auth/graphql)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import PASSWORD, SeededWorkspace
from tests.workspaces.conftest import STRONG, error_code, gql, new_email, post
from workspaces.models import Membership, TokenFamily, User, Workspace
from workspaces.principal import authenticate_bearer
from workspaces.services.workspaces import add_member, delete_workspace

pytestmark = pytest.mark.django_db

SIGN_UP = """mutation($email: String!, $password: String!, $name: String, $sub: String) {
  signUp(email: $email, password: $password, workspaceName: $name, subdomain: $sub) {
    tokens { accessToken { token expiresAt } refreshToken { token expiresAt } }
    workspace { id displayName subdomain activationStatus }
    user { id email workspaces { subdomain } }
  }
}"""
SIGN_IN = """mutation($email: String!, $password: String!, $workspace: String!) {
  signIn(email: $email, password: $password, workspace: $workspace) {
    tokens { accessToken { token } refreshToken { token } } workspace { subdomain }
  }
}"""
RENEW = """mutation($t: String!) { renewToken(appToken: $t) {
  tokens { accessToken { token } refreshToken { token } } } }"""
ME = "{ currentUser { email workspaces { subdomain } } currentWorkspace { id subdomain } }"


def sign_up_rest(client: Client, email: str, **extra: str) -> tuple[int, dict]:
    response = post(client, "/auth/sign-up", {"email": email, "password": STRONG, **extra})
    return response.status_code, response.json()


def drop(subdomain: str) -> None:
    workspace = Workspace.objects.filter(subdomain=subdomain).first()
    if workspace is not None:
        delete_workspace(workspace)


# --- sign up -------------------------------------------------------------------------------------


def test_sign_up_over_graphql_creates_user_workspace_and_member(client: Client) -> None:
    email = new_email("founder")
    status, body = gql(client, SIGN_UP, {"email": email, "password": STRONG, "name": "Rockets"})
    assert status == 200, body
    data = body["data"]["signUp"]
    sub = data["workspace"]["subdomain"]
    try:
        assert data["workspace"]["displayName"] == "Rockets"
        assert sub.startswith("rockets-")
        assert data["user"]["email"] == email
        assert [w["subdomain"] for w in data["user"]["workspaces"]] == [sub]
        access = data["tokens"]["accessToken"]["token"]
        assert AccessToken(access)["workspace_id"] == data["workspace"]["id"]
        membership = Membership.objects.get(user__email=email, workspace__subdomain=sub)
        assert membership.role == "admin"
        status, me = gql(client, ME, token=access)
        assert status == 200 and me["data"]["currentWorkspace"]["subdomain"] == sub
        assert me["data"]["currentUser"]["email"] == email
    finally:
        drop(sub)


def test_sign_up_over_rest_with_a_chosen_subdomain(client: Client) -> None:
    email = new_email()
    sub = f"chosen-{email[5:13]}"
    status, body = sign_up_rest(client, email, subdomain=sub, workspaceName="Chosen")
    try:
        assert status == 201, body
        assert body["workspace"]["subdomain"] == sub
        me = client.get("/auth/me", headers={"Authorization": f"Bearer {body['access']}"})
        assert me.json()["user"]["email"] == email
    finally:
        drop(sub)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short1", "too short"), ("password123", "too common"), ("83749201574", "entirely numeric")],
)
def test_sign_up_refuses_weak_passwords_and_leaves_nothing(
    client: Client, password: str, fragment: str
) -> None:
    email = new_email()
    response = post(client, "/auth/sign-up", {"email": email, "password": password})
    assert response.status_code == 400
    assert response.json()["field"] == "password"
    assert fragment in response.json()["message"]
    assert not User.objects.filter(email=email).exists()


def test_sign_up_with_a_taken_subdomain_leaves_no_user(
    client: Client, ws_a: SeededWorkspace
) -> None:
    email = new_email()
    status, body = sign_up_rest(client, email, subdomain=ws_a.workspace.subdomain)
    assert status == 409 and body["field"] == "subdomain"
    assert not User.objects.filter(email=email).exists()
    status, body = sign_up_rest(client, email, subdomain="Not Valid!")
    assert status == 400 and body["field"] == "subdomain"


def test_sign_up_with_an_existing_email_is_a_conflict(
    client: Client, ws_a: SeededWorkspace
) -> None:
    before = Workspace.objects.count()
    status, body = gql(client, SIGN_UP, {"email": ws_a.admin.email, "password": STRONG})
    assert status == 409 and error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["field"] == "email"
    assert Workspace.objects.count() == before


def test_sign_up_with_a_bad_email_or_body(client: Client) -> None:
    status, body = gql(client, SIGN_UP, {"email": "not-an-email", "password": STRONG})
    assert status == 400 and body["errors"][0]["extensions"]["field"] == "email"
    response = post(client, "/auth/sign-up", {"email": new_email()})
    assert response.status_code == 400 and response.json()["field"] == "password"


# --- sign in, refresh, sign out -----------------------------------------------------------------


def sign_in_gql(client: Client, ws: SeededWorkspace, password: str = PASSWORD) -> tuple[int, dict]:
    return gql(
        client,
        SIGN_IN,
        {"email": ws.admin.email, "password": password, "workspace": ws.workspace.subdomain},
    )


def test_sign_in_over_graphql_and_rest(client: Client, ws_a: SeededWorkspace) -> None:
    status, body = sign_in_gql(client, ws_a)
    assert status == 200
    access = body["data"]["signIn"]["tokens"]["accessToken"]["token"]
    assert AccessToken(access)["workspace_id"] == str(ws_a.workspace.id)
    response = post(
        client,
        "/auth/sign-in",
        {"email": ws_a.admin.email, "password": PASSWORD, "workspace": ws_a.workspace.subdomain},
    )
    assert response.status_code == 200
    assert response.json()["workspace"]["id"] == str(ws_a.workspace.id)
    assert response.json()["user"]["email"] == ws_a.admin.email


def test_sign_in_failure_over_graphql_is_401(client: Client, ws_a: SeededWorkspace) -> None:
    status, body = sign_in_gql(client, ws_a, password="wrong-password")
    assert status == 401
    assert error_code(body) == "UNAUTHENTICATED"
    assert body["errors"][0]["message"] == "The email, password or workspace is not right."


def test_every_sign_in_starts_a_family_carried_by_both_tokens(
    client: Client, ws_a: SeededWorkspace
) -> None:
    _, body = sign_in_gql(client, ws_a)
    tokens = body["data"]["signIn"]["tokens"]
    access = AccessToken(tokens["accessToken"]["token"])
    family = TokenFamily.objects.get(id=access["family_id"])
    assert family.user_id == ws_a.admin.id and family.workspace_id == ws_a.workspace.id
    _, again = sign_in_gql(client, ws_a)
    other = AccessToken(again["data"]["signIn"]["tokens"]["accessToken"]["token"])
    assert other["family_id"] != access["family_id"]


def test_renew_token_rotates_within_the_family(client: Client, ws_a: SeededWorkspace) -> None:
    _, body = sign_in_gql(client, ws_a)
    first = body["data"]["signIn"]["tokens"]
    status, renewed = gql(client, RENEW, {"t": first["refreshToken"]["token"]})
    assert status == 200, renewed
    second = renewed["data"]["renewToken"]["tokens"]
    assert second["refreshToken"]["token"] != first["refreshToken"]["token"]
    family = AccessToken(first["accessToken"]["token"])["family_id"]
    assert AccessToken(second["accessToken"]["token"])["family_id"] == family
    # both access tokens of a live family work
    for token in (first["accessToken"]["token"], second["accessToken"]["token"]):
        assert gql(client, ME, token=token)[0] == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    client: Client, ws_a: SeededWorkspace
) -> None:
    _, body = sign_in_gql(client, ws_a)
    first = body["data"]["signIn"]["tokens"]
    _, renewed = gql(client, RENEW, {"t": first["refreshToken"]["token"]})
    second = renewed["data"]["renewToken"]["tokens"]

    status, reused = gql(client, RENEW, {"t": first["refreshToken"]["token"]})
    assert status == 401 and error_code(reused) == "UNAUTHENTICATED"
    assert "already used" in reused["errors"][0]["message"]
    # the newest refresh token of the family is dead, and so are its access tokens
    assert gql(client, RENEW, {"t": second["refreshToken"]["token"]})[0] == 401
    for token in (first["accessToken"]["token"], second["accessToken"]["token"]):
        response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
    family = TokenFamily.objects.get(id=AccessToken(second["accessToken"]["token"])["family_id"])
    assert family.revoked_reason == "reuse"
    # another sign-in of the same user is untouched
    assert gql(client, ME, token=ws_a.access_token)[0] == 200


def test_refresh_over_rest_reuse_also_revokes(client: Client, ws_a: SeededWorkspace) -> None:
    _, body = sign_in_gql(client, ws_a)
    refresh = body["data"]["signIn"]["tokens"]["refreshToken"]["token"]
    ok = post(client, "/auth/token/refresh", {"refresh": refresh})
    assert ok.status_code == 200 and "accessExpiresAt" in ok.json()
    assert post(client, "/auth/token/refresh", {"refresh": refresh}).status_code == 401
    assert post(client, "/auth/token/refresh", {"refresh": ok.json()["refresh"]}).status_code == 401


def test_renew_token_with_garbage_or_an_access_token(client: Client, ws_a: SeededWorkspace) -> None:
    for token in ("garbage", ws_a.access_token):
        status, body = gql(client, RENEW, {"t": token})
        assert status == 401 and error_code(body) == "UNAUTHENTICATED"


def test_sign_out_revokes_the_sign_in(client: Client, ws_a: SeededWorkspace) -> None:
    _, body = sign_in_gql(client, ws_a)
    tokens = body["data"]["signIn"]["tokens"]
    access = tokens["accessToken"]["token"]
    status, out = gql(client, "mutation { signOut }", token=access)
    assert status == 200 and out["data"]["signOut"] is True
    assert gql(client, ME, token=access)[0] == 401
    assert gql(client, RENEW, {"t": tokens["refreshToken"]["token"]})[0] == 401
    # signing out twice: the token is already dead
    assert gql(client, "mutation { signOut }", token=access)[0] == 401
    # the seeded sign-in of the same user still works
    assert (
        client.get("/auth/me", headers={"Authorization": f"Bearer {ws_a.access_token}"}).status_code
        == 200
    )


def test_sign_out_over_rest(client: Client, ws_a: SeededWorkspace) -> None:
    _, body = sign_in_gql(client, ws_a)
    access = body["data"]["signIn"]["tokens"]["accessToken"]["token"]
    assert post(client, "/auth/sign-out", {}, token=access).status_code == 200
    assert post(client, "/auth/sign-out", {}, token=access).status_code == 401
    assert post(client, "/auth/sign-out", {}).status_code == 401
    response = post(client, "/auth/sign-out", {}, token=ws_a.api_key)
    assert response.status_code == 403  # API keys are revoked, not signed out


def test_bearer_check_is_one_query(ws_a: SeededWorkspace) -> None:
    with CaptureQueriesContext(connection) as queries:
        principal = authenticate_bearer(ws_a.access_token)
    assert principal.workspace.id == ws_a.workspace.id
    # one statement, beside django-tenants' search_path
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    assert len(statements) == 1, statements
    assert "workspaces_tokenfamily" in statements[0]


def test_a_token_without_a_family_is_refused(client: Client, ws_a: SeededWorkspace) -> None:
    token = AccessToken(ws_a.access_token)  # type: ignore[arg-type]
    del token["family_id"]
    response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


# --- switch workspace, current user ----------------------------------------------------------------


SWITCH = """mutation($sub: String, $id: UUID) { switchWorkspace(subdomain: $sub, workspaceId: $id) {
  tokens { accessToken { token } } workspace { id subdomain } } }"""


def test_switch_workspace_where_the_user_is_a_member(
    client: Client, ws_a: SeededWorkspace, ws_b: SeededWorkspace
) -> None:
    email = new_email("both")
    user = User.objects.create_user(email=email, password=STRONG)
    add_member(ws_a.workspace, user)
    add_member(ws_b.workspace, user)
    response = post(
        client,
        "/auth/sign-in",
        {"email": email, "password": STRONG, "workspace": ws_a.workspace.subdomain},
    )
    access = response.json()["access"]
    status, body = gql(client, SWITCH, {"sub": ws_b.workspace.subdomain}, token=access)
    assert status == 200, body
    switched = body["data"]["switchWorkspace"]
    assert switched["workspace"]["id"] == str(ws_b.workspace.id)
    new_access = switched["tokens"]["accessToken"]["token"]
    _, me = gql(client, ME, token=new_access)
    assert me["data"]["currentWorkspace"]["id"] == str(ws_b.workspace.id)
    assert sorted(w["subdomain"] for w in me["data"]["currentUser"]["workspaces"]) == sorted(
        [ws_a.workspace.subdomain, ws_b.workspace.subdomain]
    )
    # by id over REST, back to A
    back = post(
        client, "/auth/switch-workspace", {"workspace": str(ws_a.workspace.id)}, token=new_access
    )
    assert back.status_code == 200 and back.json()["workspace"]["id"] == str(ws_a.workspace.id)


def test_switch_workspace_errors(client: Client, ws_a: SeededWorkspace) -> None:
    status, body = gql(client, SWITCH, {"sub": "no-such-workspace"}, token=ws_a.access_token)
    assert status == 403 and error_code(body) == "FORBIDDEN"
    assert gql(client, SWITCH, {"sub": ws_a.workspace.subdomain})[0] == 401
    status, body = gql(client, SWITCH, {"sub": ws_a.workspace.subdomain}, token=ws_a.api_key)
    assert status == 403


def test_current_user_needs_a_token(client: Client, ws_a: SeededWorkspace) -> None:
    status, body = gql(client, "{ currentUser { email } }")
    assert status == 401 and error_code(body) == "UNAUTHENTICATED"
    status, body = gql(client, "{ currentWorkspace { subdomain } }", token=ws_a.api_key)
    assert (
        status == 200 and body["data"]["currentWorkspace"]["subdomain"] == ws_a.workspace.subdomain
    )


def test_graphql_endpoint_basics(client: Client) -> None:
    assert client.get("/auth/graphql").status_code == 405
    page = client.get("/auth/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"graphiql" in page.content.lower()
    status, body = gql(client, "{ nope }")
    assert status == 400 and error_code(body) == "GRAPHQL_VALIDATION_FAILED"
    response = client.post("/auth/graphql", "{bad", content_type="application/json")
    assert response.status_code == 400


# --- throttling -----------------------------------------------------------------------------------


def test_sign_in_is_throttled_per_account(
    client: Client, settings: object, ws_a: SeededWorkspace
) -> None:
    limits = settings.THROTTLE_LIMITS["sign_in"]  # type: ignore[attr-defined]
    limit = limits["account"][0]
    for _ in range(limit):
        assert sign_in_gql(client, ws_a, password="wrong-password")[0] == 401
    # now even the right password is refused, with a clear error and Retry-After
    status, body = sign_in_gql(client, ws_a)
    assert status == 429
    assert error_code(body) == "TOO_MANY_REQUESTS"
    assert "Too many failed sign-in attempts" in body["errors"][0]["message"]
    retry = body["errors"][0]["extensions"]["retryAfter"]
    assert 0 < retry <= limits["account"][1]
    response = post(
        client,
        "/auth/token",
        {"email": ws_a.admin.email, "password": PASSWORD, "workspace": ws_a.workspace.subdomain},
        remote_addr="10.9.8.7",
    )
    assert response.status_code == 429  # another address: the account is still throttled
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "TOO_MANY_REQUESTS"


def test_sign_in_is_throttled_per_address(
    client: Client, settings: object, ws_a: SeededWorkspace
) -> None:
    settings.THROTTLE_LIMITS = {  # type: ignore[attr-defined]
        **settings.THROTTLE_LIMITS,  # type: ignore[attr-defined]
        "sign_in": {"account": (100, 60), "address": (3, 60)},
    }
    address = "192.0.2.10"
    for n in range(3):
        response = post(
            client,
            "/auth/token",
            {"email": new_email(), "password": "x-wrong", "workspace": ws_a.workspace.subdomain},
            remote_addr=address,
        )
        assert response.status_code == 401, n
    payload = {
        "email": ws_a.admin.email,
        "password": PASSWORD,
        "workspace": ws_a.workspace.subdomain,
    }
    blocked = post(client, "/auth/token", payload, remote_addr=address)
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) <= 60
    assert post(client, "/auth/token", payload, remote_addr="192.0.2.11").status_code == 200


def test_a_successful_sign_in_clears_the_account_counter(
    client: Client, settings: object, ws_a: SeededWorkspace
) -> None:
    limit = settings.THROTTLE_LIMITS["sign_in"]["account"][0]  # type: ignore[attr-defined]
    for _ in range(limit - 1):
        assert sign_in_gql(client, ws_a, password="wrong-password")[0] == 401
    assert sign_in_gql(client, ws_a)[0] == 200
    for _ in range(limit - 1):
        assert sign_in_gql(client, ws_a, password="wrong-password")[0] == 401
    assert sign_in_gql(client, ws_a)[0] == 200


def test_sign_ups_are_throttled_per_address(client: Client, settings: object) -> None:
    settings.THROTTLE_LIMITS = {  # type: ignore[attr-defined]
        **settings.THROTTLE_LIMITS,  # type: ignore[attr-defined]
        "sign_up": {"address": (2, 3600)},
    }
    address = "198.51.100.7"
    subdomains = []
    try:
        for _ in range(2):
            response = post(
                client,
                "/auth/sign-up",
                {"email": new_email(), "password": STRONG},
                remote_addr=address,
            )
            assert response.status_code == 201
            subdomains.append(response.json()["workspace"]["subdomain"])
        email = new_email("third")
        blocked = post(
            client, "/auth/sign-up", {"email": email, "password": STRONG}, remote_addr=address
        )
        assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
        assert blocked.json()["code"] == "TOO_MANY_REQUESTS"
        assert not User.objects.filter(email=email).exists()
    finally:
        for sub in subdomains:
            drop(sub)
