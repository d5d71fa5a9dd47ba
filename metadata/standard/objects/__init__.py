"""Every standard object, declared as data (one module per domain).

The order does not matter: sync creates every object first and their relations after.
"""

from __future__ import annotations

from metadata.standard.definitions import ObjectDef
from metadata.standard.objects.calendar import CALENDAR_OBJECTS
from metadata.standard.objects.crm import CRM_OBJECTS
from metadata.standard.objects.messaging import MESSAGING_OBJECTS
from metadata.standard.objects.workflow import WORKFLOW_OBJECTS
from metadata.standard.objects.workspace import WORKSPACE_OBJECTS

STANDARD_OBJECTS: tuple[ObjectDef, ...] = (
    *CRM_OBJECTS,
    *WORKSPACE_OBJECTS,
    *MESSAGING_OBJECTS,
    *CALENDAR_OBJECTS,
    *WORKFLOW_OBJECTS,
)

__all__ = ["STANDARD_OBJECTS"]
