"""API tokens: a credential for scripts that call the API, kept only as a digest.

The secret is shown once, when the token is made, and never stored: the table
holds its SHA-256 (a 256-bit random secret needs no slow hash) and a short
random prefix that names the token on pages and in the audit log. Every token
expires; revoking one keeps its row (when it was made, used and revoked).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, *, at=None):
        """Tokens that still open the API: not revoked and not expired (at ``at``, by default now)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=at or timezone.now())

    def of(self, user):
        return self.filter(user=user)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    # Not secret: random, shown beside the name so a person can tell their tokens apart.
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.UniqueConstraint(fields=["digest"], name="apitoken_digest_unique"),
            # Only a SHA-256 in hex fits: a plain secret cannot be stored here by mistake.
            models.CheckConstraint(condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="apitoken_digest_is_sha256"),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="apitoken_expires_after"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="apitoken_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None
