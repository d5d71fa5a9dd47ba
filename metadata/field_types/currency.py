from typing import Any

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec, FieldType, SubField


class CurrencyType(FieldType):
    """An amount in millionths of a unit (exact numeric) with its ISO 4217 code."""

    type = "CURRENCY"
    sql_type = ""
    kind = "numeric"
    sub_fields = (
        SubField("amountMicros", "numeric", "numeric"),
        SubField("currencyCode", "text", "text"),
    )

    def coerce_sub(self, spec: FieldSpec, sub: SubField, value: Any) -> Any:
        coerced = super().coerce_sub(spec, sub, value)
        if sub.name == "currencyCode" and coerced is not None:
            if len(coerced) != 3 or not coerced.isalpha() or not coerced.isupper():
                raise BadUserInput(
                    f"Field '{spec.name}' needs a three-letter currency code such as USD, "
                    f"got {coerced!r}.",
                    field=spec.name,
                )
        return coerced
