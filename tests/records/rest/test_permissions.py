"""The caller's role on REST: unreadable fields are left out of records (not refused), objects
it may not read are 403 (and left out as relations), writes it may not make are 403 and change
nothing, row-level filters hide records (404 by id)."""

from __future__ import annotations

from typing import Any

from tests.permissions.conftest import Member, Roles, fresh_caches, member, roles
from tests.records.conftest import Api
from tests.records.rest.conftest import Rest

__all__ = ["fresh_caches", "member", "roles"]


def as_member(rest: Rest, member: Member) -> Rest:
    class MemberRest(Rest):
        def call(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
            kw.setdefault("token", member.token)
            return super().call(method, path, body, **kw)

    return MemberRest(rest.client, rest.workspace)


def test_unreadable_fields_are_left_out(api: Api, rest: Rest, roles: Roles, member: Member) -> None:
    acme = rest.create("companies", {"name": "Acme", "annualRecurringRevenue": {
        "amountMicros": 5, "currencyCode": "EUR"}})  # fmt: skip
    rest.create("people", {"name": {"firstName": "Ada"}, "companyId": acme["id"], "city": "Paris"})
    role = roles.create("No revenue", canReadAllObjectRecords=True, canUpdateAllObjectRecords=True)
    roles.field_permission(role, "company", "annualRecurringRevenue", canReadFieldValue=False)
    roles.field_permission(role, "person", "city", canReadFieldValue=False)
    roles.assign(member, role)
    mine = as_member(rest, member)

    (company,) = mine.list("companies", depth=0)["data"]["companies"]
    assert company["name"] == "Acme" and "annualRecurringRevenue" not in company
    (person,) = mine.list("people")["data"]["people"]
    assert "city" not in person and person["company"]["name"] == "Acme"
    assert "annualRecurringRevenue" not in person["company"]
    got = mine.ok("GET", f"/rest/companies/{acme['id']}", depth=1)["data"]["company"]
    assert "annualRecurringRevenue" not in got and "city" not in got["people"][0]
    # ...and filtering or ordering by them is refused, naming the field.
    error = mine.error("GET", "/rest/people", status=403, filter="city[eq]:Paris")
    assert error["code"] == "FORBIDDEN" and error["field"] == "city"
    mine.error("GET", "/rest/people", status=403, order_by="city")
    # Writes answer with the readable fields too.
    created = mine.create("companies", {"name": "Globex"})
    assert "annualRecurringRevenue" not in created
    # The API key (Admin) still sees everything.
    assert rest.list("companies")["data"]["companies"][0]["annualRecurringRevenue"] is not None


def test_an_unreadable_object_is_forbidden_and_left_out_of_relations(
    rest: Rest, roles: Roles, member: Member
) -> None:
    acme = rest.create("companies", {"name": "Acme"})
    ada = rest.create("people", {"name": {"firstName": "Ada"}, "companyId": acme["id"]})
    role = roles.create("No companies", canReadAllObjectRecords=True)
    roles.object_permission(role, "company", canReadObjectRecords=False)
    roles.assign(member, role)
    mine = as_member(rest, member)

    error = mine.error("GET", "/rest/companies", status=403)
    assert error["code"] == "FORBIDDEN"
    mine.error("GET", f"/rest/companies/{acme['id']}", status=403)
    mine.error("GET", "/rest/companies/groupBy", status=403, group_by='[{"name": true}]')
    person = mine.ok("GET", f"/rest/people/{ada['id']}", depth=2)["data"]["person"]
    assert person["name"]["firstName"] == "Ada" and "company" not in person


def test_writes_a_role_may_not_make_are_403(rest: Rest, roles: Roles, member: Member) -> None:
    acme = rest.create("companies", {"name": "Acme"})
    roles.assign(member, roles.by_label("Guest")["id"])
    mine = as_member(rest, member)
    assert mine.list("companies")["totalCount"] == 1
    for method, path, body in [
        ("POST", "/rest/companies", {"name": "New"}),
        ("POST", "/rest/batch/companies", [{"name": "New"}]),
        ("PATCH", f"/rest/companies/{acme['id']}", {"name": "X"}),
        ("DELETE", f"/rest/companies/{acme['id']}", None),
    ]:
        error = mine.error(method, path, body, status=403)
        assert error["code"] == "FORBIDDEN"
    answer = rest.list("companies")
    assert [c["name"] for c in answer["data"]["companies"]] == ["Acme"]


def test_row_level_filters_hide_records(rest: Rest, roles: Roles, member: Member) -> None:
    mine_id = rest.create("companies", {"name": "Mine"})["id"]
    other = rest.create("companies", {"name": "Other"})["id"]
    role = roles.create("Only mine", canReadAllObjectRecords=True, canUpdateAllObjectRecords=True)
    roles.object_permission(role, "company", rowLevelFilter={"name": {"eq": "Mine"}})
    roles.assign(member, role)
    mine = as_member(rest, member)
    answer = mine.list("companies")
    assert [c["id"] for c in answer["data"]["companies"]] == [mine_id]
    assert answer["totalCount"] == 1
    mine.error("GET", f"/rest/companies/{other}", status=404)
    mine.error("PATCH", f"/rest/companies/{other}", {"employees": 1}, status=404)
    assert mine.list("companies", filter=f"id[eq]:{other}")["totalCount"] == 0
