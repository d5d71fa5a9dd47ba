from metadata.field_types.base import FieldType


class BooleanType(FieldType):
    type = "BOOLEAN"
    sql_type = "boolean"
    kind = "boolean"
