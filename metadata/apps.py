from django.apps import AppConfig


class MetadataConfig(AppConfig):
    name = "metadata"
    default_auto_field = "django.db.models.BigAutoField"
