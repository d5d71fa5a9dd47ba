from metadata.field_types.base import FieldType, SubField


class AddressType(FieldType):
    type = "ADDRESS"
    sql_type = ""
    kind = "text"
    searchable = True
    sub_fields = (
        SubField("addressStreet1", "text", "text"),
        SubField("addressStreet2", "text", "text"),
        SubField("addressCity", "text", "text"),
        SubField("addressState", "text", "text"),
        SubField("addressPostcode", "text", "text"),
        SubField("addressCountry", "text", "text"),
        SubField("addressLat", "double precision", "number"),
        SubField("addressLng", "double precision", "number"),
    )
