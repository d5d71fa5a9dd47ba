from metadata.field_types.base import FieldType


class DateTimeType(FieldType):
    type = "DATE_TIME"
    sql_type = "timestamptz"
    kind = "datetime"
