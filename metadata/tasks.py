"""Celery entry points of the metadata domain."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from crm.schemas import current_schema
from metadata.models import ObjectMetadata


@shared_task
def describe_workspace_objects() -> dict[str, Any]:
    """The objects of the workspace the task runs in (tenant-schemas-celery picks the schema)."""
    return {
        "schema": current_schema(),
        "objects": list(
            ObjectMetadata.objects.order_by("name_singular").values_list("name_singular", flat=True)
        ),
    }
