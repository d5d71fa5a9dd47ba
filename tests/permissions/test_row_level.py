"""Row-level rules: a role limited to the companies whose accountOwner is the caller ("me")."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from records.graphql import view
from tests.permissions.conftest import Member, Roles, code, make_member
from tests.records.conftest import Api, count_queries
from tests.records.test_nested import LIST_PAGE

MINE = {"accountOwnerId": {"eq": "me"}}
COMPANY = "mutation($d: CompanyCreateInput!) { createCompany(data: $d) { id name } }"


@pytest.fixture
def owned(api: Api, roles: Roles, member: Member) -> dict[str, Any]:
    """Two companies of the member's, two of someone else's, one with no owner."""
    other = make_member(api)
    ids: dict[str, str] = {}
    for name, owner, employees in [("Mine A", member, 10), ("Mine B", member, 20),
                                   ("Theirs A", other, 100), ("Theirs B", other, 200),
                                   ("Nobody", None, 1000)]:  # fmt: skip
        data = {"name": name, "employees": employees}
        if owner is not None:
            data["accountOwnerId"] = owner.member_id
        ids[name] = api.gql(COMPANY, {"d": data})["createCompany"]["id"]
        api.gql("mutation($d: PersonCreateInput!) { createPerson(data: $d) { id } }",
                {"d": {"name": {"firstName": f"at {name}"}, "companyId": ids[name]}})  # fmt: skip
    role = roles.create("Own accounts", canReadAllObjectRecords=True,
                        canUpdateAllObjectRecords=True, canSoftDeleteAllObjectRecords=True,
                        canDestroyAllObjectRecords=True)  # fmt: skip
    roles.object_permission(role, "company", rowLevelFilter=MINE)
    roles.assign(member, role)
    return {"ids": ids, "other": other, "role": role}


def all_names(api: Api) -> list[str]:
    edges = api.gql("{ companies(orderBy: [{name: AscNullsLast}]) { edges { node { name } } } }")
    return [e["node"]["name"] for e in edges["companies"]["edges"]]


def test_the_rule_is_stored_with_me(roles: Roles, owned: dict[str, Any]) -> None:
    stored = roles.by_label("Own accounts")["objectPermissions"]
    assert [p["rowLevelFilter"] for p in stored] == [MINE]


def test_reads_see_only_matching_records(
    api: Api, member: Member, owned: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = owned["ids"]
    query = """query($theirs: UUID!, $mine: UUID!) {
      companies(orderBy: [{name: AscNullsLast}]) { totalCount sumEmployees maxEmployees
        edges { node { name people { totalCount } } } pageInfo { hasNextPage } }
      theirs: company(filter: {id: {eq: $theirs}}) { id }
      mine: company(filter: {id: {eq: $mine}}) { name }
      people(orderBy: [{name: {firstName: AscNullsLast}}]) {
        totalCount edges { node { name { firstName } company { name } } } } }"""
    variables = {"theirs": ids["Theirs A"], "mine": ids["Mine A"]}
    fast = api.gql(query, variables, token=member.token)
    companies = fast["companies"]
    assert companies["totalCount"] == 2
    assert companies["sumEmployees"] == 30 and companies["maxEmployees"] == 20
    assert [e["node"]["name"] for e in companies["edges"]] == ["Mine A", "Mine B"]
    assert companies["pageInfo"]["hasNextPage"] is False
    assert fast["theirs"] is None and fast["mine"] == {"name": "Mine A"}
    # People are not limited; their company is, through the relation.
    people = {e["node"]["name"]["firstName"]: e["node"]["company"] for e in fast["people"]["edges"]}
    assert people["at Mine A"] == {"name": "Mine A"} and people["at Theirs A"] is None
    monkeypatch.setattr(view, "compiled_response", lambda *args: None)
    assert api.gql(query, variables, token=member.token) == fast


def test_group_by_search_and_duplicates_are_limited(
    api: Api, member: Member, owned: dict[str, Any]
) -> None:
    groups = api.gql(
        "{ companiesGroupBy(groupBy: [{name: true}]) { totalCount } }", token=member.token
    )
    assert len(groups["companiesGroupBy"]) == 2
    found = api.gql('{ search(searchInput: "Theirs", limit: 10) { edges { node { label } } } }',
                    token=member.token)["search"]["edges"]  # fmt: skip
    # People are not limited (their names mention the companies); companies are.
    assert sorted(e["node"]["label"] for e in found) == ["at Theirs A", "at Theirs B"]
    found = api.gql('{ search(searchInput: "Mine", limit: 10) { edges { node { label } } } }',
                    token=member.token)["search"]["edges"]  # fmt: skip
    assert sorted(e["node"]["label"] for e in found) == [
        "Mine A",
        "Mine B",
        "at Mine A",
        "at Mine B",
    ]
    errors = api.errors("query($ids: [UUID!]) { companyDuplicates(ids: $ids) { totalCount } }",
                        {"ids": [owned["ids"]["Theirs A"]]}, token=member.token)  # fmt: skip
    assert code(errors[0]) == "NOT_FOUND"


def test_the_list_page_stays_one_statement(api: Api, member: Member, owned: dict[str, Any]) -> None:
    api.gql(LIST_PAGE, token=member.token)  # warm the caches
    with count_queries() as captured:
        data = api.gql(LIST_PAGE, token=member.token)
    bookkeeping = ("SET search_path", "SAVEPOINT", "RELEASE SAVEPOINT")
    statements = [
        q["sql"] for q in captured.captured_queries if not q["sql"].startswith(bookkeeping)
    ]
    # Authentication is one query (the membership); the page is one more, rules included.
    assert len(statements) == 2
    assert data["companies"]["totalCount"] == 2


@pytest.mark.parametrize(
    "mutation",
    [
        'mutation($id: UUID!) { updateCompany(id: $id, data: {name: "pwned"}) { id } }',
        "mutation($id: UUID!) { deleteCompany(id: $id) { id } }",
        "mutation($id: UUID!) { destroyCompany(id: $id) { id } }",
        "mutation($id: UUID!) { restoreCompany(id: $id) { id } }",
    ],
)
def test_changes_by_id_outside_the_rule_are_not_found(
    api: Api, member: Member, owned: dict[str, Any], mutation: str
) -> None:
    before = all_names(api)
    errors = api.errors(mutation, {"id": owned["ids"]["Theirs A"]}, token=member.token)
    assert code(errors[0]) == "NOT_FOUND"
    assert all_names(api) == before


def test_merge_of_an_invisible_record_is_not_found(
    api: Api, member: Member, owned: dict[str, Any]
) -> None:
    ids = owned["ids"]
    errors = api.errors(
        "mutation($ids: [UUID!]!) { mergeCompanies(ids: $ids, conflictPriorityIndex: 0) { id } }",
        {"ids": [ids["Mine A"], ids["Theirs A"]]}, token=member.token,
    )  # fmt: skip
    assert code(errors[0]) == "NOT_FOUND"
    assert len(all_names(api)) == 5


def test_changes_by_filter_reach_only_matching_records(
    api: Api, member: Member, owned: dict[str, Any]
) -> None:
    changed = api.gql('mutation { updateCompanies(filter: {}, data: {employees: 7}) { name } }',
                      token=member.token)["updateCompanies"]  # fmt: skip
    assert sorted(c["name"] for c in changed) == ["Mine A", "Mine B"]
    deleted = api.gql("mutation { deleteCompanies(filter: {}) { name } }", token=member.token)
    assert sorted(c["name"] for c in deleted["deleteCompanies"]) == ["Mine A", "Mine B"]
    assert all_names(api) == ["Nobody", "Theirs A", "Theirs B"]
    employees = api.gql("{ companies { sumEmployees } }")["companies"]["sumEmployees"]
    assert employees == 1300


def test_writes_that_leave_the_rule_are_forbidden(
    api: Api, member: Member, owned: dict[str, Any]
) -> None:
    other = owned["other"].member_id
    errors = api.errors(
        COMPANY, {"d": {"name": "Sneaky", "accountOwnerId": other}}, token=member.token
    )
    assert code(errors[0]) == "FORBIDDEN"
    errors = api.errors(COMPANY, {"d": {"name": "Orphan"}}, token=member.token)
    assert code(errors[0]) == "FORBIDDEN"
    errors = api.errors(
        "mutation($id: UUID!, $o: UUID!) { updateCompany(id: $id, data: {accountOwnerId: $o}) { id } }",
        {"id": owned["ids"]["Mine A"], "o": other}, token=member.token,
    )  # fmt: skip
    assert code(errors[0]) == "FORBIDDEN"
    assert "Sneaky" not in all_names(api) and "Orphan" not in all_names(api)
    mine = api.gql(
        '{ companies(filter: {name: {eq: "Mine A"}}) { edges { node { accountOwnerId } } } }'
    )
    assert mine["companies"]["edges"][0]["node"]["accountOwnerId"] == member.member_id
    created = api.gql(COMPANY, {"d": {"name": "Mine C", "accountOwnerId": member.member_id}},
                      token=member.token)  # fmt: skip
    assert created["createCompany"]["name"] == "Mine C"
    assert (
        api.gql("{ companies { totalCount } }", token=member.token)["companies"]["totalCount"] == 3
    )


def test_relations_cannot_point_at_invisible_records(
    api: Api, member: Member, owned: dict[str, Any]
) -> None:
    ids = owned["ids"]
    person = "mutation($d: PersonCreateInput!) { createPerson(data: $d) { id company { name } } }"
    api.gql(
        'mutation($id: UUID!) { updateCompany(id: $id, data: {domainName: {primaryLinkUrl: "theirs.test"}}) { id } }',
        {"id": ids["Theirs A"]},
    )
    hidden = api.errors(person, {"d": {"name": {"firstName": "X"}, "companyId": ids["Theirs A"]}},
                        token=member.token)[0]  # fmt: skip
    missing = api.errors(person, {"d": {"name": {"firstName": "X"}, "companyId": str(uuid.uuid4())}},
                         token=member.token)[0]  # fmt: skip
    # An invisible company is answered exactly as a missing one.
    assert code(hidden) == code(missing) == "BAD_USER_INPUT"
    assert hidden["message"] == missing["message"]
    connect = {"connect": {"where": {"domainName": {"primaryLinkUrl": "theirs.test"}}}}
    error = api.errors(person, {"d": {"name": {"firstName": "X"}, "company": connect}},
                       token=member.token)[0]  # fmt: skip
    assert code(error) == "NOT_FOUND"
    count = api.gql('{ people(filter: {name: {firstName: {eq: "X"}}}) { totalCount } }')
    assert count["people"]["totalCount"] == 0
    made = api.gql(person, {"d": {"name": {"firstName": "Y"}, "companyId": ids["Mine A"]}},
                   token=member.token)  # fmt: skip
    assert made["createPerson"]["company"] == {"name": "Mine A"}
