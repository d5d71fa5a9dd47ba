"""Metadata versions come from one sequence, so a version is never handed out twice.

A sequence does not roll back: a change that bumped a workspace's version and then failed
leaves a gap, never a number a later, different data model could reuse. Caches keyed by
(workspace, version) therefore never serve a model built inside a rolled-back transaction.
"""

from django.db import migrations

CREATE = """
CREATE SEQUENCE IF NOT EXISTS public.workspace_metadata_version_seq AS bigint MINVALUE 1;
SELECT setval(
    'public.workspace_metadata_version_seq',
    greatest((SELECT max(metadata_version) FROM public.workspaces_workspace), 1)
);
"""
DROP = "DROP SEQUENCE IF EXISTS public.workspace_metadata_version_seq;"


class Migration(migrations.Migration):
    dependencies = [("workspaces", "0002_token_families_invitations")]

    operations = [migrations.RunSQL(CREATE, DROP)]
