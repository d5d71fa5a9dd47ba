"""Routes of the records REST API, included under `rest/` by crm/urls.py.

`<plural:...>` never matches the names other REST routes own (`metadata`, `open-api`, `batch`,
`restore`; the API page is `/rest/api-docs`, which no plural can be), so `/rest/metadata/...`
and `/rest/open-api/...` reach their own views whatever the order of the includes.
"""

from __future__ import annotations

from django.urls import path, register_converter

from records.rest import views

RESERVED = ("metadata", "open-api", "batch", "restore")


class PluralConverter:
    regex = rf"(?!(?:{'|'.join(RESERVED)})(?:/|$))[A-Za-z][A-Za-z0-9]*"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PluralConverter, "plural")

urlpatterns = [
    path("batch/<plural:plural>", views.batch, name="rest-batch"),
    path("restore/<plural:plural>", views.restore_many, name="rest-restore-many"),
    path("restore/<plural:plural>/<str:record_id>", views.restore_one, name="rest-restore-one"),
    path("<plural:plural>/duplicates", views.duplicates, name="rest-duplicates"),
    path("<plural:plural>/merge", views.merge, name="rest-merge"),
    path("<plural:plural>/groupBy", views.group_by, name="rest-group-by"),
    path("<plural:plural>/<str:record_id>", views.record, name="rest-record"),
    path("<plural:plural>", views.collection, name="rest-collection"),
]
