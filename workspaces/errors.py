"""Failures of workspace, user and key management, each with a stable code."""

from __future__ import annotations

from typing import Any

from crm.errors import ApiError, BadUserInput, Conflict, ErrorCode, NotFound


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


class TooManyRequests(ApiError):
    """Throttled: the caller may try again after `retry_after` seconds (sent as Retry-After)."""

    code = ErrorCode.TOO_MANY_REQUESTS

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "retryAfter": self.retry_after}


class InvitationInvalid(BadUserInput):
    pass


class PasswordResetInvalid(BadUserInput):
    pass
