"""Workspace-wide permission flags (Twenty's names): settings areas a role may manage."""

from __future__ import annotations

from enum import StrEnum


class PermissionFlag(StrEnum):
    DATA_MODEL = "DATA_MODEL"
    API_KEYS_AND_WEBHOOKS = "API_KEYS_AND_WEBHOOKS"
    WORKSPACE_MEMBERS = "WORKSPACE_MEMBERS"
    ROLES = "ROLES"
    WORKFLOWS = "WORKFLOWS"
    IMPORT_CSV = "IMPORT_CSV"
    EXPORT_CSV = "EXPORT_CSV"
    SECURITY = "SECURITY"
