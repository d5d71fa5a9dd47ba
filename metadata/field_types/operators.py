"""Filter operators as SQL, per value kind. Values are always bound as literals by psycopg's
own adapters; column names always come quoted through sql.Identifier."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from psycopg import sql
from psycopg.types.json import Jsonb

from crm.errors import BadUserInput

Coerce = Callable[[Any], Any]
ErrorFor = Callable[[str], BadUserInput]

COMPARISON = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
SCALAR_OPS = frozenset({*COMPARISON, "in", "is"})
TEXT_OPS = SCALAR_OPS | {"like", "ilike", "startsWith", "endsWith"}
ARRAY_OPS = frozenset(
    {"contains", "notContains", "containsAny", "containsIlike", "isEmptyArray", "is"}
)
JSON_OPS = frozenset({"like", "containsJsonb", "is"})
KIND_OPS: dict[str, frozenset[str]] = {
    "text": TEXT_OPS,
    "number": SCALAR_OPS,
    "numeric": SCALAR_OPS,
    "boolean": frozenset({"eq", "neq", "is"}),
    "uuid": frozenset({"eq", "neq", "in", "is"}),
    "date": SCALAR_OPS,
    "datetime": SCALAR_OPS,
    "enum": frozenset({"eq", "neq", "in", "is"}),
    "array": ARRAY_OPS,
    "json": JSON_OPS,
    "tsvector": frozenset({"search"}),
}
KINDS = frozenset(KIND_OPS)


# PostgreSQL's numeric goes far beyond a double, but values must also travel as JSON numbers
# and aggregate as doubles: keep them within a double's comfortable range.
MAX_EXPONENT = 300
# A UTC offset PostgreSQL accepts: under 16 hours, in whole seconds.
MAX_UTC_OFFSET = dt.timedelta(hours=16)


def has_nul(value: Any) -> bool:
    """PostgreSQL text cannot hold NUL, and jsonb refuses \u0000."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


def _text(value: Any, error: ErrorFor) -> str:
    if not isinstance(value, str):
        raise error("a string")
    if "\x00" in value:
        raise error("text without the NUL character")
    return value


def _number(value: Any, error: ErrorFor) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise error("a number")
    try:
        number = float(value)
    except ValueError:
        raise error("a number") from None
    if not math.isfinite(number) or abs(number) > 10.0**MAX_EXPONENT:
        raise error(f"a finite number within ±1e{MAX_EXPONENT}")
    return number


def _numeric(value: Any, error: ErrorFor) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise error("a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise error("a number") from None
    if not number.is_finite() or (
        number and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT
    ):
        raise error(
            f"a finite number within ±1e{MAX_EXPONENT} (and not smaller than 1e-{MAX_EXPONENT})"
        )
    return number


def _boolean(value: Any, error: ErrorFor) -> bool:
    if not isinstance(value, bool):
        raise error("true or false")
    return value


def _uuid(value: Any, error: ErrorFor) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise error("a UUID") from None


def _date(value: Any, error: ErrorFor) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise error("a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value[:10] if "T" in value else value)
    except ValueError:
        raise error("a date (YYYY-MM-DD)") from None


def _datetime(value: Any, error: ErrorFor) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise error("a date-time (ISO 8601)") from None
    else:
        raise error("a date-time (ISO 8601)")
    offset = parsed.utcoffset()
    if offset is not None and (abs(offset) >= MAX_UTC_OFFSET or offset.microseconds):
        raise error("a date-time with a UTC offset under 16 hours, in whole seconds")
    aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    try:
        # Stored and returned in UTC: 0001-01-01T00:00:00+01:00 would come back as a year BC.
        aware.astimezone(dt.UTC)
    except OverflowError:
        raise error("a date-time from year 1 to 9999 in UTC") from None
    return aware


def _json(value: Any, error: ErrorFor) -> Any:
    if has_nul(value):
        raise error("JSON without the NUL character")
    return value


def _array(value: Any, error: ErrorFor) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise error("a list of strings")
    return value


COERCERS: dict[str, Callable[[Any, ErrorFor], Any]] = {
    "text": _text,
    "number": _number,
    "numeric": _numeric,
    "boolean": _boolean,
    "uuid": _uuid,
    "date": _date,
    "datetime": _datetime,
    "enum": _text,
    "array": _array,
    "json": _json,
    "tsvector": _text,
}


def coerce(kind: str, value: Any, error: ErrorFor) -> Any:
    if value is None:
        return None
    return COERCERS[kind](value, error)


def _literal(kind: str, value: Any) -> sql.Composable:
    if kind == "json":
        return sql.Literal(Jsonb(value))
    return sql.Literal(value)


def join_and(clauses: list[sql.Composable]) -> sql.Composable:
    if not clauses:
        return sql.SQL("TRUE")
    if len(clauses) == 1:
        return clauses[0]
    return sql.SQL("({})").format(sql.SQL(" AND ").join(clauses))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class _Term:
    """One operator applied to one column, with what it needs to read its value."""

    kind: str
    column: sql.Composable
    path: str
    op: str
    coerce: Coerce | None

    def error(self, expected: str, raw: Any) -> BadUserInput:
        shown = repr(raw) if len(repr(raw)) <= 80 else repr(raw)[:77] + "..."
        return BadUserInput(
            f"The '{self.op}' filter on '{self.path}' expects {expected}, got {shown}.",
            field=self.path,
        )

    def value(self, raw: Any) -> Any:
        if raw is None:
            raise self.error("a value", raw)
        if self.coerce is not None:
            try:
                return self.coerce(raw)
            except BadUserInput as exc:
                raise BadUserInput(
                    f"The '{self.op}' filter on '{self.path}': {exc.message}", field=self.path
                ) from None
        return COERCERS[self.kind](raw, lambda expected: self.error(expected, raw))

    def text(self, raw: Any) -> str:
        if not isinstance(raw, str):
            raise self.error("a string", raw)
        if "\x00" in raw:
            raise self.error("text without the NUL character", raw)
        return raw

    def strings(self, raw: Any) -> list[str]:
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(item, str) for item in items):
            raise self.error("a list of strings", raw)
        if any("\x00" in item for item in items):
            raise self.error("strings without the NUL character", raw)
        return items


def _comparison(term: _Term, raw: Any) -> sql.Composable:
    return sql.SQL("{} {} {}").format(
        term.column, sql.SQL(COMPARISON[term.op]), _literal(term.kind, term.value(raw))
    )


def _in(term: _Term, raw: Any) -> sql.Composable:
    if not isinstance(raw, list):
        raise term.error("a list", raw)
    if not raw:
        return sql.SQL("FALSE")
    return sql.SQL("{} = ANY({})").format(term.column, sql.Literal([term.value(v) for v in raw]))


def _is(term: _Term, raw: Any) -> sql.Composable:
    if raw == "NULL":
        return sql.SQL("{} IS NULL").format(term.column)
    if raw == "NOT_NULL":
        return sql.SQL("{} IS NOT NULL").format(term.column)
    raise term.error("NULL or NOT_NULL", raw)


def _like(term: _Term, raw: Any) -> sql.Composable:
    target = sql.SQL("{}::text").format(term.column) if term.kind == "json" else term.column
    pattern = term.text(raw)
    if (len(pattern) - len(pattern.rstrip("\\"))) % 2:
        raise term.error("a pattern that does not end with a lone backslash (write \\\\)", raw)
    return sql.SQL("{} {} {}").format(target, sql.SQL(term.op.upper()), sql.Literal(pattern))


def _starts_or_ends(term: _Term, raw: Any) -> sql.Composable:
    text = _escape_like(term.text(raw))
    pattern = f"{text}%" if term.op == "startsWith" else f"%{text}"
    return sql.SQL("{} LIKE {}").format(term.column, sql.Literal(pattern))


_ARRAY_TEMPLATES = {
    "contains": "{} @> {}::text[]",
    "notContains": "NOT (coalesce({}, '{{}}') @> {}::text[])",
    "containsAny": "{} && {}::text[]",
}


def _array_sets(term: _Term, raw: Any) -> sql.Composable:
    return sql.SQL(_ARRAY_TEMPLATES[term.op]).format(term.column, sql.Literal(term.strings(raw)))


def _contains_ilike(term: _Term, raw: Any) -> sql.Composable:
    return sql.SQL("EXISTS (SELECT 1 FROM unnest({}) AS item WHERE item ILIKE {})").format(
        term.column, sql.Literal(term.text(raw))
    )


def _is_empty_array(term: _Term, raw: Any) -> sql.Composable:
    if not isinstance(raw, bool):
        raise term.error("true or false", raw)
    empty = sql.SQL("coalesce(cardinality({}), 0) = 0").format(term.column)
    return empty if raw else sql.SQL("NOT ({})").format(empty)


def _contains_jsonb(term: _Term, raw: Any) -> sql.Composable:
    if has_nul(raw):
        raise term.error("JSON without the NUL character", raw)
    return sql.SQL("{} @> {}").format(term.column, sql.Literal(Jsonb(raw)))


def _search(term: _Term, raw: Any) -> sql.Composable:
    return sql.SQL("{} @@ websearch_to_tsquery('simple', {})").format(
        term.column, sql.Literal(term.text(raw))
    )


HANDLERS: dict[str, Callable[[_Term, Any], sql.Composable]] = {
    **dict.fromkeys(COMPARISON, _comparison),
    "in": _in,
    "is": _is,
    "like": _like,
    "ilike": _like,
    "startsWith": _starts_or_ends,
    "endsWith": _starts_or_ends,
    "contains": _array_sets,
    "notContains": _array_sets,
    "containsAny": _array_sets,
    "containsIlike": _contains_ilike,
    "isEmptyArray": _is_empty_array,
    "containsJsonb": _contains_jsonb,
    "search": _search,
}


def compile(
    kind: str,
    column: sql.Composable,
    operand: Any,
    path: str,
    coerce: Coerce | None = None,
) -> sql.Composable:
    """SQL for one field's operators, e.g. {"gte": 3, "lt": 9} (all must hold)."""
    if not isinstance(operand, Mapping) or not operand:
        raise BadUserInput(f"The filter on '{path}' must be an object of operators.", field=path)
    allowed = KIND_OPS[kind]
    clauses: list[sql.Composable] = []
    for op, raw in operand.items():
        if op not in allowed:
            raise BadUserInput(
                f"Operator '{op}' does not apply to '{path}'; "
                f"use one of {', '.join(sorted(allowed))}.",
                field=path,
            )
        clauses.append(HANDLERS[op](_Term(kind, column, path, op, coerce), raw))
    return join_and(clauses)
