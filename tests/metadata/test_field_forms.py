"""The OpenAPI and CSV forms every field type gives."""

from __future__ import annotations

from typing import Any

import pytest
from psycopg.types.json import Jsonb

from crm.errors import BadUserInput
from metadata.field_types.base import FieldSpec
from metadata.field_types.registry import FIELD_TYPES, get_field_type

OPTIONS = [{"value": "RED", "label": "Red"}, {"value": "BLUE", "label": "Blue"}]
SAMPLES: dict[str, Any] = {
    "UUID": "6f1c8a36-8a55-4c53-9d22-000000000001", "TEXT": "hello, \"world\"", "NUMBER": 1.5,
    "NUMERIC": "2.25", "BOOLEAN": True, "DATE": "2024-02-01", "DATE_TIME": "2024-02-01T10:00:00+00:00",
    "RATING": "RATING_3", "SELECT": "RED", "MULTI_SELECT": ["RED", "BLUE"], "POSITION": 3.0,
    "RAW_JSON": {"a": [1, 2]}, "ARRAY": ["x", "y"], "FILES": [{"fileId": "f", "label": "a.pdf"}],
    "FULL_NAME": {"firstName": "Ada", "lastName": "Lovelace"},
    "CURRENCY": {"amountMicros": "1000000", "currencyCode": "EUR"},
    "LINKS": {"primaryLinkUrl": "a.com", "primaryLinkLabel": "A", "secondaryLinks": [{"url": "b.com", "label": "B"}]},
    "EMAILS": {"primaryEmail": "a@b.co", "additionalEmails": ["c@d.co"]},
    "PHONES": {"primaryPhoneNumber": "123", "primaryPhoneCountryCode": "FR", "primaryPhoneCallingCode": "+33", "additionalPhones": []},
    "ADDRESS": {"addressStreet1": "1 rue", "addressStreet2": None, "addressCity": "Paris", "addressState": None,
                "addressPostcode": "75001", "addressCountry": "France", "addressLat": 48.8, "addressLng": 2.3},
    "ACTOR": {"source": "API", "workspaceMemberId": None, "name": "key", "context": {}},
    "RICH_TEXT": {"blocknote": "[]", "markdown": "# hi"},
}  # fmt: skip
NOT_IN_CSV = {"TS_VECTOR", "RELATION"}


@pytest.mark.parametrize("type_name", sorted(FIELD_TYPES))
def test_every_type_has_an_openapi_schema(type_name: str) -> None:
    spec = FieldSpec(
        name="probe", type=type_name, options=OPTIONS, settings={"relationType": "MANY_TO_ONE"}
    )
    schema = get_field_type(type_name).openapi_schema(spec)
    assert isinstance(schema, dict)
    if type_name == "SELECT":
        assert schema["enum"] == ["RED", "BLUE", None]
    if type_name == "FULL_NAME":
        assert set(schema["properties"]) == {"firstName", "lastName"}


@pytest.mark.parametrize("type_name", sorted(set(FIELD_TYPES) - NOT_IN_CSV))
def test_csv_round_trip(type_name: str) -> None:
    spec = FieldSpec(name="probe", type=type_name, options=OPTIONS)
    field_type = get_field_type(type_name)
    cells = field_type.to_csv(spec, SAMPLES[type_name])
    assert set(cells) == set(field_type.csv_headers(spec))
    assert all(isinstance(v, str) for v in cells.values())
    back = field_type.from_csv(spec, cells)
    assert plain(field_type.parse(spec, back)) == plain(field_type.parse(spec, SAMPLES[type_name]))


def plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.obj if isinstance(v, Jsonb) else v for k, v in values.items()}


def test_csv_rejects_bad_cells() -> None:
    spec = FieldSpec(name="probe", type="NUMBER")
    with pytest.raises(BadUserInput):
        get_field_type("NUMBER").from_csv(spec, {"probe": "twelve"})
    select = FieldSpec(name="probe", type="SELECT", options=OPTIONS)
    with pytest.raises(BadUserInput):
        get_field_type("SELECT").from_csv(select, {"probe": "GREEN"})
