from typing import Any

from metadata.field_types.base import FieldSpec, FieldType, SubField, bad_value


class LinksType(FieldType):
    type = "LINKS"
    sql_type = ""
    kind = "text"
    searchable = True
    primary_sub_field = "primaryLinkUrl"
    sub_fields = (
        SubField("primaryLinkUrl", "text", "text"),
        SubField("primaryLinkLabel", "text", "text"),
        SubField("secondaryLinks", "jsonb", "json"),
    )

    def coerce_sub(self, spec: FieldSpec, sub: SubField, value: Any) -> Any:
        if sub.name == "secondaryLinks" and value is not None:
            if not isinstance(value, list) or not all(
                isinstance(link, dict) and set(link) <= {"url", "label"} for link in value
            ):
                raise bad_value(spec, value, "secondaryLinks as a list of {url, label}")
            return value
        return super().coerce_sub(spec, sub, value)
