"""The operators' admin, on the base domain: workspaces, domains, users, memberships, API keys.

Creating or deleting a workspace here goes through the same service as the commands.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from crm.errors import ApiError
from workspaces.models import (
    ApiKey,
    Domain,
    Invitation,
    Membership,
    MembershipRole,
    TokenFamily,
    User,
    Workspace,
)
from workspaces.services import api_keys, members, tokens, users
from workspaces.services import workspaces as workspace_service


class WorkspaceCreationForm(forms.ModelForm):
    admin_email = forms.EmailField(
        required=False, help_text="Optional: an existing or new user to make the workspace admin."
    )

    class Meta:
        model = Workspace
        fields = ["name", "subdomain"]

    def clean_subdomain(self) -> str:
        subdomain = str(self.cleaned_data["subdomain"]).strip().lower()
        try:
            return workspace_service.validate_subdomain(subdomain)
        except ApiError as error:
            raise forms.ValidationError(error.message) from None


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["subdomain", "name", "status", "schema_name", "created_at"]
    list_filter = ["status"]
    search_fields = ["subdomain", "name"]
    readonly_fields = ["id", "subdomain", "schema_name", "metadata_version", "created_at"]
    fields = ["id", "name", "subdomain", "status", "schema_name", "metadata_version", "created_at"]
    inlines = [DomainInline]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = WorkspaceCreationForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "subdomain", "admin_email"]
        return self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [] if obj is None else self.inlines

    def save_model(self, request: HttpRequest, obj: Workspace, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        email = form.cleaned_data.get("admin_email")
        created = workspace_service.create_workspace(
            form.cleaned_data["subdomain"],
            form.cleaned_data["name"],
            admin=workspace_service.AdminAccount(email=email, password=None) if email else None,
        )
        # The admin's change-view redirect needs the saved instance's identity.
        obj.pk = created.pk
        obj.schema_name = created.schema_name
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Workspace) -> None:
        workspace_service.delete_workspace(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Workspace]) -> None:
        for workspace in queryset:
            workspace_service.delete_workspace(workspace)


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"email", "first_name", "last_name"} & set(form.changed_data):
            # the workspaceMember records follow the name and email
            users.update_user(obj, email=obj.email, first_name=obj.first_name,
                              last_name=obj.last_name)  # fmt: skip


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships go through the members service, so workspaceMember records follow."""

    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "workspace__subdomain"]
    autocomplete_fields = ["user", "workspace"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["user", "workspace"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = workspace_service.add_member(obj.workspace, obj.user, MembershipRole(obj.role))
        obj.pk = created.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        members.end_membership(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "workspace"):
            members.end_membership(membership)


@admin.action(description="Revoke the selected sign-ins (all their tokens)")
def revoke_families(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[TokenFamily]
) -> None:
    count = sum(tokens.revoke_family(family.id, reason="admin") for family in queryset)
    modeladmin.message_user(request, f"Revoked {count} sign-in(s).")


@admin.register(TokenFamily)
class TokenFamilyAdmin(admin.ModelAdmin):
    """Sign-ins (refresh token families): looked at and revoked, never edited."""

    list_display = ["user", "workspace", "created_at", "rotated_at", "revoked_at", "revoked_reason"]
    list_filter = ["revoked_reason", "workspace"]
    search_fields = ["user__email", "workspace__subdomain"]
    readonly_fields = ["id", "user", "workspace", "created_at", "rotated_at", "revoked_at",
                       "revoked_reason"]  # fmt: skip
    fields = tuple(readonly_fields)
    actions = [revoke_families]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description="Revoke the selected invitations")
def revoke_invitations(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Invitation]
) -> None:
    count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    modeladmin.message_user(request, f"Revoked {count} invitation(s).")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made by workspace admins through the API; here they are looked at and
    revoked (their tokens exist only in the e-mails)."""

    list_display = ["workspace", "kind", "email", "role", "created_at", "expires_at",
                    "accepted_at", "revoked_at"]  # fmt: skip
    list_filter = ["kind", "workspace"]
    search_fields = ["email", "workspace__subdomain"]
    readonly_fields = ["id", "workspace", "kind", "email", "role", "invited_by", "created_at",
                       "expires_at", "accepted_at", "accepted_by", "revoked_at"]  # fmt: skip
    fields = tuple(readonly_fields)
    actions = [revoke_invitations]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.action(description="Revoke the selected API keys")
def revoke_keys(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ApiKey]
) -> None:
    for api_key in queryset:
        api_keys.revoke_api_key(api_key)
    modeladmin.message_user(request, f"Revoked {queryset.count()} API key(s).")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["workspace"]
    search_fields = ["name", "workspace__subdomain"]
    actions = [revoke_keys]
    autocomplete_fields = ["workspace"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["workspace", "name", "expires_at"]
        return ["id", "workspace", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["id", "workspace", "created_at", "revoked_at", "last_used_at"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_keys.create_api_key(
            form.cleaned_data["workspace"],
            form.cleaned_data["name"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        obj.pk = issued.api_key.pk
        obj._state.adding = False
        messages.warning(
            request,
            f"The new API key is shown only once; copy it now: {issued.secret}",
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Keys are revoked, not deleted, so that their use stays traceable.
        return False
