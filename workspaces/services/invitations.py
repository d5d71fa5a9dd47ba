"""Invitations to a workspace: personal ones (e-mailed, single-use, expiring) and one public
invite link per workspace (revocable). Tokens are random, shown once, stored hashed.

An invitation belongs to one workspace: accepting it only ever grants membership of that
workspace, and a request made in the context of another workspace (its host, or a token of
it) is refused.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm.errors import ApiError, BadUserInput, Forbidden, NotFound
from permissions.flags import PermissionFlag
from permissions.services.checks import require_flag
from workspaces.errors import InvitationInvalid
from workspaces.models import Invitation, InvitationKind, Membership, User, Workspace
from workspaces.principal import Principal
from workspaces.services import accounts, emails, tokens
from workspaces.services.api_keys import hash_secret
from workspaces.services.tokens import TokenPair
from workspaces.services.users import create_user, valid_email
from workspaces.services.workspaces import add_member

MAX_EMAILS = 50
INVALID = "This invitation is invalid, expired, revoked or already used."


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def pending(workspace: Workspace) -> list[Invitation]:
    """The workspace's personal invitations that can still be accepted."""
    return list(
        Invitation.objects.filter(
            workspace=workspace,
            kind=InvitationKind.PERSONAL,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).order_by("email")
    )


def list_invitations(principal: Principal) -> list[Invitation]:
    require_flag(principal, PermissionFlag.WORKSPACE_MEMBERS)
    return pending(principal.workspace)


@dataclass
class SendResult:
    sent: list[Invitation] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _send_mail(invitation: Invitation, token: str, inviter: User | None) -> None:
    who = "Someone"
    if inviter is not None:
        who = f"{inviter.first_name} {inviter.last_name}".strip() or inviter.email
    link = emails.frontend_link(f"invite/{token}")
    emails.send(
        invitation.email,
        f"Join {invitation.workspace.name}",
        f"{who} invited you to the workspace {invitation.workspace.name}.\n\n"
        f"Accept the invitation here: {link}\n\n"
        f"The link works once and expires on {invitation.expires_at:%Y-%m-%d}.",
    )


def _create_personal(
    workspace: Workspace, email: str, inviter: User | None
) -> tuple[Invitation, str]:
    token = _new_token()
    with transaction.atomic():
        # A new invitation replaces any pending one for the same address.
        Invitation.objects.filter(
            workspace=workspace, kind=InvitationKind.PERSONAL, email=email,
            accepted_at__isnull=True, revoked_at__isnull=True,
        ).update(revoked_at=timezone.now())  # fmt: skip
        invitation = Invitation.objects.create(
            workspace=workspace,
            kind=InvitationKind.PERSONAL,
            email=email,
            token_hash=hash_secret(token),
            invited_by=inviter,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_LIFETIME_DAYS),
        )
    return invitation, token


def _deliver(invitation: Invitation, token: str, inviter: User | None) -> None:
    try:
        _send_mail(invitation, token, inviter)
    except ApiError:
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
        raise


def send_invitations(principal: Principal, raw_emails: list[str]) -> SendResult:
    """E-mail a personal invitation to each address (members already in are reported)."""
    require_flag(principal, PermissionFlag.WORKSPACE_MEMBERS)
    if not raw_emails:
        raise BadUserInput("Give at least one email address.", field="emails")
    if len(raw_emails) > MAX_EMAILS:
        raise BadUserInput(f"At most {MAX_EMAILS} invitations at a time.", field="emails")
    addresses = list(dict.fromkeys(valid_email(e) for e in raw_emails))  # all valid, or none sent
    workspace = principal.workspace
    members = set(
        Membership.objects.filter(workspace=workspace, user__email__in=addresses).values_list(
            "user__email", flat=True
        )
    )
    result = SendResult()
    for email in addresses:
        if email in members:
            result.errors.append(f"{email} is already a member of this workspace.")
            continue
        invitation, token = _create_personal(workspace, email, principal.user)
        try:
            _deliver(invitation, token, principal.user)
        except ApiError as error:
            result.errors.append(f"{email}: {error.message}")
            continue
        result.sent.append(invitation)
    return result


def _own_invitation(principal: Principal, invitation_id: str) -> Invitation:
    """A personal invitation of the caller's workspace; NotFound for anything else."""
    require_flag(principal, PermissionFlag.WORKSPACE_MEMBERS)
    try:
        invitation_uuid = uuid.UUID(str(invitation_id))
    except ValueError:
        raise BadUserInput("The invitation id is not a valid UUID.", field="appTokenId") from None
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(id=invitation_uuid, workspace=principal.workspace, kind=InvitationKind.PERSONAL)
        .first()
    )
    if invitation is None:
        raise NotFound("No invitation of this workspace has this id.", field="appTokenId")
    return invitation


def revoke_invitation(principal: Principal, invitation_id: str) -> Invitation:
    invitation = _own_invitation(principal, invitation_id)
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def resend_invitation(principal: Principal, invitation_id: str) -> Invitation:
    """A fresh invitation (new token, new expiry) to the same address; the old one dies."""
    old = _own_invitation(principal, invitation_id)
    if old.accepted_at is not None:
        raise BadUserInput("This invitation was already accepted.", field="appTokenId")
    invitation, token = _create_personal(old.workspace, old.email, principal.user)
    _deliver(invitation, token, principal.user)
    return invitation


# --- the public invite link ---------------------------------------------------------------------


def create_invite_link(principal: Principal) -> tuple[Invitation, str]:
    """A new public invite link for the caller's workspace; the previous link stops working."""
    require_flag(principal, PermissionFlag.WORKSPACE_MEMBERS)
    token = _new_token()
    with transaction.atomic():
        revoke_invite_links(principal.workspace)
        link = Invitation.objects.create(
            workspace=principal.workspace,
            kind=InvitationKind.LINK,
            token_hash=hash_secret(token),
            invited_by=principal.user,
        )
    return link, emails.frontend_link(f"invite/{token}")


def revoke_invite_links(workspace: Workspace) -> int:
    return Invitation.objects.filter(
        workspace=workspace, kind=InvitationKind.LINK, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def revoke_invite_link(principal: Principal) -> int:
    require_flag(principal, PermissionFlag.WORKSPACE_MEMBERS)
    return revoke_invite_links(principal.workspace)


# --- accepting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    user: User
    workspace: Workspace
    tokens: TokenPair
    created_user: bool


def find_usable(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("workspace")
        .filter(token_hash=hash_secret((token or "").strip()))
        .first()
    )
    if invitation is None or not invitation.is_usable():
        raise InvitationInvalid(INVALID, field="inviteToken")
    if not invitation.workspace.is_active:
        raise Forbidden("This workspace is suspended.")
    return invitation


def accept(
    token: str,
    *,
    email: str | None,
    password: str,
    address: str,
    context_workspace: Workspace | None,
    first_name: str = "",
    last_name: str = "",
) -> Joined:
    """Join the invitation's workspace as an existing user (their password) or a new one
    (sign-up), and get tokens for it.

    `context_workspace` is the workspace the request is made in (its host or its bearer
    token); an invitation of another workspace is refused there.
    """
    invitation = find_usable(token)
    if context_workspace is not None and context_workspace.id != invitation.workspace_id:
        raise Forbidden("This invitation is not for this workspace.", field="inviteToken")
    if invitation.kind == InvitationKind.PERSONAL:
        if email and valid_email(email) != invitation.email:
            raise BadUserInput("This invitation was sent to another email address.", field="email")
        email = invitation.email
    elif not email:
        raise BadUserInput("'email' is required to join with an invite link.", field="email")
    email = valid_email(email)
    existing = User.objects.filter(email=email).first()
    created = existing is None
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_usable():
            raise InvitationInvalid(INVALID, field="inviteToken")
        if existing is None:
            user = create_user(email, password, first_name=first_name, last_name=last_name)
        else:
            user = accounts.authenticate(email, password, address)
        add_member(invitation.workspace, user, invitation.role)  # type: ignore[arg-type]
        if locked.kind == InvitationKind.PERSONAL:
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])
        pair = tokens.issue_tokens(user, invitation.workspace)
    return Joined(user, invitation.workspace, pair, created)
