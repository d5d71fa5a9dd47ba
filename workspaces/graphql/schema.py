"""The core GraphQL endpoint (POST /auth/graphql): accounts, sign-in, invitations, members.

Names follow Twenty's core API where one maps. Resolvers are thin: they call
workspaces.services and shape the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import graphene
from django.http import HttpRequest

from workspaces.middleware import WorkspaceContext
from workspaces.models import Invitation, User, Workspace
from workspaces.principal import Principal
from workspaces.services import (
    accounts,
    invitations,
    members,
    password_reset,
    throttling,
    tokens,
)
from workspaces.services.accounts import SignedIn
from workspaces.services.tokens import TokenPair


@dataclass(frozen=True)
class AuthContext:
    request: HttpRequest
    context: WorkspaceContext

    def require_principal(self) -> Principal:
        return self.context.require_principal()

    def workspace(self) -> Workspace | None:
        """The workspace the request is made in (its token's, else its host's)."""
        return self.context.require_workspace()

    @property
    def address(self) -> str:
        return throttling.client_address(self.request)


def ctx(info: Any) -> AuthContext:
    context = info.context
    assert isinstance(context, AuthContext)
    return context


# --- types ---------------------------------------------------------------------------------------


class AuthToken(graphene.ObjectType):
    token = graphene.String(required=True)
    expires_at = graphene.String(required=True)


class AuthTokenPair(graphene.ObjectType):
    access_token = graphene.Field(AuthToken, required=True)
    refresh_token = graphene.Field(AuthToken, required=True)


class AuthTokens(graphene.ObjectType):
    tokens = graphene.Field(AuthTokenPair, required=True)


class CoreWorkspace(graphene.ObjectType):
    class Meta:
        name = "Workspace"

    id = graphene.UUID(required=True)
    display_name = graphene.String(required=True)
    subdomain = graphene.String(required=True)
    activation_status = graphene.String(required=True)

    @staticmethod
    def resolve_display_name(root: Workspace, _info: Any) -> str:
        return root.name

    @staticmethod
    def resolve_activation_status(root: Workspace, _info: Any) -> str:
        return str(root.status).upper()


class CoreUser(graphene.ObjectType):
    class Meta:
        name = "User"

    id = graphene.UUID(required=True)
    email = graphene.String(required=True)
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    workspaces = graphene.List(graphene.NonNull(CoreWorkspace), required=True)

    @staticmethod
    def resolve_workspaces(root: User, _info: Any) -> list[Workspace]:
        return accounts.workspaces_of(root)


class AuthResult(graphene.ObjectType):
    """Tokens for one workspace, with the workspace and the user they are for."""

    tokens = graphene.Field(AuthTokenPair, required=True)
    workspace = graphene.Field(CoreWorkspace, required=True)
    user = graphene.Field(CoreUser, required=True)


class SuccessOutput(graphene.ObjectType):
    success = graphene.Boolean(required=True)


class ValidatePasswordResetToken(graphene.ObjectType):
    id = graphene.UUID(required=True)
    email = graphene.String(required=True)


class WorkspaceInvitation(graphene.ObjectType):
    id = graphene.UUID(required=True)
    email = graphene.String(required=True)
    role = graphene.String(required=True)
    expires_at = graphene.String()

    @staticmethod
    def resolve_expires_at(root: Invitation, _info: Any) -> str | None:
        return root.expires_at.isoformat() if root.expires_at else None


class SendInvitationsOutput(graphene.ObjectType):
    success = graphene.Boolean(required=True)
    errors = graphene.List(graphene.NonNull(graphene.String), required=True)
    result = graphene.List(graphene.NonNull(WorkspaceInvitation), required=True)


class InviteLink(graphene.ObjectType):
    id = graphene.UUID(required=True)
    url = graphene.String(required=True)
    token = graphene.String(required=True)


class FullName(graphene.ObjectType):
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)


class WorkspaceMemberInfo(graphene.ObjectType):
    id = graphene.UUID()
    user_id = graphene.UUID(required=True)
    user_email = graphene.String(required=True)
    name = graphene.Field(FullName, required=True)
    role = graphene.String(required=True)


def token_pair(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": {"token": pair.access, "expires_at": pair.access_expires_at},
        "refresh_token": {"token": pair.refresh, "expires_at": pair.refresh_expires_at},
    }


def auth_result(result: SignedIn) -> dict[str, Any]:
    return {"tokens": token_pair(result.tokens), "workspace": result.workspace, "user": result.user}


def member_info(member: members.Member) -> dict[str, Any]:
    data = member.as_dict()
    return {
        "id": data["id"],
        "user_id": data["userId"],
        "user_email": data["userEmail"],
        "name": {"first_name": data["name"]["firstName"], "last_name": data["name"]["lastName"]},
        "role": data["role"],
    }


def send_output(result: invitations.SendResult) -> dict[str, Any]:
    return {"success": not result.errors, "errors": result.errors, "result": result.sent}


# --- operations ----------------------------------------------------------------------------------


class Query(graphene.ObjectType):
    current_user = graphene.Field(CoreUser, required=True)
    current_workspace = graphene.Field(CoreWorkspace, required=True)
    find_workspace_invitations = graphene.List(graphene.NonNull(WorkspaceInvitation), required=True)
    current_workspace_members = graphene.List(graphene.NonNull(WorkspaceMemberInfo), required=True)
    validate_password_reset_token = graphene.Field(
        ValidatePasswordResetToken,
        required=True,
        password_reset_token=graphene.String(required=True),
    )

    @staticmethod
    def resolve_current_user(_root: Any, info: Any) -> User:
        principal = accounts.require_user(ctx(info).require_principal())
        assert principal.user is not None
        return principal.user

    @staticmethod
    def resolve_current_workspace(_root: Any, info: Any) -> Workspace:
        return ctx(info).require_principal().workspace

    @staticmethod
    def resolve_find_workspace_invitations(_root: Any, info: Any) -> list[Invitation]:
        return invitations.list_invitations(ctx(info).require_principal())

    @staticmethod
    def resolve_current_workspace_members(_root: Any, info: Any) -> list[dict[str, Any]]:
        workspace = ctx(info).require_principal().workspace
        return [member_info(m) for m in members.list_members(workspace)]

    @staticmethod
    def resolve_validate_password_reset_token(
        _root: Any, _info: Any, password_reset_token: str
    ) -> dict[str, Any]:
        user = password_reset.user_for_token(password_reset_token)
        return {"id": user.id, "email": user.email}


def _sign_up(_root: Any, info: Any, email: str, password: str, **kw: Any) -> dict[str, Any]:
    return auth_result(
        accounts.sign_up(
            email,
            password,
            address=ctx(info).address,
            workspace_name=kw.get("workspace_name"),
            subdomain=kw.get("subdomain"),
            first_name=kw.get("first_name") or "",
            last_name=kw.get("last_name") or "",
        )
    )


def _sign_in(_root: Any, info: Any, email: str, password: str, workspace: str) -> dict[str, Any]:
    return auth_result(accounts.sign_in(email, password, workspace, address=ctx(info).address))


def _renew_token(_root: Any, _info: Any, app_token: str) -> dict[str, Any]:
    return {"tokens": token_pair(tokens.refresh_tokens(app_token))}


def _sign_out(_root: Any, info: Any) -> bool:
    accounts.sign_out(ctx(info).require_principal())
    return True


def _switch_workspace(_root: Any, info: Any, **kw: Any) -> dict[str, Any]:
    target = str(kw.get("workspace_id") or kw.get("subdomain") or "")
    return auth_result(accounts.switch_workspace(ctx(info).require_principal(), target))


def _email_reset_link(_root: Any, info: Any, email: str) -> dict[str, Any]:
    password_reset.request_reset(email, address=ctx(info).address)
    return {"success": True}


def _update_password(
    _root: Any, _info: Any, password_reset_token: str, new_password: str
) -> dict[str, Any]:
    password_reset.reset_password(password_reset_token, new_password)
    return {"success": True}


def _send_invitations(_root: Any, info: Any, emails: list[str]) -> dict[str, Any]:
    return send_output(invitations.send_invitations(ctx(info).require_principal(), emails))


def _delete_invitation(_root: Any, info: Any, app_token_id: str) -> str:
    return str(invitations.revoke_invitation(ctx(info).require_principal(), app_token_id).id)


def _resend_invitation(_root: Any, info: Any, app_token_id: str) -> dict[str, Any]:
    invitation = invitations.resend_invitation(ctx(info).require_principal(), app_token_id)
    return {"success": True, "errors": [], "result": [invitation]}


def _join(_root: Any, info: Any, invite_token: str, password: str, **kw: Any) -> dict[str, Any]:
    context = ctx(info)
    joined = invitations.accept(
        invite_token,
        email=kw.get("email"),
        password=password,
        address=context.address,
        context_workspace=context.workspace(),
        first_name=kw.get("first_name") or "",
        last_name=kw.get("last_name") or "",
    )
    return auth_result(SignedIn(joined.user, joined.workspace, joined.tokens))


def _create_invite_link(_root: Any, info: Any) -> dict[str, Any]:
    link, url = invitations.create_invite_link(ctx(info).require_principal())
    return {"id": link.id, "url": url, "token": url.rsplit("/", 1)[-1]}


def _revoke_invite_link(_root: Any, info: Any) -> dict[str, Any]:
    invitations.revoke_invite_link(ctx(info).require_principal())
    return {"success": True}


def _delete_member(_root: Any, info: Any, workspace_member_id_to_delete: str) -> dict[str, Any]:
    removed = members.remove_member(ctx(info).require_principal(), workspace_member_id_to_delete)
    return member_info(removed)


String = graphene.String


def _join_field(email_required: bool) -> graphene.Field:
    return graphene.Field(
        AuthResult,
        required=True,
        invite_token=graphene.String(required=True),
        password=graphene.String(required=True),
        email=graphene.String(required=email_required),
        first_name=String(),
        last_name=String(),
        resolver=_join,
    )


class Mutation(graphene.ObjectType):
    sign_up = graphene.Field(
        AuthResult, required=True, email=String(required=True), password=String(required=True),
        workspace_name=String(), subdomain=String(), first_name=String(), last_name=String(),
        resolver=_sign_up,
    )  # fmt: skip
    sign_in = graphene.Field(
        AuthResult, required=True, email=String(required=True), password=String(required=True),
        workspace=String(required=True), resolver=_sign_in,
    )  # fmt: skip
    renew_token = graphene.Field(
        AuthTokens, required=True, app_token=String(required=True), resolver=_renew_token
    )
    sign_out = graphene.Boolean(required=True, resolver=_sign_out)
    switch_workspace = graphene.Field(
        AuthResult, required=True, workspace_id=graphene.UUID(), subdomain=String(),
        resolver=_switch_workspace,
    )  # fmt: skip
    email_password_reset_link = graphene.Field(
        SuccessOutput, required=True, email=String(required=True), resolver=_email_reset_link
    )
    update_password_via_reset_token = graphene.Field(
        SuccessOutput, required=True, password_reset_token=String(required=True),
        new_password=String(required=True), resolver=_update_password,
    )  # fmt: skip
    send_invitations = graphene.Field(
        SendInvitationsOutput, required=True,
        emails=graphene.List(graphene.NonNull(graphene.String), required=True),
        resolver=_send_invitations,
    )  # fmt: skip
    delete_workspace_invitation = graphene.String(
        required=True, app_token_id=String(required=True), resolver=_delete_invitation
    )
    resend_workspace_invitation = graphene.Field(
        SendInvitationsOutput, required=True, app_token_id=String(required=True),
        resolver=_resend_invitation,
    )  # fmt: skip
    accept_workspace_invitation = _join_field(email_required=False)
    join_workspace_by_invite_link = _join_field(email_required=True)
    create_workspace_invite_link = graphene.Field(
        InviteLink, required=True, resolver=_create_invite_link
    )
    revoke_workspace_invite_link = graphene.Field(
        SuccessOutput, required=True, resolver=_revoke_invite_link
    )
    delete_user_from_workspace = graphene.Field(
        WorkspaceMemberInfo, required=True, workspace_member_id_to_delete=String(required=True),
        resolver=_delete_member,
    )  # fmt: skip


schema = graphene.Schema(query=Query, mutation=Mutation)
