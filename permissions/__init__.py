"""Roles and permissions: what a member or API key of a workspace may read and change."""
