"""The fields every object has, created with the object and never deletable."""

from __future__ import annotations

from metadata.standard.definitions import FieldDef

SYSTEM_FIELDS: tuple[FieldDef, ...] = (
    FieldDef("id", "UUID", "Id", icon="Icon123", is_nullable=False),
    FieldDef("createdAt", "DATE_TIME", "Creation date", icon="IconCalendar", is_nullable=False),
    FieldDef("updatedAt", "DATE_TIME", "Last update", icon="IconCalendarClock", is_nullable=False),
    FieldDef("deletedAt", "DATE_TIME", "Deleted at", icon="IconCalendarMinus"),
    FieldDef("createdBy", "ACTOR", "Created by", icon="IconCreativeCommonsSa"),
    FieldDef("updatedBy", "ACTOR", "Updated by", icon="IconCreativeCommonsSa"),
    FieldDef("position", "POSITION", "Position", icon="IconHierarchy2"),
    FieldDef("searchVector", "TS_VECTOR", "Search vector", icon="IconSearch"),
)
SYSTEM_FIELD_NAMES = frozenset(f.name for f in SYSTEM_FIELDS)
