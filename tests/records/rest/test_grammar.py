"""The REST filter and order_by grammars: trees of valid inputs, and malformed inputs refused
with the character position at fault. Pure parsing, no database."""

from __future__ import annotations

import pytest

from records.rest.grammar import (
    Comparison,
    GrammarError,
    ListValue,
    Logic,
    OrderItem,
    Value,
    parse_filter,
    parse_order_by,
)


def test_one_comparison_with_a_bare_value() -> None:
    assert parse_filter("employees[gte]:100") == Comparison(
        ("employees",), "gte", Value("100", False, 15), 0, 10
    )


def test_top_level_commas_are_and() -> None:
    tree = parse_filter("name[eq]:Acme,employees[lt]:5")
    assert isinstance(tree, Logic) and tree.operator == "and"
    assert [c.path for c in tree.items if isinstance(c, Comparison)] == [("name",), ("employees",)]


def test_nested_logic() -> None:
    tree = parse_filter('or(name[eq]:"A",and(city[ilike]:%par%,not(employees[is]:NULL)))')
    assert isinstance(tree, Logic) and tree.operator == "or"
    first, second = tree.items
    assert isinstance(first, Comparison) and first.value == Value("A", True, 12)
    assert isinstance(second, Logic) and second.operator == "and"
    negated = second.items[1]
    assert isinstance(negated, Logic) and negated.operator == "not"
    inner = negated.items[0]
    assert isinstance(inner, Comparison) and inner.operator == "is"
    assert inner.value == Value("NULL", False, 56)


def test_quoted_values_keep_commas_parentheses_and_escapes() -> None:
    tree = parse_filter(r'name[eq]:"Acme, Inc. (\"the\" best) caf\u00e9 \\ ok"')
    assert isinstance(tree, Comparison)
    assert isinstance(tree.value, Value) and tree.value.quoted
    assert tree.value.text == 'Acme, Inc. ("the" best) café \\ ok'


def test_composite_sub_fields_and_relation_ids() -> None:
    tree = parse_filter(
        'name.firstName[ilike]:"%an%",companyId[eq]:0b4e7f3a-0000-4000-8000-000000000001'
    )
    assert isinstance(tree, Logic)
    first, second = tree.items
    assert isinstance(first, Comparison) and first.path == ("name", "firstName")
    assert isinstance(second, Comparison) and second.path == ("companyId",)
    assert isinstance(second.value, Value)
    assert second.value.text == "0b4e7f3a-0000-4000-8000-000000000001"


def test_bare_values_may_hold_spaces_colons_and_at_signs() -> None:
    tree = parse_filter("emails.primaryEmail[eq]:a@b.co , city[eq]: New York ")
    assert isinstance(tree, Logic)
    values = [
        c.value.text for c in tree.items if isinstance(c, Comparison) and isinstance(c.value, Value)
    ]
    assert values == ["a@b.co", "New York"]
    tree = parse_filter("createdAt[gte]:2024-01-01T10:00:00Z")
    assert isinstance(tree, Comparison) and tree.value == Value("2024-01-01T10:00:00Z", False, 15)


def test_lists_for_in_and_array_operators() -> None:
    tree = parse_filter('stage[in]:[NEW, "MEETING",PROPOSAL]')
    assert isinstance(tree, Comparison) and isinstance(tree.value, ListValue)
    assert [(v.text, v.quoted) for v in tree.value.items] == [
        ("NEW", False),
        ("MEETING", True),
        ("PROPOSAL", False),
    ]
    empty = parse_filter("tags[containsAny]:[]")
    assert isinstance(empty, Comparison) and empty.value == ListValue((), 18)


def test_json_objects_for_contains_jsonb() -> None:
    tree = parse_filter('payload[containsJsonb]:{"a": [1, {"b": "}"}]},name[eq]:x')
    assert isinstance(tree, Logic)
    first = tree.items[0]
    assert isinstance(first, Comparison) and isinstance(first.value, Value)
    assert first.value.json and first.value.text == '{"a": [1, {"b": "}"}]}'


def test_spaces_between_tokens_are_allowed() -> None:
    tree = parse_filter(" and ( name [ eq ] : x , or( city[eq]:y ) ) ")
    assert isinstance(tree, Logic) and tree.operator == "and"


def test_a_field_named_like_a_logic_word_is_a_field() -> None:
    tree = parse_filter("not[eq]:1")
    assert isinstance(tree, Comparison) and tree.path == ("not",)


def test_empty_filter() -> None:
    assert parse_filter("") is None
    assert parse_filter("   ") is None


MALFORMED = [
    # (filter, position of the fault (0-based), words the message must contain)
    ("name", 4, "expected '[operator]' after 'name'"),
    ("name[eq]", 8, "expected ':'"),
    ("name[eq]:", 9, "expected a value"),
    ("name[]:x", 5, "expected an operator"),
    ("name[eq:x", 7, "expected ']'"),
    ("name[eq]x", 8, "expected ':'"),
    ("[eq]:x", 0, "expected a field name"),
    ("name.[eq]:x", 5, "expected a sub-field name"),
    ("name[eq]:x,", 11, "expected a condition"),
    (",name[eq]:x", 0, "expected a condition"),
    ("name[eq]:x,,city[eq]:y", 11, "expected a condition"),
    ("and(name[eq]:x", 14, "expected ',' or ')'"),
    ("and()", 4, "needs at least one condition"),
    ("or(name[eq]:x))", 14, "expected ',' or the end"),
    ("name[eq]:x)", 10, "expected ',' or the end"),
    ('name[eq]:"abc', 9, "never closed"),
    ('name[eq]:"a\\qb"', 9, "invalid escape"),
    ('name[eq]:ab"c', 11, "quote the whole value"),
    ("stage[in]:[A,B", 14, "expected ',' or ']'"),
    ("stage[in]:[A,,B]", 13, "expected a value"),
    ('payload[containsJsonb]:{"a":1', 23, "never closed"),
    ("1name[eq]:x", 0, "expected a field name"),
]


@pytest.mark.parametrize(("source", "position", "words"), MALFORMED)
def test_malformed_filters_point_at_the_fault(source: str, position: int, words: str) -> None:
    with pytest.raises(GrammarError) as raised:
        parse_filter(source)
    error = raised.value
    assert error.position == position, error.message
    assert words in error.message
    assert error.message.startswith(f"Invalid filter at character {position + 1} ")
    assert error.field == "filter"
    assert error.status == 400 and error.code.value == "BAD_USER_INPUT"


def test_nesting_is_bounded() -> None:
    source = "and(" * 40 + "name[eq]:x" + ")" * 40
    with pytest.raises(GrammarError, match="nested deeper than 32"):
        parse_filter(source)


def test_length_is_bounded() -> None:
    with pytest.raises(GrammarError.__mro__[1], match="longer than 10000"):
        parse_filter("name[eq]:" + "x" * 10_000)


def test_order_by() -> None:
    assert parse_order_by("name,employees[DescNullsLast], name.firstName[AscNullsLast]") == (
        OrderItem(("name",), None, 0),
        OrderItem(("employees",), "DescNullsLast", 5),
        OrderItem(("name", "firstName"), "AscNullsLast", 31),
    )
    assert parse_order_by("") == ()


@pytest.mark.parametrize(
    ("source", "position", "words"),
    [
        ("name[", 5, "expected a direction"),
        ("name[Desc", 9, "expected ']'"),
        ("name,", 5, "expected a field name"),
        (",name", 0, "expected a field name"),
        ("name employees", 5, "expected ',' or '[direction]'"),
        ("name[Desc]x", 10, "expected ',' or '[direction]'"),
    ],
)
def test_malformed_order_by(source: str, position: int, words: str) -> None:
    with pytest.raises(GrammarError) as raised:
        parse_order_by(source)
    assert raised.value.position == position, raised.value.message
    assert words in raised.value.message and raised.value.field == "order_by"
