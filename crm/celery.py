"""The Celery app. tenant-schemas-celery runs every task in the schema of the workspace that
queued it (it records the schema in the task's headers when the task is sent)."""

from __future__ import annotations

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = CeleryApp("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
