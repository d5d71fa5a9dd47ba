from typing import Any

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec, FieldType


class TsVectorType(FieldType):
    """The search vector: a generated column, written by PostgreSQL, never by a caller."""

    type = "TS_VECTOR"
    sql_type = "tsvector"
    kind = "tsvector"
    orderable = False

    def coerce(self, spec: FieldSpec, value: Any) -> Any:
        raise BadUserInput(
            f"Field '{spec.name}' is computed and cannot be written.", field=spec.name
        )
