"""Compile a GraphQL selection on records into ONE SQL statement whose result is the JSON the
response needs, nested relations included (correlated subqueries with json_build_object and
json_agg). Resolvers issue no query per row or per parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from graphql import (
    FieldNode,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    get_named_type,
)
from graphql.execution.collect_fields import collect_sub_fields
from graphql.execution.values import get_argument_values
from psycopg import sql

from crm.errors import BadUserInput, Forbidden
from metadata.field_types.relation import MANY_TO_MANY, MANY_TO_ONE, ONE_TO_MANY
from metadata.snapshot import FieldModel, ObjectModel, WorkspaceModel
from records.graphql.aggregates import aggregatable, aggregate_operations
from records.graphql.names import aggregate_name
from records.query import cursors, filters, guard, ordering


@dataclass
class Selection:
    """The fields selected under one GraphQL field, keyed by response key (alias)."""

    schema: GraphQLSchema
    fragments: dict[str, Any]
    variables: dict[str, Any]
    type_: GraphQLObjectType
    nodes: Sequence[FieldNode]

    def children(self) -> Iterator[tuple[str, str, Selection, dict[str, Any]]]:
        """(response key, field name, sub-selection, arguments) for each selected field."""
        grouped = collect_sub_fields(
            self.schema,
            self.fragments,
            self.variables,
            self.type_,
            list(self.nodes),
        )
        for key, nodes in grouped.items():
            name = nodes[0].name.value
            if name == "__typename":
                yield key, name, self, {}
                continue
            definition = self.type_.fields[name]
            args = get_argument_values(definition, nodes[0], self.variables)
            named = get_named_type(definition.type)
            sub_type = named if isinstance(named, GraphQLObjectType) else self.type_
            yield (
                key,
                name,
                Selection(self.schema, self.fragments, self.variables, sub_type, nodes),
                args,
            )


def selection_of(info: GraphQLResolveInfo) -> Selection:
    named = get_named_type(info.return_type)
    assert isinstance(named, GraphQLObjectType)
    return Selection(info.schema, info.fragments, info.variable_values, named, info.field_nodes)


@dataclass
class Compiler:
    model: WorkspaceModel
    # The caller's rights per object (records.query.guard); full access for internal callers.
    access: guard.AccessFor = guard.full_access
    aliases: int = 0
    depth_limit: int = field(default_factory=lambda: int(settings.GRAPHQL_MAX_DEPTH))
    cost_limit: int = field(default_factory=lambda: int(settings.GRAPHQL_MAX_COST))
    # The most values the statement can return: each selected field counts once per row that
    # can reach it (pages multiply). A query over the limit is refused before it runs.
    cost: int = 0
    rows: int = 1

    def charge(self, fields: int) -> None:
        self.cost += fields * self.rows
        if self.cost > self.cost_limit:
            raise BadUserInput(
                f"The query could return more than {self.cost_limit} values; ask for smaller "
                "pages or fewer nested relations.",
                field="query",
            )

    def alias(self) -> sql.Identifier:
        self.aliases += 1
        return sql.Identifier(f"t{self.aliases}")

    def table(self, obj: ObjectModel) -> sql.Composable:
        return sql.SQL("{}.{}").format(sql.Identifier(self.model.schema), sql.Identifier(obj.table))

    # --- records ----------------------------------------------------------------------
    def node(
        self, obj: ObjectModel, selection: Selection, alias: sql.Identifier, depth: int
    ) -> sql.Composable:
        """json_build_object of the selected fields of the row `alias`."""
        access = self.access(obj)
        pairs: list[sql.Composable] = []
        for key, name, sub, args in selection.children():
            self.charge(1)
            if name != "__typename":
                guard.require_field(obj, access, name)
            pairs += [sql.Literal(key), self.value(obj, name, sub, args, alias, depth)]
        if not pairs:
            return sql.SQL("'{}'::json")
        return json_object(pairs)

    def value(self, obj: ObjectModel, name: str, sub: Selection, args: dict[str, Any],
              alias: sql.Identifier, depth: int) -> sql.Composable:  # fmt: skip
        if name == "__typename":
            return sql.Literal(sub.type_.name)
        relation_field = obj.join_field(name)
        if relation_field is not None:
            return sql.SQL("{}.{}").format(alias, sql.Identifier(relation_field.columns[0]))
        field_model = obj.fields[name]
        if field_model.relation is None:
            return self.scalar(field_model, sub, alias)
        if depth >= self.depth_limit:
            raise BadUserInput(
                f"The query nests relations deeper than {self.depth_limit} levels.", field=name
            )
        relation = field_model.relation
        target = self.model.object(relation.target)
        target_access = guard.require_read(self.access, target, name)
        child = self.alias()
        if relation.kind == MANY_TO_ONE:
            assert relation.join_column is not None
            link = sql.SQL("{}.id = {}.{} AND {}.deleted_at IS NULL").format(
                child, alias, sql.Identifier(relation.join_column), child
            )
            return sql.SQL("(SELECT {} FROM {} AS {} WHERE {})").format(
                self.node(target, sub, child, depth + 1), self.table(target), child,
                guard.with_rows(target, target_access, child, link),
            )  # fmt: skip
        schema = self.model.schema

        def link_for(a: sql.Identifier) -> sql.Composable:
            if relation.kind == ONE_TO_MANY:
                assert relation.join_column is not None
                return sql.SQL("{}.{} = {}.id").format(
                    a, sql.Identifier(relation.join_column), alias
                )
            assert relation.junction_table and relation.self_column and relation.other_column
            return sql.SQL("{}.id IN (SELECT j.{} FROM {}.{} AS j WHERE j.{} = {}.id)").format(
                a, sql.Identifier(relation.other_column), sql.Identifier(schema),
                sql.Identifier(relation.junction_table), sql.Identifier(relation.self_column), alias,
            )  # fmt: skip

        if relation.kind not in (ONE_TO_MANY, MANY_TO_MANY):
            raise BadUserInput(f"Relation {name!r} cannot be read.", field=name)
        return self.connection(target, sub, args, depth + 1, link=link_for, alias=child)

    def scalar(
        self, field_model: FieldModel, sub: Selection, alias: sql.Identifier
    ) -> sql.Composable:
        field_type = field_model.field_type
        if not field_type.is_composite:
            return sql.SQL("{}.{}").format(alias, sql.Identifier(field_model.columns[0]))
        columns = {c.sub_field: c.name for c in field_type.columns(field_model.spec)}
        pairs: list[sql.Composable] = []
        for key, name, inner, _args in sub.children():
            value = (
                sql.Literal(inner.type_.name)
                if name == "__typename"
                else sql.SQL("{}.{}").format(alias, sql.Identifier(columns[name]))
            )
            pairs += [sql.Literal(key), value]
        return json_object(pairs) if pairs else sql.SQL("'{}'::json")

    # --- connections --------------------------------------------------------------------
    def connection(self, obj: ObjectModel, selection: Selection, args: Mapping[str, Any], depth: int,
                   *, link: Link | None = None, alias: sql.Identifier | None = None,
                   extra: Mapping[str, sql.Composable] | None = None) -> sql.Composable:  # fmt: skip
        """A JSON connection {edges, pageInfo, totalCount, aggregates} over `obj`'s records."""
        access = guard.require_read(self.access, obj)
        guard.require_filter(obj, access, args.get("filter"))
        guard.require_order(obj, access, args.get("orderBy"))
        alias = alias or self.alias()
        first, last = args.get("first"), args.get("last")
        before, after = args.get("before"), args.get("after")
        if first is not None and last is not None:
            raise BadUserInput("Use either 'first' or 'last', not both.", field="first")
        limit = last if last is not None else first
        if limit is None:
            limit = int(settings.GRAPHQL_DEFAULT_PAGE_SIZE)
        if not 0 <= limit <= int(settings.GRAPHQL_MAX_PAGE_SIZE):
            raise BadUserInput(
                f"Page size must be between 0 and {settings.GRAPHQL_MAX_PAGE_SIZE}, got {limit}.",
                field="last" if last is not None else "first",
            )
        backward = last is not None or (before is not None and first is None)
        keys = ordering.order_keys(obj, args.get("orderBy"))
        reverse_keys = [k.reversed() for k in keys]
        walk = reverse_keys if backward else keys
        filter_ = args.get("filter")

        def base(a: sql.Identifier) -> list[sql.Composable]:
            conditions = [filters.condition(obj, filter_, a)]
            if link is not None:
                conditions.append(link(a))
            rows = guard.row_condition(obj, access, a)
            if rows is not None:
                conditions.append(rows)
            return conditions

        after_values = (
            ordering.check_values(keys, cursors.decode(after, len(keys)))
            if after is not None
            else None
        )
        before_values = (
            ordering.check_values(keys, cursors.decode(before, len(keys)))
            if before is not None
            else None
        )
        page_conditions = base(alias)
        if after_values is not None:
            page_conditions.append(ordering.after(keys, alias, after_values))
        if before_values is not None:
            page_conditions.append(ordering.after(reverse_keys, alias, before_values))

        cursor_expr = cursors.cursor_sql([k.cursor_expression(alias) for k in keys])
        page = Page(alias, cursor_expr, backward, limit)
        parts: list[sql.Composable] = []
        needs_rows = False
        for key, name, sub, _args in selection.children():
            if name == "__typename":
                value: sql.Composable = sql.Literal(sub.type_.name)
            elif name == "edges":
                needs_rows = True
                outer_rows, self.rows = self.rows, self.rows * max(limit, 1)
                try:
                    value = self.edges(obj, sub, page, depth)
                finally:
                    self.rows = outer_rows
            elif name == "pageInfo":
                needs_rows = True
                value = self.page_info(sub, page, PageEdges(
                    obj=obj, base=base, keys=keys, after=after_values, before=before_values,
                ))  # fmt: skip
            else:
                value = extra[name] if extra and name in extra else self.aggregate(obj, name, base)
            parts += [sql.Literal(key), value]
        if not parts:
            return sql.SQL("'{}'::json")
        if not needs_rows:
            return sql.SQL("(SELECT {})").format(json_object(parts))
        order = sql.SQL(", ").join(k.order_sql(alias) for k in walk)
        # ORDER BY ... LIMIT first (a top-N sort), numbering only the rows kept.
        return sql.SQL(
            "(SELECT {} FROM (SELECT {}.*, row_number() OVER (ORDER BY {}) AS __rn FROM "
            "(SELECT * FROM {} AS {} WHERE {} ORDER BY {} LIMIT {}) AS {}) AS {})"
        ).format(
            json_object(parts), alias, order, self.table(obj), alias,
            sql.SQL(" AND ").join(page_conditions), order, sql.Literal(limit + 1), alias, alias,
        )  # fmt: skip

    def edges(
        self, obj: ObjectModel, selection: Selection, page: Page, depth: int
    ) -> sql.Composable:
        pairs: list[sql.Composable] = []
        for key, name, sub, _args in selection.children():
            if name == "node":
                value = self.node(obj, sub, page.alias, depth)
            elif name == "cursor":
                value = page.cursor
            else:
                value = sql.Literal(sub.type_.name)
            pairs += [sql.Literal(key), value]
        edge = json_object(pairs) if pairs else sql.SQL("'{}'::json")
        return sql.SQL(
            "coalesce(json_agg({} ORDER BY {}.__rn {}) FILTER (WHERE {}.__rn <= {}), '[]'::json)"
        ).format(
            edge, page.alias, sql.SQL("DESC" if page.backward else "ASC"), page.alias,
            sql.Literal(page.limit),
        )  # fmt: skip

    def page_info(self, selection: Selection, page: Page, edges: PageEdges) -> sql.Composable:
        alias = page.alias
        more = sql.SQL("count(*) > {}").format(sql.Literal(page.limit))
        in_page = sql.SQL("FILTER (WHERE {}.__rn <= {})").format(alias, sql.Literal(page.limit))
        first_row = sql.SQL("(array_agg({} ORDER BY {}.__rn) {})[1]").format(
            page.cursor, alias, in_page
        )
        last_row = sql.SQL("(array_agg({} ORDER BY {}.__rn DESC) {})[1]").format(
            page.cursor, alias, in_page
        )
        pairs: list[sql.Composable] = []
        for key, name, sub, _args in selection.children():
            if name == "hasNextPage":
                value = self.beyond(edges, edges.before, forward=True) if page.backward else more
            elif name == "hasPreviousPage":
                value = more if page.backward else self.beyond(edges, edges.after, forward=False)
            elif name == "startCursor":
                value = last_row if page.backward else first_row
            elif name == "endCursor":
                value = first_row if page.backward else last_row
            else:
                value = sql.Literal(sub.type_.name)
            pairs += [sql.Literal(key), value]
        return json_object(pairs) if pairs else sql.SQL("'{}'::json")

    def beyond(
        self, edges: PageEdges, values: list[Any] | None, *, forward: bool
    ) -> sql.Composable:
        """Whether records exist on the far side of the cursor this page started from (the
        cursor's own record included)."""
        if values is None:
            return sql.SQL("FALSE")
        other = self.alias()
        # Records not strictly after the cursor in the page's walking direction.
        keys = [k.reversed() for k in edges.keys] if forward else edges.keys
        return sql.SQL("EXISTS (SELECT 1 FROM {} AS {} WHERE {} AND NOT {})").format(
            self.table(edges.obj), other, sql.SQL(" AND ").join(edges.base(other)),
            ordering.after(keys, other, values),
        )  # fmt: skip

    def aggregate(
        self, obj: ObjectModel, name: str, base: Callable[[sql.Identifier], list[sql.Composable]]
    ) -> sql.Composable:
        other = self.alias()
        if name == "totalCount":
            expression: sql.Composable = sql.SQL("count(*)")
        else:
            found = aggregate_lookup(obj).get(name)
            if found is None:
                raise BadUserInput(f"{obj.name_plural} have no aggregate {name!r}.", field=name)
            if found.field in self.access(obj).unreadable_fields:
                raise Forbidden(
                    f"Your role cannot read the field {found.field!r} of {obj.name_plural}.",
                    field=name,
                )
            expression = aggregate_sql(found, other)
        return sql.SQL("(SELECT {} FROM {} AS {} WHERE {})").format(
            expression, self.table(obj), other, sql.SQL(" AND ").join(base(other))
        )


Link = Callable[[sql.Identifier], sql.Composable]


@dataclass(frozen=True)
class Page:
    alias: sql.Identifier
    cursor: sql.Composable
    backward: bool
    limit: int


@dataclass(frozen=True)
class PageEdges:
    """What pageInfo needs to look past the page's ends."""

    obj: ObjectModel
    base: Callable[[sql.Identifier], list[sql.Composable]]
    keys: list[ordering.OrderKey]
    after: list[Any] | None
    before: list[Any] | None


@dataclass(frozen=True)
class Aggregate:
    operation: str
    column: str
    kind: str
    field: str = ""


def aggregate_lookup(obj: ObjectModel) -> dict[str, Aggregate]:
    cached = obj.memo.get("aggregates")
    if cached is None:
        cached = obj.memo["aggregates"] = _aggregate_lookup(obj)
    return dict(cached)


def _aggregate_lookup(obj: ObjectModel) -> dict[str, Aggregate]:
    lookup: dict[str, Aggregate] = {}
    for field_model, sub, kind in aggregatable(obj):
        columns = {c.sub_field: c.name for c in field_model.field_type.columns(field_model.spec)}
        column = columns[sub] if sub else field_model.columns[0]
        for operation, _type in aggregate_operations(kind):
            lookup[aggregate_name(operation, field_model.name, sub)] = Aggregate(
                operation, column, kind, field_model.name
            )
    return lookup


def aggregate_sql(aggregate: Aggregate, alias: sql.Identifier) -> sql.Composable:
    column = sql.SQL("{}.{}").format(alias, sql.Identifier(aggregate.column))
    if aggregate.kind in ("text", "enum"):
        empty = sql.SQL("({} IS NULL OR {} = '')").format(column, column)
    elif aggregate.kind == "array":
        empty = sql.SQL("coalesce(cardinality({}), 0) = 0").format(column)
    else:
        empty = sql.SQL("{} IS NULL").format(column)
    count_empty = sql.SQL("count(*) FILTER (WHERE {})").format(empty)
    ratio = sql.SQL(
        "CASE WHEN count(*) = 0 THEN NULL ELSE (count(*) FILTER (WHERE {}))::float8 / count(*) END"
    )
    templates: dict[str, sql.Composable] = {
        "countUniqueValues": sql.SQL("count(DISTINCT {})").format(column),
        "countEmpty": count_empty,
        "countNotEmpty": sql.SQL("count(*) FILTER (WHERE NOT {})").format(empty),
        "percentageEmpty": ratio.format(empty),
        "percentageNotEmpty": ratio.format(sql.SQL("NOT {}").format(empty)),
        "min": sql.SQL("min({})").format(column),
        "max": sql.SQL("max({})").format(column),
        "avg": sql.SQL("avg({})::float8").format(column),
        "sum": sql.SQL("sum({})::float8").format(column),
        "countTrue": sql.SQL("count(*) FILTER (WHERE {})").format(column),
        "countFalse": sql.SQL("count(*) FILTER (WHERE NOT {})").format(column),
    }
    return templates[aggregate.operation]


def json_object(pairs: list[sql.Composable]) -> sql.Composable:
    # json_build_object takes at most 100 arguments; larger selections are merged in chunks.
    chunks = [pairs[i : i + 100] for i in range(0, len(pairs), 100)]
    objects = [sql.SQL("json_build_object({})").format(sql.SQL(", ").join(c)) for c in chunks]
    if len(objects) == 1:
        return objects[0]
    merged = sql.SQL(" || ").join(sql.SQL("({})::jsonb").format(o) for o in objects)
    return sql.SQL("({})::json").format(merged)


def group_by(
    compiler: Compiler, obj: ObjectModel, selection: Selection, args: Mapping[str, Any]
) -> sql.Composable:
    """JSON list of one connection per group of records sharing the groupBy values."""
    access = guard.require_read(compiler.access, obj)
    guard.require_filter(obj, access, args.get("filter"))
    for item in args.get("groupBy") or []:
        for name, flag in (item or {}).items():
            if flag:
                guard.require_field(obj, access, name)
    dimensions = group_columns(obj, args.get("groupBy") or [])
    if not dimensions:
        raise BadUserInput("groupBy needs at least one field.", field="groupBy")
    limit = args.get("limit") or int(settings.GRAPHQL_DEFAULT_PAGE_SIZE)
    if not 0 < limit <= int(settings.GRAPHQL_MAX_PAGE_SIZE):
        raise BadUserInput(
            f"limit must be between 1 and {settings.GRAPHQL_MAX_PAGE_SIZE}.", field="limit"
        )
    source = compiler.alias()
    group = sql.Identifier("g")
    names = [sql.Identifier(f"d{i}") for i in range(len(dimensions))]

    def link(a: sql.Identifier) -> sql.Composable:
        return sql.SQL(" AND ").join(
            sql.SQL("{}.{} IS NOT DISTINCT FROM {}.{}").format(
                a, sql.Identifier(column), group, name
            )
            for column, name in zip(dimensions, names, strict=True)
        )

    values = sql.SQL("json_build_array({})").format(
        sql.SQL(", ").join(sql.SQL("{}.{}").format(group, n) for n in names)
    )
    per_group = compiler.connection(
        obj, selection, {k: v for k, v in args.items() if k not in ("groupBy", "limit")}, 0,
        link=link, extra={"groupByDimensionValues": values},
    )  # fmt: skip
    order = sql.SQL(", ").join(sql.SQL("{}.{} ASC NULLS LAST").format(group, n) for n in names)
    return sql.SQL(
        "(SELECT coalesce(json_agg({} ORDER BY {}), '[]'::json) FROM "
        "(SELECT DISTINCT {} FROM {} AS {} WHERE {} ORDER BY {} LIMIT {}) AS {})"
    ).format(
        per_group, order,
        sql.SQL(", ").join(sql.SQL("{}.{} AS {}").format(source, sql.Identifier(c), n) for c, n in zip(dimensions, names, strict=True)),
        compiler.table(obj), source,
        guard.with_rows(obj, access, source, filters.condition(obj, args.get("filter"), source)),
        sql.SQL(", ").join(sql.SQL("{} ASC NULLS LAST").format(n) for n in names),
        sql.Literal(limit), group,
    )  # fmt: skip


def group_columns(obj: ObjectModel, group_by: Sequence[Mapping[str, Any]]) -> list[str]:
    columns: list[str] = []
    for item in group_by:
        for name, flag in (item or {}).items():
            if not flag:
                continue
            relation = obj.join_field(name)
            if relation is not None:
                columns.append(relation.columns[0])
                continue
            field_model = obj.fields.get(name)
            if field_model is None or field_model.relation is not None:
                raise BadUserInput(
                    f"{obj.name_plural} cannot be grouped by {name!r}.", field="groupBy"
                )
            if isinstance(flag, Mapping):
                by_sub = {
                    c.sub_field: c.name for c in field_model.field_type.columns(field_model.spec)
                }
                columns += [by_sub[sub] for sub, on in flag.items() if on and sub in by_sub]
            else:
                columns.append(field_model.columns[0])
    return columns
