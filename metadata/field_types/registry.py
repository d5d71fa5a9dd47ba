"""Every field type, by its API name. A new type is a new module added here."""

from __future__ import annotations

from crm.errors import BadUserInput
from metadata.field_types.actor import ActorType
from metadata.field_types.address import AddressType
from metadata.field_types.array import ArrayType
from metadata.field_types.base import FieldType
from metadata.field_types.boolean import BooleanType
from metadata.field_types.currency import CurrencyType
from metadata.field_types.date import DateType
from metadata.field_types.date_time import DateTimeType
from metadata.field_types.emails import EmailsType
from metadata.field_types.files import FilesType
from metadata.field_types.full_name import FullNameType
from metadata.field_types.links import LinksType
from metadata.field_types.multi_select import MultiSelectType
from metadata.field_types.number import NumberType
from metadata.field_types.numeric import NumericType
from metadata.field_types.phones import PhonesType
from metadata.field_types.position import PositionType
from metadata.field_types.rating import RatingType
from metadata.field_types.raw_json import RawJsonType
from metadata.field_types.relation import RelationType
from metadata.field_types.rich_text import RichTextType
from metadata.field_types.select import SelectType
from metadata.field_types.text import TextType
from metadata.field_types.ts_vector import TsVectorType
from metadata.field_types.uuid import UuidType

FIELD_TYPES: dict[str, FieldType] = {
    field_type.type: field_type
    for field_type in (
        UuidType(), TextType(), NumberType(), NumericType(), BooleanType(), DateType(),
        DateTimeType(), RatingType(), SelectType(), MultiSelectType(), PositionType(),
        RawJsonType(), ArrayType(), TsVectorType(), FilesType(), FullNameType(), CurrencyType(),
        LinksType(), EmailsType(), PhonesType(), AddressType(), ActorType(), RichTextType(),
        RelationType(),
    )
}  # fmt: skip


def get_field_type(name: str) -> FieldType:
    try:
        return FIELD_TYPES[name]
    except KeyError:
        raise BadUserInput(
            f"Unknown field type {name!r}; use one of {', '.join(sorted(FIELD_TYPES))}.",
            field="type",
        ) from None
