"""Make sure a development database has something to sign in to; safe to run again and again.

Ensures a superuser (DEMO_ADMIN_EMAIL / DEMO_ADMIN_PASSWORD), a workspace `demo` with that
user as an admin member, and an API key named "demo". Keys are stored hashed, so the plain key
exists only when it is created: it is written to <data dir>/demo-api-key (mode 600, data dir
$CRM_DATA_DIR or .data/) and read back from there on later runs. A key file that is missing or
no longer matches a usable key of the workspace gets a new key.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from crm.schemas import use_public
from workspaces.management.base import WorkspaceCommand
from workspaces.models import Membership, MembershipRole, User, Workspace, normalize_email
from workspaces.services.api_keys import create_api_key, find_api_key
from workspaces.services.workspaces import AdminAccount, add_member, create_workspace

DEMO_SUBDOMAIN = "demo"
DEMO_NAME = "Demo"
DEMO_KEY_NAME = "demo"
DEFAULT_EMAIL = "admin@example.com"
DEFAULT_PASSWORD = "admin-Passw0rd!"
DEFAULT_BASE_URL = "http://localhost:8000"


def data_dir() -> Path:
    raw = os.environ.get("CRM_DATA_DIR", "").strip()
    return Path(raw).expanduser().resolve() if raw else Path(settings.BASE_DIR) / ".data"


def ensure_superuser(email: str, password: str) -> tuple[User, bool]:
    """The superuser with this email, created when missing. An existing password is kept."""
    user = User.objects.filter(email=normalize_email(email)).first()
    if user is None:
        return User.objects.create_superuser(email=email, password=password), True
    if not (user.is_superuser and user.is_staff and user.is_active):
        user.is_superuser = user.is_staff = user.is_active = True
        user.save(update_fields=["is_superuser", "is_staff", "is_active"])
    return user, False


def ensure_workspace(user: User, password: str) -> tuple[Workspace, bool]:
    workspace = Workspace.objects.filter(subdomain=DEMO_SUBDOMAIN).first()
    created = workspace is None
    if workspace is None:
        workspace = create_workspace(
            DEMO_SUBDOMAIN, DEMO_NAME, admin=AdminAccount(email=user.email, password=password)
        )
    membership = add_member(workspace, user, MembershipRole.ADMIN)
    if membership.role != MembershipRole.ADMIN:
        Membership.objects.filter(pk=membership.pk).update(role=MembershipRole.ADMIN)
    return workspace, created


def write_secret(path: Path, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret + "\n")
    path.chmod(0o600)


def ensure_api_key(workspace: Workspace, key_file: Path) -> tuple[str, bool]:
    """The demo workspace's usable API key from `key_file`, or a new one written there."""
    if key_file.exists():
        secret = key_file.read_text().strip()
        api_key = find_api_key(secret) if secret else None
        if api_key is not None and api_key.workspace_id == workspace.pk:
            return secret, False
    issued = create_api_key(workspace, DEMO_KEY_NAME)
    write_secret(key_file, issued.secret)
    return issued.secret, True


class Command(WorkspaceCommand):
    help = (
        "Ensure a demo superuser, a workspace 'demo' and an API key for it (idempotent), "
        "and print how to sign in."
    )

    def run(self, **options: Any) -> None:
        email = os.environ.get("DEMO_ADMIN_EMAIL", "").strip() or DEFAULT_EMAIL
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "") or DEFAULT_PASSWORD
        if settings.IS_PRODUCTION and not os.environ.get("DEMO_ADMIN_PASSWORD"):
            raise CommandError(
                "Refusing to create a demo superuser with the default password in production: "
                "set DEMO_ADMIN_PASSWORD."
            )
        base_url = os.environ.get("DEMO_BASE_URL", "").strip().rstrip("/") or DEFAULT_BASE_URL
        key_file = data_dir() / "demo-api-key"

        use_public()
        user, user_created = ensure_superuser(email, password)
        workspace, workspace_created = ensure_workspace(user, password)
        secret, key_created = ensure_api_key(workspace, key_file)

        def state(created: bool) -> str:
            return "created" if created else "exists"

        token_body = json.dumps(
            {"email": user.email, "password": password, "workspace": workspace.subdomain}
        )
        lines = [
            f"Superuser {user.email}: {state(user_created)}.",
            f"Workspace {workspace.subdomain!r} ({workspace.schema_name}): "
            f"{state(workspace_created)}.",
            f"API key {DEMO_KEY_NAME!r}: {state(key_created)} (kept in {key_file}).",
            "",
            f"Admin:    {base_url}/admin/",
            f"          email {user.email}, password {password}"
            + ("" if user_created else " (unless it was changed since)"),
            "Token:    curl -s -X POST "
            f"{base_url}/auth/token -H 'Content-Type: application/json' "
            f"-d {shlex.quote(token_body)}",
            f"API key:  {secret}",
            f'          curl -s -H "Authorization: Bearer {secret}" {base_url}/auth/me',
        ]
        self.stdout.write("\n".join(lines))
