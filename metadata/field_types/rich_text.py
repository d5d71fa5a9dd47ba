from metadata.field_types.base import FieldSpec, FieldType, SubField


class RichTextType(FieldType):
    """Rich text kept twice: the editor's BlockNote JSON and its Markdown rendering."""

    type = "RICH_TEXT"
    sql_type = ""
    kind = "text"
    searchable = True
    sub_fields = (SubField("blocknote", "text", "text"), SubField("markdown", "text", "text"))

    def search_columns(self, spec: FieldSpec) -> list[str]:
        return [spec.column("markdown")]
