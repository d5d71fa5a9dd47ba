from metadata.field_types.base import FieldType


class TextType(FieldType):
    type = "TEXT"
    sql_type = "text"
    kind = "text"
    searchable = True
