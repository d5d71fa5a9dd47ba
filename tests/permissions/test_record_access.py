"""Object and field rights on /graphql, on the fast path and the executor's alike, with the
database left unchanged by every refused write."""

from __future__ import annotations

from typing import Any

import pytest

from records.graphql import view
from tests.permissions.conftest import Member, Roles, code
from tests.records.conftest import Api

COMPANY = "mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id name employees } }"
LIST = "query { companies { totalCount edges { node { id name } } } }"
NAMES = "query { companies(orderBy: [{name: AscNullsLast}]) { edges { node { name employees } } } }"


def company(api: Api, name: str, **extra: Any) -> str:
    return str(api.gql(COMPANY, {"d": {"name": name, **extra}})["createCompany"]["id"])


def names_and_employees(api: Api) -> list[tuple[str, float | None]]:
    """What the admin key sees (the database's state)."""
    edges = api.gql(NAMES)["companies"]["edges"]
    return [(e["node"]["name"], e["node"]["employees"]) for e in edges]


def refused(
    api: Api, query: str, token: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    errors = api.errors(query, variables, token=token)
    assert code(errors[0]) == "FORBIDDEN", errors
    return errors[0]


@pytest.fixture
def both_paths(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run a check on the fast path, then again with the fast path switched off."""

    def run(check: Any) -> None:
        check()
        with monkeypatch.context() as patch:
            patch.setattr(view, "compiled_response", lambda *args: None)
            check()

    return run


def test_no_read_right_refuses_every_read(
    api: Api, roles: Roles, member: Member, both_paths: Any
) -> None:
    acme = company(api, "Acme")
    api.gql("mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }",
            {"d": {"name": {"firstName": "Ada"}, "companyId": acme}})  # fmt: skip
    role = roles.create(
        "No companies", canReadAllObjectRecords=True, canUpdateAllObjectRecords=True
    )
    roles.object_permission(role, "company", canReadObjectRecords=False)
    roles.assign(member, role)
    # Nor can it write companies, or link people to them.
    refused(api, COMPANY, member.token, {"d": {"name": "New"}})
    error = refused(
        api,
        "mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }",
        member.token,
        {"d": {"name": {"firstName": "Bo"}, "companyId": acme}},
    )
    assert error["extensions"]["field"] == "companyId"

    def check() -> None:
        error = refused(api, LIST, member.token)
        assert error["path"] == ["companies"]
        refused(api, '{ company(filter: {name: {eq: "Acme"}}) { id } }', member.token)
        error = refused(
            api,
            "{ people { edges { node { name { firstName } company { name } } } } }",
            member.token,
        )
        assert error["extensions"]["field"] == "company"
        refused(api, "{ companiesGroupBy(groupBy: [{name: true}]) { totalCount } }", member.token)
        # Other objects stay readable.
        people = api.gql("{ people { edges { node { name { firstName } } } } }", token=member.token)
        assert people["people"]["edges"][0]["node"]["name"]["firstName"] == "Ada"

    both_paths(check)
    found = api.gql('{ search(searchInput: "Acme", limit: 10) { edges { node { objectNameSingular } } } }',
                    token=member.token)["search"]["edges"]  # fmt: skip
    assert all(e["node"]["objectNameSingular"] != "company" for e in found)


def test_guest_reads_but_changes_nothing(api: Api, roles: Roles, member: Member) -> None:
    acme = company(api, "Acme", employees=5)
    roles.assign(member, roles.by_label("Guest")["id"])
    assert api.gql(LIST, token=member.token)["companies"]["totalCount"] == 1
    refused(api, COMPANY, member.token, {"d": {"name": "New"}})
    refused(api, 'mutation($id: UUID!) { updateCompany(id: $id, data: {name: "X"}) { id } }',
            member.token, {"id": acme})  # fmt: skip
    refused(
        api, "mutation($id: UUID!) { deleteCompany(id: $id) { id } }", member.token, {"id": acme}
    )
    refused(
        api, "mutation($id: UUID!) { destroyCompany(id: $id) { id } }", member.token, {"id": acme}
    )
    refused(api, 'mutation { updateCompanies(filter: {}, data: {name: "X"}) { id } }', member.token)
    refused(api, "mutation { deleteCompanies(filter: {}) { id } }", member.token)
    assert names_and_employees(api) == [("Acme", 5)]


def test_update_without_delete_and_delete_without_destroy(
    api: Api, roles: Roles, member: Member
) -> None:
    acme = company(api, "Acme")
    role = roles.create("Editors", canReadAllObjectRecords=True, canUpdateAllObjectRecords=True,
                        canSoftDeleteAllObjectRecords=True)  # fmt: skip
    roles.object_permission(role, "person", canSoftDeleteObjectRecords=False)
    roles.assign(member, role)
    renamed = api.gql('mutation($id: UUID!) { updateCompany(id: $id, data: {name: "Acme 2"}) { name } }',
                      {"id": acme}, token=member.token)  # fmt: skip
    assert renamed["updateCompany"]["name"] == "Acme 2"
    error = refused(
        api, "mutation($id: UUID!) { destroyCompany(id: $id) { id } }", member.token, {"id": acme}
    )
    assert error["extensions"]["field"] == "companies"
    assert names_and_employees(api) == [("Acme 2", None)]
    person = api.gql('mutation { createPerson(data: {name: {firstName: "P"}}) { id } }')[
        "createPerson"
    ]["id"]
    refused(
        api, "mutation($id: UUID!) { deletePerson(id: $id) { id } }", member.token, {"id": person}
    )
    deleted = api.gql(
        "mutation($id: UUID!) { deleteCompany(id: $id) { id } }", {"id": acme}, token=member.token
    )
    assert deleted["deleteCompany"]["id"] == acme
    assert api.gql(LIST)["companies"]["totalCount"] == 0


def test_an_unreadable_field_is_forbidden_wherever_it_is_used(
    api: Api, roles: Roles, member: Member, both_paths: Any
) -> None:
    company(api, "Acme", employees=5)
    role = roles.create(
        "No headcount", canReadAllObjectRecords=True, canUpdateAllObjectRecords=True
    )
    roles.field_permission(role, "company", "employees", canReadFieldValue=False)
    roles.assign(member, role)

    def check() -> None:
        for query in [
            "{ companies { edges { node { name employees } } } }",
            "{ companies(filter: {employees: {gt: 1}}) { totalCount } }",
            '{ companies(filter: {or: [{name: {eq: "x"}}, {not: {employees: {is: NULL}}}]}) { totalCount } }',
            "{ companies(orderBy: [{employees: AscNullsLast}]) { totalCount } }",
            "{ companies { sumEmployees } }",
            "{ company(filter: {employees: {eq: 5}}) { name } }",
            "{ companiesGroupBy(groupBy: [{employees: true}]) { totalCount } }",
            "{ people { edges { node { company { employees } } } } }",
            "{ companyDuplicates(data: [{employees: 5}]) { totalCount } }",
        ]:
            error = refused(api, query, member.token)
            assert "employees" in error["message"], (query, error)
        data = api.gql("{ companies { edges { node { name } } } }", token=member.token)
        assert data["companies"]["edges"][0]["node"]["name"] == "Acme"

    both_paths(check)
    error = refused(api, COMPANY, member.token, {"d": {"name": "Beta", "employees": 3}})
    assert error["extensions"]["field"] == "employees"
    # A write whose answer would show the field is refused whole: nothing changes.
    refused(api, "mutation { updateCompanies(filter: {}, data: {name: \"Z\"}) { employees } }",
            member.token)  # fmt: skip
    assert names_and_employees(api) == [("Acme", 5)]


def test_a_read_only_field_cannot_be_set(api: Api, roles: Roles, member: Member) -> None:
    acme = company(api, "Acme", employees=5)
    role = roles.create(
        "Fixed headcount", canReadAllObjectRecords=True, canUpdateAllObjectRecords=True
    )
    roles.field_permission(role, "company", "employees", canUpdateFieldValue=False)
    roles.assign(member, role)
    error = refused(api, 'mutation($id: UUID!) { updateCompany(id: $id, data: {name: "B", employees: 9}) { id } }',
                    member.token, {"id": acme})  # fmt: skip
    assert error["extensions"]["field"] == "employees"
    refused(
        api, "mutation { updateCompanies(filter: {}, data: {employees: 9}) { id } }", member.token
    )
    assert names_and_employees(api) == [("Acme", 5)]
    seen = api.gql('mutation($id: UUID!) { updateCompany(id: $id, data: {name: "B"}) { name employees } }',
                   {"id": acme}, token=member.token)  # fmt: skip
    assert seen["updateCompany"] == {"name": "B", "employees": 5}


def test_an_api_key_with_a_restricted_role(api: Api, roles: Roles) -> None:
    from tests.permissions.conftest import GET_ROLES, api_key_id
    from workspaces.services.api_keys import create_api_key

    issued = create_api_key(api.workspace.workspace, "reporting")
    company(api, "Acme")
    roles.assign_key(str(issued.api_key.pk), roles.by_label("Guest")["id"])
    assert api.gql(LIST, token=issued.secret)["companies"]["totalCount"] == 1
    refused(api, COMPANY, issued.secret, {"d": {"name": "New"}})
    assert code(roles.error(GET_ROLES, token=issued.secret)) == "FORBIDDEN"
    keys = roles.by_label("Guest")["apiKeys"]
    assert [k["name"] for k in keys] == ["reporting"]
    assert api_key_id(api.workspace) not in [k["id"] for k in keys]
    # The seed key (no assignment) is still an Admin.
    assert api.gql(COMPANY, {"d": {"name": "Beta"}})["createCompany"]["name"] == "Beta"


MERGE = "mutation($ids: [UUID!]!) { mergeCompanies(ids: $ids, conflictPriorityIndex: 0) { id } }"
PEOPLE_OF = "query($id: UUID!) { people(filter: {companyId: {eq: $id}}) { totalCount } }"


def test_merge_needs_the_right_to_move_related_records(
    api: Api, roles: Roles, member: Member
) -> None:
    kept, merged = company(api, "Kept"), company(api, "Merged")
    api.gql("mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }",
            {"d": {"name": {"firstName": "Ada"}, "companyId": merged}})  # fmt: skip
    role = roles.create(
        "People read-only", canReadAllObjectRecords=True, canUpdateAllObjectRecords=True,
        canSoftDeleteAllObjectRecords=True,
    )  # fmt: skip
    roles.object_permission(role, "person", canUpdateObjectRecords=False)
    roles.assign(member, role)
    error = refused(api, MERGE, member.token, {"ids": [kept, merged]})
    assert "people" in error["message"]
    # Nothing moved, nothing deleted.
    assert api.gql(PEOPLE_OF, {"id": merged})["people"]["totalCount"] == 1
    assert sorted(n for n, _ in names_and_employees(api)) == ["Kept", "Merged"]

    roles.object_permission(role, "person", canUpdateObjectRecords=True)
    roles.field_permission(role, "person", "company", canUpdateFieldValue=False)
    error = refused(api, MERGE, member.token, {"ids": [kept, merged]})
    assert "'company'" in error["message"]
    assert api.gql(PEOPLE_OF, {"id": merged})["people"]["totalCount"] == 1

    roles.field_permission(role, "person", "company", canUpdateFieldValue=True)
    assert api.gql(MERGE, {"ids": [kept, merged]}, token=member.token)["mergeCompanies"] == {
        "id": kept
    }
    assert api.gql(PEOPLE_OF, {"id": kept})["people"]["totalCount"] == 1
