from typing import Any

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec, FieldType, bad_value
from metadata.field_types.options import normalize_options, option_values


class MultiSelectType(FieldType):
    """Any number of the field's options, stored as a text array."""

    type = "MULTI_SELECT"
    sql_type = "text[]"
    kind = "array"

    def validate_definition(self, spec: FieldSpec) -> None:
        normalize_options(spec.name, spec.options)
        super().validate_definition(spec)

    def coerce(self, spec: FieldSpec, value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise bad_value(spec, value, "a list of option values")
        allowed = option_values(spec.options)
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise BadUserInput(
                f"Field '{spec.name}' has no option {unknown[0]!r}; use some of {', '.join(allowed)}.",
                field=spec.name,
            )
        return list(dict.fromkeys(value))

    def openapi_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["array", "null"], "items": {"enum": option_values(spec.options)}}
