"""The type changes that keep existing values, each with the SQL that converts them."""

from __future__ import annotations

from psycopg import sql

TO_TEXT = "{col}::text"
AS_ARRAY = "CASE WHEN {col} IS NULL THEN NULL ELSE ARRAY[{col}::text] END"

# (from, to) -> the USING expression, in terms of the column `{col}`.
SAFE_CONVERSIONS: dict[tuple[str, str], str] = {
    ("NUMBER", "NUMERIC"): "{col}::numeric",
    ("NUMERIC", "NUMBER"): "{col}::double precision",
    ("NUMBER", "TEXT"): TO_TEXT,
    ("NUMERIC", "TEXT"): TO_TEXT,
    ("BOOLEAN", "TEXT"): TO_TEXT,
    ("UUID", "TEXT"): TO_TEXT,
    ("DATE", "TEXT"): TO_TEXT,
    ("DATE_TIME", "TEXT"): TO_TEXT,
    ("SELECT", "TEXT"): TO_TEXT,
    ("RATING", "TEXT"): TO_TEXT,
    ("DATE", "DATE_TIME"): "{col}::timestamptz",
    ("DATE_TIME", "DATE"): "{col}::date",
    ("SELECT", "MULTI_SELECT"): AS_ARRAY,
    ("TEXT", "ARRAY"): AS_ARRAY,
    ("ARRAY", "TEXT"): "array_to_string({col}, ', ')",
    ("MULTI_SELECT", "ARRAY"): "{col}",
    # Values must parse; a value that does not makes the change fail and roll back.
    ("TEXT", "NUMBER"): "NULLIF(btrim({col}), '')::double precision",
    ("TEXT", "NUMERIC"): "NULLIF(btrim({col}), '')::numeric",
    ("TEXT", "SELECT"): "NULLIF({col}, '')",
    ("TEXT", "UUID"): "NULLIF(btrim({col}), '')::uuid",
}


def using(from_type: str, to_type: str, column: str) -> sql.Composable | None:
    template = SAFE_CONVERSIONS.get((from_type, to_type))
    if template is None:
        return None
    return sql.SQL(template.replace("{col}", "{}")).format(
        *[sql.Identifier(column)] * template.count("{col}")
    )
