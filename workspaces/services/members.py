"""Workspace members: a membership (shared schema) and its `workspaceMember` record (in the
workspace's own schema) are created, changed and removed together, in one transaction.

The record is the standard object `workspaceMember` (table `workspace_member`); it is written
with qualified SQL so it works whichever schema the connection points at.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from psycopg import sql

from crm.errors import BadUserInput, Conflict, NotFound
from metadata.services.ddl import qualified
from permissions.flags import PermissionFlag
from permissions.services.checks import require_flag
from workspaces.models import Membership, MembershipRole, User, Workspace
from workspaces.principal import Principal
from workspaces.services import tokens

TABLE = "workspace_member"
SYSTEM_ACTOR = {"created_by_source": "SYSTEM", "created_by_name": "System"}


def _table(workspace: Workspace) -> sql.Composable:
    return qualified(workspace.schema_name, TABLE)


def _person(user: User) -> dict[str, Any]:
    return {
        "name_first_name": user.first_name,
        "name_last_name": user.last_name,
        "user_email": user.email,
    }


def _execute(statement: sql.Composable) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return list(cursor.fetchall()) if cursor.description else []


def _assignments(values: dict[str, Any]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(c), sql.Literal(v)) for c, v in values.items()
    )


def ensure_member_record(workspace: Workspace, user: User) -> uuid.UUID:
    """The user's workspaceMember record in `workspace`, created or brought up to date."""
    values = _person(user)
    updated = _execute(
        sql.SQL(
            "UPDATE {} SET {}, deleted_at = NULL, updated_at = now() WHERE user_id = {} RETURNING id"
        ).format(_table(workspace), _assignments(values), sql.Literal(user.id))
    )
    if updated:
        return uuid.UUID(str(updated[0][0]))
    row = {**values, **SYSTEM_ACTOR, "user_id": user.id}
    inserted = _execute(
        sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING id").format(
            _table(workspace),
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(map(sql.Literal, row.values())),
        )
    )
    return uuid.UUID(str(inserted[0][0]))


def update_member_records(user: User) -> None:
    """Copy the user's name and email into their record in every workspace they belong to."""
    for membership in Membership.objects.filter(user=user).select_related("workspace"):
        ensure_member_record(membership.workspace, user)


def delete_member_record(workspace: Workspace, user: User) -> None:
    _execute(
        sql.SQL("DELETE FROM {} WHERE user_id = {}").format(_table(workspace), sql.Literal(user.id))
    )


@dataclass(frozen=True)
class Member:
    workspace_member_id: uuid.UUID | None
    user: User
    role: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.workspace_member_id) if self.workspace_member_id else None,
            "userId": str(self.user.id),
            "userEmail": self.user.email,
            "name": {"firstName": self.user.first_name, "lastName": self.user.last_name},
            "role": self.role,
        }


def list_members(workspace: Workspace) -> list[Member]:
    """Everyone who belongs to the workspace, with the id of their workspaceMember record."""
    memberships = list(
        Membership.objects.filter(workspace=workspace).select_related("user").order_by("created_at")
    )
    rows = _execute(sql.SQL("SELECT user_id, id FROM {}").format(_table(workspace)))
    record_ids = {str(user_id): record_id for user_id, record_id in rows}
    return [Member(record_ids.get(str(m.user_id)), m.user, m.role) for m in memberships]


def _membership_for_record(workspace: Workspace, workspace_member_id: str) -> Membership:
    try:
        record_id = uuid.UUID(str(workspace_member_id))
    except ValueError:
        raise BadUserInput(
            "The workspace member id is not a valid UUID.", field="workspaceMemberId"
        ) from None
    rows = _execute(
        sql.SQL("SELECT user_id FROM {} WHERE id = {}").format(
            _table(workspace), sql.Literal(record_id)
        )
    )
    membership = (
        Membership.objects.select_related("user")
        .filter(workspace=workspace, user_id=rows[0][0])
        .first()
        if rows and rows[0][0] is not None
        else None
    )
    if membership is None:
        raise NotFound("No member of this workspace has this id.", field="workspaceMemberId")
    return membership


def remove_member(principal: Principal, workspace_member_id: str) -> Member:
    """Remove someone from the caller's workspace: the membership, the workspaceMember record
    and the person's sign-ins to this workspace go together. The last admin stays."""
    require_flag(principal, PermissionFlag.WORKSPACE_MEMBERS)
    workspace = principal.workspace
    with transaction.atomic():
        membership = _membership_for_record(workspace, workspace_member_id)
        locked = list(
            Membership.objects.select_for_update()
            .filter(workspace=workspace, role=MembershipRole.ADMIN)
            .values_list("id", flat=True)
        )
        if membership.role == MembershipRole.ADMIN and locked == [membership.id]:
            raise Conflict(
                "This is the workspace's last admin; make someone else an admin first.",
                field="workspaceMemberId",
            )
        removed = Member(uuid.UUID(str(workspace_member_id)), membership.user, membership.role)
        end_membership(membership)
    return removed


def end_membership(membership: Membership) -> None:
    """Delete a membership with its workspaceMember record and the person's sign-ins to the
    workspace, in one transaction (no permission check: callers do it)."""
    with transaction.atomic():
        delete_member_record(membership.workspace, membership.user)
        tokens.revoke_user_families(membership.user, membership.workspace, reason="removed")
        membership.delete()


@dataclass(frozen=True)
class SyncResult:
    ensured: int
    removed: int


def sync_member_records(workspace: Workspace) -> SyncResult:
    """The data fix: one up-to-date record per membership, none for people who left."""
    with transaction.atomic():
        memberships = list(Membership.objects.filter(workspace=workspace).select_related("user"))
        for membership in memberships:
            ensure_member_record(workspace, membership.user)
        user_ids = [m.user_id for m in memberships]
        stale = _execute(
            sql.SQL(
                "DELETE FROM {} WHERE user_id IS NOT NULL AND NOT (user_id = ANY({})) RETURNING id"
            ).format(_table(workspace), sql.Literal(user_ids))
        )
    return SyncResult(ensured=len(memberships), removed=len(stale))
