"""Accounts and sign-in: REST under /auth/ and the core GraphQL endpoint /auth/graphql."""

from __future__ import annotations

from django.urls import path

from workspaces.graphql.view import auth_graphql
from workspaces.rest import accounts, views

urlpatterns = [
    path("auth/graphql", auth_graphql, name="auth-graphql"),
    path("auth/token", accounts.sign_in, name="auth-token"),
    path("auth/sign-in", accounts.sign_in, name="auth-sign-in"),
    path("auth/token/refresh", accounts.refresh, name="auth-token-refresh"),
    path("auth/me", views.me, name="auth-me"),
    path("auth/sign-up", accounts.sign_up, name="auth-sign-up"),
    path("auth/sign-out", accounts.sign_out, name="auth-sign-out"),
    path("auth/switch-workspace", accounts.switch_workspace, name="auth-switch-workspace"),
    path("auth/password-reset", accounts.request_password_reset, name="auth-password-reset"),
    path(
        "auth/password-reset/confirm",
        accounts.confirm_password_reset,
        name="auth-password-reset-confirm",
    ),
    path("auth/invitations", accounts.invitation_list, name="auth-invitations"),
    path("auth/invitations/accept", accounts.invitation_accept, name="auth-invitation-accept"),
    path(
        "auth/invitations/<str:invitation_id>", accounts.invitation_detail, name="auth-invitation"
    ),
    path(
        "auth/invitations/<str:invitation_id>/resend",
        accounts.invitation_resend,
        name="auth-invitation-resend",
    ),
    path("auth/invite-link", accounts.invite_link, name="auth-invite-link"),
    path("auth/invite-link/join", accounts.invite_link_join, name="auth-invite-link-join"),
    path("auth/members", accounts.member_list, name="auth-members"),
    path("auth/members/<str:member_id>", accounts.member_detail, name="auth-member"),
]
