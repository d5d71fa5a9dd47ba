"""GraphQL names derived from metadata names: the part of the contract clients declare."""

from __future__ import annotations


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


COMPOSITE_TYPE_NAMES = {
    "FULL_NAME": "FullName",
    "CURRENCY": "Currency",
    "LINKS": "Links",
    "EMAILS": "Emails",
    "PHONES": "Phones",
    "ADDRESS": "Address",
    "ACTOR": "Actor",
    "RICH_TEXT": "RichTextV2",
}


def enum_name(object_name: str, field_name: str) -> str:
    return f"{pascal(object_name)}{pascal(field_name)}Enum"


def aggregate_name(operation: str, field_name: str, sub_field: str | None = None) -> str:
    return f"{operation}{pascal(field_name)}{pascal(sub_field) if sub_field else ''}"
