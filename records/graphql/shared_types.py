"""Types every workspace schema shares: scalars' filters, composites, paging, ordering."""

from __future__ import annotations

from functools import cache

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
)

from metadata.field_types.base import FieldType
from metadata.field_types.operators import KIND_OPS
from records.graphql import scalars
from records.graphql.names import COMPOSITE_TYPE_NAMES

ORDER_DIRECTIONS = ("AscNullsFirst", "AscNullsLast", "DescNullsFirst", "DescNullsLast")
OrderByDirection = GraphQLEnumType(
    "OrderByDirection", {name: GraphQLEnumValue(name) for name in ORDER_DIRECTIONS}
)
FilterIs = GraphQLEnumType(
    "FilterIs", {"NULL": GraphQLEnumValue("NULL"), "NOT_NULL": GraphQLEnumValue("NOT_NULL")}
)

PageInfo = GraphQLObjectType(
    "PageInfo",
    {
        "hasNextPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
        "hasPreviousPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
        "startCursor": GraphQLField(GraphQLString),
        "endCursor": GraphQLField(GraphQLString),
    },
)

# The GraphQL scalar for each value kind (see metadata.field_types.operators.KINDS).
KIND_SCALARS: dict[str, GraphQLScalarType] = {
    "text": GraphQLString,
    "number": GraphQLFloat,
    "numeric": scalars.BigFloatScalar,
    "boolean": GraphQLBoolean,
    "uuid": scalars.UUIDScalar,
    "date": scalars.DateScalar,
    "datetime": scalars.DateTimeScalar,
    "json": scalars.JSONScalar,
    "enum": GraphQLString,
    "tsvector": scalars.TSVectorScalar,
}
FILTER_NAMES = {
    "text": "StringFilter",
    "number": "FloatFilter",
    "numeric": "BigFloatFilter",
    "boolean": "BooleanFilter",
    "uuid": "UUIDFilter",
    "date": "DateFilter",
    "datetime": "DateTimeFilter",
    "json": "RawJsonFilter",
    "array": "ArrayFilter",
    "tsvector": "TSVectorFilter",
    "enum": "EnumStringFilter",
}
LIST_OPERATORS = {"in", "contains", "notContains", "containsAny"}


def operator_fields(kind: str, value_type: GraphQLInputType) -> dict[str, GraphQLInputField]:
    fields: dict[str, GraphQLInputField] = {}
    for op in sorted(KIND_OPS[kind]):
        if op == "is":
            fields[op] = GraphQLInputField(FilterIs)
        elif op == "isEmptyArray":
            fields[op] = GraphQLInputField(GraphQLBoolean)
        elif op in ("containsJsonb",):
            fields[op] = GraphQLInputField(scalars.JSONScalar)
        elif op in ("like", "ilike", "startsWith", "endsWith", "containsIlike", "search"):
            fields[op] = GraphQLInputField(GraphQLString)
        elif op in LIST_OPERATORS:
            fields[op] = GraphQLInputField(GraphQLList(value_type))
        else:
            fields[op] = GraphQLInputField(value_type)
    return fields


@cache
def kind_filter(kind: str) -> GraphQLInputObjectType:
    value_type: GraphQLInputType = GraphQLString if kind == "array" else KIND_SCALARS[kind]
    return GraphQLInputObjectType(FILTER_NAMES[kind], lambda: operator_fields(kind, value_type))


def sub_field_scalar(kind: str) -> GraphQLScalarType:
    return KIND_SCALARS[kind]


@cache
def composite_output(field_type: FieldType) -> GraphQLObjectType:
    name = COMPOSITE_TYPE_NAMES[field_type.type]
    return GraphQLObjectType(
        name, {sub.name: GraphQLField(sub_field_scalar(sub.kind)) for sub in field_type.sub_fields}
    )


@cache
def composite_input(field_type: FieldType, purpose: str) -> GraphQLInputObjectType:
    name = COMPOSITE_TYPE_NAMES[field_type.type]
    return GraphQLInputObjectType(
        f"{name}{purpose}Input",
        {sub.name: GraphQLInputField(sub_field_scalar(sub.kind)) for sub in field_type.sub_fields},
    )


@cache
def composite_filter(field_type: FieldType) -> GraphQLInputObjectType:
    name = COMPOSITE_TYPE_NAMES[field_type.type]
    return GraphQLInputObjectType(
        f"{name}Filter",
        lambda: {
            sub.name: GraphQLInputField(kind_filter(sub.kind)) for sub in field_type.sub_fields
        },
    )


@cache
def composite_order(field_type: FieldType) -> GraphQLInputObjectType:
    name = COMPOSITE_TYPE_NAMES[field_type.type]
    return GraphQLInputObjectType(
        f"{name}OrderByInput",
        {
            sub.name: GraphQLInputField(OrderByDirection)
            for sub in field_type.sub_fields
            if sub.kind != "json"  # JSON has no useful order, and no keyset cursor
        },
    )


def list_of(type_: GraphQLOutputType) -> GraphQLList[GraphQLOutputType]:
    return GraphQLList(type_)


@cache
def composite_group_by(field_type: FieldType) -> GraphQLInputObjectType:
    name = COMPOSITE_TYPE_NAMES[field_type.type]
    return GraphQLInputObjectType(
        f"{name}GroupByInput",
        {sub.name: GraphQLInputField(GraphQLBoolean) for sub in field_type.sub_fields},
    )


SearchResultNode = GraphQLObjectType(
    "SearchResultNode",
    {
        "recordId": GraphQLField(GraphQLNonNull(scalars.UUIDScalar)),
        "objectNameSingular": GraphQLField(GraphQLNonNull(GraphQLString)),
        "label": GraphQLField(GraphQLString),
        "imageUrl": GraphQLField(GraphQLString),
        "tsRankCD": GraphQLField(GraphQLFloat),
        "tsRank": GraphQLField(GraphQLFloat),
    },
)
SearchResultEdge = GraphQLObjectType(
    "SearchResultEdge",
    {
        "node": GraphQLField(GraphQLNonNull(SearchResultNode)),
        "cursor": GraphQLField(GraphQLNonNull(GraphQLString)),
    },
)
SearchResultPageInfo = GraphQLObjectType(
    "SearchResultPageInfo",
    {
        "hasNextPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
        "endCursor": GraphQLField(GraphQLString),
    },
)
SearchResultConnection = GraphQLObjectType(
    "SearchResultConnection",
    {
        "edges": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(SearchResultEdge)))),
        "pageInfo": GraphQLField(GraphQLNonNull(SearchResultPageInfo)),
    },
)
ObjectRecordFilterInput: GraphQLInputObjectType = GraphQLInputObjectType(
    "ObjectRecordFilterInput",
    lambda: {
        "and": GraphQLInputField(GraphQLList(ObjectRecordFilterInput)),
        "or": GraphQLInputField(GraphQLList(ObjectRecordFilterInput)),
        "not": GraphQLInputField(ObjectRecordFilterInput),
        "id": GraphQLInputField(kind_filter("uuid")),
        "createdAt": GraphQLInputField(kind_filter("datetime")),
        "updatedAt": GraphQLInputField(kind_filter("datetime")),
        "deletedAt": GraphQLInputField(kind_filter("datetime")),
    },
)


def search_field() -> GraphQLField:
    from records.graphql import resolvers

    return GraphQLField(
        GraphQLNonNull(SearchResultConnection),
        args={
            "searchInput": GraphQLArgument(GraphQLNonNull(GraphQLString)),
            "limit": GraphQLArgument(GraphQLNonNull(GraphQLInt)),
            "filter": GraphQLArgument(ObjectRecordFilterInput),
            "includedObjectNameSingulars": GraphQLArgument(
                GraphQLList(GraphQLNonNull(GraphQLString))
            ),
            "excludedObjectNameSingulars": GraphQLArgument(
                GraphQLList(GraphQLNonNull(GraphQLString))
            ),
            "after": GraphQLArgument(GraphQLString),
        },
        resolve=resolvers.search,
    )
