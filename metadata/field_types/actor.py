from typing import Any

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec, FieldType, SubField

SOURCES = ("EMAIL", "CALENDAR", "WORKFLOW", "API", "IMPORT", "MANUAL", "SYSTEM", "WEBHOOK")


class ActorType(FieldType):
    """Who made a record: the source, the workspace member and a display name."""

    type = "ACTOR"
    sql_type = ""
    kind = "text"
    sub_fields = (
        SubField("source", "text", "enum"),
        SubField("workspaceMemberId", "uuid", "uuid"),
        SubField("name", "text", "text"),
        SubField("context", "jsonb", "json"),
    )

    def coerce_sub(self, spec: FieldSpec, sub: SubField, value: Any) -> Any:
        coerced = super().coerce_sub(spec, sub, value)
        if sub.name == "source" and coerced is not None and coerced not in SOURCES:
            raise BadUserInput(
                f"Field '{spec.name}' has no source {coerced!r}; use one of {', '.join(SOURCES)}.",
                field=spec.name,
            )
        return coerced
