"""What a caller may do with one object's records: the one question every transport asks.

GraphQL, REST, workflows and importers call `object_access` and honour its answer; record
services refuse writes it does not allow. Until roles land, every member and API key of a
workspace may read and change every record and field (the behaviour before permissions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metadata.snapshot import ObjectModel, WorkspaceModel
from workspaces.principal import Principal


@dataclass(frozen=True)
class ObjectAccess:
    can_read: bool = True
    can_update: bool = True  # create and update
    can_soft_delete: bool = True  # delete and restore
    can_destroy: bool = True
    # API field names the caller may not read (absent from REST output, FORBIDDEN in GraphQL).
    unreadable_fields: frozenset[str] = frozenset()
    # API field names the caller may read but not set.
    read_only_fields: frozenset[str] = frozenset()
    # A filter in the API's filter language that every record the caller reaches must match
    # ("me" already replaced by the caller's workspaceMember id); None means every record.
    row_filter: Mapping[str, Any] | None = None


FULL_ACCESS = ObjectAccess()


def object_access(principal: Principal, model: WorkspaceModel, obj: ObjectModel) -> ObjectAccess:
    """The caller's rights on `obj`'s records."""
    return FULL_ACCESS
