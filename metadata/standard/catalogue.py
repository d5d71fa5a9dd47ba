"""The standard objects every workspace has (declared in metadata/standard/objects/)."""

from __future__ import annotations

from collections.abc import Sequence

from metadata.standard.definitions import ObjectDef


def standard_catalogue() -> Sequence[ObjectDef]:
    from metadata.standard.objects import STANDARD_OBJECTS

    return STANDARD_OBJECTS
