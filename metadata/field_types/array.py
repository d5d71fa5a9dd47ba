from metadata.field_types.base import FieldType


class ArrayType(FieldType):
    """A list of strings (text[])."""

    type = "ARRAY"
    sql_type = "text[]"
    kind = "array"
    searchable = False
