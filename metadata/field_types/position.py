from metadata.field_types.base import FieldType


class PositionType(FieldType):
    """A record's place in a manual ordering (a float, so an insert between two is cheap)."""

    type = "POSITION"
    sql_type = "double precision"
    kind = "number"
