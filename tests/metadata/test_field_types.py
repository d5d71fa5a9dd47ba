"""Every field type: create the field, write a value, read it back, filter and order by it."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from psycopg import sql

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec
from metadata.field_types.registry import FIELD_TYPES, get_field_type
from metadata.models import ObjectMetadata
from metadata.services.fields import FieldInput, create_field
from metadata.services.specs import field_spec
from tests.conftest import SeededWorkspace
from tests.metadata.conftest import columns_of

OPTIONS = [
    {"value": "RED", "label": "Red", "color": "red"},
    {"value": "BLUE", "label": "Blue", "color": "blue"},
    {"value": "GREEN", "label": "Green", "color": "green"},
]
WHEN = "2024-03-01T10:00:00+00:00"

# type -> (low value, high value, filter that matches only the high value, expected output)
CASES: dict[str, tuple[Any, Any, dict[str, Any], Any]] = {
    "UUID": (str(uuid.UUID(int=1)), str(uuid.UUID(int=2)), {"eq": str(uuid.UUID(int=2))}, uuid.UUID(int=2)),
    "TEXT": ("apple", "banana", {"ilike": "%NAN%"}, "banana"),
    "NUMBER": (1.5, 2.5, {"gt": 2}, 2.5),
    "NUMERIC": ("1.10", "2.25", {"gte": "2.25"}, Decimal("2.25")),
    "BOOLEAN": (False, True, {"eq": True}, True),
    "DATE": ("2024-01-01", "2024-02-01", {"gt": "2024-01-15"}, dt.date(2024, 2, 1)),
    "DATE_TIME": ("2024-01-01T00:00:00Z", WHEN, {"gte": WHEN}, dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC)),
    "RATING": ("RATING_1", "RATING_4", {"eq": "RATING_4"}, "RATING_4"),
    "SELECT": ("BLUE", "RED", {"in": ["RED", "GREEN"]}, "RED"),
    "MULTI_SELECT": (["BLUE"], ["RED", "GREEN"], {"containsAny": ["GREEN"]}, ["RED", "GREEN"]),
    "POSITION": (1.0, 2.0, {"lt": 3, "gt": 1}, 2.0),
    "RAW_JSON": ({"a": 1}, {"a": 2, "b": [1]}, {"containsJsonb": {"a": 2}}, {"a": 2, "b": [1]}),
    "ARRAY": (["x"], ["y", "z"], {"contains": ["z"]}, ["y", "z"]),
    "FILES": ([], [{"fileId": "f1", "label": "a.pdf"}], {"like": "%a.pdf%"}, [{"fileId": "f1", "label": "a.pdf"}]),
    "FULL_NAME": ({"firstName": "Ada", "lastName": "Byron"}, {"firstName": "Grace", "lastName": "Hopper"},
                  {"firstName": {"startsWith": "Gr"}}, {"firstName": "Grace", "lastName": "Hopper"}),
    "CURRENCY": ({"amountMicros": "1000000", "currencyCode": "EUR"}, {"amountMicros": "5000000", "currencyCode": "USD"},
                 {"amountMicros": {"gt": "2000000"}}, {"amountMicros": 5000000, "currencyCode": "USD"}),
    "LINKS": ({"primaryLinkUrl": "a.com", "primaryLinkLabel": "", "secondaryLinks": []},
              {"primaryLinkUrl": "b.com", "primaryLinkLabel": "B", "secondaryLinks": [{"url": "c.com", "label": "C"}]},
              {"primaryLinkUrl": {"eq": "b.com"}},
              {"primaryLinkUrl": "b.com", "primaryLinkLabel": "B", "secondaryLinks": [{"url": "c.com", "label": "C"}]}),
    "EMAILS": ({"primaryEmail": "a@x.co", "additionalEmails": []}, {"primaryEmail": "b@x.co", "additionalEmails": ["c@x.co"]},
               {"primaryEmail": {"endsWith": "b@x.co"}}, {"primaryEmail": "b@x.co", "additionalEmails": ["c@x.co"]}),
    "PHONES": ({"primaryPhoneNumber": "1"}, {"primaryPhoneNumber": "2", "primaryPhoneCallingCode": "+33"},
               {"primaryPhoneCallingCode": {"eq": "+33"}},
               {"primaryPhoneNumber": "2", "primaryPhoneCountryCode": None, "primaryPhoneCallingCode": "+33", "additionalPhones": None}),
    "ADDRESS": ({"addressCity": "Lyon", "addressLat": 45.7}, {"addressCity": "Paris", "addressLat": 48.8},
                {"addressLat": {"gt": 46}}, None),
    "ACTOR": ({"source": "API", "name": "a"}, {"source": "MANUAL", "name": "b"}, {"source": {"eq": "MANUAL"}}, None),
    "RICH_TEXT": ({"markdown": "a"}, {"markdown": "# b", "blocknote": "[]"}, {"markdown": {"like": "#%"}},
                  {"blocknote": "[]", "markdown": "# b"}),
}  # fmt: skip
SKIPPED = {
    "TS_VECTOR": "computed: covered by the search tests",
    "RELATION": "tests/metadata/test_relations.py",
}


def test_every_type_is_covered() -> None:
    assert set(CASES) | set(SKIPPED) == set(FIELD_TYPES)


def insert(schema: str, table: str, values: dict[str, Any]) -> uuid.UUID:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("INSERT INTO {}.{} ({}) VALUES ({}) RETURNING id").format(
                sql.Identifier(schema), sql.Identifier(table),
                sql.SQL(", ").join(map(sql.Identifier, values)),
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
            ),
            list(values.values()),
        )  # fmt: skip
        row = cursor.fetchone()
        assert row is not None
        return uuid.UUID(str(row[0]))


@pytest.mark.parametrize("type_name", sorted(CASES))
def test_field_type_round_trip(
    in_a: SeededWorkspace, rocket: ObjectMetadata, type_name: str
) -> None:
    low, high, filter_operand, expected = CASES[type_name]
    field = create_field(
        rocket.id,
        FieldInput(
            name="probe", type=type_name, label="Probe",
            options=OPTIONS if type_name in ("SELECT", "MULTI_SELECT") else None,
        ),
    )  # fmt: skip
    spec = field_spec(field)
    field_type = get_field_type(type_name)
    schema, table = in_a.workspace.schema_name, rocket.table_name
    assert {c.name for c in field_type.columns(spec)} <= set(columns_of(schema, table))

    low_id = insert(schema, table, field_type.parse(spec, low))
    high_id = insert(schema, table, field_type.parse(spec, high))

    alias = sql.Identifier("t")
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT t.id, {} FROM {}.{} AS t WHERE {}").format(
                field_type.output(spec, alias), sql.Identifier(schema), sql.Identifier(table),
                field_type.filter(spec, filter_operand, alias),
            )
        )  # fmt: skip
        rows = cursor.fetchall()
    assert [row[0] for row in rows] == [high_id]
    if expected is not None:
        value = rows[0][1]
        # Django's backend hands jsonb back as text for JSONField to decode.
        assert (
            json.loads(value)
            if isinstance(value, str) and type_name in ("RAW_JSON", "FILES")
            else value
        ) == expected

    columns = field_type.order_columns(spec)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT id FROM {}.{} ORDER BY {} NULLS LAST").format(
                sql.Identifier(schema), sql.Identifier(table),
                sql.SQL(" DESC NULLS LAST, ").join(map(sql.Identifier, columns)) + sql.SQL(" DESC"),
            )
        )  # fmt: skip
        ordered = [row[0] for row in cursor.fetchall()]
    if type_name not in ("RAW_JSON", "FILES", "ACTOR", "LINKS", "PHONES", "EMAILS"):
        assert ordered == [high_id, low_id]
    else:
        assert set(ordered) == {high_id, low_id}


@pytest.mark.parametrize(
    ("type_name", "bad"),
    [
        ("UUID", "not-a-uuid"), ("NUMBER", "ten"), ("NUMBER", True), ("NUMERIC", "1,5"),
        ("BOOLEAN", "yes"), ("DATE", "31/12/2024"), ("DATE_TIME", "tomorrow"), ("RATING", "RATING_9"),
        ("SELECT", "PURPLE"), ("MULTI_SELECT", ["RED", "PURPLE"]), ("ARRAY", "x"), ("FILES", {"a": 1}),
        ("FULL_NAME", {"middleName": "x"}), ("FULL_NAME", "Ada"), ("CURRENCY", {"currencyCode": "euro"}),
        ("EMAILS", {"additionalEmails": "a@b.c"}), ("ACTOR", {"source": "ALIENS"}), ("TEXT", 5),
    ],
)  # fmt: skip
def test_invalid_values_are_bad_user_input_naming_the_field(type_name: str, bad: Any) -> None:
    spec = FieldSpec(name="probe", type=type_name, options=OPTIONS)
    with pytest.raises(BadUserInput) as info:
        get_field_type(type_name).parse(spec, bad)
    assert info.value.field == "probe"
    assert "probe" in info.value.message


@pytest.mark.parametrize(
    ("type_name", "operand"),
    [
        ("NUMBER", {"eq": "abc"}), ("UUID", {"eq": "xyz"}), ("DATE", {"gt": "soon"}),
        ("TEXT", {"contains": ["a"]}), ("SELECT", {"eq": "PURPLE"}), ("NUMBER", {"is": "MAYBE"}),
        ("TEXT", {"in": "a"}), ("TEXT", {}), ("FULL_NAME", {"middleName": {"eq": "x"}}),
        ("BOOLEAN", {"gt": True}),
    ],
)  # fmt: skip
def test_invalid_filters_are_bad_user_input(type_name: str, operand: Any) -> None:
    spec = FieldSpec(name="probe", type=type_name, options=OPTIONS)
    with pytest.raises(BadUserInput) as info:
        get_field_type(type_name).filter(spec, operand, sql.Identifier("t"))
    assert info.value.field is not None and info.value.field.startswith("probe")
