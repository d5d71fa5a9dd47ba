from typing import Any

from metadata.field_types.base import FieldSpec, FieldType, SubField, bad_value


class PhonesType(FieldType):
    type = "PHONES"
    sql_type = ""
    kind = "text"
    searchable = True
    primary_sub_field = "primaryPhoneNumber"
    sub_fields = (
        SubField("primaryPhoneNumber", "text", "text"),
        SubField("primaryPhoneCountryCode", "text", "text"),
        SubField("primaryPhoneCallingCode", "text", "text"),
        SubField("additionalPhones", "jsonb", "json"),
    )

    def coerce_sub(self, spec: FieldSpec, sub: SubField, value: Any) -> Any:
        if sub.name == "additionalPhones" and value is not None:
            if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
                raise bad_value(spec, value, "additionalPhones as a list of phone objects")
            return value
        return super().coerce_sub(spec, sub, value)
