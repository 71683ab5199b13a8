"""Who viewed, listed, exported, imported or changed what, and who was refused.

Kept apart from the data it describes: no foreign keys, only the kind of object
and its id as text, so an entry outlives what it names and deleting data never
touches the log. Entries are only ever added; on PostgreSQL a trigger refuses
UPDATE and DELETE except inside the retention job (see services.audit_prune).
"""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    IMPORT = "import", "Imported"
    ADD = "add", "Added"
    CHANGE = "change", "Changed"
    DELETE = "delete", "Deleted"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login-failed", "Failed sign-in"
    TWO_FACTOR = "two-factor", "Two-factor"
    TWO_FACTOR_FAILED = "two-factor-failed", "Failed one-time code"
    DENIED = "denied", "Refused"
    LIST = "list", "Listed"
    RETENTION = "retention", "Retention run"


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Who: the user's id and name as they were, not a foreign key.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # What: "app_label.model" (or a page's name) and the object's id as text.
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(action__in=[a.value for a in Action]), name="audit_action_known"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'system'} {self.action} {self.object_type} {self.object_id}"
