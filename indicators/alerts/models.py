"""What each member of staff wants to hear about by e-mail, and what has been sent to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    """The kinds of item an e-mail can carry; each one a preference."""

    VERDICTS = "verdicts", "Neighbourhoods that started falling behind or caught up"
    FACTORS = "factors", "Factors that changed clearly between survey waves"
    WAVES = "waves", "Survey waves closing soon with a low response"
    IMPORTS = "imports", "New official figures imported"
    INTERVENTIONS = "interventions", "Programmes whose effect can first be estimated"


class AlertPreference(models.Model):
    """One person's choices. Someone with no row gets the defaults: the weekly digest, every kind, nothing at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preference")
    weekly_digest = models.BooleanField(default=True)
    immediate = models.BooleanField(default=False, help_text="An e-mail as soon as something urgent happens.")
    verdicts = models.BooleanField(default=True)
    factors = models.BooleanField(default=True)
    waves = models.BooleanField(default=True)
    imports = models.BooleanField(default=True)
    interventions = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"e-mail choices of {self.user}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))


class Delivery(models.Model):
    """One e-mail to one person for one period, claimed before it is sent.

    The unique (user, period) is the promise that a retried or repeated run never sends twice: whoever inserts the
    row sends; everyone else finds it there. A send that failed is marked so and may be claimed again.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: may be tried again"

    class Sort(models.TextChoices):
        DIGEST = "digest", "Weekly digest"
        URGENT = "urgent", "Urgent items"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_deliveries")
    period = models.CharField(
        max_length=20, help_text="2026-W49 for a week's digest, 2026-12-03 for a day's urgent items."
    )
    sort = models.CharField(max_length=10, choices=Sort.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLAIMED)
    covers_from = models.DateTimeField()
    covers_to = models.DateTimeField()
    items = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text="The run that claimed it (a random token).")

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="alert_delivery_once_per_period"),
            models.CheckConstraint(condition=Q(covers_from__lt=models.F("covers_to")), name="alert_delivery_covers"),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | ~Q(status="sent"), name="alert_delivery_sent_at"
            ),
        ]
        indexes = [models.Index(fields=["user", "sort", "covers_to"], name="alert_delivery_latest")]

    def __str__(self) -> str:
        return f"{self.get_sort_display()} {self.period} to {self.user} ({self.get_status_display()})"
