from django.contrib import admin
from django.urls import include, path

from crm.health import healthz
from metadata.graphql.view import metadata_graphql
from records.graphql.view import workspace_graphql

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("workspaces.urls")),  # /auth/... and /auth/graphql
    path("", include("sso.urls")),
    path("metadata", metadata_graphql, name="metadata-graphql"),
    path("graphql", workspace_graphql, name="workspace-graphql"),
    # /rest/metadata/..., /rest/open-api/..., /rest/api-docs: before the records' /rest/<plural>
    path("", include("metadata.rest.urls")),
    path("rest/", include("records.rest.urls")),  # /rest/<plural>...: after the routes above
    path("admin/", admin.site.urls),
]
