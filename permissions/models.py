"""Roles and what they grant, kept in each workspace's own schema (a tenant app).

Why there: like the metadata registry, roles are then isolated by construction (a query in
workspace A's schema cannot see B's roles), they are born with the workspace (the template
schema holds the default roles Admin, Member and Guest, and a new workspace is a clone of it),
and permissions can point at the object and field metadata rows with real foreign keys, so
deleting an object or a field drops its permissions in the same transaction.

The shape is Twenty's: a role carries "all objects" defaults; an object permission overrides
them for one object (a null right means "as the role's default") and may add a row-level
filter; a field permission can take away reading or updating one field; permission flags name
the settings areas the role may manage. Assignments point at a workspaceMember record or at a
public `ApiKey` by id; a member or key without one gets the default role of its kind (see
permissions.services.resolve).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from metadata.models import FieldMetadata, ObjectMetadata


class StandardRole(models.TextChoices):
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    GUEST = "guest", "Guest"


class Role(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Set on the three roles every workspace is born with; they cannot be deleted.
    standard_key = models.CharField(
        max_length=16, choices=StandardRole.choices, null=True, blank=True, unique=True
    )
    label = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True, default="")
    icon = models.CharField(max_length=100, blank=True, default="")
    is_editable = models.BooleanField(default=True)
    can_update_all_settings = models.BooleanField(default=False)
    can_access_all_tools = models.BooleanField(default=False)
    can_read_all_object_records = models.BooleanField(default=False)
    can_update_all_object_records = models.BooleanField(default=False)
    can_soft_delete_all_object_records = models.BooleanField(default=False)
    can_destroy_all_object_records = models.BooleanField(default=False)
    can_be_assigned_to_users = models.BooleanField(default=True)
    can_be_assigned_to_api_keys = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "permission_role"
        ordering = ["created_at", "label"]

    def __str__(self) -> str:
        return self.label


class ObjectPermission(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="object_permissions")
    object = models.ForeignKey(ObjectMetadata, on_delete=models.CASCADE, related_name="+")
    # None: as the role's "all object records" default.
    can_read_object_records = models.BooleanField(null=True, blank=True)
    can_update_object_records = models.BooleanField(null=True, blank=True)
    can_soft_delete_object_records = models.BooleanField(null=True, blank=True)
    can_destroy_object_records = models.BooleanField(null=True, blank=True)
    # A filter in the API's filter language; the string "me" stands for the caller's
    # workspaceMember id. Records outside it do not exist for the role.
    row_level_filter = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "permission_object"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["role", "object"], name="permission_object_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role_id} on {self.object_id}"


class FieldPermission(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="field_permissions")
    object = models.ForeignKey(ObjectMetadata, on_delete=models.CASCADE, related_name="+")
    field = models.ForeignKey(FieldMetadata, on_delete=models.CASCADE, related_name="+")
    # None: no restriction; False takes the right away.
    can_read_field_value = models.BooleanField(null=True, blank=True)
    can_update_field_value = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "permission_field"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["role", "field"], name="permission_field_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role_id} on {self.field_id}"


class PermissionFlagGrant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permission_flags")
    flag = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "permission_flag"
        ordering = ["flag"]
        constraints = [
            models.UniqueConstraint(fields=["role", "flag"], name="permission_flag_unique")
        ]

    def __str__(self) -> str:
        return self.flag


class RoleAssignment(models.Model):
    """A role given to one workspace member (its workspaceMember record) or one API key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: a role still assigned cannot be deleted (the service answers CONFLICT first).
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    workspace_member_id = models.UUIDField(null=True, blank=True, unique=True)
    api_key_id = models.UUIDField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "permission_role_assignment"
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(workspace_member_id__isnull=False, api_key_id__isnull=True)
                    | models.Q(workspace_member_id__isnull=True, api_key_id__isnull=False)
                ),
                name="permission_assignment_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role_id} to {self.workspace_member_id or self.api_key_id}"
