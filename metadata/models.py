"""The metadata registry, kept in each workspace's own schema beside the tables it describes.

A metadata change and its DDL therefore commit or roll back together, and a dump or clone of
the schema carries its metadata along.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class ObjectMetadata(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Set for the standard objects, so that sync_metadata finds them whatever their names.
    standard_id = models.UUIDField(null=True, blank=True, unique=True)
    name_singular = models.CharField(max_length=63, unique=True)
    name_plural = models.CharField(max_length=63, unique=True)
    label_singular = models.CharField(max_length=200)
    label_plural = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    icon = models.CharField(max_length=100, blank=True, default="")
    table_name = models.CharField(max_length=63, unique=True)
    is_custom = models.BooleanField(default=True)
    is_system = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_searchable = models.BooleanField(default=True)
    label_identifier_field_id = models.UUIDField(null=True, blank=True)
    image_identifier_field_id = models.UUIDField(null=True, blank=True)
    # Lists of field-name lists: records equal on every field of one list are duplicates.
    duplicate_criteria = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "metadata_object"
        ordering = ["name_singular"]

    def __str__(self) -> str:
        return self.name_singular


class FieldMetadata(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    standard_id = models.UUIDField(null=True, blank=True)
    object = models.ForeignKey(ObjectMetadata, on_delete=models.CASCADE, related_name="fields")
    type = models.CharField(max_length=32)
    name = models.CharField(max_length=63)
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    icon = models.CharField(max_length=100, blank=True, default="")
    default_value = models.JSONField(null=True, blank=True)
    options = models.JSONField(null=True, blank=True)
    settings = models.JSONField(null=True, blank=True)
    is_custom = models.BooleanField(default=True)
    is_system = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_nullable = models.BooleanField(default=True)
    is_unique = models.BooleanField(default=False)
    relation_target_object = models.ForeignKey(
        ObjectMetadata, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    relation_target_field = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "metadata_field"
        ordering = ["object_id", "created_at", "name"]
        constraints = [
            models.UniqueConstraint(fields=["object", "name"], name="metadata_field_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.object_id}.{self.name}"


class IndexMetadata(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    object = models.ForeignKey(ObjectMetadata, on_delete=models.CASCADE, related_name="indexes")
    name = models.CharField(max_length=63, unique=True)
    field_names = models.JSONField(default=list)
    is_unique = models.BooleanField(default=False)
    index_type = models.CharField(max_length=16, default="BTREE")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "metadata_index"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
