from metadata.field_types.base import FieldType


class RawJsonType(FieldType):
    type = "RAW_JSON"
    sql_type = "jsonb"
    kind = "json"
    orderable = False
