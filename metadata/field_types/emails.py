from typing import Any

from metadata.field_types.base import FieldSpec, FieldType, SubField, bad_value


class EmailsType(FieldType):
    type = "EMAILS"
    sql_type = ""
    kind = "text"
    searchable = True
    primary_sub_field = "primaryEmail"
    sub_fields = (
        SubField("primaryEmail", "text", "text"),
        SubField("additionalEmails", "jsonb", "json"),
    )

    def coerce_sub(self, spec: FieldSpec, sub: SubField, value: Any) -> Any:
        if sub.name == "additionalEmails" and value is not None:
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise bad_value(spec, value, "additionalEmails as a list of strings")
            return value
        return super().coerce_sub(spec, sub, value)
