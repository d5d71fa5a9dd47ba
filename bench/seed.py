"""Fill a workspace's company and person tables with realistic records, fast.

One `INSERT ... SELECT generate_series` per table straight into the workspace's schema (no
service, no ORM), then VACUUM (ANALYZE), so a benchmark starts from planner statistics and a
visibility map of a table in steady state. The values are deterministic (a fixed random seed):
two runs with the same sizes hold the same data, ids and creation times aside.

Company ids are derived from their ordinal (`md5('bench-company-' || n)::uuid`), so a person
is given a random company without a join; each company gets `people / companies` people on
average.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from psycopg import sql

from crm.schemas import use_public
from workspaces.services.workspaces import create_workspace, delete_workspace

COMPANY_WORDS = (
    "Acme", "Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark",
    "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Aperture", "Massive", "Pied Piper",
    "Blue Sun", "Oscorp", "Gringotts", "Monarch",
)  # fmt: skip
COMPANY_SUFFIXES = (
    "Labs", "Systems", "Group", "Analytics", "Logistics", "Software", "Health", "Capital",
    "Robotics", "Foods", "Energy", "Media", "Partners", "Holdings", "Networks",
)  # fmt: skip
CITIES = (
    ("Paris", "France"), ("Lyon", "France"), ("Berlin", "Germany"), ("Munich", "Germany"),
    ("London", "United Kingdom"), ("Manchester", "United Kingdom"), ("New York", "United States"),
    ("San Francisco", "United States"), ("Austin", "United States"), ("Toronto", "Canada"),
    ("Madrid", "Spain"), ("Barcelona", "Spain"), ("Amsterdam", "Netherlands"),
    ("Stockholm", "Sweden"), ("Lisbon", "Portugal"), ("Milan", "Italy"), ("Tokyo", "Japan"),
    ("Singapore", "Singapore"), ("Sydney", "Australia"), ("Sao Paulo", "Brazil"),
)  # fmt: skip
CURRENCIES = ("USD", "USD", "USD", "EUR", "EUR", "GBP")
FIRST_NAMES = (
    "Alice", "Bob", "Chloe", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Karim", "Lea", "Marco", "Nina", "Oscar", "Paula", "Quentin", "Rosa", "Sam", "Tara",
    "Ugo", "Vera", "William", "Xenia", "Yusuf", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Smith", "Johnson", "Garcia", "Muller", "Rossi", "Dubois", "Silva",
    "Kowalski", "Nguyen", "Tanaka", "Brown", "Lopez", "Schmidt", "Moreau", "Jensen", "Novak",
    "Costa", "Kim", "Petit", "Fischer", "Murphy", "Haddad",
)  # fmt: skip
JOB_TITLES = (
    "CEO", "CTO", "CFO", "VP Sales", "Account Executive", "Sales Manager", "Software Engineer",
    "Product Manager", "Head of Marketing", "Customer Success Manager", "Designer",
    "Data Analyst", "Operations Manager", "Recruiter", "Founder",
)  # fmt: skip

SEED = 0.42  # setseed(): the same data on every run


@dataclass(frozen=True)
class SeedResult:
    companies: int
    people: int
    companies_s: float
    people_s: float
    analyze_s: float

    @property
    def total_s(self) -> float:
        return self.companies_s + self.people_s + self.analyze_s


def _array(values: tuple[str, ...]) -> sql.Composable:
    return sql.SQL("(ARRAY[{}]::text[])").format(sql.SQL(", ").join(sql.Literal(v) for v in values))


def _pick(values: tuple[str, ...]) -> sql.Composable:
    """A random element of `values`, evaluated once per row."""
    return sql.SQL("{}[1 + floor(random() * {})::int]").format(
        _array(values), sql.Literal(len(values))
    )


def company_id_sql(ordinal: sql.Composable) -> sql.Composable:
    """The id of the company with this ordinal (1-based), as seed_workspace assigns it."""
    return sql.SQL("md5('bench-company-' || ({})::text)::uuid").format(ordinal)


def _companies(schema: str, companies: int) -> sql.Composable:
    cities = tuple(c for c, _ in CITIES)
    countries = tuple(c for _, c in CITIES)
    return sql.SQL(
        """
        INSERT INTO {table} (
            id, created_at, updated_at, position,
            created_by_source, created_by_name, created_by_context,
            updated_by_source, updated_by_name, updated_by_context,
            name, employees, ideal_customer_profile,
            domain_name_primary_link_url, domain_name_primary_link_label,
            linkedin_link_primary_link_url, x_link_primary_link_url,
            address_address_city, address_address_country,
            annual_recurring_revenue_amount_micros, annual_recurring_revenue_currency_code
        )
        SELECT
            {id}, r.created_at, r.created_at, g,
            'IMPORT', 'Bench seed', '{{}}'::jsonb,
            'IMPORT', 'Bench seed', '{{}}'::jsonb,
            r.name, r.employees, r.icp,
            'https://' || s.slug || '-' || g || '.com', '',
            'https://www.linkedin.com/company/' || s.slug || '-' || g,
            'https://x.com/' || replace(s.slug, '-', '_') || '_' || g,
            {cities}[r.place], {countries}[r.place],
            r.arr_units * 1000000, {currency}
        FROM generate_series(1, {n}) AS g
        CROSS JOIN LATERAL (
            SELECT
                -- company k was created about k / n of three years ago, with jitter
                now() - ((g::float8 + random() * 3) / {n}) * interval '3 years' AS created_at,
                {word} || ' ' || {suffix} AS name,
                CASE WHEN random() < 0.95
                     THEN (10 + floor(power(random(), 3) * 20000))::int END AS employees,
                random() < 0.2 AS icp,
                1 + floor(random() * {places})::int AS place,
                CASE WHEN random() < 0.9
                     THEN (1000 * floor(1 + power(random(), 2) * 5000))::bigint END AS arr_units
        ) AS r
        CROSS JOIN LATERAL (SELECT lower(replace(r.name, ' ', '-')) AS slug) AS s
        """
    ).format(
        table=sql.Identifier(schema, "company"),
        id=company_id_sql(sql.SQL("g")),
        cities=_array(cities),
        countries=_array(countries),
        currency=_pick(CURRENCIES),
        places=sql.Literal(len(CITIES)),
        word=_pick(COMPANY_WORDS),
        suffix=_pick(COMPANY_SUFFIXES),
        n=sql.Literal(companies),
    )


def _people(schema: str, people: int, companies: int) -> sql.Composable:
    company = (
        company_id_sql(sql.SQL("1 + floor(random() * {})::int").format(sql.Literal(companies)))
        if companies > 0
        else sql.SQL("NULL::uuid")
    )
    return sql.SQL(
        """
        INSERT INTO {table} (
            created_at, updated_at, position,
            created_by_source, created_by_name, created_by_context,
            updated_by_source, updated_by_name, updated_by_context,
            name_first_name, name_last_name, emails_primary_email, emails_additional_emails,
            job_title, city, linkedin_link_primary_link_url,
            phones_primary_phone_number, phones_primary_phone_country_code,
            phones_primary_phone_calling_code, phones_additional_phones, company_id
        )
        SELECT
            r.created_at, r.created_at, g,
            'IMPORT', 'Bench seed', '{{}}'::jsonb,
            'IMPORT', 'Bench seed', '{{}}'::jsonb,
            r.first_name, r.last_name,
            -- unique: the ordinal is part of the address
            lower(r.first_name) || '.' || lower(r.last_name) || '.' || g || '@example.com',
            '[]'::jsonb,
            {job}, {city},
            'https://www.linkedin.com/in/' || lower(r.first_name) || '-' || lower(r.last_name)
                || '-' || g,
            (200000000 + floor(random() * 799999999)::int)::text, 'US', '+1', '[]'::jsonb,
            r.company_id
        FROM generate_series(1, {n}) AS g
        CROSS JOIN LATERAL (
            SELECT
                now() - ((g::float8 + random() * 3) / {n}) * interval '3 years' AS created_at,
                {first} AS first_name,
                {last} AS last_name,
                {company} AS company_id
        ) AS r
        """
    ).format(
        table=sql.Identifier(schema, "person"),
        job=_pick(JOB_TITLES),
        city=_pick(tuple(c for c, _ in CITIES)),
        first=_pick(FIRST_NAMES),
        last=_pick(LAST_NAMES),
        company=company,
        n=sql.Literal(people),
    )


def _execute(statement: sql.Composable) -> float:
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(statement)
        return time.perf_counter() - start


def seed_workspace(
    workspace: Any, companies: int, people: int, *, vacuum: bool = True
) -> SeedResult:
    """Insert `companies` companies and `people` people into the workspace's schema.

    `workspace` is a Workspace (anything with a `schema_name`). The tables are expected empty
    of bench data (company ids are derived from ordinals, so seeding twice collides).
    `vacuum=False` skips VACUUM (ANALYZE), which cannot run inside a transaction (tests).
    """
    if companies < 0 or people < 0:
        raise ValueError("companies and people must not be negative")
    schema = workspace.schema_name
    _execute(sql.SQL("SELECT setseed({})").format(sql.Literal(SEED)))
    companies_s = _execute(_companies(schema, companies)) if companies else 0.0
    people_s = _execute(_people(schema, people, companies)) if people else 0.0
    # VACUUM cannot run in a transaction block: the default connection is in autocommit.
    analyze_s = sum(
        _execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(schema, table)))
        for table in ("company", "person")
        if vacuum
    )
    return SeedResult(companies, people, companies_s, people_s, analyze_s)


@contextmanager
def temporary_workspace(prefix: str, name: str) -> Iterator[tuple[Any, Path]]:
    """A fresh workspace and a scratch folder, both removed afterwards, whatever happens."""
    use_public()
    workspace = create_workspace(f"{prefix}-{uuid.uuid4().hex[:10]}", name)
    try:
        with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as tmp:
            yield workspace, Path(tmp)
    finally:
        use_public()
        delete_workspace(workspace)
