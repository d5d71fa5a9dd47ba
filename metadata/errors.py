"""Failures of metadata changes, each with a stable code and a sentence."""

from __future__ import annotations

from crm.errors import BadUserInput, Conflict, Forbidden, NotFound


class InvalidName(BadUserInput):
    pass


class NameTaken(Conflict):
    pass


class ObjectNotFound(NotFound):
    pass


class FieldNotFound(NotFound):
    pass


class ProtectedMetadata(Forbidden):
    """Standard objects and system fields cannot be deleted or have their core changed."""


class TooManyFields(BadUserInput):
    pass


class UnsafeTypeChange(BadUserInput):
    pass


class SchemaBusy(Conflict):
    """Another change holds a lock on the table for longer than the lock timeout."""
