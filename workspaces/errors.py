"""Failures of workspace, user and key management, each with a stable code."""

from __future__ import annotations

from crm.errors import BadUserInput, Conflict, NotFound


class InvalidSubdomain(BadUserInput):
    pass


class SubdomainTaken(Conflict):
    pass


class WorkspaceNotFound(NotFound):
    pass


class UserAlreadyExists(Conflict):
    pass


class InvalidApiKeyInput(BadUserInput):
    pass
