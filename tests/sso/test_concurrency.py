"""The same assertion posted twice at the same moment, on two connections with real
transactions: exactly one sign-in succeeds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from crm.schemas import use_public
from sso.models import ConsumedAssertion, SamlProvider
from sso.services import saml
from tests.conftest import unique_subdomain
from tests.sso.idp import Assertion, TestIdp, encode, response_xml
from workspaces.models import Membership, User, Workspace
from workspaces.services.workspaces import create_workspace, delete_workspace

# Marked for the test database; the set-up, the posts and the clean-up run on connections of
# their own (committed for real), outside the test's transaction.
pytestmark = pytest.mark.django_db

EMAIL = "racer@race.test"


def on_own_connection(work: Callable[[], Any]) -> Any:
    results: list[Any] = []

    def run() -> None:
        try:
            use_public()
            results.append(work())
        except Exception as exc:  # re-raised below
            results.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if isinstance(results[0], Exception):
        raise results[0]
    return results[0]


def _set_up(idp: TestIdp) -> Workspace:
    workspace = create_workspace(unique_subdomain("race"), "Race")
    SamlProvider.objects.create(
        workspace=workspace,
        idp_entity_id=idp.entity_id,
        sso_url=idp.sso_url,
        x509_certificate=idp.cert_pem,
        create_members=True,
    )
    return workspace


def _clean_up(workspace: Workspace) -> None:
    delete_workspace(workspace)
    User.objects.filter(email=EMAIL).delete()


@pytest.fixture
def committed(idp: TestIdp) -> Iterator[Workspace]:
    workspace = on_own_connection(lambda: _set_up(idp))
    yield workspace
    on_own_connection(lambda: _clean_up(workspace))


def test_a_simultaneous_replay_signs_in_once(committed: Workspace, idp: TestIdp) -> None:
    subdomain = committed.subdomain
    assertion = Assertion(
        name_id=EMAIL,
        audience=saml.sp_entity_id(subdomain),
        acs_url=saml.acs_url(subdomain),
        issuer=idp.entity_id,
    )
    body = {"SAMLResponse": encode(response_xml(assertion, idp))}
    barrier = threading.Barrier(2)
    statuses: list[Any] = []

    def post() -> None:
        try:
            barrier.wait(timeout=10)
            response = Client().post(
                f"/auth/saml/{subdomain}/acs", body, headers={"Accept": "application/json"}
            )
            statuses.append(response.status_code)
        except Exception as exc:  # reported to the test
            statuses.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 401]
    assert ConsumedAssertion.objects.filter(workspace=committed).count() == 1
    assert Membership.objects.filter(workspace=committed, user__email=EMAIL).count() == 1
