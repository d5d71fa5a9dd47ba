"""The roles every workspace is born with: Admin, Member and Guest.

Tenant migrations run on the template schema (new workspaces are clones of it) and on every
existing workspace, so all of them get the three roles.
"""

from typing import Any

from django.db import migrations

DEFAULT_ROLES: list[dict[str, Any]] = [
    {
        "standard_key": "admin", "label": "Admin", "icon": "IconUserCog",
        "description": "Admin role", "is_editable": False,
        "can_update_all_settings": True, "can_access_all_tools": True,
        "can_read_all_object_records": True, "can_update_all_object_records": True,
        "can_soft_delete_all_object_records": True, "can_destroy_all_object_records": True,
    },
    {
        "standard_key": "member", "label": "Member", "icon": "IconUser",
        "description": "Member role", "is_editable": True,
        "can_update_all_settings": False, "can_access_all_tools": False,
        "can_read_all_object_records": True, "can_update_all_object_records": True,
        "can_soft_delete_all_object_records": True, "can_destroy_all_object_records": True,
    },
    {
        "standard_key": "guest", "label": "Guest", "icon": "IconUserQuestion",
        "description": "Guest role: reads records, changes nothing", "is_editable": True,
        "can_update_all_settings": False, "can_access_all_tools": False,
        "can_read_all_object_records": True, "can_update_all_object_records": False,
        "can_soft_delete_all_object_records": False, "can_destroy_all_object_records": False,
    },
]  # fmt: skip


def create_default_roles(apps: Any, schema_editor: Any) -> None:
    role = apps.get_model("permissions", "Role")
    for values in DEFAULT_ROLES:
        role.objects.update_or_create(standard_key=values["standard_key"], defaults=values)


class Migration(migrations.Migration):
    dependencies = [("permissions", "0001_initial")]

    operations = [migrations.RunPython(create_default_roles, migrations.RunPython.noop)]
