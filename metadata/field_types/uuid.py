from metadata.field_types.base import FieldType


class UuidType(FieldType):
    type = "UUID"
    sql_type = "uuid"
    kind = "uuid"
