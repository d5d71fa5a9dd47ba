from django.apps import AppConfig


class PermissionsConfig(AppConfig):
    name = "permissions"
    verbose_name = "Roles and permissions"
    default_auto_field = "django.db.models.BigAutoField"
