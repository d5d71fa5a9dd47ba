"""The questions of the side-by-side benchmark, as each contender asks them.

For every question there are three forms: a request to our /graphql (Twenty's names), a
request to PostGraphile 4 (its generated names: `allCompanies`, `personById`,
`peopleByCompanyId`, flat column names, the connection-filter plugin's `likeInsensitive`), and
hand-written SQL (the floor) answering the same JSON shape as ours. Each answer is reduced to
the same comparable form (`company_row`, `person_row`, the `*_records` functions), so the
benchmark can check that all three return the same records before it times them.

Orders: companies newest first, id breaking ties (our API's order for `createdAt:
DescNullsLast`); a company's people by position then id (our default order; the seeded people
all have a position, so nulls-first and nulls-last agree). Soft-deleted rows are left out
everywhere: ours does it implicitly, PostGraphile is given `condition: {deletedAt: null}`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from psycopg import sql

PAGE_SIZE = 60
PEOPLE_PER_COMPANY = 10
WRITE_MARKER = "Bench write "  # name prefix of the companies the write question creates
BATCH = 60
FILTER_PATTERN = "%robot%"  # "... Robotics": one company in fifteen

# -- our /graphql -----------------------------------------------------------------------------

OURS_COMPANY_FIELDS = """
        id name employees createdAt idealCustomerProfile position
        domainName { primaryLinkUrl }
        address { addressCity addressCountry }
        annualRecurringRevenue { amountMicros currencyCode }
        linkedinLink { primaryLinkUrl }
        xLink { primaryLinkUrl }"""

OURS_PERSON_FIELDS = "id name { firstName lastName } emails { primaryEmail } jobTitle"

OURS_LIST_PAGE = f"""
query CompanyListPage {{
  companies(first: {PAGE_SIZE}, orderBy: [{{createdAt: DescNullsLast}}]) {{
    edges {{ node {{ {OURS_COMPANY_FIELDS}
        people(first: {PEOPLE_PER_COMPANY}) {{ edges {{ node {{ {OURS_PERSON_FIELDS} }} }} }}
    }} }}
  }}
}}"""

OURS_BY_ID = f"""
query PersonById($id: UUID!) {{
  person(filter: {{id: {{eq: $id}}}}) {{
    {OURS_PERSON_FIELDS} city createdAt
    phones {{ primaryPhoneNumber }}
    linkedinLink {{ primaryLinkUrl }}
    company {{ {OURS_COMPANY_FIELDS}
      people(first: {PEOPLE_PER_COMPANY}) {{ edges {{ node {{ {OURS_PERSON_FIELDS} }} }} }}
    }}
  }}
}}"""

OURS_FILTERED = f"""
query FilteredCompanies($pattern: String!, $after: String) {{
  companies(filter: {{name: {{ilike: $pattern}}}}, orderBy: [{{createdAt: DescNullsLast}}],
            first: {PAGE_SIZE}, after: $after) {{
    edges {{ node {{ {OURS_COMPANY_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""

OURS_CREATE = """
mutation CreateCompanies($data: [CompanyCreateInput!]!) {
  createCompanies(data: $data) { id name }
}"""

# -- PostGraphile 4 ---------------------------------------------------------------------------

THEIR_COMPANY_FIELDS = """
        id name employees createdAt idealCustomerProfile position
        domainNamePrimaryLinkUrl addressAddressCity addressAddressCountry
        annualRecurringRevenueAmountMicros annualRecurringRevenueCurrencyCode
        linkedinLinkPrimaryLinkUrl xLinkPrimaryLinkUrl"""

THEIR_PERSON_FIELDS = "id nameFirstName nameLastName emailsPrimaryEmail jobTitle"

THEIR_PEOPLE = (
    f"peopleByCompanyId(first: {PEOPLE_PER_COMPANY}, orderBy: [POSITION_ASC, ID_ASC], "
    f"condition: {{deletedAt: null}}) {{ nodes {{ {THEIR_PERSON_FIELDS} }} }}"
)

THEIR_LIST_PAGE = f"""
query CompanyListPage {{
  allCompanies(first: {PAGE_SIZE}, orderBy: [CREATED_AT_DESC, ID_ASC],
               condition: {{deletedAt: null}}) {{
    nodes {{ {THEIR_COMPANY_FIELDS}
      {THEIR_PEOPLE}
    }}
  }}
}}"""

THEIR_BY_ID = f"""
query PersonById($id: UUID!) {{
  personById(id: $id) {{
    {THEIR_PERSON_FIELDS} city createdAt
    phonesPrimaryPhoneNumber
    linkedinLinkPrimaryLinkUrl
    companyByCompanyId {{ {THEIR_COMPANY_FIELDS}
      {THEIR_PEOPLE}
    }}
  }}
}}"""

THEIR_FILTERED = f"""
query FilteredCompanies($pattern: String!, $after: Cursor) {{
  allCompanies(filter: {{name: {{likeInsensitive: $pattern}}}}, condition: {{deletedAt: null}},
               orderBy: [CREATED_AT_DESC, ID_ASC], first: {PAGE_SIZE}, after: $after) {{
    nodes {{ {THEIR_COMPANY_FIELDS} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}"""


def their_create(rows: int = BATCH) -> str:
    """PostGraphile 4 creates one row per mutation field: `rows` aliased `createCompany`s."""
    variables = ", ".join(f"$c{i}: CompanyInput!" for i in range(rows))
    fields = "\n".join(
        f"  c{i}: createCompany(input: {{company: $c{i}}}) {{ company {{ id name }} }}"
        for i in range(rows)
    )
    return f"mutation CreateCompanies({variables}) {{\n{fields}\n}}"


# -- the rows the write question creates ------------------------------------------------------


def write_rows(rows: int = BATCH) -> list[dict[str, Any]]:
    """The companies one batch creates (no unique field set: a batch can be sent again)."""
    cities = (("Paris", "France"), ("Berlin", "Germany"), ("Austin", "United States"))
    out = []
    for i in range(rows):
        city, country = cities[i % len(cities)]
        out.append(
            {
                "name": f"{WRITE_MARKER}{i:02d}",
                "employees": 10 + 37 * i,
                "idealCustomerProfile": i % 5 == 0,
                "city": city,
                "country": country,
                "amountMicros": (i + 1) * 1_000_000_000,
                "currencyCode": ("USD", "EUR")[i % 2],
                "linkedin": f"https://www.linkedin.com/company/bench-write-{i}",
            }
        )
    return out


def ours_create_variables(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "data": [
            {
                "name": r["name"],
                "employees": r["employees"],
                "idealCustomerProfile": r["idealCustomerProfile"],
                "address": {"addressCity": r["city"], "addressCountry": r["country"]},
                "annualRecurringRevenue": {
                    "amountMicros": r["amountMicros"],
                    "currencyCode": r["currencyCode"],
                },
                "linkedinLink": {"primaryLinkUrl": r["linkedin"]},
            }
            for r in rows
        ]
    }


def their_create_variables(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        f"c{i}": {
            "name": r["name"],
            "employees": r["employees"],
            "idealCustomerProfile": r["idealCustomerProfile"],
            "addressAddressCity": r["city"],
            "addressAddressCountry": r["country"],
            "annualRecurringRevenueAmountMicros": str(r["amountMicros"]),  # BigFloat
            "annualRecurringRevenueCurrencyCode": r["currencyCode"],
            "linkedinLinkPrimaryLinkUrl": r["linkedin"],
        }
        for i, r in enumerate(rows)
    }


def body(query: str, variables: Mapping[str, Any] | None = None) -> bytes:
    return json.dumps({"query": query, "variables": dict(variables or {})}).encode()


# -- comparable forms -------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).normalize()


def _time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _sub(node: Mapping[str, Any], composite: str, sub: str) -> Any:
    value = node.get(composite)
    return None if value is None else value.get(sub)


def company_row(node: Mapping[str, Any]) -> tuple[Any, ...]:
    """A company as (id, the twelve fields), from ours (composites) or PostGraphile (flat)."""
    if "domainName" in node:  # ours, or the floor (which answers our shape)
        flat = {
            "domain": _sub(node, "domainName", "primaryLinkUrl"),
            "city": _sub(node, "address", "addressCity"),
            "country": _sub(node, "address", "addressCountry"),
            "amount": _sub(node, "annualRecurringRevenue", "amountMicros"),
            "currency": _sub(node, "annualRecurringRevenue", "currencyCode"),
            "linkedin": _sub(node, "linkedinLink", "primaryLinkUrl"),
            "x": _sub(node, "xLink", "primaryLinkUrl"),
        }
    else:
        flat = {
            "domain": node["domainNamePrimaryLinkUrl"],
            "city": node["addressAddressCity"],
            "country": node["addressAddressCountry"],
            "amount": node["annualRecurringRevenueAmountMicros"],
            "currency": node["annualRecurringRevenueCurrencyCode"],
            "linkedin": node["linkedinLinkPrimaryLinkUrl"],
            "x": node["xLinkPrimaryLinkUrl"],
        }
    return (
        node["id"], node["name"], _number(node["employees"]), _time(node["createdAt"]),
        bool(node["idealCustomerProfile"]), _number(node["position"]), flat["domain"],
        flat["city"], flat["country"], _number(flat["amount"]), flat["currency"],
        flat["linkedin"], flat["x"],
    )  # fmt: skip


def person_row(node: Mapping[str, Any]) -> tuple[Any, ...]:
    """A person as (id, first name, last name, email, job title), from either shape."""
    if "name" in node:
        return (
            node["id"], _sub(node, "name", "firstName"), _sub(node, "name", "lastName"),
            _sub(node, "emails", "primaryEmail"), node["jobTitle"],
        )  # fmt: skip
    return (
        node["id"], node["nameFirstName"], node["nameLastName"], node["emailsPrimaryEmail"],
        node["jobTitle"],
    )  # fmt: skip


def _nodes(connection: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if "edges" in connection:
        return [e["node"] for e in connection["edges"]]
    return list(connection["nodes"])


def _people(company: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    connection = company.get("people") or company.get("peopleByCompanyId") or {"nodes": []}
    return [person_row(p) for p in _nodes(connection)]


def _root(data: Mapping[str, Any]) -> Any:
    if len(data) != 1:
        raise ValueError(f"expected one root field, got {sorted(data)}")
    return next(iter(data.values()))


def list_page_records(data: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """[(company..., (people...)), ...] in order."""
    return [(*company_row(c), tuple(_people(c))) for c in _nodes(_root(data))]


def by_id_records(data: Mapping[str, Any]) -> tuple[Any, ...] | None:
    person = _root(data)
    if person is None:
        return None
    company = person.get("company", person.get("companyByCompanyId"))
    return (
        *person_row(person),
        person.get("city"),
        _time(person.get("createdAt")),
        _sub(person, "phones", "primaryPhoneNumber")
        if "phones" in person
        else person.get("phonesPrimaryPhoneNumber"),
        _sub(person, "linkedinLink", "primaryLinkUrl")
        if "linkedinLink" in person
        else person.get("linkedinLinkPrimaryLinkUrl"),
        None if company is None else (*company_row(company), tuple(_people(company))),
    )


def filtered_records(data: Mapping[str, Any]) -> tuple[list[tuple[Any, ...]], bool]:
    """(the companies in order, hasNextPage)."""
    connection = _root(data)
    return [company_row(c) for c in _nodes(connection)], bool(connection["pageInfo"]["hasNextPage"])


def end_cursor(data: Mapping[str, Any]) -> str:
    return str(_root(data)["pageInfo"]["endCursor"])


# -- the floor: hand-written SQL answering our JSON shape --------------------------------------


def _company_json(alias: str) -> sql.Composable:
    a = sql.Identifier(alias)
    return sql.SQL(
        """json_build_object(
            'id', {a}.id, 'name', {a}.name, 'employees', {a}.employees,
            'createdAt', {a}.created_at, 'idealCustomerProfile', {a}.ideal_customer_profile,
            'position', {a}.position,
            'domainName', json_build_object('primaryLinkUrl', {a}.domain_name_primary_link_url),
            'address', json_build_object('addressCity', {a}.address_address_city,
                                         'addressCountry', {a}.address_address_country),
            'annualRecurringRevenue', json_build_object(
                'amountMicros', {a}.annual_recurring_revenue_amount_micros,
                'currencyCode', {a}.annual_recurring_revenue_currency_code),
            'linkedinLink', json_build_object('primaryLinkUrl', {a}.linkedin_link_primary_link_url),
            'xLink', json_build_object('primaryLinkUrl', {a}.x_link_primary_link_url))"""
    ).format(a=a)


def _person_json(alias: str) -> sql.Composable:
    a = sql.Identifier(alias)
    return sql.SQL(
        """json_build_object('id', {a}.id,
            'name', json_build_object('firstName', {a}.name_first_name,
                                      'lastName', {a}.name_last_name),
            'emails', json_build_object('primaryEmail', {a}.emails_primary_email),
            'jobTitle', {a}.job_title)"""
    ).format(a=a)


def floor_by_id(schema: str, person_id: str) -> sql.Composable:
    """A person, its company and the company's first people, as one statement."""
    return sql.SQL(
        """
        SELECT json_build_object('person', (
            SELECT {person_json}::jsonb || jsonb_build_object(
                'city', p.city, 'createdAt', p.created_at,
                'phones', json_build_object('primaryPhoneNumber', p.phones_primary_phone_number),
                'linkedinLink', json_build_object('primaryLinkUrl',
                                                  p.linkedin_link_primary_link_url),
                'company', (
                    SELECT {company_json}::jsonb || jsonb_build_object('people', json_build_object(
                        'edges', coalesce((
                            SELECT json_agg(json_build_object('node', {colleague_json})
                                            ORDER BY x.position NULLS FIRST, x.id)
                            FROM (SELECT y.id, y.position, y.name_first_name,
                                         y.name_last_name, y.emails_primary_email, y.job_title
                                  FROM {person} AS y
                                  WHERE y.company_id = c.id AND y.deleted_at IS NULL
                                  ORDER BY y.position NULLS FIRST, y.id LIMIT {people}) AS x
                        ), '[]'::json)))
                    FROM {company} AS c WHERE c.id = p.company_id AND c.deleted_at IS NULL))
            FROM {person} AS p WHERE p.id = {id} AND p.deleted_at IS NULL))::text
        """
    ).format(
        person_json=_person_json("p"),
        company_json=_company_json("c"),
        colleague_json=_person_json("x"),
        person=sql.Identifier(schema, "person"),
        company=sql.Identifier(schema, "company"),
        people=sql.Literal(PEOPLE_PER_COMPANY),
        id=sql.Literal(person_id),
    )


def floor_filtered(schema: str, pattern: str, after: tuple[str, str] | None) -> sql.Composable:
    """A page of companies whose name matches, newest first; `after`: the (createdAt, id) of
    the previous page's last row (keyset)."""
    keyset: sql.Composable = sql.SQL("")
    if after is not None:
        keyset = sql.SQL(
            "AND (t.created_at < {at} OR (t.created_at = {at} AND t.id > {id}))"
        ).format(at=sql.Literal(after[0]), id=sql.Literal(after[1]))
    return sql.SQL(
        """
        SELECT json_build_object('companies', json_build_object(
            'edges', coalesce(json_agg(json_build_object('node', {company_json})
                                       ORDER BY c.created_at DESC, c.id)
                              FILTER (WHERE c.n <= {page}), '[]'::json),
            'pageInfo', json_build_object('hasNextPage', count(*) > {page})))::text
        FROM (
            SELECT t.*, row_number() OVER (ORDER BY t.created_at DESC, t.id) AS n FROM (
                SELECT * FROM {company} AS t
                WHERE t.name ILIKE {pattern} AND t.deleted_at IS NULL {keyset}
                ORDER BY t.created_at DESC, t.id LIMIT {page} + 1) AS t
        ) AS c
        """
    ).format(
        company_json=_company_json("c"),
        company=sql.Identifier(schema, "company"),
        pattern=sql.Literal(pattern),
        keyset=keyset,
        page=sql.Literal(PAGE_SIZE),
    )


def floor_create(schema: str, rows: Sequence[Mapping[str, Any]]) -> sql.Composable:
    """One multi-row INSERT answering the created ids and names."""
    values = sql.SQL(", ").join(
        sql.SQL("({})").format(
            sql.SQL(", ").join(
                sql.Literal(r[k])
                for k in (
                    "name",
                    "employees",
                    "idealCustomerProfile",
                    "city",
                    "country",
                    "amountMicros",
                    "currencyCode",
                    "linkedin",
                )
            )
        )
        for r in rows
    )
    return sql.SQL(
        """
        WITH created AS (
            INSERT INTO {company} (name, employees, ideal_customer_profile, address_address_city,
                address_address_country, annual_recurring_revenue_amount_micros,
                annual_recurring_revenue_currency_code, linkedin_link_primary_link_url)
            VALUES {values}
            RETURNING id, name)
        SELECT json_build_object('createCompanies',
                                 json_agg(json_build_object('id', id, 'name', name)))::text
        FROM created
        """
    ).format(company=sql.Identifier(schema, "company"), values=values)


def written_rows_sql(schema: str) -> sql.Composed:
    """The rows the write question created, comparable across contenders (ids aside)."""
    return sql.SQL(
        """
        SELECT name, employees, ideal_customer_profile, address_address_city,
               address_address_country, annual_recurring_revenue_amount_micros,
               annual_recurring_revenue_currency_code, linkedin_link_primary_link_url
        FROM {company} WHERE name LIKE {marker} AND deleted_at IS NULL ORDER BY name
        """
    ).format(company=sql.Identifier(schema, "company"), marker=sql.Literal(WRITE_MARKER + "%"))


def delete_written_sql(schema: str) -> sql.Composed:
    return sql.SQL("DELETE FROM {company} WHERE name LIKE {marker}").format(
        company=sql.Identifier(schema, "company"), marker=sql.Literal(WRITE_MARKER + "%")
    )
