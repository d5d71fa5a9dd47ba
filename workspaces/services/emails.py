"""E-mails of the sign-in flows, sent through Django's e-mail backend (settings.EMAIL_*)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail

from crm.errors import ApiError, ErrorCode

logger = logging.getLogger(__name__)


class EmailNotSent(ApiError):
    code = ErrorCode.INTERNAL_SERVER_ERROR


def frontend_link(path: str) -> str:
    return f"{settings.FRONTEND_URL}/{path.lstrip('/')}"


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text message; EmailNotSent (no server details) when the server fails."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except (smtplib.SMTPException, OSError):
        logger.exception("Sending an e-mail failed")
        raise EmailNotSent("The e-mail could not be sent; try again later.") from None
