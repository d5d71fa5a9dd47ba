"""The standard-object catalogue is consistent as data: no database, nothing created.

Names pass the same rules the API applies, every field type accepts its definition, every
relation is a pair whose sides point at each other, and the facts of the API contract hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from metadata.field_types.base import FieldSpec
from metadata.field_types.options import normalize_options
from metadata.field_types.registry import FIELD_TYPES, get_field_type
from metadata.field_types.relation import MANY_TO_ONE, ON_DELETE, ONE_TO_MANY
from metadata.naming import table_name
from metadata.services.validation import validate_field_name, validate_object_names
from metadata.standard.definitions import FieldDef, ObjectDef
from metadata.standard.objects import STANDARD_OBJECTS
from metadata.system_fields import SYSTEM_FIELD_NAMES, SYSTEM_FIELDS

BY_NAME: dict[str, ObjectDef] = {o.name_singular: o for o in STANDARD_OBJECTS}

EXPECTED_OBJECTS = {
    # crm
    "company", "person", "opportunity", "note", "task", "noteTarget", "taskTarget",
    "attachment", "favorite", "timelineActivity",
    # workspace
    "workspaceMember", "blocklist",
    # messaging
    "connectedAccount", "messageChannel", "messageFolder", "messageThread", "message",
    "messageParticipant", "messageChannelMessageAssociation",
    # calendar
    "calendarChannel", "calendarEvent", "calendarEventParticipant",
    "calendarChannelEventAssociation",
    # workflow
    "workflow", "workflowVersion", "workflowRun", "workflowAutomatedTrigger",
}  # fmt: skip
SYSTEM_OBJECTS = {
    "noteTarget", "taskTarget", "attachment", "favorite", "timelineActivity",
    "workspaceMember", "blocklist", "connectedAccount", "messageChannel", "messageFolder",
    "messageThread", "message", "messageParticipant", "messageChannelMessageAssociation",
    "calendarChannel", "calendarEvent", "calendarEventParticipant",
    "calendarChannelEventAssociation", "workflowAutomatedTrigger",
}  # fmt: skip
SEARCHABLE_OBJECTS = {
    "company", "person", "opportunity", "note", "task", "workspaceMember", "workflow",
    "workflowVersion", "workflowRun",
}  # fmt: skip


def all_fields() -> Iterator[tuple[ObjectDef, FieldDef]]:
    for obj in STANDARD_OBJECTS:
        for f in obj.fields:
            yield obj, f


def relation_fields() -> Iterator[tuple[ObjectDef, FieldDef]]:
    return ((o, f) for o, f in all_fields() if f.type == "RELATION")


def spec_of(f: FieldDef) -> FieldSpec:
    return FieldSpec(
        name=f.name,
        type=f.type,
        is_nullable=f.is_nullable,
        is_unique=f.is_unique,
        default_value=f.default_value,
        options=f.options or (),
        settings=f.settings or {},
    )


def field(obj: str, name: str) -> FieldDef:
    matches = [f for f in BY_NAME[obj].fields if f.name == name]
    assert len(matches) == 1, f"{obj}.{name} is declared {len(matches)} times"
    return matches[0]


def kind(f: FieldDef) -> str:
    return str((f.settings or {}).get("relationType"))


def field_id(obj: ObjectDef, f: FieldDef) -> str:
    return f"{obj.name_singular}.{f.name}"


FIELD_PARAMS = [pytest.param(o, f, id=field_id(o, f)) for o, f in all_fields()]
RELATION_PARAMS = [pytest.param(o, f, id=field_id(o, f)) for o, f in relation_fields()]
OBJECT_PARAMS = [pytest.param(o, id=o.name_singular) for o in STANDARD_OBJECTS]


# --- the catalogue as a whole ----------------------------------------------------------------


def test_every_standard_object_is_declared_once() -> None:
    singulars = [o.name_singular for o in STANDARD_OBJECTS]
    assert [n for n, c in Counter(singulars).items() if c > 1] == []
    assert set(singulars) == EXPECTED_OBJECTS


def test_object_names_are_unique_across_singular_and_plural() -> None:
    names = [n for o in STANDARD_OBJECTS for n in (o.name_singular, o.name_plural)]
    assert [n for n, c in Counter(names).items() if c > 1] == []
    singulars = {o.name_singular for o in STANDARD_OBJECTS}
    plurals = {o.name_plural for o in STANDARD_OBJECTS}
    assert singulars & plurals == set()
    tables = [table_name(o.name_singular) for o in STANDARD_OBJECTS]
    assert [t for t, c in Counter(tables).items() if c > 1] == []


def test_standard_ids_are_unique() -> None:
    ids = [o.standard_id for o in STANDARD_OBJECTS]
    ids += [o.field_standard_id(f) for o, f in all_fields()]
    assert [i for i, c in Counter(ids).items() if c > 1] == []


def test_system_and_searchable_flags() -> None:
    assert {o.name_singular for o in STANDARD_OBJECTS if o.is_system} == SYSTEM_OBJECTS
    assert {o.name_singular for o in STANDARD_OBJECTS if o.is_searchable} == SEARCHABLE_OBJECTS


# --- objects -----------------------------------------------------------------------------------


@pytest.mark.parametrize("obj", OBJECT_PARAMS)
def test_object_names_pass_validation(obj: ObjectDef) -> None:
    assert validate_object_names(obj.name_singular, obj.name_plural) == (
        obj.name_singular,
        obj.name_plural,
    )
    assert obj.label_singular.strip() and obj.label_plural.strip()
    assert obj.description and obj.icon.startswith("Icon")


@pytest.mark.parametrize("obj", OBJECT_PARAMS)
def test_field_names_are_unique_within_an_object(obj: ObjectDef) -> None:
    names = [f.name for f in obj.fields]
    assert [n for n, c in Counter(names).items() if c > 1] == []
    assert set(names) & SYSTEM_FIELD_NAMES == set()
    # `companyId` is the API name beside a MANY_TO_ONE `company`: no field may take it.
    join_names = {
        f"{f.name}Id" for f in obj.fields if f.type == "RELATION" and kind(f) == MANY_TO_ONE
    }
    assert set(names) & join_names == set()


@pytest.mark.parametrize("obj", OBJECT_PARAMS)
def test_physical_columns_do_not_collide(obj: ObjectDef) -> None:
    owners: dict[str, str] = {}
    for f in (*SYSTEM_FIELDS, *obj.fields):
        for column in get_field_type(f.type).columns(spec_of(f)):
            assert column.name not in owners, (
                f"{obj.name_singular}: column {column.name!r} of {f.name!r} is already used by "
                f"{owners[column.name]!r}"
            )
            owners[column.name] = f.name


@pytest.mark.parametrize("obj", OBJECT_PARAMS)
def test_label_identifier_search_fields_and_duplicate_criteria(obj: ObjectDef) -> None:
    by_name = {f.name: f for f in obj.fields}
    assert obj.label_identifier == "id" or obj.label_identifier in by_name
    if obj.label_identifier != "id":
        assert by_name[obj.label_identifier].type != "RELATION"
    for name in obj.search_fields:
        assert name in by_name, f"search field {name!r} is not a field of {obj.name_singular}"
        assert get_field_type(by_name[name].type).searchable, f"{name!r} is not searchable"
    assert len(set(obj.search_fields)) == len(obj.search_fields)
    if obj.is_searchable:
        assert obj.search_fields, f"{obj.name_singular} is searchable but feeds no search field"
    for criterion in obj.duplicate_criteria:
        assert criterion and all(name in by_name for name in criterion)


# --- fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("obj", "f"), FIELD_PARAMS)
def test_field_names_pass_validation(obj: ObjectDef, f: FieldDef) -> None:
    assert validate_field_name(f.name) == f.name
    assert f.name not in SYSTEM_FIELD_NAMES
    assert f.label.strip(), "every field needs a label"
    assert f.icon == "" or f.icon.startswith("Icon")


@pytest.mark.parametrize(("obj", "f"), FIELD_PARAMS)
def test_field_type_accepts_the_definition(obj: ObjectDef, f: FieldDef) -> None:
    assert f.type in FIELD_TYPES
    assert f.type not in ("TS_VECTOR", "POSITION", "ACTOR"), "system-field types only"
    field_type = get_field_type(f.type)
    spec = spec_of(f)
    field_type.validate_definition(spec)
    if f.is_unique:
        assert field_type.unique_columns(spec)
    if not f.is_nullable and not field_type.is_composite:
        assert f.default_value is not None, "a required field needs a default value"
    if f.type in ("SELECT", "MULTI_SELECT"):
        # Standard options are stored as declared, so they must already be normalized.
        assert f.options is not None
        assert normalize_options(f.name, f.options) == list(f.options)
    else:
        assert f.options is None


@pytest.mark.parametrize(("obj", "f"), RELATION_PARAMS)
def test_relations_are_pairs_pointing_at_each_other(obj: ObjectDef, f: FieldDef) -> None:
    assert f.target in BY_NAME, f"unknown target {f.target!r}"
    target = BY_NAME[f.target]
    inverse = field(target.name_singular, str(f.inverse))
    assert inverse.type == "RELATION"
    assert inverse.target == obj.name_singular and inverse.inverse == f.name
    assert {kind(f), kind(inverse)} == {MANY_TO_ONE, ONE_TO_MANY}
    if kind(f) == MANY_TO_ONE:
        assert (f.settings or {}).get("onDelete") in ON_DELETE
        assert not f.is_unique and f.is_nullable and f.default_value is None


def test_each_relation_pair_is_declared_once_from_each_side() -> None:
    owners = [(o.name_singular, f.name) for o, f in relation_fields() if kind(f) == MANY_TO_ONE]
    inverses = [
        (str(f.target), str(f.inverse)) for o, f in relation_fields() if kind(f) == ONE_TO_MANY
    ]
    assert sorted(owners) == sorted(inverses)
    assert len(set(owners)) == len(owners)


# --- facts of the API contract -----------------------------------------------------------------


def options_of(obj: str, name: str) -> list[str]:
    return [str(o["value"]) for o in field(obj, name).options or ()]


def on_delete(obj: str, name: str) -> str:
    return str((field(obj, name).settings or {}).get("onDelete"))


def test_company_and_person_facts() -> None:
    company_types = {
        "name": "TEXT", "domainName": "LINKS", "address": "ADDRESS", "employees": "NUMBER",
        "linkedinLink": "LINKS", "xLink": "LINKS", "annualRecurringRevenue": "CURRENCY",
        "idealCustomerProfile": "BOOLEAN", "accountOwner": "RELATION", "people": "RELATION",
        "opportunities": "RELATION",
    }  # fmt: skip
    assert {n: field("company", n).type for n in company_types} == company_types
    assert field("company", "domainName").is_unique
    assert field("company", "accountOwner").target == "workspaceMember"
    assert kind(field("company", "accountOwner")) == MANY_TO_ONE
    for name in ("people", "opportunities", "noteTargets", "taskTargets", "attachments",
                 "favorites", "timelineActivities"):  # fmt: skip
        assert kind(field("company", name)) == ONE_TO_MANY
    assert BY_NAME["company"].search_fields == ("name", "domainName")
    assert BY_NAME["company"].duplicate_criteria == (("name",), ("domainName",))

    person_types = {
        "name": "FULL_NAME", "emails": "EMAILS", "phones": "PHONES", "linkedinLink": "LINKS",
        "xLink": "LINKS", "jobTitle": "TEXT", "city": "TEXT", "avatarUrl": "TEXT",
        "company": "RELATION",
    }  # fmt: skip
    assert {n: field("person", n).type for n in person_types} == person_types
    assert field("person", "emails").is_unique
    assert kind(field("person", "company")) == MANY_TO_ONE
    assert BY_NAME["person"].search_fields == ("name", "emails", "phones", "jobTitle")
    assert BY_NAME["person"].duplicate_criteria == (("name",), ("emails",), ("linkedinLink",))


def test_opportunity_note_and_task_facts() -> None:
    assert field("opportunity", "amount").type == "CURRENCY"
    assert field("opportunity", "closeDate").type == "DATE_TIME"
    stage = field("opportunity", "stage")
    assert stage.type == "SELECT" and stage.default_value == "NEW"
    assert options_of("opportunity", "stage") == [
        "NEW", "SCREENING", "MEETING", "PROPOSAL", "CUSTOMER"
    ]  # fmt: skip
    for name, target in (("pointOfContact", "person"), ("company", "company"),
                         ("owner", "workspaceMember")):  # fmt: skip
        assert field("opportunity", name).target == target
        assert kind(field("opportunity", name)) == MANY_TO_ONE

    for obj in ("note", "task"):
        assert field(obj, "title").type == "TEXT"
        assert field(obj, "bodyV2").type == "RICH_TEXT"
        assert BY_NAME[obj].label_identifier == "title"
    assert field("task", "dueAt").type == "DATE_TIME"
    assert options_of("task", "status") == ["TODO", "IN_PROGRESS", "DONE"]
    assert field("task", "status").default_value == "TODO"
    assert field("task", "assignee").target == "workspaceMember"

    for target_obj, parent in (("noteTarget", "note"), ("taskTarget", "task")):
        assert field(target_obj, parent).target == parent
        assert on_delete(target_obj, parent) == "CASCADE"
        for name in ("person", "company", "opportunity"):
            assert field(target_obj, name).target == name
            assert kind(field(target_obj, name)) == MANY_TO_ONE


def test_workspace_member_and_timeline_facts() -> None:
    member_types = {
        "name": "FULL_NAME", "userEmail": "TEXT", "userId": "UUID", "locale": "TEXT",
        "colorScheme": "TEXT", "timeZone": "TEXT", "avatarUrl": "TEXT",
    }  # fmt: skip
    assert {n: field("workspaceMember", n).type for n in member_types} == member_types
    assert BY_NAME["workspaceMember"].search_fields == ("name", "userEmail")
    for name in ("accountOwnerForCompanies", "assignedTasks", "ownedOpportunities",
                 "timelineActivities", "blocklist", "connectedAccounts", "messageParticipants",
                 "calendarEventParticipants", "favorites"):  # fmt: skip
        assert kind(field("workspaceMember", name)) == ONE_TO_MANY

    timeline_types = {
        "happensAt": "DATE_TIME", "name": "TEXT", "properties": "RAW_JSON",
        "linkedRecordCachedName": "TEXT", "linkedRecordId": "UUID",
        "linkedObjectMetadataId": "UUID",
    }  # fmt: skip
    assert {n: field("timelineActivity", n).type for n in timeline_types} == timeline_types
    for name in ("workspaceMember", "person", "company", "opportunity", "note", "task"):
        assert kind(field("timelineActivity", name)) == MANY_TO_ONE
    assert field("favorite", "forWorkspaceMember").target == "workspaceMember"
    assert field("blocklist", "handle").type == "TEXT"
    assert field("blocklist", "workspaceMember").target == "workspaceMember"


def test_messaging_calendar_and_workflow_facts() -> None:
    assert options_of("messageParticipant", "role") == ["FROM", "TO", "CC", "BCC"]
    assert options_of("messageChannelMessageAssociation", "direction") == [
        "INCOMING", "OUTGOING"
    ]  # fmt: skip
    assert options_of("calendarEventParticipant", "responseStatus") == [
        "NEEDS_ACTION", "DECLINED", "TENTATIVE", "ACCEPTED"
    ]  # fmt: skip
    assert field("calendarEvent", "conferenceLink").type == "LINKS"
    assert field("connectedAccount", "accountOwner").target == "workspaceMember"
    assert on_delete("messageFolder", "messageChannel") == "CASCADE"
    for obj, parent in (("messageParticipant", "message"), ("calendarEventParticipant",
                        "calendarEvent"), ("messageChannelMessageAssociation", "message"),
                        ("calendarChannelEventAssociation", "calendarEvent")):  # fmt: skip
        assert on_delete(obj, parent) == "CASCADE"

    statuses = field("workflow", "statuses")
    assert statuses.type == "MULTI_SELECT"
    assert options_of("workflow", "statuses") == ["DRAFT", "ACTIVE", "DEACTIVATED"]
    for name in ("versions", "runs", "automatedTriggers"):
        assert kind(field("workflow", name)) == ONE_TO_MANY
    assert options_of("workflowVersion", "status") == ["DRAFT", "ACTIVE", "DEACTIVATED", "ARCHIVED"]
    assert field("workflowVersion", "trigger").type == "RAW_JSON"
    assert field("workflowVersion", "steps").type == "RAW_JSON"
    assert set(options_of("workflowRun", "status")) >= {
        "NOT_STARTED", "RUNNING", "COMPLETED", "FAILED"
    }  # fmt: skip
    for name in ("output", "context"):
        assert field("workflowRun", name).type == "RAW_JSON"
    assert options_of("workflowAutomatedTrigger", "type") == ["DATABASE_EVENT", "CRON"]
