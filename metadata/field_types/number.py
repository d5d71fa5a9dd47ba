from metadata.field_types.base import FieldType


class NumberType(FieldType):
    """A float (double precision), as in Twenty's NUMBER."""

    type = "NUMBER"
    sql_type = "double precision"
    kind = "number"
