from metadata.field_types.base import FieldType, SubField


class FullNameType(FieldType):
    type = "FULL_NAME"
    sql_type = ""
    kind = "text"
    searchable = True
    sub_fields = (SubField("firstName", "text", "text"), SubField("lastName", "text", "text"))
