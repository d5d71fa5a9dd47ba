"""The global search: across searchable objects, by their search vectors, ranked, with a
prefix/ILIKE fallback on the label so short or partial terms still find records.

With a role: objects the caller may not read are left out (a search is across objects, so a
missing object is not an error), the role's row-level filter narrows each object, and a label
or image field the caller may not read is neither shown nor matched (the record's id stands in
for the label).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from psycopg import sql

from crm.errors import BadUserInput
from metadata.snapshot import ObjectModel, WorkspaceModel
from records.query import filters, guard

WORD = re.compile(r"[\w@.+-]+", re.UNICODE)
MAX_RESULTS = 200


def ts_query(term: str) -> str | None:
    """'ada lov' -> 'ada:* & lov:*' (every word, as a prefix)."""
    words = [w.replace("'", "") for w in WORD.findall(term.lower())]
    words = [w for w in words if w]
    if not words:
        return None
    return " & ".join(f"'{w}':*" for w in words)


def label_expression(obj: ObjectModel, alias: sql.Identifier,
                     hidden: frozenset[str] = frozenset()) -> sql.Composable:  # fmt: skip
    field = obj.fields.get(obj.label_identifier)
    if field is None or field.relation is not None or field.name in hidden:
        return sql.SQL("{}.id::text").format(alias)
    columns = field.columns
    if field.type == "FULL_NAME":
        return sql.SQL("btrim(concat_ws(' ', {}.{}, {}.{}))").format(
            alias, sql.Identifier(columns[0]), alias, sql.Identifier(columns[1])
        )
    return sql.SQL("{}.{}::text").format(alias, sql.Identifier(columns[0]))


def image_expression(obj: ObjectModel, alias: sql.Identifier,
                     hidden: frozenset[str] = frozenset()) -> sql.Composable:  # fmt: skip
    avatar = obj.fields.get("avatarUrl")
    if avatar is not None and avatar.columns and "avatarUrl" not in hidden:
        return sql.SQL("{}.{}").format(alias, sql.Identifier(avatar.columns[0]))
    domain = obj.fields.get("domainName")
    if domain is not None and domain.type == "LINKS" and "domainName" not in hidden:
        return sql.SQL("{}.{}").format(alias, sql.Identifier(domain.columns[0]))
    return sql.SQL("NULL::text")


def search_sql(model: WorkspaceModel, term: str, limit: int, filter_: Mapping[str, Any] | None,
               included: Sequence[str] | None, excluded: Sequence[str] | None,
               access: guard.AccessFor = guard.full_access) -> sql.Composable:  # fmt: skip
    """One statement returning the JSON list of {recordId, objectNameSingular, label, imageUrl,
    tsRank, tsRankCD}, best first."""
    if not 0 < limit <= MAX_RESULTS:
        raise BadUserInput(f"limit must be between 1 and {MAX_RESULTS}.", field="limit")
    term = term.strip()
    if "\x00" in term:
        raise BadUserInput("The search text cannot contain the NUL character.", field="searchInput")
    query = ts_query(term)
    unknown = [n for n in [*(included or []), *(excluded or [])] if n not in model.objects]
    if unknown:
        raise BadUserInput(
            f"No object is named {unknown[0]!r}.", field="includedObjectNameSingulars"
        )
    parts: list[sql.Composable] = []
    for obj in model.objects.values():
        if not obj.is_searchable or "searchVector" not in obj.fields:
            continue
        if included and obj.name_singular not in included:
            continue
        if excluded and obj.name_singular in excluded:
            continue
        rights = access(obj)
        if not rights.can_read:
            continue
        guard.require_filter(obj, rights, filter_)
        hidden = rights.unreadable_fields
        alias = sql.Identifier("r")
        label = label_expression(obj, alias, hidden)
        # A search vector holds the values of fields the role may not read: unused then.
        tsquery = (
            sql.SQL("to_tsquery('simple', {})").format(sql.Literal(query))
            if query and not hidden
            else None
        )
        match: list[sql.Composable] = []
        if tsquery is not None:
            match.append(sql.SQL("{}.search_vector @@ {}").format(alias, tsquery))
        if term:
            match.append(sql.SQL("{} ILIKE {}").format(label, sql.Literal(f"%{_escape(term)}%")))
        where = [filters.condition(_system_only(obj), filter_, alias)]
        rows = guard.row_condition(obj, rights, alias)
        if rows is not None:
            where.append(rows)
        if match:
            where.append(sql.SQL("({})").format(sql.SQL(" OR ").join(match)))
        rank = (
            sql.SQL("ts_rank({}.search_vector, {})").format(alias, tsquery)
            if tsquery
            else sql.SQL("0")
        )
        rank_cd = (
            sql.SQL("ts_rank_cd({}.search_vector, {})").format(alias, tsquery)
            if tsquery
            else sql.SQL("0")
        )
        parts.append(
            sql.SQL(
                "(SELECT {obj} AS object, {alias}.id, {label} AS label, {image} AS image, "
                "{rank}::float8 AS rank, {rank_cd}::float8 AS rank_cd, "
                "({label} ILIKE {prefix})::int AS prefix_hit "
                "FROM {schema}.{table} AS {alias} WHERE {where} LIMIT {limit})"
            ).format(
                obj=sql.Literal(obj.name_singular),
                alias=alias,
                label=label,
                image=image_expression(obj, alias, hidden),
                rank=rank,
                rank_cd=rank_cd,
                prefix=sql.Literal(f"{_escape(term)}%"),
                schema=sql.Identifier(model.schema),
                table=sql.Identifier(obj.table),
                where=sql.SQL(" AND ").join(where),
                limit=sql.Literal(limit),
            )
        )
    if not parts:
        return sql.SQL("'[]'::json")
    return sql.SQL(
        "(SELECT coalesce(json_agg(json_build_object('recordId', s.id, 'objectNameSingular', s.object, "
        "'label', s.label, 'imageUrl', s.image, 'tsRank', s.rank, 'tsRankCD', s.rank_cd) "
        "ORDER BY s.rank_cd DESC, s.prefix_hit DESC, s.label, s.id), '[]'::json) "
        "FROM (SELECT * FROM ({}) AS u ORDER BY u.rank_cd DESC, u.prefix_hit DESC, u.label, u.id LIMIT {}) AS s)"
    ).format(sql.SQL(" UNION ALL ").join(parts), sql.Literal(limit))


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _system_only(obj: ObjectModel) -> ObjectModel:
    """The filter of a global search may only name fields every object has."""
    keep = {"id", "createdAt", "updatedAt", "deletedAt"}
    return ObjectModel(
        **{**obj.__dict__, "memo": {}, "fields": {n: f for n, f in obj.fields.items() if n in keep}}
    )
