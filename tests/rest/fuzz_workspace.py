"""A committed workspace whose custom object has a field of every field type, for the
schemathesis runs (the live server sees only committed data)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from crm.schemas import use_public, use_workspace
from metadata import snapshot
from metadata.field_types.registry import FIELD_TYPES
from metadata.models import ObjectMetadata
from metadata.services.fields import FieldInput, RelationInput, create_field
from metadata.services.objects import ObjectInput, create_object
from tests.conftest import unique_subdomain
from workspaces.models import Workspace
from workspaces.services.api_keys import create_api_key
from workspaces.services.workspaces import create_workspace, delete_workspace

OPTIONS = [{"value": "NEW", "label": "New"}, {"value": "USED", "label": "Used"},
           {"value": "BROKEN", "label": "Broken"}]  # fmt: skip

# One custom field per type (the search vector, TS_VECTOR, comes with every object).
FIELDS = [
    FieldInput("serial", "UUID", "Serial"),
    FieldInput("code", "TEXT", "Code", is_unique=True),
    FieldInput("weight", "NUMBER", "Weight", is_nullable=False, default_value=0),
    FieldInput("price", "NUMERIC", "Price"),
    FieldInput("active", "BOOLEAN", "Active", is_nullable=False, default_value=False),
    FieldInput("madeOn", "DATE", "Made on"),
    FieldInput("lastSeen", "DATE_TIME", "Last seen"),
    FieldInput("score", "RATING", "Score"),
    FieldInput("status", "SELECT", "Status", is_nullable=False, default_value="NEW",
               options=OPTIONS),
    FieldInput("tags", "MULTI_SELECT", "Tags", options=OPTIONS),
    FieldInput("rank", "POSITION", "Rank"),
    FieldInput("extra", "RAW_JSON", "Extra"),
    FieldInput("aliases", "ARRAY", "Aliases"),
    FieldInput("documents", "FILES", "Documents"),
    FieldInput("designer", "FULL_NAME", "Designer"),
    FieldInput("cost", "CURRENCY", "Cost"),
    FieldInput("site", "LINKS", "Site"),
    FieldInput("contactEmails", "EMAILS", "Contact emails"),
    FieldInput("hotline", "PHONES", "Hotline"),
    FieldInput("warehouse", "ADDRESS", "Warehouse"),
    FieldInput("approvedBy", "ACTOR", "Approved by"),
    FieldInput("manual", "RICH_TEXT", "Manual"),
]  # fmt: skip
RELATIONS = [  # (field, kind, target, the target's new field label)
    ("maker", "MANY_TO_ONE", "company", "Gadgets made"),
    ("owners", "MANY_TO_MANY", "person", "Owned gadgets"),
    ("deals", "ONE_TO_MANY", "opportunity", "Gadget"),
]


@dataclass(frozen=True)
class FuzzWorkspace:
    workspace: Workspace
    api_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


def make_fuzz_workspace() -> FuzzWorkspace:
    use_public()
    workspace = create_workspace(unique_subdomain("fuzz"), "Fuzz")
    key = create_api_key(workspace, "schemathesis").secret
    use_workspace(workspace)
    try:
        gadget = create_object(ObjectInput("gadget", "gadgets", "Gadget", "Gadgets"))
        for definition in FIELDS:
            create_field(gadget.id, definition)
        for name, kind, target, label in RELATIONS:
            target_id = ObjectMetadata.objects.get(name_singular=target).id
            create_field(gadget.id, FieldInput(name, "RELATION", name.title(), relation=RelationInput(
                target_object_id=target_id, type=kind, target_field_label=label)))  # fmt: skip
        workspace.refresh_from_db()
        types = {f.type for f in snapshot.for_workspace(workspace).object("gadget").fields.values()}
        missing = set(FIELD_TYPES) - types
        assert not missing, f"the fuzzed object lacks {missing}"
    finally:
        use_public()
    return FuzzWorkspace(workspace, key)


def fuzz_workspace(django_db_blocker: Any) -> Iterator[FuzzWorkspace]:
    with django_db_blocker.unblock():
        made = make_fuzz_workspace()
        try:
            yield made
        finally:
            use_public()
            delete_workspace(made.workspace)
