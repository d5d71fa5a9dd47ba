"""The workspace model as one caller sees it: the metadata snapshot plus the caller's rights.

The GraphQL view hands this to the schema cache (which only needs the snapshot: schemas are
shared by every role, and fields a role may not read are refused with FORBIDDEN when selected,
so cached documents and schemas stay valid), to the read fast path and to the resolvers, which
all compile with `access` and pass it to records.services. Permissions are resolved once per
request here (a cache hit when warm).
"""

from __future__ import annotations

from dataclasses import dataclass

from metadata import snapshot
from metadata.snapshot import ObjectModel, WorkspaceModel
from permissions.services.access import ObjectAccess, access_for
from permissions.services.resolve import RolePermissions, permissions_for
from workspaces.principal import Principal


@dataclass(frozen=True)
class CallerModel:
    model: WorkspaceModel
    permissions: RolePermissions

    def access(self, obj: ObjectModel) -> ObjectAccess:
        return access_for(self.permissions, obj)


def caller_model(principal: Principal) -> CallerModel:
    return CallerModel(snapshot.for_workspace(principal.workspace), permissions_for(principal))
