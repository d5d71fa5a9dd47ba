from typing import Any

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec, FieldType, bad_value
from metadata.field_types.options import normalize_options, option_values


class SelectType(FieldType):
    """One value out of the field's options."""

    type = "SELECT"
    sql_type = "text"
    kind = "enum"

    def validate_definition(self, spec: FieldSpec) -> None:
        normalize_options(spec.name, spec.options)
        super().validate_definition(spec)

    def coerce(self, spec: FieldSpec, value: Any) -> Any:
        if not isinstance(value, str):
            raise bad_value(spec, value, "an option value")
        allowed = option_values(spec.options)
        if value not in allowed:
            raise BadUserInput(
                f"Field '{spec.name}' has no option {value!r}; use one of {', '.join(allowed)}.",
                field=spec.name,
            )
        return value
