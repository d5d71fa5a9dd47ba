"""The operators' admin for SAML: one identity provider per workspace, with what to give the IdP
(our entity id, ACS and metadata URLs) shown beside it. Validation lives in the model's clean()."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html

from crm.errors import ApiError
from sso.models import SamlProvider
from sso.services import saml
from sso.services.certificates import parse_certificate


@admin.register(SamlProvider)
class SamlProviderAdmin(admin.ModelAdmin):
    list_display = ["workspace", "enabled", "idp_entity_id", "create_members", "updated_at"]
    list_filter = ["enabled", "create_members"]
    search_fields = ["workspace__subdomain", "workspace__name", "idp_entity_id"]
    autocomplete_fields = ["workspace"]
    readonly_fields = ["service_provider", "certificate"]
    fieldsets = (
        (None, {"fields": ("workspace", "enabled")}),
        (
            "Identity provider",
            {
                "fields": (
                    "idp_entity_id",
                    "sso_url",
                    "slo_url",
                    "x509_certificate",
                    "certificate",
                    "want_assertions_signed",
                )
            },
        ),
        (
            "Members",
            {"fields": ("create_members", "member_role", "allowed_email_domains")},
        ),
        (
            "Attributes",
            {"fields": ("email_attribute", "first_name_attribute", "last_name_attribute")},
        ),
        ("Give these to the identity provider", {"fields": ("service_provider",)}),
    )

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if isinstance(db_field, models.URLField):
            kwargs["assume_scheme"] = "https"  # an IdP URL typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="certificate")
    def certificate(self, obj: SamlProvider) -> str:
        if not obj.x509_certificate:
            return "-"
        try:
            info = parse_certificate(obj.x509_certificate)
        except ApiError as error:
            return error.message
        return format_html(
            "{}<br>valid until {}<br>SHA-256 {}",
            info.subject,
            info.not_valid_after.strftime("%Y-%m-%d"),
            info.sha256_fingerprint,
        )

    @admin.display(description="service provider")
    def service_provider(self, obj: SamlProvider) -> str:
        if obj.pk is None:
            return "Shown once saved."
        subdomain = obj.workspace.subdomain
        return format_html(
            "Entity id (audience): {}<br>ACS URL (HTTP-POST): {}<br>Metadata: {}",
            saml.sp_entity_id(subdomain),
            saml.acs_url(subdomain),
            saml.sp_entity_id(subdomain),
        )
