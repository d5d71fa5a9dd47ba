from typing import Any

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec, FieldType, bad_value

RATINGS = tuple(f"RATING_{n}" for n in range(1, 6))


class RatingType(FieldType):
    """One of RATING_1 .. RATING_5."""

    type = "RATING"
    sql_type = "text"
    kind = "enum"

    def coerce(self, spec: FieldSpec, value: Any) -> Any:
        if not isinstance(value, str):
            raise bad_value(spec, value, "one of RATING_1 to RATING_5")
        if value not in RATINGS:
            raise BadUserInput(
                f"Field '{spec.name}' expects one of {', '.join(RATINGS)}, got {value!r}.",
                field=spec.name,
            )
        return value

    def openapi_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["string", "null"], "enum": [*RATINGS, None]}
