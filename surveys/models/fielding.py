"""Waves (one version fielded in some neighbourhoods between two dates) and invitation codes."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from indicators.places.models import Neighbourhood


class WaveQuerySet(models.QuerySet):
    def visible_to(self, user) -> WaveQuerySet:
        """Waves fielded in at least one neighbourhood the user may see."""
        return self.filter(neighbourhoods__in=Neighbourhood.objects.visible_to(user)).distinct()

    def open_on(self, day: datetime.date) -> WaveQuerySet:
        return self.filter(opens_on__lte=day, closes_on__gte=day)

    def closed_before(self, day: datetime.date) -> WaveQuerySet:
        return self.filter(closes_on__lt=day)


class Wave(models.Model):
    survey_version = models.ForeignKey("surveys.SurveyVersion", on_delete=models.PROTECT, related_name="waves")
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in the wave's public links.")
    neighbourhoods = models.ManyToManyField("indicators.Neighbourhood", related_name="survey_waves")
    opens_on = models.DateField()
    closes_on = models.DateField(help_text="The last day residents can answer.")
    open_link = models.BooleanField(
        default=False, help_text="Also accept answers without a code, through a public link (rate limited)."
    )
    synthetic = models.BooleanField(default=False, help_text="Demo data: every response in it is made up.")
    unlinked_at = models.DateTimeField(
        null=True, blank=True, help_text="When responses were cut loose from their invitations after closing."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WaveQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_on__lte=models.F("closes_on")), name="wave_opens_before_closing"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.opens_on <= day <= self.closes_on

    def has_closed(self, day: datetime.date | None = None) -> bool:
        return (day or timezone.localdate()) > self.closes_on


class Invitation(models.Model):
    """One letter's code. Only a keyed hash of the code is kept; the code itself is shown once."""

    # Indexed with its neighbourhood (invitation_wave_neighbourhood), which serves lookups by wave alone.
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations", db_index=False)
    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, help_text="HMAC-SHA256 of the normalised code.")
    batch = models.PositiveIntegerField(default=1, help_text="Which generation run made it.")
    sealed_code = models.CharField(
        max_length=12,
        blank=True,
        help_text="The code sealed with a key kept outside the database, so that a reminder can print it again; "
        "emptied once the wave has closed. Empty for codes made before reminders existed.",
    )
    used = models.BooleanField(default=False, help_text="A response with this code was completed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # A constraint rather than unique=True: the same unique index, without the second
            # (LIKE) index PostgreSQL gets for a unique text field, which no query uses.
            models.UniqueConstraint(fields=["code_hash"], name="invitation_code_hash_unique"),
        ]
        indexes = [models.Index(fields=["wave", "neighbourhood"], name="invitation_wave_neighbourhood")]

    def __str__(self) -> str:
        return f"Invitation {self.pk} ({self.wave}, {self.neighbourhood})"


class LetterBatch(models.Model):
    """One run of letters for a neighbourhood of a wave: the invitations with new codes, or reminders that print
    the unused codes again. Kept so that the wave page can set letters beside responses over time."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitations"
        REMINDER = "reminder", "Reminders"

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="letter_batches")
    neighbourhood = models.ForeignKey("indicators.Neighbourhood", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    letters = models.PositiveIntegerField(help_text="How many codes the batch printed (or made).")
    not_reprinted = models.PositiveIntegerField(
        default=0, help_text="Reminders: unused codes that could not be printed again (made before codes were sealed)."
    )
    printed_at = models.DateTimeField(default=timezone.now)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["printed_at", "pk"]
        indexes = [models.Index(fields=["wave", "printed_at"], name="letter_batch_wave_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reminder") | Q(not_reprinted=0), name="letter_batch_only_reminders_miss_codes"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.letters} for {self.neighbourhood_id} ({self.wave})"
