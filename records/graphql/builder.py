"""Build a workspace's GraphQL schema from its metadata snapshot.

One set of types per object (Person, PersonConnection, PersonFilterInput ...), the queries and
mutations of the contract, nothing in a global registry. Resolvers live in resolvers.py.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
)

from metadata.field_types.relation import MANY_TO_ONE
from metadata.snapshot import FieldModel, ObjectModel, WorkspaceModel
from records.graphql import resolvers, scalars
from records.graphql.aggregates import aggregatable, aggregate_operations
from records.graphql.names import aggregate_name, enum_name, pascal
from records.graphql.shared_types import (
    OrderByDirection,
    PageInfo,
    composite_filter,
    composite_group_by,
    composite_input,
    composite_order,
    composite_output,
    kind_filter,
    search_field,
    sub_field_scalar,
)

ENUM_TYPES = ("SELECT", "MULTI_SELECT", "RATING")
READ_ONLY = {"createdAt", "updatedAt", "deletedAt", "createdBy", "updatedBy", "searchVector"}


class SchemaBuilder:
    def __init__(self, model: WorkspaceModel) -> None:
        self.model = model
        self.objects: dict[str, GraphQLObjectType] = {}
        self.connections: dict[str, GraphQLObjectType] = {}
        self.filters: dict[str, GraphQLInputObjectType] = {}
        self.orders: dict[str, GraphQLInputObjectType] = {}
        self.enums: dict[tuple[str, str], GraphQLEnumType] = {}
        self.relation_inputs: dict[str, GraphQLInputObjectType] = {}

    # --- per field --------------------------------------------------------------------
    def enum(self, obj: ObjectModel, field: FieldModel) -> GraphQLEnumType:
        key = (obj.name_singular, field.name)
        if key not in self.enums:
            if field.type == "RATING":
                values = [f"RATING_{n}" for n in range(1, 6)]
            else:
                values = [str(o["value"]) for o in field.spec.options]
            self.enums[key] = GraphQLEnumType(
                enum_name(obj.name_singular, field.name),
                {value: GraphQLEnumValue(value) for value in values},
            )
        return self.enums[key]

    def value_type(self, obj: ObjectModel, field: FieldModel, purpose: str) -> Any:
        """The GraphQL type of a non-relation field, for output or an input purpose."""
        field_type = field.field_type
        if field_type.is_composite:
            if purpose == "output":
                return composite_output(field_type)
            return composite_input(field_type, purpose)
        if field.type in ENUM_TYPES:
            enum = self.enum(obj, field)
            return GraphQLList(GraphQLNonNull(enum)) if field.type == "MULTI_SELECT" else enum
        if field.type == "ARRAY":
            return GraphQLList(GraphQLNonNull(GraphQLString))
        if field.type == "FILES":
            return scalars.JSONScalar
        return sub_field_scalar(field_type.kind)

    def filter_type(self, obj: ObjectModel, field: FieldModel) -> GraphQLInputType:
        if field.field_type.is_composite:
            return composite_filter(field.field_type)
        if field.type in ENUM_TYPES:
            enum = self.enum(obj, field)
            name = f"{enum.name}Filter"
            if field.type == "MULTI_SELECT":
                return GraphQLInputObjectType(name, {
                    "containsAny": GraphQLInputField(GraphQLList(GraphQLNonNull(enum))),
                    "contains": GraphQLInputField(GraphQLList(GraphQLNonNull(enum))),
                    "notContains": GraphQLInputField(GraphQLList(GraphQLNonNull(enum))),
                    "isEmptyArray": GraphQLInputField(GraphQLBoolean),
                    "is": GraphQLInputField(kind_filter("text").fields["is"].type),
                })  # fmt: skip
            return GraphQLInputObjectType(name, {
                "eq": GraphQLInputField(enum), "neq": GraphQLInputField(enum),
                "in": GraphQLInputField(GraphQLList(GraphQLNonNull(enum))),
                "is": GraphQLInputField(kind_filter("text").fields["is"].type),
            })  # fmt: skip
        return kind_filter(field.field_type.kind)

    # --- per object -------------------------------------------------------------------
    def object_type(self, obj: ObjectModel) -> GraphQLObjectType:
        if obj.name_singular not in self.objects:
            self.objects[obj.name_singular] = GraphQLObjectType(
                pascal(obj.name_singular),
                partial(self._object_fields, obj),
                description=obj.description or None,
            )
        return self.objects[obj.name_singular]

    def _object_fields(self, obj: ObjectModel) -> dict[str, GraphQLField]:
        fields: dict[str, GraphQLField] = {}
        for field in obj.fields.values():
            relation = field.relation
            if relation is None:
                type_ = self.value_type(obj, field, "output")
                if field.name == "id" or (not field.is_nullable and field.type in ("DATE_TIME",)):
                    type_ = GraphQLNonNull(type_)
                fields[field.name] = GraphQLField(type_, description=field.description or None)
                continue
            target = self.model.object(relation.target)
            if relation.kind == MANY_TO_ONE:
                fields[field.name] = GraphQLField(self.object_type(target))
                fields[f"{field.name}Id"] = GraphQLField(scalars.UUIDScalar)
            else:
                fields[field.name] = GraphQLField(
                    self.connection_type(target), args=self.connection_args(target)
                )
        return fields

    def connection_args(self, obj: ObjectModel) -> dict[str, GraphQLArgument]:
        return {
            "filter": GraphQLArgument(self.filter_input(obj)),
            # Nullable items: variables declared [X] and [X!] both fit (clients use both).
            "orderBy": GraphQLArgument(GraphQLList(self.order_input(obj))),
            "first": GraphQLArgument(GraphQLInt),
            "last": GraphQLArgument(GraphQLInt),
            "before": GraphQLArgument(GraphQLString),
            "after": GraphQLArgument(GraphQLString),
        }

    def connection_type(self, obj: ObjectModel) -> GraphQLObjectType:
        if obj.name_singular not in self.connections:
            name = pascal(obj.name_singular)
            edge = GraphQLObjectType(
                f"{name}Edge",
                lambda: {
                    "node": GraphQLField(GraphQLNonNull(self.object_type(obj))),
                    "cursor": GraphQLField(GraphQLNonNull(GraphQLString)),
                },
            )
            self.connections[obj.name_singular] = GraphQLObjectType(
                f"{name}Connection",
                lambda: {
                    "edges": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(edge)))),
                    "pageInfo": GraphQLField(GraphQLNonNull(PageInfo)),
                    "totalCount": GraphQLField(GraphQLNonNull(GraphQLInt)),
                    **self.aggregate_fields(obj),
                },
            )
        return self.connections[obj.name_singular]

    def group_connection_type(self, obj: ObjectModel) -> GraphQLObjectType:
        name = pascal(obj.name_singular)
        connection = self.connection_type(obj)
        return GraphQLObjectType(
            f"{name}GroupByConnection",
            lambda: {
                "groupByDimensionValues": GraphQLField(GraphQLList(scalars.JSONScalar)),
                **connection.fields,
            },
        )

    def group_by_input(self, obj: ObjectModel) -> GraphQLInputObjectType:
        def fields() -> dict[str, GraphQLInputField]:
            own: dict[str, GraphQLInputField] = {}
            for field in obj.fields.values():
                if field.relation is not None:
                    if field.relation.kind == MANY_TO_ONE:
                        own[f"{field.name}Id"] = GraphQLInputField(GraphQLBoolean)
                    continue
                if field.type in ("TS_VECTOR", "RAW_JSON", "FILES", "RICH_TEXT", "ACTOR"):
                    continue
                if field.field_type.is_composite:
                    own[field.name] = GraphQLInputField(composite_group_by(field.field_type))
                else:
                    own[field.name] = GraphQLInputField(GraphQLBoolean)
            return own

        return GraphQLInputObjectType(f"{pascal(obj.name_singular)}GroupByInput", fields)

    def aggregate_fields(self, obj: ObjectModel) -> dict[str, GraphQLField]:
        fields: dict[str, GraphQLField] = {}
        for field, sub, kind in aggregatable(obj):
            for operation, type_ in aggregate_operations(kind):
                fields[aggregate_name(operation, field.name, sub)] = GraphQLField(type_)
        return fields

    def filter_input(self, obj: ObjectModel) -> GraphQLInputObjectType:
        if obj.name_singular not in self.filters:

            def fields() -> dict[str, GraphQLInputField]:
                own: dict[str, GraphQLInputField] = {
                    "and": GraphQLInputField(
                        GraphQLList(GraphQLNonNull(self.filters[obj.name_singular]))
                    ),
                    "or": GraphQLInputField(
                        GraphQLList(GraphQLNonNull(self.filters[obj.name_singular]))
                    ),
                    "not": GraphQLInputField(self.filters[obj.name_singular]),
                }
                for field in obj.fields.values():
                    if field.relation is not None:
                        if field.relation.kind == MANY_TO_ONE:
                            own[f"{field.name}Id"] = GraphQLInputField(kind_filter("uuid"))
                        continue
                    own[field.name] = GraphQLInputField(self.filter_type(obj, field))
                return own

            self.filters[obj.name_singular] = GraphQLInputObjectType(
                f"{pascal(obj.name_singular)}FilterInput", fields
            )
        return self.filters[obj.name_singular]

    def order_input(self, obj: ObjectModel) -> GraphQLInputObjectType:
        if obj.name_singular not in self.orders:

            def fields() -> dict[str, GraphQLInputField]:
                own: dict[str, GraphQLInputField] = {}
                for field in obj.fields.values():
                    if field.relation is not None:
                        if field.relation.kind == MANY_TO_ONE:
                            own[f"{field.name}Id"] = GraphQLInputField(OrderByDirection)
                        continue
                    if not field.field_type.orderable:
                        continue
                    own[field.name] = GraphQLInputField(
                        composite_order(field.field_type)
                        if field.field_type.is_composite
                        else OrderByDirection
                    )
                return own

            self.orders[obj.name_singular] = GraphQLInputObjectType(
                f"{pascal(obj.name_singular)}OrderByInput", fields
            )
        return self.orders[obj.name_singular]

    def write_input(self, obj: ObjectModel, purpose: str) -> GraphQLInputObjectType:
        def fields() -> dict[str, GraphQLInputField]:
            own: dict[str, GraphQLInputField] = {}
            for field in obj.fields.values():
                if field.name in READ_ONLY or (field.name == "id" and purpose == "Update"):
                    continue
                if field.relation is not None:
                    if field.relation.kind == MANY_TO_ONE:
                        own[f"{field.name}Id"] = GraphQLInputField(scalars.UUIDScalar)
                        own[field.name] = GraphQLInputField(
                            self.relation_input(self.model.object(field.relation.target))
                        )
                    continue
                own[field.name] = GraphQLInputField(self.value_type(obj, field, purpose))
            return own

        return GraphQLInputObjectType(f"{pascal(obj.name_singular)}{purpose}Input", fields)

    def relation_input(self, target: ObjectModel) -> GraphQLInputObjectType:
        """`company: {connect: {where: {id | a unique field}}}` or `{disconnect: true}`."""
        if target.name_singular not in self.relation_inputs:
            name = pascal(target.name_singular)

            def where_fields() -> dict[str, GraphQLInputField]:
                own = {"id": GraphQLInputField(scalars.UUIDScalar)}
                for field in target.fields.values():
                    if field.is_unique and field.relation is None:
                        own[field.name] = GraphQLInputField(
                            self.value_type(target, field, "Create")
                        )
                return own

            where = GraphQLInputObjectType(f"{name}ConnectWhereInput", where_fields)
            connect = GraphQLInputObjectType(
                f"{name}ConnectInput", {"where": GraphQLInputField(GraphQLNonNull(where))}
            )
            self.relation_inputs[target.name_singular] = GraphQLInputObjectType(
                f"{name}RelationInput",
                {
                    "connect": GraphQLInputField(connect),
                    "disconnect": GraphQLInputField(GraphQLBoolean),
                },
            )
        return self.relation_inputs[target.name_singular]

    # --- the schema ---------------------------------------------------------------------
    def build(self) -> GraphQLSchema:
        query: dict[str, GraphQLField] = {}
        mutation: dict[str, GraphQLField] = {}
        for obj in self.model.objects.values():
            self.add_operations(obj, query, mutation)
        query["search"] = search_field()
        return GraphQLSchema(
            query=GraphQLObjectType("Query", query),
            mutation=GraphQLObjectType("Mutation", mutation) if mutation else None,
        )

    def add_operations(
        self, obj: ObjectModel, query: dict[str, GraphQLField], mutation: dict[str, GraphQLField]
    ) -> None:
        singular, plural = obj.name_singular, obj.name_plural
        Singular, Plural = pascal(singular), pascal(plural)
        node = self.object_type(obj)
        filter_ = self.filter_input(obj)
        create, update = self.write_input(obj, "Create"), self.write_input(obj, "Update")
        id_arg = {"id": GraphQLArgument(GraphQLNonNull(scalars.UUIDScalar))}
        filter_arg = {"filter": GraphQLArgument(GraphQLNonNull(filter_))}
        many = GraphQLList(GraphQLNonNull(node))
        name = obj.name_singular

        query[plural] = GraphQLField(
            GraphQLNonNull(self.connection_type(obj)), args=self.connection_args(obj),
            resolve=partial(resolvers.find_many, name),
        )  # fmt: skip
        query[singular] = GraphQLField(
            node,
            args={"filter": GraphQLArgument(filter_)},
            resolve=partial(resolvers.find_one, name),
        )
        mutation[f"create{Singular}"] = GraphQLField(
            node, args={"data": GraphQLArgument(GraphQLNonNull(create)), "upsert": GraphQLArgument(GraphQLBoolean)},
            resolve=partial(resolvers.create_one, name),
        )  # fmt: skip
        mutation[f"create{Plural}"] = GraphQLField(
            many,
            args={"data": GraphQLArgument(GraphQLNonNull(GraphQLList(create))),
                  "upsert": GraphQLArgument(GraphQLBoolean)},
            resolve=partial(resolvers.create_many, name),
        )  # fmt: skip
        mutation[f"update{Singular}"] = GraphQLField(
            node, args={**id_arg, "data": GraphQLArgument(GraphQLNonNull(update))},
            resolve=partial(resolvers.update_one, name),
        )  # fmt: skip
        mutation[f"update{Plural}"] = GraphQLField(
            many, args={**filter_arg, "data": GraphQLArgument(GraphQLNonNull(update))},
            resolve=partial(resolvers.update_many, name),
        )  # fmt: skip
        query[f"{singular}Duplicates"] = GraphQLField(
            GraphQLNonNull(GraphQLList(GraphQLNonNull(self.connection_type(obj)))),
            args={"ids": GraphQLArgument(GraphQLList(scalars.UUIDScalar)),
                  "data": GraphQLArgument(GraphQLList(create))},
            resolve=partial(resolvers.find_duplicates, name),
        )  # fmt: skip
        query[f"{plural}GroupBy"] = GraphQLField(
            GraphQLNonNull(GraphQLList(GraphQLNonNull(self.group_connection_type(obj)))),
            args={**self.connection_args(obj),
                  "groupBy": GraphQLArgument(GraphQLNonNull(GraphQLList(self.group_by_input(obj)))),
                  "limit": GraphQLArgument(GraphQLInt)},
            resolve=partial(resolvers.group_by, name),
        )  # fmt: skip
        mutation[f"merge{Plural}"] = GraphQLField(
            node,
            args={"ids": GraphQLArgument(GraphQLNonNull(GraphQLList(GraphQLNonNull(scalars.UUIDScalar)))),
                  "conflictPriorityIndex": GraphQLArgument(GraphQLNonNull(GraphQLInt)),
                  "dryRun": GraphQLArgument(GraphQLBoolean)},
            resolve=partial(resolvers.merge_many, name),
        )  # fmt: skip
        for verb in ("delete", "destroy", "restore"):
            mutation[f"{verb}{Singular}"] = GraphQLField(
                node, args=id_arg, resolve=partial(resolvers.change_one, verb, name)
            )
            mutation[f"{verb}{Plural}"] = GraphQLField(
                many, args=filter_arg, resolve=partial(resolvers.change_many, verb, name)
            )


def build_schema(model: WorkspaceModel) -> GraphQLSchema:
    return SchemaBuilder(model).build()
