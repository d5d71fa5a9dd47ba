"""Races on real, committed transactions (each request on a connection of its own): the same
refresh token presented twice at once, the same invitation accepted twice at once."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connections
from django.test import Client

from crm.schemas import use_public
from tests.conftest import unique_subdomain
from tests.workspaces.conftest import STRONG, new_email
from workspaces.models import Invitation, Membership, TokenFamily, User, Workspace
from workspaces.services.tokens import issue_tokens
from workspaces.services.workspaces import AdminAccount, create_workspace, delete_workspace

# The set-up, the requests and the clean-up run on connections of their own (committed for
# real), outside the test's transaction.
pytestmark = pytest.mark.django_db


def on_own_connection(work: Callable[[], Any]) -> Any:
    return run_together([work])[0]


def run_together(works: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(works))
    results: list[Any] = [None] * len(works)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            use_public()
            barrier.wait(timeout=30)
            results[index] = work()
        except Exception as exc:  # reported by the caller
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def committed() -> Iterator[tuple[Workspace, User]]:
    email = new_email("racer")

    def set_up() -> tuple[Workspace, User]:
        workspace = create_workspace(
            unique_subdomain("race"), "Race", admin=AdminAccount(email=email, password=STRONG)
        )
        return workspace, User.objects.get(email=email)

    workspace, user = on_own_connection(set_up)
    yield workspace, user

    def tear_down() -> None:
        emails = list(
            Membership.objects.filter(workspace=workspace).values_list("user__email", flat=True)
        )
        delete_workspace(workspace)
        User.objects.filter(email__in=[*emails, email]).delete()

    on_own_connection(tear_down)


def post(path: str, data: dict[str, Any]) -> Callable[[], tuple[int, dict[str, Any]]]:
    def call() -> tuple[int, dict[str, Any]]:
        response = Client().post(path, data, content_type="application/json")
        return response.status_code, response.json()

    return call


def test_the_same_refresh_token_twice_at_once(committed: tuple[Workspace, User]) -> None:
    workspace, user = committed
    pair = on_own_connection(lambda: issue_tokens(user, workspace))
    results = run_together([post("/auth/token/refresh", {"refresh": pair.refresh})] * 2)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 401], results
    # the loser presented a rotated token: the family is revoked, the winner's tokens too
    family = on_own_connection(lambda: TokenFamily.objects.get(id=pair.family_id))
    assert family.revoked_reason == "reuse"
    winner = next(body for status, body in results if status == 200)
    status, _ = on_own_connection(post("/auth/token/refresh", {"refresh": winner["refresh"]}))
    assert status == 401


def test_the_same_invitation_accepted_twice_at_once(committed: tuple[Workspace, User]) -> None:
    workspace, admin = committed
    invitee = new_email("twice")

    def invite() -> str:
        pair = issue_tokens(admin, workspace)
        response = Client().post(
            "/auth/invitations", {"emails": [invitee]}, content_type="application/json",
            headers={"Authorization": f"Bearer {pair.access}"},
        )  # fmt: skip
        assert response.status_code == 201
        match = re.search(r"/invite/(\S+)", str(mail.outbox[-1].body))
        assert match is not None
        return match.group(1)

    token = on_own_connection(invite)
    accept = post("/auth/invitations/accept", {"token": token, "password": STRONG})
    results = run_together([accept, accept])
    assert sorted(status for status, _ in results) == [200, 400], results

    def state() -> tuple[int, int, bool]:
        return (
            User.objects.filter(email=invitee).count(),
            Membership.objects.filter(workspace=workspace, user__email=invitee).count(),
            Invitation.objects.get(workspace=workspace, email=invitee).accepted_at is not None,
        )

    assert on_own_connection(state) == (1, 1, True)
