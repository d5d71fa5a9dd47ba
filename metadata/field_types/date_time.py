from metadata.field_types.base import Column, FieldSpec, FieldType, SqlDefault

# Twenty's default for "when the record is created".
NOW = "now"


class DateTimeType(FieldType):
    type = "DATE_TIME"
    sql_type = "timestamptz"
    kind = "datetime"

    def validate_definition(self, spec: FieldSpec) -> None:
        if spec.default_value != NOW:
            super().validate_definition(spec)

    def columns(self, spec: FieldSpec) -> list[Column]:
        if spec.default_value != NOW:
            return super().columns(spec)
        return [
            Column(
                spec.column(),
                self.sql_type,
                not_null=not spec.is_nullable,
                default=SqlDefault("now()"),
            )
        ]
