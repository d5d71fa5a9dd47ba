from django.contrib import admin
from django.urls import include, path

from crm.health import healthz
from metadata.graphql.view import metadata_graphql
from records.graphql.view import workspace_graphql
from workspaces.rest import views as auth_views

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("auth/token", auth_views.obtain_token, name="auth-token"),
    path("auth/token/refresh", auth_views.refresh_token, name="auth-token-refresh"),
    path("auth/me", auth_views.me, name="auth-me"),
    path("", include("sso.urls")),
    path("metadata", metadata_graphql, name="metadata-graphql"),
    path("graphql", workspace_graphql, name="workspace-graphql"),
    path("admin/", admin.site.urls),
]
