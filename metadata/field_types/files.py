from typing import Any

from metadata.field_types.base import FieldSpec, FieldType, bad_value


class FilesType(FieldType):
    """Attached files: a JSON list of {fileId, label, extension, ...} objects."""

    type = "FILES"
    sql_type = "jsonb"
    kind = "json"
    orderable = False

    def coerce(self, spec: FieldSpec, value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise bad_value(spec, value, "a list of file objects")
        return value
