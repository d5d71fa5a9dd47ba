from metadata.field_types.base import FieldType


class DateType(FieldType):
    type = "DATE"
    sql_type = "date"
    kind = "date"
