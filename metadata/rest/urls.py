"""Routes of the metadata REST API, the OpenAPI documents and the API page. Included by
crm/urls.py before the records routes (`/rest/<plural>`), which would otherwise take them."""

from __future__ import annotations

from django.urls import path

from metadata.rest import documents, views

urlpatterns = [
    path("rest/metadata/objects", views.objects_view, name="rest-metadata-objects"),
    path("rest/metadata/objects/<str:id>", views.object_view, name="rest-metadata-object"),
    path("rest/metadata/fields", views.fields_view, name="rest-metadata-fields"),
    path("rest/metadata/fields/<str:id>", views.field_view, name="rest-metadata-field"),
    path("rest/open-api/core", documents.core_view, name="rest-open-api-core"),
    path("rest/open-api/metadata", documents.metadata_view, name="rest-open-api-metadata"),
    path("rest/api-docs", documents.api_docs, name="rest-api-docs"),
]
