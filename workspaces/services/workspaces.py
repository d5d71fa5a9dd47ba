"""Creating, listing and deleting workspaces. The only code that changes workspace rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_exists

from crm.schemas import use_public
from workspaces.errors import InvalidSubdomain, SubdomainTaken, WorkspaceNotFound
from workspaces.models import Domain, Membership, MembershipRole, User, Workspace
from workspaces.services import members, template
from workspaces.services.users import get_or_create_user

SUBDOMAIN_RE = re.compile(r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$")
RESERVED_SUBDOMAINS = frozenset(
    {
        "www", "api", "app", "admin", "auth", "static", "media", "mail", "public",
        "template", "workspace-template", "graphql", "metadata", "rest", "healthz",
        "pg-catalog", "information-schema",
    }
)  # fmt: skip


def validate_subdomain(subdomain: str) -> str:
    """Return the subdomain if a workspace may take it, else raise InvalidSubdomain."""
    if not SUBDOMAIN_RE.match(subdomain) or "--" in subdomain:
        raise InvalidSubdomain(
            f"Subdomain {subdomain!r} is not valid: use 3 to 30 lowercase letters, digits or "
            "single hyphens, starting with a letter and not ending with a hyphen.",
            field="subdomain",
        )
    if subdomain in RESERVED_SUBDOMAINS:
        raise InvalidSubdomain(f"Subdomain {subdomain!r} is reserved.", field="subdomain")
    return subdomain


def schema_name_for(subdomain: str) -> str:
    return "ws_" + subdomain.replace("-", "_")


def host_for(subdomain: str) -> str:
    return f"{subdomain}.{settings.BASE_DOMAIN}"


@dataclass(frozen=True)
class AdminAccount:
    email: str
    password: str | None


def create_workspace(subdomain: str, name: str, *, admin: AdminAccount | None = None) -> Workspace:
    """Create a workspace: its row, its domain and its schema cloned from the template.

    All in one transaction, so a failure at any step leaves no row and no schema behind.
    """
    subdomain = validate_subdomain(subdomain.strip().lower())
    name = name.strip() or subdomain
    schema_name = schema_name_for(subdomain)
    use_public()
    with transaction.atomic():
        if (
            Workspace.objects.filter(subdomain=subdomain).exists()
            or Domain.objects.filter(domain=host_for(subdomain)).exists()
            or schema_exists(schema_name, case_sensitive=False)
        ):
            raise SubdomainTaken(f"Subdomain {subdomain!r} is already taken.", field="subdomain")
        workspace = Workspace.objects.create(
            name=name, subdomain=subdomain, schema_name=schema_name
        )
        Domain.objects.create(domain=host_for(subdomain), tenant=workspace, is_primary=True)
        template.clone_template(schema_name)
        if admin is not None:
            user = get_or_create_user(admin.email, admin.password)
            add_member(workspace, user, MembershipRole.ADMIN)
    return workspace


def get_workspace(subdomain: str) -> Workspace:
    try:
        return Workspace.objects.get(subdomain=subdomain.strip().lower())
    except Workspace.DoesNotExist:
        raise WorkspaceNotFound(f"No workspace has the subdomain {subdomain!r}.") from None


def delete_workspace(workspace: Workspace) -> None:
    """Delete a workspace with everything in it: its schema, domains, memberships and keys."""
    use_public()
    with transaction.atomic():
        template.drop_schema(workspace.schema_name)
        Workspace.objects.filter(pk=workspace.pk).delete()


def add_member(
    workspace: Workspace, user: User, role: MembershipRole = MembershipRole.MEMBER
) -> Membership:
    """Make `user` a member of `workspace` (an existing membership is returned unchanged),
    with their workspaceMember record, in one transaction."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, workspace=workspace, defaults={"role": role}
        )
        if created:
            members.ensure_member_record(workspace, user)
    return membership
