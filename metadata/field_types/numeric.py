from metadata.field_types.base import FieldType


class NumericType(FieldType):
    """An exact decimal (numeric), for values that must not round."""

    type = "NUMERIC"
    sql_type = "numeric"
    kind = "numeric"
